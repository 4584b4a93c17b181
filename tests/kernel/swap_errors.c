/*
 * I/O errors on the swap path, with QEMU's blkdebug failing reads of
 * sector blktest.bad_read and writes of sector blktest.bad_write on vda
 * (tools/blk-images.sh; the "errors" boot of make test).
 *
 * A read error kills only the task that faulted, with a message, and
 * leaves nothing in the swap cache (the entry is still there to be read
 * again). A write error keeps the folio in memory, dirty and in the swap
 * cache: nothing is lost, it reads back from memory, and written again
 * elsewhere it reads back from the device.
 */
#include "drivers/blockdev.h"
#include "kernel/printk.h"
#include "mm/kmalloc.h"
#include "tests/swap_path_test.h"

extern u64 blktest_bad_read_sector(void);
extern u64 blktest_bad_write_sector(void);

/*
 * Every slot of the device taken but the ones a case wants its pages in:
 * the allocator then has no choice. The holes are given out by
 * release_slot.
 */
struct held_slots {
	unsigned n;
	swp_entry_t *e; /* sorted by offset (allocated in order or not: found by search) */
};

static bool hold_all(struct ktest *t, unsigned type, struct held_slots *h)
{
	u64 slots = swap_type_nr_slots(type);
	h->e = kmalloc(slots * sizeof(*h->e), GFP_KERNEL);
	h->n = 0;
	if (!KT_EXPECT(t, h->e != NULL))
		return false;
	while (h->n < slots && swap_alloc_type(type, 0, &h->e[h->n]) == 0)
		h->n++;
	return KT_EXPECT(t, h->n > 0);
}

/* Give slot offset back to the allocator. */
static void release_slot(struct held_slots *h, u64 offset)
{
	for (unsigned i = 0; i < h->n; i++) {
		if (swp_offset(h->e[i]) == offset) {
			swap_free(h->e[i]);
			h->e[i] = h->e[--h->n];
			return;
		}
	}
}

static void release_all(struct held_slots *h)
{
	for (unsigned i = 0; i < h->n; i++)
		swap_free(h->e[i]);
	kfree(h->e);
}

KTEST(swap_errors, read_error_kills_only_the_faulting_task)
{
	u64 bad = blktest_bad_read_sector();
	if (!bad) {
		ktest_skip(t, "no blkdebug rules (blktest.bad_read=)");
		return;
	}
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, NULL, 0, 0))
		return;
	u64 slot = bad >> (PAGE_SHIFT - SECTOR_SHIFT);
	struct held_slots held;
	struct mm *mm = mm_test_create(t, 2);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 2, 1), 0);
	if (!hold_all(t, (unsigned)e.s.type, &held))
		return;
	/* Page 0 goes to the bad slot, page 1 to the one after it. */
	release_slot(&held, slot);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	release_slot(&held, slot + 1);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION + PAGE_SIZE, PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	pte_t pte = mm_test_pte(mm, MM_TEST_REGION);
	KT_ASSERT(t, pte_is_swap(pte));
	KT_EXPECT_EQ(t, swp_offset(pte_to_swp_entry(pte)), slot);
	swap_cache_drop_clean(pte_to_swp_entry(pte)); /* so the fault must read */
	KT_EXPECT(t, !swap_cache_peek(pte_to_swp_entry(pte)));
	u64 kills = test_stat("swapin_read_kills"), errs = test_stat("swap_read_errors");
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the messages are expected */
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(1), 0, 1), -EIO);
	console_loglevel = saved;
	KT_EXPECT_EQ(t, test_stat("swapin_read_kills"), kills + 1);
	KT_EXPECT_EQ(t, test_stat("swap_read_errors"), errs + 1);
	/* Nothing stale: the PTE still names the entry, no folio is cached
	 * for it, its count is intact. */
	KT_EXPECT(t, pte_same(mm_test_pte(mm, MM_TEST_REGION), pte));
	KT_EXPECT(t, !swap_cache_peek(pte_to_swp_entry(pte)));
	KT_EXPECT_EQ(t, swap_count(pte_to_swp_entry(pte)), 1);
	/* Another task of the same mm, another page: fine. */
	swap_cache_drop_clean(pte_to_swp_entry(mm_test_pte(mm, MM_TEST_REGION + PAGE_SIZE)));
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(1), 1, 1), 0);
	mm_put(mm);
	release_all(&held);
	swap_path_end(t, &e);
}

KTEST(swap_errors, write_error_loses_no_data)
{
	u64 bad = blktest_bad_write_sector();
	if (!bad) {
		ktest_skip(t, "no blkdebug rules (blktest.bad_write=)");
		return;
	}
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, NULL, 0, 0))
		return;
	u64 slot = bad >> (PAGE_SHIFT - SECTOR_SHIFT);
	struct held_slots held;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 1), 0);
	if (!hold_all(t, (unsigned)e.s.type, &held))
		return;
	release_slot(&held, slot);
	u64 werr = test_stat("swap_write_errors");
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	console_loglevel = saved;
	KT_EXPECT_EQ(t, test_stat("swap_write_errors"), werr + 1);
	pte_t pte = mm_test_pte(mm, MM_TEST_REGION);
	KT_ASSERT(t, pte_is_swap(pte));
	swp_entry_t entry = pte_to_swp_entry(pte);
	KT_EXPECT_EQ(t, swp_offset(entry), slot);
	/* Kept: in the cache, dirty, not freed. */
	struct folio *folio = swap_cache_get_folio(entry);
	KT_ASSERT(t, folio != NULL);
	KT_EXPECT(t, folio_test_dirty(folio));
	folio_put(folio);
	/* Reads back from memory (a cache hit, no read). */
	u64 reads = test_stat("pswpin");
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 1, 1), 0);
	KT_EXPECT_EQ(t, test_stat("pswpin"), reads);
	/* Written again, to the next slot (the bad one held now), and read
	 * back from the device. */
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)e.s.type, 0, &held.e[held.n]), 0);
	KT_EXPECT_EQ(t, swp_offset(held.e[held.n]), slot);
	held.n++;
	release_slot(&held, slot + 1);
	u64 writes = test_stat("pswpout");
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, test_stat("pswpout"), writes + 1);
	pte = mm_test_pte(mm, MM_TEST_REGION);
	KT_ASSERT(t, pte_is_swap(pte));
	swap_cache_drop_clean(pte_to_swp_entry(pte)); /* so the fault must read */
	KT_EXPECT(t, swp_offset(pte_to_swp_entry(pte)) != slot);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 1, 1), 0);
	KT_EXPECT_EQ(t, test_stat("pswpin"), reads + 1);
	mm_put(mm);
	release_all(&held);
	swap_path_end(t, &e);
}
