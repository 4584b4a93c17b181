/*
 * Reclaim against an address space's teardown (found by the swap stress
 * test). try_to_unmap reaches an mm through its anon_vma, even one whose
 * last user has just gone: mm_destroy then waits for the mmap lock that
 * the walk holds for reading. The unmap batch takes a reference on each mm
 * it unmapped from, to flush its TLB once for the whole list; on such an
 * mm that reference brought the user count back from 0, and the batch's
 * put destroyed the mm a second time (a panic on its freed page tables).
 * Now the batch sees the mm going (mm_get_not_zero) and flushes at once.
 *
 * Forced with race points: the parent forks and unmaps its own copy, so
 * the page is mapped by the child alone; reclaim unmaps it on another CPU
 * and is held just before the batch takes its reference until the child's
 * last put has started mm_destroy.
 */
#include "kernel/race.h"
#include "mm/lru.h"
#include "mm/rmap.h"
#include "swap_path_test.h"

KTEST(mm_race, reclaim_unmap_batch_skips_an_mm_being_destroyed)
{
	if (!test_require_cpus(t, 2))
		return;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", 16ul << 20, 0))
		return;
	struct mm *parent = mm_test_create(t, 1);
	KT_ASSERT(t, parent);
	KT_EXPECT_EQ(t, swap_path_write(parent, 0, 1, 7), 0);
	struct mm *child = mm_fork(parent);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, mm_munmap(parent, MM_TEST_REGION, PAGE_SIZE), 0);
	struct folio *folio = mm_test_folio_at(child, MM_TEST_REGION);
	KT_ASSERT(t, folio && lru_isolate_folio(folio));
	LIST_HEAD(list);
	list_add_tail(&folio->page.folio_lru, &list);

	unsigned reclaim_cpu = test_other_cpu();
	const struct test_race_point points[] = {
		{ "ttu:before-batch-add",
		  TEST_RACE_HOLD("mm:destroy-before-lock", (int)reclaim_cpu) },
		{ "mm:destroy-before-lock", TEST_RACE_COUNT },
	};
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
	static const char *const counters[] = { "ttu_batch_dying_mm", "ttu_ptes_unmapped",
						"pswpout", "mm_zap_swap", NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	u64 timeouts = race_wait_timeouts(), dying = test_stat("ttu_batch_dying_mm");

	struct task *reclaim =
		kthread_create_on_cpu(swap_path_reclaim_list, &list, reclaim_cpu, "reclaim");
	KT_ASSERT(t, reclaim);
	while (race_hits("ttu:before-batch-add") == 0)
		yield();
	/* Reclaim holds the child's mmap lock for reading: the last put
	 * starts mm_destroy, which releases reclaim and waits for the lock. */
	mm_put(child);
	KT_EXPECT(t, kthread_join(reclaim) >= 0);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	race_disarm_all();
	KT_EXPECT_EQ(t, test_stat("ttu_batch_dying_mm"), dying + 1);
	/* The zap of the child's swap PTE may come while reclaim still holds
	 * the folio (its try to free the cache then fails, and reclaim's own
	 * free sees the zap's reference): reclaim frees the orphan after its
	 * unlock (tests/reclaim_orphan.c), so no slot is left for a later
	 * reclaim pass. */
	KT_EXPECT_EQ(t, find_next_to_unuse((unsigned)e.s.type, 0), -ENOENT);
	ktest_stats_print(t, &stats);
	mm_put(parent);
	swap_path_end(t, &e); /* every page and slot back: nothing freed twice */
}
