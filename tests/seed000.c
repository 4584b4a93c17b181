/*
 * Seed 000 ("mm, swap: never bypass the swap cache even for
 * SWP_SYNCHRONOUS_IO", the second process): process P swaps in a 16-page
 * folio (mTHP) of entries that process C, forked from it, maps only in
 * part (C unmapped one page). P has put the folio in the swap cache and
 * read it, but not mapped it yet, when C faults on one of the entries and
 * takes the folio lock first. C cannot map the whole folio and the folio
 * is not anon yet, so C gives it up (out of the cache) and refaults at
 * order 0; P, taking the lock after it, finds the folio gone and refaults
 * too. Both finish, no livelock, both read their data; the repeated
 * faults are reported. Forced with race points on a RAM device.
 */
#include "kernel/race.h"
#include "swap_path_test.h"

#define NPAGES 16

struct seed000_job {
	struct mm *mm;
	unsigned long page;
	u64 tag;
	int bad;
};

static int seed000_read(void *arg)
{
	struct seed000_job *j = arg;
	j->bad = mmt_read(j->mm, swapp_addr(j->page, 0)) != swapp_value(j->tag, j->page, 0);
	return 0;
}

KTEST(seed000, partly_mapped_large_folio_falls_back_without_livelock)
{
	if (nr_cpus_online < 2) {
		ktest_skip(t, "needs 2 or more CPUs");
		return;
	}
	struct swapp_env e;
	if (!swapp_begin(t, &e, "swt-io", 16ul << 20, 4))
		return;
	struct mm *p = swapp_mm(t, NPAGES);
	KT_ASSERT(t, p);
	KT_EXPECT_EQ(t, swapp_write(p, 0, NPAGES, 5), 0);
	KT_ASSERT_EQ(t, folio_order(mmt_folio_at(p, SWAPP_REGION)), 4);
	struct mm *c = mm_fork(p);
	KT_ASSERT(t, c);
	KT_EXPECT_EQ(t, mm_munmap(c, SWAPP_REGION, PAGE_SIZE), 0); /* C maps 15 of 16 */
	KT_EXPECT_EQ(t, mm_pageout(p, SWAPP_REGION, NPAGES * PAGE_SIZE, NULL), 0);
	KT_EXPECT(t, pte_is_swap(mmt_pte(p, SWAPP_REGION)));
	KT_EXPECT(t, pte_is_swap(mmt_pte(c, SWAPP_REGION + 5 * PAGE_SIZE)));

	/* P spins in its race points: not on this thread's CPU, which must
	 * go on to start C. */
	unsigned cpu_p = test_other_cpu(), cpu_c = arch_cpu_id();
	/* P: after putting its folio in the cache, wait for C's lookup to
	 * find it; after the read, wait for C to hold the folio lock. */
	struct race_arming a = RACE_ARMING_DEFAULT;
	a.wait_for = "swapin:cache-hit";
	a.cpu = (int)cpu_p;
	a.times = 1;
	KT_ASSERT_EQ(t, race_arm("swapin:after-cache-add", &a), 0);
	struct race_arming b = RACE_ARMING_DEFAULT;
	b.wait_for = "swapin:folio-locked";
	b.cpu = (int)cpu_p;
	b.times = 1;
	KT_ASSERT_EQ(t, race_arm("swapin:before-lock", &b), 0);
	struct race_arming cnt = RACE_ARMING_DEFAULT;
	KT_ASSERT_EQ(t, race_arm("swapin:cache-hit", &cnt), 0);
	KT_ASSERT_EQ(t, race_arm("swapin:folio-locked", &cnt), 0);
	u64 timeouts = race_wait_timeouts(), refaults = mmt_stat("swapin_refaults");
	u64 faults = mmt_stat("swapin_faults"), partial = mmt_stat("swapin_partial_maps");

	struct seed000_job jp = { p, 0, 5, 0 }, jc = { c, 5, 5, 0 };
	struct task *tp = kthread_create_in_mm(seed000_read, &jp, cpu_p, "P", p);
	KT_ASSERT(t, tp);
	while (race_hits("swapin:after-cache-add") == 0)
		yield();
	struct task *tc = kthread_create_in_mm(seed000_read, &jc, cpu_c, "C", c);
	KT_ASSERT(t, tc);
	KT_EXPECT_EQ(t, kthread_join(tp), 0);
	KT_EXPECT_EQ(t, kthread_join(tc), 0);
	race_disarm_all();
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	KT_EXPECT_EQ(t, jp.bad, 0);
	KT_EXPECT_EQ(t, jc.bad, 0);
	u64 repeated = mmt_stat("swapin_refaults") - refaults;
	ktest_diag(t, "P and C done: %lu swap-in faults, %lu repeated (refaults), %lu partial maps",
		   (unsigned long)(mmt_stat("swapin_faults") - faults), (unsigned long)repeated,
		   (unsigned long)(mmt_stat("swapin_partial_maps") - partial));
	KT_EXPECT(t, repeated >= 1 && repeated <= 4); /* a few, not a livelock */
	/* Everything reads back in both. */
	KT_EXPECT_EQ(t, swapp_check(p, 0, NPAGES, 5), 0);
	KT_EXPECT_EQ(t, swapp_check(c, 1, NPAGES - 1, 5), 0);
	mm_put(c);
	mm_put(p);
	swapp_end(t, &e);
}
