/*
 * Folios: a naturally aligned block of 2^order pages (order 0..9) that
 * memory management handles as one unit, as Linux's struct folio. A folio
 * is its head struct page seen through another type; the tail pages of a
 * large folio carry PG_tail and a pointer to the head (page_folio()).
 *
 * Counts (all atomic):
 *   refcount        on the head: one per PTE mapping a page of the folio
 *                   plus one per temporary holder (folio_get/folio_put);
 *                   the folio is freed when it reaches 0.
 *   mapcount        per page: PTEs mapping that page.
 *   large_mapcount  on the head of a large folio: PTEs mapping any of its
 *                   pages, so a partly mapped folio is still known mapped.
 * Flags: locked, uptodate, dirty, writeback, swapcache, anon, lru, active,
 * readahead on the head (atomic bit operations); anon-exclusive per page
 * (seed 001).
 *
 * The folio lock (PG_locked) is a sleeping lock: waiters sleep on one of a
 * hashed table of 256 wait queues (as Linux's folio_waitqueue); an unlock
 * whose queue has waiters (each queue counts them) wakes them all, and
 * each re-checks its own folio. An unlock with nobody waiting takes no
 * lock.
 */
#ifndef MM_FOLIO_H
#define MM_FOLIO_H

#include <asm/pgtable.h>
#include "gfp.h"
#include "page.h"

#define FOLIO_MAX_ORDER 9

struct folio {
	struct page page; /* the head page: a folio is never anything more */
};

static inline struct folio *page_folio(struct page *page)
{
	if (page_flags(page) & PG_tail)
		page = page->head;
	return (struct folio *)page;
}

static inline struct page *folio_page(struct folio *folio, unsigned long n)
{
	return &folio->page + n;
}

static inline unsigned folio_order(const struct folio *folio)
{
	return (page_flags(&folio->page) & PG_head) ? page_order(&folio->page) : 0;
}

static inline unsigned long folio_nr_pages(const struct folio *folio)
{
	return 1ul << folio_order(folio);
}

static inline bool folio_test_large(const struct folio *folio)
{
	return folio_order(folio) > 0;
}

static inline pfn_t folio_pfn(const struct folio *folio)
{
	return page_to_pfn(&folio->page);
}

static inline void *folio_address(const struct folio *folio)
{
	return page_address(&folio->page);
}

/* --- flags --------------------------------------------------------------- */
static inline bool page_flag_test(const struct page *p, unsigned long f)
{
	return __atomic_load_n(&p->flags, __ATOMIC_ACQUIRE) & f;
}
/* True when the flag was already set. */
static inline bool page_flag_test_and_set(struct page *p, unsigned long f)
{
	return __atomic_fetch_or(&p->flags, f, __ATOMIC_ACQUIRE) & f;
}

#define FOLIO_FLAG_FNS(name, bit)                                                                  \
	static inline bool folio_test_##name(const struct folio *f)                                \
	{                                                                                          \
		return page_flag_test(&f->page, bit);                                              \
	}                                                                                          \
	static inline void folio_set_##name(struct folio *f)                                       \
	{                                                                                          \
		page_flag_set(&f->page, bit);                                                      \
	}                                                                                          \
	static inline void folio_clear_##name(struct folio *f)                                     \
	{                                                                                          \
		page_flag_clear(&f->page, bit);                                                    \
	}

FOLIO_FLAG_FNS(locked, PG_locked)
FOLIO_FLAG_FNS(uptodate, PG_uptodate)
FOLIO_FLAG_FNS(dirty, PG_dirty)
FOLIO_FLAG_FNS(writeback, PG_writeback)
FOLIO_FLAG_FNS(swapcache, PG_swapcache)
FOLIO_FLAG_FNS(anon, PG_anon)
FOLIO_FLAG_FNS(lru, PG_lru)
FOLIO_FLAG_FNS(active, PG_active)
FOLIO_FLAG_FNS(readahead, PG_readahead)
FOLIO_FLAG_FNS(lru_batch, PG_lru_batch)
#undef FOLIO_FLAG_FNS

/* Linux's folio_test_clear_readahead: true when the flag was set. */
static inline bool folio_test_clear_readahead(struct folio *f)
{
	return __atomic_fetch_and(&f->page.flags, ~PG_readahead, __ATOMIC_SEQ_CST) & PG_readahead;
}

/* seed 001: per page; changed under the PTL of the one mapping. */
static inline bool page_anon_exclusive(const struct page *p)
{
	return page_flag_test(p, PG_anon_exclusive);
}
static inline void page_set_anon_exclusive(struct page *p)
{
	page_flag_set(p, PG_anon_exclusive);
}
static inline void page_clear_anon_exclusive(struct page *p)
{
	page_flag_clear(p, PG_anon_exclusive);
}

/* The anon folio a present PTE maps, or NULL when it maps something else
 * (a page some code mapped by hand, a pfn outside RAM). */
static inline struct folio *pte_anon_folio(pte_t pte)
{
	pfn_t pfn = pte_pfn(pte);
	if (!pfn_valid(pfn))
		return NULL;
	struct folio *folio = page_folio(pfn_to_page(pfn));
	return folio_test_anon(folio) ? folio : NULL;
}

/* --- references and map counts -------------------------------------------- */
static inline int folio_ref_count(const struct folio *f)
{
	return atomic_read(&f->page.refcount);
}
/* A reference taken on a folio whose count was 0 (free, or being freed):
 * a use after free caught where it happens, not at the second free. */
void folio_ref_on_free(struct folio *f, int n) __noreturn;
static inline void folio_ref_add(struct folio *f, int n)
{
	if (unlikely(atomic_add_return(&f->page.refcount, n) <= n))
		folio_ref_on_free(f, n);
}
static inline void folio_get(struct folio *f)
{
	folio_ref_add(f, 1);
}
/* A reference unless the count is 0 (the folio is being freed): for
 * lookups that find folios without holding one (the LRU, the swap cache). */
static inline bool folio_try_get(struct folio *f)
{
	int v = atomic_read(&f->page.refcount);
	do {
		if (v <= 0)
			return false;
	} while (!__atomic_compare_exchange_n(&f->page.refcount.v, &v, v + 1, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return true;
}
/* Linux's folio_ref_freeze: the count from exactly count to 0, or false
 * (someone else holds a reference). At 0, folio_try_get backs off; the
 * caller sets the counts again (folio_split). */
static inline bool folio_ref_freeze(struct folio *f, int count)
{
	return atomic_cmpxchg(&f->page.refcount, count, 0) == count;
}
/* Drop a reference; the last one frees the folio. */
void folio_put(struct folio *folio);
void folio_put_refs(struct folio *folio, int n);

static inline int page_mapcount(const struct page *p)
{
	return atomic_read(&p->mapcount);
}
/* PTEs mapping any page of the folio. */
static inline int folio_mapcount(const struct folio *f)
{
	return folio_test_large(f) ? atomic_read(&f->page.large_mapcount) : page_mapcount(&f->page);
}
static inline bool folio_mapped(const struct folio *f)
{
	return folio_mapcount(f) > 0;
}
/*
 * Pins (mm/gup.h, Linux's FOLL_PIN accounting): a pin of a small folio
 * adds GUP_PIN_COUNTING_BIAS to its reference count; a pin of a large
 * folio adds one reference and one to its pincount (kept in the second
 * page: a large folio's references can reach the bias without any pin).
 */
#define GUP_PIN_COUNTING_BIAS 1024

static inline int folio_pincount(const struct folio *f)
{
	return atomic_read(&folio_page((struct folio *)f, 1)->pincount);
}

/*
 * May someone hold the folio pinned for DMA (Linux's
 * folio_maybe_dma_pinned)? Exact for a large folio; for a small one a
 * folio with a thousand plain references is taken for pinned too, which
 * only makes reclaim keep it. Pins are taken under the PTL of a PTE that
 * maps the page, so the answer is certain to whoever holds that PTL.
 */
static inline bool folio_maybe_dma_pinned(const struct folio *f)
{
	if (folio_test_large(f))
		return folio_pincount(f) > 0;
	return folio_ref_count(f) >= GUP_PIN_COUNTING_BIAS;
}

/* nr consecutive pages starting at page gained (delta 1) or lost (-1) one
 * PTE each. */
void folio_mapcount_add(struct folio *folio, struct page *page, unsigned nr, int delta);

/*
 * A new folio of 2^order zeroed (with __GFP_ZERO) pages: refcount 1, no
 * mappings, no flags. NULL when out of memory. order <= FOLIO_MAX_ORDER.
 */
struct folio *folio_alloc(gfp_t gfp, unsigned order);

/* --- the folio lock ---------------------------------------------------------- */
bool folio_trylock(struct folio *folio);
/* The wait queues of folio_lock and folio_wait_writeback: at boot,
 * before the first folio (page_alloc_init). */
void folio_wait_table_init(void);
void folio_lock(struct folio *folio);
void folio_unlock(struct folio *folio);
/* Sleep until the folio is unlocked (without taking the lock). */
void folio_wait_locked(struct folio *folio);
/* Writeback end wakes folio_wait_writeback() sleepers. */
void folio_end_writeback(struct folio *folio);
void folio_wait_writeback(struct folio *folio);

/* Folios allocated and not yet freed (leak checks in tests). */
long folio_nr_live(void);
/* A split made this many more folios (mm/split.c). */
void folio_account_split(unsigned long more);

#endif
