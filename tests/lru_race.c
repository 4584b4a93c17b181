/*
 * A folio freed while reclaim moves it between the LRU lists (the oom.*
 * hang of issue 11: a CPU spinning for ever on lru_lock, which no CPU
 * held).
 *
 * Reclaim refills the inactive list from the active one under lru_lock.
 * It used to unlink each folio (clearing PG_lru) and link it again; a
 * folio may be dying meanwhile (count 0, not yet off the list), and
 * folio_free looks at PG_lru without the lock. Seen clear, the folio was
 * freed while the refill put it back on the inactive list: its pages went
 * to the page allocator still linked into the LRU, and the two sets of
 * lists grow into each other (the hang fits an LRU walk that took a list
 * head for a folio and wrote flags into lru_lock, just before it). Now
 * the move keeps PG_lru set (lru.c, lru_move), so folio_free waits for
 * the lock and unlinks.
 *
 * Forced with race points: a task on another CPU isolates from an LRU
 * that holds only our folio, so its refill moves it, and is held in the
 * middle of the move until folio_free, on this CPU, has looked at PG_lru.
 * Then the LRU must be empty: the freed folio on no list.
 */
#include "kernel/race.h"
#include "mm/lru.h"
#include "swap_path_test.h"

static int lru_race_isolate(void *arg)
{
	struct list_head *list = arg;
	return (int)lru_isolate(1, list);
}

static unsigned long lru_race_pages(void)
{
	return lru_nr_pages(true) + lru_nr_pages(false);
}

KTEST(lru_race, folio_freed_while_the_refill_moves_it_leaves_the_lists)
{
	if (!test_require_cpus(t, 2))
		return;
	if (lru_race_pages() != 0) {
		ktest_skip(t, "the LRU holds folios of others: the refill would not pick ours");
		return;
	}
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, mm_mmap(mm, MM_TEST_REGION, PAGE_SIZE, MM_TEST_RW), 0);
	mm_test_write(mm, MM_TEST_REGION, 42);
	lru_add_drain_all(); /* from this CPU's add batch onto the active list */
	struct folio *folio = mm_test_folio_at(mm, MM_TEST_REGION);
	KT_ASSERT(t, folio && folio_test_lru(folio) && folio_test_active(folio));
	KT_EXPECT_EQ(t, lru_race_pages(), 1);

	unsigned cpu = test_other_cpu();
	const struct test_race_point points[] = {
		{ "lru:moving", TEST_RACE_HOLD("lru:free-looked", (int)cpu) },
		{ "lru:free-looked", TEST_RACE_COUNT },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return;
	u64 timeouts = race_wait_timeouts();
	LIST_HEAD(isolated);
	struct task *reclaim =
		kthread_create_on_cpu(lru_race_isolate, &isolated, cpu, "lru-refill");
	KT_ASSERT(t, reclaim);
	while (race_hits("lru:moving") == 0)
		yield();
	/* The refill holds the folio between the lists: drop its last
	 * reference (the mapping). */
	KT_EXPECT_EQ(t, mm_munmap(mm, MM_TEST_REGION, PAGE_SIZE), 0);
	/* It could not take a reference on a dying folio: nothing isolated. */
	KT_EXPECT_EQ(t, kthread_join(reclaim), 0);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	KT_EXPECT_EQ(t, race_hits("lru:free-looked"), 1);
	race_disarm_all();
	KT_EXPECT(t, list_empty(&isolated));
	KT_EXPECT_EQ(t, lru_race_pages(), 0);
	mm_put(mm);
}
