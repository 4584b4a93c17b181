/*
 * Folios (see folio.h): allocation, the last reference, map counts, and
 * the sleeping folio lock over hashed wait queues.
 */
#include "folio.h"
#include "kernel/panic.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "kernel/wait.h"
#include "lru.h"
#include "page_alloc.h"
#include "rmap.h"

static atomic_long_t folios_live;
DEFINE_STAT_COUNTER(folio_allocs);

long folio_nr_live(void)
{
	return atomic_long_read(&folios_live);
}

void folio_account_split(unsigned long more)
{
	atomic_long_add(&folios_live, (long)more);
}

static void page_folio_fields_reset(struct page *p)
{
	atomic_set(&p->mapcount, 0);
	atomic_set(&p->large_mapcount, 0);
	p->index = 0;
}

struct folio *folio_alloc(gfp_t gfp, unsigned order)
{
	ASSERT(order <= FOLIO_MAX_ORDER);
	struct page *head = alloc_pages(gfp, order);
	if (!head)
		return NULL;
	page_folio_fields_reset(head);
	head->mapping = NULL;
	list_init(&head->folio_lru);
	if (order) {
		page_flag_set(head, PG_head);
		for (unsigned long i = 1; i < 1ul << order; i++) {
			struct page *p = head + i;
			page_folio_fields_reset(p);
			p->head = head;
			page_flags_store(p, PG_tail);
		}
	}
	atomic_long_inc(&folios_live);
	stat_inc(folio_allocs);
	return (struct folio *)head;
}

/* Give the pages back: the allocator wants clean tails and a head with
 * only the flags it knows (free_pages resets the head's). */
static void folio_free(struct folio *folio)
{
	unsigned order = folio_order(folio);
	struct page *head = &folio->page;

	ASSERT_EQ(folio_mapcount(folio), 0);
	ASSERT(!folio_test_locked(folio));
	ASSERT(!folio_test_swapcache(folio));
	ASSERT(!folio_test_writeback(folio));
	lru_del_on_free(folio);
	/* On no list (lru_unlink and reclaim's list_del leave the link
	 * pointing at itself): the page allocator reuses these words. */
	ASSERT(list_empty(&head->folio_lru));
	if (order)
		ASSERT_EQ(folio_pincount(folio), 0); /* an unpin went missing */
	for (unsigned long i = 1; i < 1ul << order; i++) {
		ASSERT_EQ(page_mapcount(head + i), 0);
		page_flags_store(&head[i], 0);
		head[i].index = 0;
	}
	if (folio_test_anon(folio) && head->mapping)
		anon_vma_put(head->mapping);
	page_flags_store(head, 0);
	head->mapping = NULL;
	atomic_long_dec(&folios_live);
	free_pages(head, order);
}

void folio_put_refs(struct folio *folio, int n)
{
	int left = atomic_add_return(&folio->page.refcount, -n);
	if (left < 0)
		panic("mm: folio pfn %#lx order %u: reference count %d after putting %d "
		      "(flags %#lx, mapcount %d): a reference was dropped twice",
		      folio_pfn(folio), folio_order(folio), left, n, page_flags(&folio->page),
		      folio_mapcount(folio));
	if (left == 0) {
		/* The count stays 0 until the pages are free: lookups that
		 * take references with folio_try_get (the LRU, the swap
		 * cache) back off instead of reviving a dying folio. */
		folio_free(folio);
	}
}

void folio_ref_on_free(struct folio *folio, int n)
{
	panic("mm: folio pfn %#lx order %u: %d reference(s) taken when its count was %d "
	      "(flags %#lx, mapcount %d): a use after free",
	      folio_pfn(folio), folio_order(folio), n, folio_ref_count(folio) - n,
	      page_flags(&folio->page), folio_mapcount(folio));
}

void folio_put(struct folio *folio)
{
	folio_put_refs(folio, 1);
}

void folio_mapcount_add(struct folio *folio, struct page *page, unsigned nr, int delta)
{
	for (unsigned i = 0; i < nr; i++) {
		int v = atomic_add_return(&page[i].mapcount, delta);
		ASSERT(v >= 0);
	}
	if (folio_test_large(folio)) {
		int v = atomic_add_return(&folio->page.large_mapcount, delta * (int)nr);
		ASSERT(v >= 0);
	}
}

/* --- the folio lock ------------------------------------------------------------ */

/*
 * 256 queues, as Linux's folio_wait_table (PAGE_WAIT_TABLE_BITS 8); each
 * counts the tasks waiting on it, so that an unlock or a writeback end
 * with nobody waiting (nearly all of them) takes no lock: every unlock
 * used to take its queue's lock to wake nobody, a million times in the
 * 4-CPU demo, and the queue locks were the demo's second most waited-for
 * (a holder whose vCPU the host descheduled kept the others spinning).
 * Linux skips the wake-up the same way, with a PG_waiters folio flag.
 */
#define FOLIO_WAIT_TABLE_BITS 8

struct folio_wait_queue {
	struct wait_queue_head wq;
	atomic_t waiters; /* tasks between folio_wait_begin and folio_wait_end (atomic) */
};

static struct folio_wait_queue folio_wait_table[1 << FOLIO_WAIT_TABLE_BITS];
static bool folio_wait_table_ready;

/*
 * Set up at boot, before any folio can be locked or written (Linux does it
 * in pagecache_init). The table used to be set up by its first user under
 * a plain spinlock; when that first user was folio_unlock right after a
 * swap write was submitted, the write's completion interrupt could arrive
 * on the same CPU inside the set-up and spin on that lock forever with
 * interrupts off (make test's blk-errors boot hung that way, once in ~20
 * runs). The lookup takes no lock now, so interrupts may use it anywhere.
 */
void folio_wait_table_init(void)
{
	for (unsigned i = 0; i < 1u << FOLIO_WAIT_TABLE_BITS; i++) {
		wait_queue_head_init(&folio_wait_table[i].wq, "folio_wait");
		atomic_set(&folio_wait_table[i].waiters, 0);
	}
	smp_store_release(&folio_wait_table_ready, true);
}

static struct folio_wait_queue *folio_waitqueue(struct folio *folio)
{
	ASSERT(smp_load_acquire(&folio_wait_table_ready));
	race_point("folio:waitqueue"); /* tests/folio_irq.c: an interrupt wakes here */
	unsigned long h = (unsigned long)folio / sizeof(struct page);
	h = (h * 0x9e3779b97f4a7c15ul) >> (64 - FOLIO_WAIT_TABLE_BITS);
	return &folio_wait_table[h];
}

/*
 * A waiter counts itself before it tests the folio's bit; a waker changes
 * the bit before it reads the count; a full barrier on each side between
 * the two. So either the waker sees the waiter and wakes the queue (whose
 * lock then orders the waiter's own test after the change), or the waiter
 * sees the bit already changed and does not sleep.
 */
static struct folio_wait_queue *folio_wait_begin(struct folio *folio)
{
	struct folio_wait_queue *q = folio_waitqueue(folio);
	atomic_inc(&q->waiters);
	smp_mb(); /* pairs with folio_wake's */
	return q;
}

static void folio_wait_end(struct folio_wait_queue *q)
{
	atomic_dec(&q->waiters);
}

/* The folio's bit was just changed (cleared). */
static void folio_wake(struct folio *folio)
{
	smp_mb(); /* the change before the look at the count */
	struct folio_wait_queue *q = folio_waitqueue(folio);
	if (atomic_read(&q->waiters))
		wake_up_all(&q->wq);
}

bool folio_trylock(struct folio *folio)
{
	return !page_flag_test_and_set(&folio->page, PG_locked);
}

void folio_lock(struct folio *folio)
{
	if (folio_trylock(folio))
		return;
	struct folio_wait_queue *q = folio_wait_begin(folio);
	wait_event(q->wq, folio_trylock(folio));
	folio_wait_end(q);
}

void folio_unlock(struct folio *folio)
{
	ASSERT(folio_test_locked(folio));
	page_flag_clear(&folio->page, PG_locked);
	folio_wake(folio);
}

void folio_wait_locked(struct folio *folio)
{
	if (!folio_test_locked(folio))
		return;
	struct folio_wait_queue *q = folio_wait_begin(folio);
	wait_event(q->wq, !folio_test_locked(folio));
	folio_wait_end(q);
}

void folio_end_writeback(struct folio *folio)
{
	folio_clear_writeback(folio);
	folio_wake(folio);
}

void folio_wait_writeback(struct folio *folio)
{
	if (!folio_test_writeback(folio))
		return;
	struct folio_wait_queue *q = folio_wait_begin(folio);
	wait_event(q->wq, !folio_test_writeback(folio));
	folio_wait_end(q);
}
