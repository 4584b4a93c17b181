/* folio.*: allocation of every order, tail to head, counts, the sleeping lock. */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "mm/folio.h"
#include "mm/page_alloc.h"
#include "test_cpus.h"
#include "test_kit.h"

KTEST(folio, every_order_has_head_tails_and_frees_back)
{
	unsigned long before = test_drained_free_pages();
	long live = folio_nr_live();
	for (unsigned order = 0; order <= FOLIO_MAX_ORDER; order++) {
		struct folio *f = folio_alloc(GFP_KERNEL, order);
		KT_ASSERT(t, f);
		KT_EXPECT_EQ(t, folio_order(f), order);
		KT_EXPECT_EQ(t, folio_nr_pages(f), 1ul << order);
		KT_EXPECT(t, page_folio(folio_page(f, folio_nr_pages(f) - 1)) == f);
		KT_EXPECT(t, page_folio(&f->page) == f);
		KT_EXPECT_EQ(t, folio_ref_count(f), 1);
		KT_EXPECT_EQ(t, folio_mapcount(f), 0);
		KT_EXPECT(t, !folio_test_locked(f) && !folio_test_anon(f));
		folio_put(f);
	}
	KT_EXPECT_EQ(t, folio_nr_live(), live);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
	KT_EXPECT(t, sizeof(struct page) <= 64);
}

KTEST(folio, large_mapcount_is_the_sum_of_page_mapcounts)
{
	struct folio *f = folio_alloc(GFP_KERNEL, 3);
	KT_ASSERT(t, f);
	folio_mapcount_add(f, folio_page(f, 2), 4, 1); /* pages 2..5 */
	KT_EXPECT_EQ(t, folio_mapcount(f), 4);
	KT_EXPECT_EQ(t, page_mapcount(folio_page(f, 1)), 0);
	KT_EXPECT_EQ(t, page_mapcount(folio_page(f, 3)), 1);
	folio_mapcount_add(f, folio_page(f, 3), 1, -1);
	KT_EXPECT_EQ(t, folio_mapcount(f), 3);
	KT_EXPECT(t, folio_mapped(f));
	folio_mapcount_add(f, folio_page(f, 2), 1, -1);
	folio_mapcount_add(f, folio_page(f, 4), 2, -1);
	KT_EXPECT(t, !folio_mapped(f));
	folio_get(f);
	folio_put(f);
	KT_EXPECT_EQ(t, folio_ref_count(f), 1);
	folio_put(f);
}

static struct {
	struct folio *folio;
	int got;     /* atomic: the waiter holds the lock */
	int started; /* atomic */
} fl;

static int folio_lock_waiter(void *arg)
{
	__atomic_store_n(&fl.started, 1, __ATOMIC_SEQ_CST);
	folio_lock(fl.folio);
	__atomic_store_n(&fl.got, 1, __ATOMIC_SEQ_CST);
	folio_unlock(fl.folio);
	return 0;
}

KTEST(folio, lock_sleeps_until_unlock)
{
	fl.folio = folio_alloc(GFP_KERNEL, 0);
	KT_ASSERT(t, fl.folio);
	fl.got = fl.started = 0;
	KT_EXPECT(t, folio_trylock(fl.folio));
	KT_EXPECT(t, !folio_trylock(fl.folio));
	struct task *w =
		kthread_create_on_cpu(folio_lock_waiter, NULL, test_other_cpu(), "fl-wait");
	KT_ASSERT(t, w);
	while (!__atomic_load_n(&fl.started, __ATOMIC_SEQ_CST))
		yield();
	u64 end = arch_time_ns() + 20 * TEST_MS;
	while (arch_time_ns() < end)
		yield();
	KT_EXPECT_EQ(t, __atomic_load_n(&fl.got, __ATOMIC_SEQ_CST), 0);
	folio_unlock(fl.folio);
	KT_EXPECT_EQ(t, kthread_join(w), 0);
	KT_EXPECT_EQ(t, fl.got, 1);
	KT_EXPECT(t, !folio_test_locked(fl.folio));
	folio_wait_locked(fl.folio); /* unlocked: returns at once */
	folio_set_writeback(fl.folio);
	folio_end_writeback(fl.folio);
	folio_wait_writeback(fl.folio);
	folio_put(fl.folio);
}
