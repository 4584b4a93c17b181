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
 *
 * The broken design (swap.keep_partial_folio=1, a command-line switch):
 * C leaves the folio in the cache and refaults, finds
 * it again, and again, for as long as P has not mapped it: with P held
 * (the thread's "p1 on a small core") C faults 50 times and more, a
 * livelock that ends only when P runs. Its test passes when that shows.
 */
#include "kernel/race.h"
#include "mm/swap_in.h"
#include "swap_path_test.h"

#define NPAGES 16

/* P on one CPU, held where the scenario needs it; C on this one; for the
 * broken design a releaser on a third lets P go after C's 50th refault. */
#define SEED000_HELD_REFAULTS 50

static int seed000_release(void *arg)
{
	(void)arg;
	while (race_hits("swapin:partial-refault") < SEED000_HELD_REFAULTS)
		yield();
	race_point("seed000:release");
	return 0;
}

static void seed000_keep_partial(bool on)
{
	swapin_keep_partial_folio = on;
}

static void seed000_keep_partial_off(void *arg)
{
	(void)arg;
	seed000_keep_partial(false);
}

/* Setup: P's 16-page folio paged out; C, forked from P before, maps 15
 * of its pages. */
static bool seed000_setup(struct ktest *t, struct mm **p, struct mm **c)
{
	*p = mm_test_create(t, NPAGES);
	if (!*p)
		return false;
	KT_EXPECT_EQ(t, swap_path_write(*p, 0, NPAGES, 5), 0);
	if (!KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(*p, MM_TEST_REGION)), 4))
		return false;
	*c = mm_fork(*p);
	if (!KT_EXPECT(t, *c != NULL))
		return false;
	KT_EXPECT_EQ(t, mm_munmap(*c, MM_TEST_REGION, PAGE_SIZE), 0); /* C maps 15 of 16 */
	KT_EXPECT_EQ(t, madvise_pageout(*p, MM_TEST_REGION, NPAGES * PAGE_SIZE, NULL), 0);
	KT_EXPECT(t, pte_is_swap(mm_test_pte(*p, MM_TEST_REGION)));
	KT_EXPECT(t, pte_is_swap(mm_test_pte(*c, MM_TEST_REGION + 5 * PAGE_SIZE)));
	return true;
}

/*
 * The forced interleaving: P reads page 0, C page 5, of the same folio.
 * P spins in its race points: not on this thread's CPU, which must go on
 * to start C (and not on the releaser's). P, after putting its folio in
 * the cache, waits for C's lookup to find it; after the read, for C to
 * hold the folio lock (the broken design: for C's 50th refault). How
 * many times C gave the folio up goes to *given_up.
 */
static bool seed000_interleave(struct ktest *t, bool broken, struct swap_path_reader *jp,
			       struct swap_path_reader *jc, u64 *given_up)
{
	unsigned cpu_c = arch_cpu_id(), cpu_p = test_other_cpu(), cpu_r = cpu_c;
	for (unsigned i = 0; i < nr_cpus_online; i++)
		if (test_nth_cpu(i) != cpu_c && test_nth_cpu(i) != cpu_p)
			cpu_r = test_nth_cpu(i);
	const char *p_waits_for = broken ? "seed000:release" : "swapin:folio-locked";
	const struct test_race_point points[] = {
		{ "swapin:after-cache-add", TEST_RACE_HOLD("swapin:cache-hit", (int)cpu_p) },
		{ "swapin:before-lock",
		  TEST_RACE_HOLD_FOR(p_waits_for, (int)cpu_p, 20 * 1000 * 1000) },
		{ "swapin:cache-hit", TEST_RACE_COUNT },
		{ "swapin:folio-locked", TEST_RACE_COUNT },
		{ "swapin:partial-refault", TEST_RACE_COUNT },
		{ "seed000:release", TEST_RACE_COUNT },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)) ||
	    !ktest_defer(t, seed000_keep_partial_off, NULL))
		return false;
	seed000_keep_partial(broken);

	struct task *tr =
		broken ? kthread_create_on_cpu(seed000_release, NULL, cpu_r, "release") : NULL;
	KT_EXPECT(t, !broken || tr);
	struct task *tp = kthread_create_in_mm(swap_path_reader_run, jp, cpu_p, "P", jp->mm);
	if (!KT_EXPECT(t, tp != NULL))
		return false;
	while (race_hits("swapin:after-cache-add") == 0)
		yield();
	struct task *tc = kthread_create_in_mm(swap_path_reader_run, jc, cpu_c, "C", jc->mm);
	if (!KT_EXPECT(t, tc != NULL))
		return false;
	KT_EXPECT_EQ(t, kthread_join(tp), 0);
	KT_EXPECT_EQ(t, kthread_join(tc), 0);
	if (tr)
		KT_EXPECT_EQ(t, kthread_join(tr), 0);
	seed000_keep_partial(false);
	*given_up = race_hits("swapin:partial-refault");
	race_disarm_all();
	return true;
}

/* Repeated faults (refaults) of the scenario; ~0 when it could not run. */
static u64 seed000_run(struct ktest *t, bool broken)
{
	if (!test_require_cpus(t, broken ? 3 : 2))
		return ~0ull;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", 16ul << 20, 4))
		return ~0ull;
	struct mm *p, *c;
	if (!seed000_setup(t, &p, &c))
		return ~0ull;

	u64 timeouts = race_wait_timeouts(), refaults = test_stat("swapin_refaults");
	static const char *const counters[] = { "swapin_faults",
						"swapin_refaults",
						"swapin_cache_hits",
						"swapin_mthp",
						"swapin_partial_maps",
						"pswpin",
						NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	u64 faults = test_stat("swapin_faults"), partial = test_stat("swapin_partial_maps");
	struct swap_path_reader jp = { p, 0, 5, 0 }, jc = { c, 5, 5, 0 };
	u64 given_up = 0;
	if (!seed000_interleave(t, broken, &jp, &jc, &given_up))
		return ~0ull;

	/* The outcome: the forced order happened, both read their data. */
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
	KT_EXPECT_EQ(t, jp.bad, 0);
	KT_EXPECT_EQ(t, jc.bad, 0);
	u64 repeated = test_stat("swapin_refaults") - refaults;
	ktest_diag(t,
		   "%s: P and C done: %lu swap-in faults, %lu repeated (refaults; %lu by C "
		   "finding the folio it cannot map), %lu partial maps",
		   broken ? "swap.keep_partial_folio=1" : "default design",
		   (unsigned long)(test_stat("swapin_faults") - faults), (unsigned long)repeated,
		   (unsigned long)given_up,
		   (unsigned long)(test_stat("swapin_partial_maps") - partial));
	ktest_stats_print(t, &stats);
	/* Everything reads back in both. */
	KT_EXPECT_EQ(t, swap_path_check(p, 0, NPAGES, 5), 0);
	KT_EXPECT_EQ(t, swap_path_check(c, 1, NPAGES - 1, 5), 0);
	mm_put(c);
	mm_put(p);
	swap_path_end(t, &e);
	return repeated;
}

KTEST(seed000, partly_mapped_large_folio_falls_back_without_livelock)
{
	u64 repeated = seed000_run(t, false);
	if (repeated != ~0ull)
		KT_EXPECT(t, repeated >= 1 && repeated <= 4); /* a few, not a livelock */
}

/* The broken design: passes when C keeps faulting while P is held. */
KTEST(seed000, keeping_the_partial_folio_refaults_until_its_reader_maps_it)
{
	u64 repeated = seed000_run(t, true);
	if (repeated != ~0ull)
		KT_EXPECT(t, repeated >= SEED000_HELD_REFAULTS);
}
