/*
 * Splitting a large anon folio into order-0 folios, for reclaim when no
 * swap slots of the folio's order are left (mm/vmscan.c).
 *
 * The folio may be mapped. Every path that goes from a PTE to its folio
 * does so under the PTL, and the rest take references (swap cache
 * lookups, LRU isolation) with folio_try_get. So the split holds the
 * anon_vma lock (no new mapping appears through fork), the mmap lock and
 * the PTL of every VMA that maps the folio, all taken with trylocks (the
 * order among several mms is not fixed: if one is busy the split gives up,
 * -EBUSY, and reclaim keeps the folio), and freezes the reference count
 * at 0 from exactly the expected value (the mappings plus the caller's),
 * which also proves nobody else holds a reference. Then head and tails
 * become order-0 folios, each keeping its page's map count and
 * anon-exclusive flag, with one reference per mapping plus one for the
 * caller.
 */
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/stats.h"
#include "mm.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "split.h"

DEFINE_STAT_COUNTER(folio_splits);
DEFINE_STAT_COUNTER(folio_split_busy);

#define SPLIT_MAX_VMAS 32

struct split_locks {
	unsigned n;
	struct mm *mm[SPLIT_MAX_VMAS];
	spinlock_t *ptl[SPLIT_MAX_VMAS]; /* NULL: no table, or taken for an earlier VMA */
};

static bool split_holds_ptl(struct split_locks *l, spinlock_t *ptl)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->ptl[i] == ptl)
			return true;
	return false;
}

static void split_unlock(struct split_locks *l)
{
	while (l->n--) {
		if (l->ptl[l->n])
			spin_unlock(l->ptl[l->n]);
		up_read(&l->mm[l->n]->mmap_lock);
	}
}

/* Take every mapping's locks (anon_vma lock held). False when one is busy. */
static bool split_lock_mappings(struct folio *folio, struct anon_vma *av, struct split_locks *l)
{
	lockdep_assert_held(&av->lock);
	unsigned long first = folio->page.index << PAGE_SHIFT;
	unsigned long end = first + (folio_nr_pages(folio) << PAGE_SHIFT);
	struct vma *v;
	l->n = 0;
	list_for_each_entry (v, &av->vmas, anon_vma_link) {
		if (v->end <= first || v->start >= end)
			continue;
		if (l->n == SPLIT_MAX_VMAS || !down_read_trylock(&v->mm->mmap_lock))
			return false;
		l->mm[l->n] = v->mm;
		l->ptl[l->n] = NULL;
		l->n++;
		pte_t *ptep = pte_offset_map(v->mm, MAX(first, v->start));
		if (!ptep)
			continue;
		spinlock_t *ptl = pte_lockptr(ptep);
		if (split_holds_ptl(l, ptl))
			continue;
		if (!spin_trylock(ptl))
			return false;
		l->ptl[l->n - 1] = ptl;
	}
	return true;
}

int folio_split(struct folio *folio, struct list_head *list)
{
	ASSERT(folio_test_locked(folio) && folio_test_large(folio) && folio_test_anon(folio));
	ASSERT(!folio_test_swapcache(folio) && !folio_test_lru(folio));
	struct anon_vma *av = folio->page.mapping;
	unsigned order = folio_order(folio);
	unsigned long nr = 1ul << order;
	struct page *head = &folio->page;
	struct split_locks l;

	spin_lock(&av->lock);
	bool locked = split_lock_mappings(folio, av, &l);
	int expected = folio_mapcount(folio) + 1;
	if (!locked || !folio_ref_freeze(folio, expected)) {
		split_unlock(&l);
		spin_unlock(&av->lock);
		stat_inc(folio_split_busy);
		return -EBUSY;
	}
	unsigned long keep = page_flags(head) & (PG_anon | PG_uptodate | PG_dirty);
	split_page(head, order); /* each page its own allocation; refcounts rewritten below */
	for (unsigned long i = 1; i < nr; i++) {
		struct page *p = head + i;
		unsigned long excl = page_flags(p) & PG_anon_exclusive;
		page_flags_store(p, keep | excl);
		p->index = head->index + i; /* was the head pointer */
		p->mapping = av;
		anon_vma_get(av);
		list_init(&p->folio_lru);
		p->swap = 0;
	}
	page_flag_clear(head, PG_head);
	atomic_set(&head->large_mapcount, 0);
	folio_account_split(nr - 1);
	/* The counts last: until here every try_get saw 0 and backed off. */
	for (unsigned long i = nr; i-- > 0;) {
		struct page *p = head + i;
		atomic_set(&p->refcount, page_mapcount(p) + 1);
	}
	smp_mb();
	split_unlock(&l);
	spin_unlock(&av->lock);
	for (unsigned long i = 1; i < nr; i++)
		list_add_tail(&head[i].folio_lru, list);
	stat_inc(folio_splits);
	return 0;
}
