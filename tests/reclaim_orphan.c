/*
 * A zap that meets reclaim holding the folio (found by oom.*: one run in
 * ten kept a swap slot and two pages of a reaped mm, "inuse 1 != 0").
 *
 * The OOM reaper holds the victim's mmap lock for writing, so reclaim's
 * rmap walk (a trylock) cannot unmap the folio and keeps it; meanwhile the
 * reaper zaps the PTE, and its try to free the swap cache (tlb_put_folio,
 * a trylock) fails because reclaim holds the folio lock. The folio was
 * then left in the swap cache, unmapped and with no swap PTE, until a
 * later reclaim pass, and a test that counts every slot and page back
 * after the kill failed. Now reclaim frees such an orphan before it lets
 * go of the lock (vmscan.c, reclaim_free_orphan).
 *
 * Forced with race points: reclaim (on another CPU) stops with the folio
 * locked and in the swap cache, the test takes the mmap lock for writing,
 * reclaim fails to unmap and stops again before unlocking, the test zaps
 * everything as the reaper does (mm_unmap_all), and reclaim goes on. Then,
 * at once: the slot is free and the folio gone.
 */
#include "kernel/race.h"
#include "mm/lru.h"
#include "swap_path_test.h"

KTEST(reclaim_race, zap_under_a_kept_folio_frees_its_swap_at_unlock)
{
	if (!test_require_cpus(t, 2))
		return;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "orphan-swap", 2ul << 20, 0))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 5), 0);
	struct folio *folio = mm_test_folio_at(mm, MM_TEST_REGION);
	KT_ASSERT(t, folio && lru_isolate_folio(folio));
	LIST_HEAD(list);
	list_add_tail(&folio->page.folio_lru, &list);

	unsigned cpu = test_other_cpu();
	const struct test_race_point points[] = {
		{ "swapout:before-unmap", TEST_RACE_HOLD("orphan:write-locked", (int)cpu) },
		{ "reclaim:keep", TEST_RACE_HOLD("orphan:zapped", (int)cpu) },
		{ "orphan:write-locked", TEST_RACE_COUNT },
		{ "orphan:zapped", TEST_RACE_COUNT },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return;
	u64 orphans = test_stat("reclaim_freed_orphans"), timeouts = race_wait_timeouts();
	struct task *reclaim = kthread_create_on_cpu(swap_path_reclaim_list, &list, cpu, "reclaim");
	KT_ASSERT(t, reclaim);
	while (race_hits("swapout:before-unmap") == 0)
		yield();
	/* Reclaim holds the folio locked, in the swap cache, still mapped. */
	KT_EXPECT(t, folio_test_swapcache(folio));
	down_write(&mm->mmap_lock);
	race_point("orphan:write-locked");
	while (race_hits("reclaim:keep") == 0)
		yield();
	/* Its rmap walk failed on our lock: it keeps the folio, locked. */
	mm_unmap_all(mm);
	up_write(&mm->mmap_lock);
	race_point("orphan:zapped");
	KT_EXPECT(t, kthread_join(reclaim) >= 0);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	race_disarm_all();
	/* At once, with no reclaim pass after it. */
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0);
	KT_EXPECT_EQ(t, folio_nr_live(), e.folios);
	KT_EXPECT_EQ(t, test_stat("reclaim_freed_orphans"), orphans + 1);
	mm_put(mm);
	swap_path_end(t, &e);
}
