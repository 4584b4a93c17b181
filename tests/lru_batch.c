/*
 * The per-CPU LRU add batches (mm/lru.c): a new folio waits in its CPU's
 * batch, not on a list, until the batch fills (15) or is drained; a folio
 * freed while it waits there is taken out of the batch, with no
 * reference of the batch's to give back.
 */
#include "mm/folio.h"
#include "mm/lru.h"
#include "mm/mthp.h"
#include "mm_test.h"

static void lru_batch_restore_orders(void *arg)
{
	mthp_set_orders((unsigned long)arg);
}

/* Base pages only: a large folio moves its batch at once. */
static struct mm *lru_batch_mm(struct ktest *t, unsigned long npages)
{
	ktest_defer(t, lru_batch_restore_orders, (void *)mthp_set_orders(1ul));
	lru_add_drain_all(); /* this CPU's batch starts empty */
	return mm_test_create(t, npages);
}

#define LRU_BATCH_TEST_SIZE 15 /* mm/lru.c's FOLIO_BATCH_SIZE */

KTEST(lru_batch, new_folios_wait_in_the_batch_until_it_fills)
{
	struct mm *mm = lru_batch_mm(t, LRU_BATCH_TEST_SIZE);
	KT_ASSERT(t, mm);
	for (unsigned i = 0; i < LRU_BATCH_TEST_SIZE - 1; i++)
		mm_test_write(mm, MM_TEST_REGION + i * PAGE_SIZE, i);
	struct folio *first = mm_test_folio_at(mm, MM_TEST_REGION);
	KT_ASSERT(t, first);
	KT_EXPECT(t, folio_test_lru_batch(first) && !folio_test_lru(first));
	KT_EXPECT_EQ(t, folio_ref_count(first), 1); /* the PTE's: none of the batch's */
	/* The fifteenth fills the batch: all of them go on the active list. */
	mm_test_write(mm, MM_TEST_REGION + (LRU_BATCH_TEST_SIZE - 1) * PAGE_SIZE, 99);
	for (unsigned i = 0; i < LRU_BATCH_TEST_SIZE; i++) {
		struct folio *f = mm_test_folio_at(mm, MM_TEST_REGION + i * PAGE_SIZE);
		KT_EXPECT(t, f && folio_test_lru(f) && folio_test_active(f) &&
				     !folio_test_lru_batch(f));
	}
	mm_put(mm);
}

KTEST(lru_batch, folio_freed_in_its_batch_leaves_it)
{
	struct mm *mm = lru_batch_mm(t, 1);
	KT_ASSERT(t, mm);
	mm_test_write(mm, MM_TEST_REGION, 7);
	struct folio *f = mm_test_folio_at(mm, MM_TEST_REGION);
	KT_ASSERT(t, f && folio_test_lru_batch(f));
	u64 frees = test_stat("lru_batch_frees");
	long live = folio_nr_live();
	KT_EXPECT_EQ(t, mm_munmap(mm, MM_TEST_REGION, PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, test_stat("lru_batch_frees"), frees + 1);
	KT_EXPECT_EQ(t, folio_nr_live(), live - 1);
	lru_add_drain_all(); /* the batch no longer names it */
	mm_put(mm);
}
