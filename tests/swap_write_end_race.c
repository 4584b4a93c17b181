/*
 * The end of a swap write against a zap of its last swap PTE (found as a
 * "refcount underflow" and "slot names a folio not in the cache" in the
 * 4-CPU demo and the stress test). The write's completion clears
 * writeback and then tries to free the folio from the swap cache. In
 * between, with writeback clear, a zap may take the folio out of the cache
 * itself; it then held no reference but the cache's, so it was freed, and
 * the completion locked, took and put a folio already freed: freed twice.
 * Now the I/O holds a reference from submission to the end of its
 * completion, which then drops the last one (swap_write_end_last_ref).
 * Without it the completion's folio_get panics (a reference taken on a
 * free folio), or, with that check gone, the folio count ends one short.
 *
 * Forced with race points on an asynchronous RAM device whose completions
 * run on another CPU: the completion is held right after writeback clears
 * until the zap's swap_cache_try_free has finished.
 */
#include "drivers/ramswap.h"
#include "kernel/race.h"
#include "swap_path_test.h"

#define WRITE_END_DEVICE "swt-async"

KTEST(mm_race, swap_write_end_holds_its_folio)
{
	if (!test_require_cpus(t, 2))
		return;
	/* Completions on another CPU than this task's. */
	unsigned io_cpu = test_other_cpu();
	KT_ASSERT(t, test_ramswap(t, WRITE_END_DEVICE, 16ul << 20, true, io_cpu));
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, WRITE_END_DEVICE, 16ul << 20, 0))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 7), 0);

	const struct test_race_point points[] = {
		{ "swapout:write-done", TEST_RACE_HOLD("swap_cache:try-free-done", -1) },
		{ "swap_cache:try-free-done", TEST_RACE_COUNT },
	};
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
	static const char *const counters[] = { "pswpout", "mm_zap_swap", "swap_write_end_last_ref",
						"swap_freed_at_write_end", NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	u64 timeouts = race_wait_timeouts(), last_ref = test_stat("swap_write_end_last_ref");

	unsigned long freed = 1;
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, &freed), 0);
	KT_EXPECT_EQ(t, freed, 0); /* the write is in flight */
	u64 t0 = arch_time_ns();
	while (race_hits("swapout:write-done") == 0 && arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	KT_ASSERT_EQ(t, race_hits("swapout:write-done"), 1);
	/* Writeback is clear and the completion waits: the zap of the only
	 * swap PTE takes the folio out of the cache. */
	KT_EXPECT_EQ(t, mm_munmap(mm, MM_TEST_REGION, PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, race_hits("swap_cache:try-free-done"), 1);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	race_disarm_all();
	/* The completion, not the zap, freed the folio. */
	KT_EXPECT_EQ(t, test_stat("swap_write_end_last_ref"), last_ref + 1);
	ktest_stats_print(t, &stats);
	mm_put(mm);
	swap_path_end(t, &e); /* every folio and slot back: nothing freed twice */
}
