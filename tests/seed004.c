/*
 * Seed 004 ("mm: vmscan: TTU_SYNC for large folios"): reclaim unmaps a
 * large folio while another CPU does a break-before-make on its first PTE
 * (the PTE is briefly none, under the PTL). With TTU_SYNC (ttu.sync=1,
 * the default) the unmap takes the PTL before it looks at the first PTE,
 * so it waits for the PTE to come back and unmaps the whole folio. Without
 * it (ttu.sync=0) the unmap skips the none PTE without the lock, starts at
 * the second one, and leaves the folio half swap entries, half present.
 *
 * The interleaving is forced with race points, the same for both switch
 * values: the CPU doing the break-before-make holds the PTL with the
 * first PTE cleared until reclaim has found the PTL taken and is about to
 * wait for it (ttu:ptl-busy, counted in ttu_ptl_waits), then restores the
 * PTE and unlocks. With TTU_SYNC reclaim waited at the first PTE and finds
 * it back; without, it scanned past the none PTE first and waited at the
 * second. Both tests assert the wait happened, so neither can pass by
 * missing the window, and they assert opposite outcomes.
 */
#include "kernel/race.h"
#include "mm/lru.h"
#include "mm/rmap.h"
#include "swap_path_test.h"

#define FOLIO_PAGES 16

static int bbm_first_pte(void *arg)
{
	struct mm *mm = arg;
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, MM_TEST_REGION, &ptl);
	if (!ptep)
		return -ENOENT;
	pte_t old = ptep_get_and_clear(mm, MM_TEST_REGION, ptep);
	mm_tlb_flush_page(mm, MM_TEST_REGION);
	race_point("seed004:bbm-window"); /* held until reclaim looked */
	set_pte_at(mm, MM_TEST_REGION, ptep, old);
	pte_unmap_unlock(ptep, ptl);
	return 0;
}

struct seed004_result {
	unsigned swap_ptes, present_ptes;
};

/* Setup: one order-4 folio mapped by one mm. */
static struct mm *seed004_setup(struct ktest *t)
{
	struct mm *mm = mm_test_create(t, FOLIO_PAGES);
	if (!mm)
		return NULL;
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, FOLIO_PAGES, 4), 0);
	if (!KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, MM_TEST_REGION)), 4))
		return NULL;
	return mm;
}

static bool seed004_saved_ttu_sync;

static void seed004_restore_ttu_sync(void *arg)
{
	(void)arg;
	ttu_sync = seed004_saved_ttu_sync;
}

/* The forced interleaving: the break-before-make holds the PTL with the
 * first PTE cleared until reclaim has looked for that PTE. */
static bool seed004_interleave(struct ktest *t, bool sync, struct mm *mm)
{
	seed004_saved_ttu_sync = ttu_sync;
	if (!ktest_defer(t, seed004_restore_ttu_sync, NULL))
		return false;
	ttu_sync = sync;
	unsigned bbm_cpu = test_nth_cpu(1);
	const struct test_race_point points[] = {
		{ "seed004:bbm-window", TEST_RACE_HOLD("ttu:ptl-busy", (int)bbm_cpu) },
		{ "ttu:ptl-busy", TEST_RACE_COUNT },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return false;
	/* Take the folio off the LRU first: finding it walks the page table,
	 * whose lock the break-before-make will hold. */
	LIST_HEAD(list);
	struct folio *folio = mm_test_folio_at(mm, MM_TEST_REGION);
	if (!KT_EXPECT(t, folio && lru_isolate_folio(folio)))
		return false;
	list_add_tail(&folio->page.folio_lru, &list);
	struct task *bbm = kthread_create_on_cpu(bbm_first_pte, mm, bbm_cpu, "bbm");
	if (!KT_EXPECT(t, bbm))
		return false;
	/* Reclaim once the first PTE is cleared (the window is open). */
	while (race_hits("seed004:bbm-window") == 0)
		yield();
	reclaim_pages(&list);
	KT_EXPECT_EQ(t, kthread_join(bbm), 0);
	return true;
}

static void seed004_run(struct ktest *t, bool sync, struct seed004_result *r)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", 16ul << 20, 4))
		return;
	struct mm *mm = seed004_setup(t);
	KT_ASSERT(t, mm);

	u64 timeouts = race_wait_timeouts(), failed = test_stat("ttu_failed");
	u64 waits = test_stat("ttu_ptl_waits");
	static const char *const counters[] = { "ttu_ptes_unmapped", "ttu_failed",
						"ttu_ptl_waits",     "pswpout",
						"reclaim_freed",     NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	KT_ASSERT(t, seed004_interleave(t, sync, mm));
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	/* The contended event: reclaim found the PTL held and waited. */
	KT_EXPECT_EQ(t, test_stat("ttu_ptl_waits"), waits + 1);
	race_disarm_all();
	ttu_sync = seed004_saved_ttu_sync;

	/* The outcome: how much of the folio the unmap reached. */
	r->swap_ptes = r->present_ptes = 0;
	for (unsigned long p = 0; p < FOLIO_PAGES; p++) {
		pte_t pte = mm_test_pte(mm, MM_TEST_REGION + p * PAGE_SIZE);
		r->swap_ptes += pte_is_swap(pte);
		r->present_ptes += pte_present(pte);
	}
	ktest_diag(t, "ttu.sync=%d: after reclaim %u swap PTEs, %u present; ttu_failed +%lu", sync,
		   r->swap_ptes, r->present_ptes,
		   (unsigned long)(test_stat("ttu_failed") - failed));
	ktest_stats_print(t, &stats);
	KT_EXPECT_EQ(t, r->swap_ptes + r->present_ptes, FOLIO_PAGES);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, FOLIO_PAGES, 4), 0); /* data intact either way */
	mm_put(mm);
	swap_path_end(t, &e);
}

KTEST(seed004, ttu_sync_whole_folio)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed004_result r = { 0, 0 };
	seed004_run(t, true, &r);
	KT_EXPECT_EQ(t, r.swap_ptes, FOLIO_PAGES); /* entirely unmapped */
}

/* The design before the fix: the test passes when the breakage shows. */
KTEST(seed004, without_ttu_sync_folio_left_half_mapped)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed004_result r = { 0, 0 };
	seed004_run(t, false, &r);
	KT_EXPECT_EQ(t, r.present_ptes, 1);	       /* the PTE it skipped */
	KT_EXPECT_EQ(t, r.swap_ptes, FOLIO_PAGES - 1); /* half swap entries */
}
