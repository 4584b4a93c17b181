/*
 * An allocation's folio against the swap accounting check (found by make
 * stress on x86-64 with failing swap writes: "slot 73: names pfn 0x35dc,
 * not in the swap cache", a panic at swapoff with swap.check=1).
 * folio_alloc_swap used to publish the folio in the cluster's table under
 * the cluster lock, then set its entry, references and swap-cache flag
 * after the unlock: in between, the table named a folio the cache did not
 * know, which the check (and any lookup) could see. Now the folio enters
 * the cache whole under that lock (cluster_take_run).
 *
 * Forced with a race point: reclaim on another CPU is held right after
 * its allocation returned (where the old code had not yet set the flag)
 * while this task runs swap_check(). Without the fix the check counts one
 * problem per page.
 */
#include "kernel/race.h"
#include "swap_path_test.h"

#define ALLOC_RACE_DEVICE "swt-alloc"

struct alloc_race_pageout {
	struct mm *mm;
	unsigned long freed;
	int err;
};

static int alloc_race_pageout(void *arg)
{
	struct alloc_race_pageout *p = arg;
	p->err = madvise_pageout(p->mm, MM_TEST_REGION, PAGE_SIZE, &p->freed);
	return 0;
}

KTEST(mm_race, swap_check_sees_an_allocated_folio_cached)
{
	if (!test_require_cpus(t, 2))
		return;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, ALLOC_RACE_DEVICE, 16ul << 20, 0))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 7), 0);

	const struct test_race_point points[] = {
		{ "swap:after-alloc", TEST_RACE_HOLD("test:swap-checked", -1) },
		{ "test:swap-checked", TEST_RACE_COUNT },
	};
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
	u64 timeouts = race_wait_timeouts();
	struct alloc_race_pageout p = { .mm = mm };
	struct task *job =
		kthread_create_on_cpu(alloc_race_pageout, &p, test_other_cpu(), "alloc-race");
	KT_ASSERT(t, job);
	u64 t0 = arch_time_ns();
	while (race_hits("swap:after-alloc") == 0 && arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	bool held = race_hits("swap:after-alloc") == 1;
	/* The allocation is done, its folio not yet written or unmapped. */
	int problems = swap_check();
	race_point("test:swap-checked");
	KT_EXPECT_EQ(t, kthread_join(job), 0);
	KT_EXPECT(t, held);
	KT_EXPECT_EQ(t, problems, 0);
	KT_EXPECT_EQ(t, p.err, 0);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	race_disarm_all();
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 1, 7), 0);
	mm_put(mm);
	swap_path_end(t, &e); /* every folio and slot back */
}
