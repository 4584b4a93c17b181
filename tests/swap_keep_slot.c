/*
 * swap.keep_slot_on_read (issue 14): a read fault leaves the page in the
 * swap cache with its slot while swap is under half full, as Linux's
 * should_try_to_free_swap does, so that evicting it again costs no write.
 * What must hold: the kept copy is only trusted while the page is clean
 * (a write after the read is written out again, and reads back as
 * written, not as the stale copy); the slots go with the mapping
 * (munmap); a device over half full frees them at swap-in as before.
 * On a RAM device of each case's own, base pages and mTHP.
 */
#include "kernel/ktest.h"
#include "mm/mthp.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/swap_cluster.h"
#include "mm/swap_in.h"
#include "mm/vmscan.h"
#include "mm_test.h"
#include "swap_path_test.h"
#include "swap_test.h"

#define KEEP_BYTES (16ul << 20)
#define KEEP_PAGES 64ul

/* swap_path_begin with the design under test switched on (the test's
 * defaults switch it off; they are put back at the end of the test). */
static bool keep_begin(struct ktest *t, struct swap_path_env *e, u64 bytes, unsigned order)
{
	if (!swap_path_begin(t, e, "swt-keep", bytes, order))
		return false;
	swapin_keep_slot = true;
	return true;
}

/* Write tag, page the range out and read it back: the slots stay, held by
 * the swap cache alone, and the pages are clean. */
static void keep_write_out_read_back(struct ktest *t, struct swap_path_env *e, struct mm *mm,
				     unsigned long n, u64 tag)
{
	u64 kept = test_stat("swapin_slot_kept");
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, tag), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, n * PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), (long)n);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, tag), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&e->s.si->inuse), (long)n);
	KT_EXPECT(t, test_stat("swapin_slot_kept") > kept);
	for (unsigned long p = 0; p < n; p++) {
		pte_t pte = mm_test_pte(mm, MM_TEST_REGION + p * PAGE_SIZE);
		KT_EXPECT(t, pte_present(pte) && !pte_write(pte) && !pte_dirty(pte));
	}
}

/*
 * Paged out, read back, paged out again without a write: the second
 * eviction writes nothing (pswpout unchanged) and frees every page, and
 * the data read a third time is still the first pattern.
 */
static void keep_clean_eviction_writes_nothing(struct ktest *t, unsigned order)
{
	struct swap_path_env e;
	if (!keep_begin(t, &e, KEEP_BYTES, order))
		return;
	struct mm *mm = mm_test_create(t, KEEP_PAGES);
	KT_ASSERT(t, mm);
	keep_write_out_read_back(t, &e, mm, KEEP_PAGES, 3);
	u64 out = test_stat("pswpout");
	unsigned long freed = 0;
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, KEEP_PAGES * PAGE_SIZE, &freed), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, freed, KEEP_PAGES);
	KT_EXPECT_EQ(t, test_stat("pswpout"), out); /* no write: the device has it */
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), (long)KEEP_PAGES);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, KEEP_PAGES, 3), 0);
	mm_put(mm); /* the kept slots go with the mapping */
	swap_path_end(t, &e);
}

KTEST(swap_keep_slot, clean_eviction_after_a_read_writes_nothing_base)
{
	keep_clean_eviction_writes_nothing(t, 0);
}

KTEST(swap_keep_slot, clean_eviction_after_a_read_writes_nothing_mthp)
{
	keep_clean_eviction_writes_nothing(t, 4);
}

/*
 * Read back (slot kept), then written: the write reuses the exclusive
 * page without a copy, the next eviction writes it out again, and what
 * reads back is the new data. Were the kept copy trusted after the write,
 * the third read would return the old pattern.
 */
static void keep_write_after_read_is_written_again(struct ktest *t, unsigned order)
{
	struct swap_path_env e;
	if (!keep_begin(t, &e, KEEP_BYTES, order))
		return;
	struct mm *mm = mm_test_create(t, KEEP_PAGES);
	KT_ASSERT(t, mm);
	keep_write_out_read_back(t, &e, mm, KEEP_PAGES, 5);
	u64 copies = test_stat("cow_copy"), out = test_stat("pswpout");
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, KEEP_PAGES, 6), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies); /* exclusive: reused */
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, KEEP_PAGES * PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, test_stat("pswpout"), out + KEEP_PAGES);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, KEEP_PAGES, 6), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

KTEST(swap_keep_slot, a_write_after_the_read_is_written_again_base)
{
	keep_write_after_read_is_written_again(t, 0);
}

KTEST(swap_keep_slot, a_write_after_the_read_is_written_again_mthp)
{
	keep_write_after_read_is_written_again(t, 4);
}

/*
 * A device more than half full (vm_swap_full): read faults free their
 * slots until it is not, then keep them. 300 pages on 511 slots: the
 * first faults free, the rest keep, and usage ends at about half.
 */
KTEST(swap_keep_slot, over_half_full_the_swap_in_frees_its_slot)
{
	struct swap_path_env e;
	if (!keep_begin(t, &e, 2ul << 20, 0)) /* 511 slots */
		return;
	const unsigned long n = 300;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 9), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, n * PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), (long)n);
	KT_EXPECT(t, (u64)n * 2 > e.s.si->nr_usable);
	u64 kept = test_stat("swapin_slot_kept");
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 9), 0);
	u64 inuse = (u64)atomic_long_read(&e.s.si->inuse);
	kept = test_stat("swapin_slot_kept") - kept;
	ktest_diag(t, "%lu read faults on %llu usable slots: %llu kept, %llu slots in use after", n,
		   (unsigned long long)e.s.si->nr_usable, (unsigned long long)kept,
		   (unsigned long long)inuse);
	KT_EXPECT_EQ(t, inuse, kept);
	KT_EXPECT(t, kept > 0 && kept < n);
	KT_EXPECT(t, inuse * 2 <= e.s.si->nr_usable + 1);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* swap.keep_slot_on_read=0: every swap-in frees its slots (the design
 * before issue 14, which the other swap tests run). */
KTEST(swap_keep_slot, switched_off_every_swap_in_frees_its_slot)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-keep", KEEP_BYTES, 0))
		return;
	KT_EXPECT(t, !swapin_keep_slot);
	struct mm *mm = mm_test_create(t, KEEP_PAGES);
	KT_ASSERT(t, mm);
	u64 kept = test_stat("swapin_slot_kept");
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, KEEP_PAGES, 4), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, KEEP_PAGES * PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, KEEP_PAGES, 4), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0);
	KT_EXPECT_EQ(t, test_stat("swapin_slot_kept"), kept);
	mm_put(mm);
	swap_path_end(t, &e);
}

/*
 * A read-back page shared by fork, the child gone: the parent's write
 * reuses it in place. Not exclusive (fork took that), so only references
 * can prove it alone, and the slot the cache kept would hide that: the
 * write fault lets the cache go first (wp_can_reuse_anon_folio, as
 * Linux). Were it kept, each page would be copied.
 */
KTEST(swap_keep_slot, a_write_after_fork_and_the_childs_exit_reuses_the_page)
{
	struct swap_path_env e;
	if (!keep_begin(t, &e, KEEP_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, KEEP_PAGES);
	KT_ASSERT(t, mm);
	keep_write_out_read_back(t, &e, mm, KEEP_PAGES, 3);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	mm_put(child);
	u64 copies = test_stat("cow_copy"), reuses = test_stat("cow_reuse");
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, KEEP_PAGES, 4), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies);
	KT_EXPECT_EQ(t, test_stat("cow_reuse"), reuses + KEEP_PAGES);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0); /* the cache let go */
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, KEEP_PAGES, 4), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* The same under swap.exclusive_bit=0 (seed 001's design before): a read
 * fault maps the page not exclusive; the write that follows reuses it. */
KTEST(swap_keep_slot, without_the_exclusive_bit_a_read_then_a_write_reuses_the_page)
{
	struct swap_path_env e;
	if (!keep_begin(t, &e, KEEP_BYTES, 0))
		return;
	swap_exclusive_bit = false;
	struct mm *mm = mm_test_create(t, KEEP_PAGES);
	KT_ASSERT(t, mm);
	keep_write_out_read_back(t, &e, mm, KEEP_PAGES, 3);
	u64 copies = test_stat("cow_copy");
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, KEEP_PAGES, 4), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, KEEP_PAGES, 4), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/*
 * Kept slots must not keep swap from pages that need it: mm A's 250
 * read-back pages keep their slots (a device of 511, under half full),
 * then mm B pages out 300. The allocation that finds the device full
 * gives back slots the cache alone holds (swap_reclaim_cache_only), so
 * all 300 go out, and A's pages still read back right.
 */
KTEST(swap_keep_slot, kept_slots_are_given_back_when_another_mm_needs_swap)
{
	struct swap_path_env e;
	if (!keep_begin(t, &e, 2ul << 20, 0)) /* 511 slots */
		return;
	struct swap_test_others others; /* the boot's disk would take the rest */
	swap_test_others_off(t, &others, e.s.type);
	struct mm *a = mm_test_create(t, 250), *b = mm_test_create(t, 300);
	KT_ASSERT(t, a && b);
	keep_write_out_read_back(t, &e, a, 250, 1);
	KT_EXPECT_EQ(t, swap_path_write(b, 0, 300, 2), 0);
	u64 given = test_stat("swap_reclaimed_cache_only");
	unsigned long freed = 0;
	KT_EXPECT_EQ(t, madvise_pageout(b, MM_TEST_REGION, 300 * PAGE_SIZE, &freed), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, freed, 300ul);
	KT_EXPECT(t, test_stat("swap_reclaimed_cache_only") > given);
	KT_EXPECT_EQ(t, swap_path_check(a, 0, 250, 1), 0);
	KT_EXPECT_EQ(t, swap_path_check(b, 0, 300, 2), 0);
	mm_put(a);
	mm_put(b);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}
