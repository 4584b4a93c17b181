/*
 * The swap-in latency histograms (mm/swap_stats.c): the software overhead
 * is taken fault by fault, percentiles are at most 1/16 above the value,
 * and a fault's I/O wait is its own: a fault that reads waits for the
 * read, a fault that finds the folio uptodate in the swap cache waits 0.
 * The histograms are global: each case starts from a reset and resets
 * them when it ends (a benchmark resets them before it measures too).
 */
#include "kernel/ktest.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "swap_path_test.h"
#include "test_kit.h"

#define US 1000ull

/* Half the faults wait 2 ms for I/O and do no software; the other half do
 * 1 ms of software and no I/O. Per fault the overhead's p99 is 1 ms; the
 * difference of the p99s (total 2 ms, I/O wait 2 ms) would say 0. */
KTEST(swap_latency, overhead_percentiles_are_taken_fault_by_fault)
{
	swapin_latency_reset();
	for (unsigned i = 0; i < 50; i++) {
		swapin_latency_record(2000 * US, 2000 * US);
		swapin_latency_record(1000 * US, 0);
	}
	KT_EXPECT_EQ(t, swapin_latency_count(), 100);
	u64 total99 = swapin_latency_percentile_ns(SWAPIN_LAT_TOTAL, 99);
	u64 io99 = swapin_latency_percentile_ns(SWAPIN_LAT_IO_WAIT, 99);
	u64 over50 = swapin_latency_percentile_ns(SWAPIN_LAT_OVERHEAD, 50);
	u64 over99 = swapin_latency_percentile_ns(SWAPIN_LAT_OVERHEAD, 99);
	KT_EXPECT_EQ(t, total99, io99);
	KT_EXPECT_EQ(t, over50, 0);
	KT_EXPECT(t, over99 >= 1000 * US && over99 <= 1000 * US + 1000 * US / 16);
	swapin_latency_reset();
	KT_EXPECT_EQ(t, swapin_latency_count(), 0);
	KT_EXPECT_EQ(t, swapin_latency_percentile_ns(SWAPIN_LAT_TOTAL, 50), 0);
}

KTEST(swap_latency, a_percentile_is_at_most_a_sixteenth_above_the_value)
{
	static const u64 values[] = { 0,    1,	    15,	       16,	   17,
				      31,   32,	    33,	       1000,	   4095,
				      4096, 123456, 999999999, 1ull << 39, 1ull << 45 };
	for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		u64 v = values[i], max = (1ull << 40) - 1;
		u64 want = v < max ? v : max; /* longer than 18 minutes: clamped */
		swapin_latency_reset();
		swapin_latency_record(v, 0);
		u64 p = swapin_latency_percentile_ns(SWAPIN_LAT_TOTAL, 50);
		if (!KT_EXPECT(t, p >= want && p <= want + want / 16))
			pr_err("swap_latency: %lu ns recorded, p50 %lu ns\n", (unsigned long)v,
			       (unsigned long)p);
	}
	swapin_latency_reset();
}

/*
 * A page shared by fork, paged out: the parent's fault misses the swap
 * cache and reads (its I/O wait is the read's time, above 0); the folio
 * stays in the cache, as the child's PTE still holds the slot, and the
 * child's fault finds it uptodate: I/O wait 0, all of it overhead. Two
 * faults, so the I/O wait's p50 is the child's 0 and its p99 the parent's
 * read. Shared swap PTEs never take the bypass, whatever the boot chose.
 */
KTEST(swap_latency, a_read_is_waited_for_and_an_uptodate_cached_folio_is_not)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "ramswap-lat", 2ul << 20, 0))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 1), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	KT_EXPECT(t, pte_is_swap(mm_test_pte(mm, MM_TEST_REGION)));
	KT_EXPECT(t, pte_is_swap(mm_test_pte(child, MM_TEST_REGION)));
	u64 hits = test_stat("swapin_cache_hits"), misses = test_stat("swapin_cache_misses");
	swapin_latency_reset();
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 0, 1), 0);
	KT_EXPECT_EQ(t, swap_path_read_one(child, test_nth_cpu(0), 0, 1), 0);
	KT_EXPECT_EQ(t, test_stat("swapin_cache_misses"), misses + 1);
	KT_EXPECT_EQ(t, test_stat("swapin_cache_hits"), hits + 1);
	KT_EXPECT_EQ(t, swapin_latency_count(), 2);
	KT_EXPECT_EQ(t, swapin_latency_percentile_ns(SWAPIN_LAT_IO_WAIT, 50), 0);
	KT_EXPECT(t, swapin_latency_percentile_ns(SWAPIN_LAT_IO_WAIT, 99) > 0);
	KT_EXPECT(t, swapin_latency_percentile_ns(SWAPIN_LAT_OVERHEAD, 50) > 0);
	swapin_latency_reset();
	mm_put(child);
	mm_put(mm);
	swap_path_end(t, &e);
}
