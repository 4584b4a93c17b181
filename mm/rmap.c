/*
 * Reverse mapping of anonymous folios (see rmap.h).
 */
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "kmalloc.h"
#include "mm.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "tlb.h"

struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av = kzalloc(sizeof(*av), GFP_KERNEL);
	if (!av)
		return NULL;
	spin_lock_init(&av->lock, "anon_vma");
	list_init(&av->vmas);
	atomic_set(&av->refcount, 1);
	return av;
}

void anon_vma_get(struct anon_vma *av)
{
	atomic_inc(&av->refcount);
}

void anon_vma_put(struct anon_vma *av)
{
	if (atomic_dec_and_test(&av->refcount)) {
		ASSERT(list_empty(&av->vmas));
		kfree(av);
	}
}

void anon_vma_attach(struct vma *vma, struct anon_vma *av)
{
	anon_vma_get(av);
	vma->anon_vma = av;
	spin_lock(&av->lock);
	list_add_tail(&vma->anon_vma_link, &av->vmas);
	spin_unlock(&av->lock);
}

void anon_vma_detach(struct vma *vma)
{
	struct anon_vma *av = vma->anon_vma;
	if (!av)
		return;
	spin_lock(&av->lock);
	list_del(&vma->anon_vma_link);
	list_init(&vma->anon_vma_link);
	spin_unlock(&av->lock);
	vma->anon_vma = NULL;
	anon_vma_put(av);
}

/* The folio holds a reference on its anon_vma until it is freed: an
 * rmap walk must find the structure even after every VMA went away. That
 * reference is dropped when the folio is freed (mm/folio.c). */
void folio_add_new_anon_rmap(struct folio *folio, struct vma *vma, unsigned long addr)
{
	unsigned long nr = folio_nr_pages(folio);
	anon_vma_get(vma->anon_vma);
	folio->page.mapping = vma->anon_vma;
	folio->page.index = addr >> PAGE_SHIFT;
	folio_set_anon(folio);
	folio_set_uptodate(folio);
	for (unsigned long i = 0; i < nr; i++)
		page_set_anon_exclusive(folio_page(folio, i));
}

/* The PTEs of v that map pages of the folio, each looked at once without
 * the PTL (a lockless page_vma_mapped_walk: the callback locks and
 * rechecks). */
static unsigned rmap_walk_vma(struct folio *folio, struct vma *v, struct rmap_walk_control *rwc,
			      bool *stop)
{
	unsigned long nr = folio_nr_pages(folio);
	unsigned visited = 0;

	for (unsigned long i = 0; i < nr && !*stop; i++) {
		unsigned long addr = (folio->page.index + i) << PAGE_SHIFT;
		if (addr < v->start || addr >= v->end)
			continue;
		pte_t pte = pgtable_read_pte(v->mm, addr);
		if (!pte_present(pte) || pte_pfn(pte) != folio_pfn(folio) + i)
			continue;
		visited++;
		*stop = !rwc->fn(folio, folio_page(folio, i), v->mm, addr, rwc->arg);
	}
	return visited;
}

unsigned rmap_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct anon_vma *av = folio->page.mapping;
	unsigned visited = 0;
	bool stop = false;
	struct vma *v;

	rwc->skipped = 0;
	if (!av || !folio_test_anon(folio))
		return 0;
	spin_lock(&av->lock);
	list_for_each_entry (v, &av->vmas, anon_vma_link) {
		bool held = v->mm == rwc->held;
		if (!held && !down_read_trylock(&v->mm->mmap_lock)) {
			rwc->skipped++;
			continue;
		}
		visited += rmap_walk_vma(folio, v, rwc, &stop);
		if (!held)
			up_read(&v->mm->mmap_lock);
		if (stop)
			break;
	}
	spin_unlock(&av->lock);
	return visited;
}

unsigned rmap_walk_anon(struct folio *folio, rmap_vma_fn fn, void *arg, unsigned *skipped)
{
	struct anon_vma *av = folio->page.mapping;
	unsigned long first = folio->page.index << PAGE_SHIFT;
	unsigned long end = first + (folio_nr_pages(folio) << PAGE_SHIFT);
	unsigned visited = 0;
	struct vma *v;

	*skipped = 0;
	if (!av || !folio_test_anon(folio))
		return 0;
	spin_lock(&av->lock);
	list_for_each_entry (v, &av->vmas, anon_vma_link) {
		if (v->end <= first || v->start >= end)
			continue;
		if (!down_read_trylock(&v->mm->mmap_lock)) {
			(*skipped)++;
			continue;
		}
		visited++;
		bool go_on = fn(folio, v, arg);
		up_read(&v->mm->mmap_lock);
		if (!go_on)
			break;
	}
	spin_unlock(&av->lock);
	return visited;
}

/* --- try_to_unmap ------------------------------------------------------------ */

enum ttu_sync_mode ttu_sync = TTU_SYNC_ON;

static const struct kparam_choice ttu_sync_choices[] = {
	{ "0", TTU_SYNC_OFF },
	{ "1", TTU_SYNC_ON },
	{ "giveup", TTU_SYNC_GIVEUP },
};
KPARAM_ENUM(ttu_sync, "ttu.sync", &ttu_sync, ttu_sync_choices,
	    "reclaim's unmap of a large folio (seed 004): 1 (default) takes the PTL before the "
	    "first PTE (TTU_SYNC); 0 looks for the first present PTE without it; giveup does so "
	    "and keeps the folio mapped when that PTE is not the first");

bool swap_exclusive_bit = true;
KPARAM_BOOL(swap_exclusive_bit, "swap.exclusive_bit", &swap_exclusive_bit,
	    "try_to_unmap keeps an anon-exclusive page's exclusivity in its swap PTE and swap-in "
	    "believes it (seed 001; default 1; 0: swap-in guesses from references, and a page "
	    "with an extra reference comes back shared: its next write copies)");

DEFINE_STAT_COUNTER(ttu_ptes_unmapped);
DEFINE_STAT_COUNTER(ttu_pinned); /* unmap refused: an exclusive page that may be pinned */
DEFINE_STAT_COUNTER(ttu_failed);
DEFINE_STAT_COUNTER(ttu_batch_dying_mm); /* flushed at once: its last user was gone */
DEFINE_STAT_COUNTER(ttu_ptl_waits);	 /* the PTL was held by another CPU: waited */
/* ttu.sync=giveup: the PTL was first taken past PTE0: folio kept */
DEFINE_STAT_COUNTER(ttu_gave_up_past_pte0);

struct ttu_walk {
	swp_entry_t entry; /* slot of the folio's first page */
	bool failed;
	struct ttu_batch *batch;
	unsigned deferred_puts; /* the PTEs' references, dropped after the flush */
};

/* One PTE of the folio becomes a swap PTE (PTL held): the body of
 * try_to_unmap_one's loop. False when no swap count could be taken
 * (Linux's swap_duplicate failing there), or when the page is exclusive
 * and may be pinned (Linux's folio_try_share_anon_rmap_pte refusing):
 * the PTE is left as it was. Pins are taken under this PTL (mm/gup.c),
 * so none can appear between the check and the unmap. */
static bool ttu_one_pte(struct folio *folio, struct mm *mm, unsigned long addr, pte_t *ptep,
			unsigned long idx, struct ttu_walk *w, struct mmu_gather *tlb)
{
	lockdep_assert_held(pte_lockptr(ptep));
	swp_entry_t first = w->entry;
	struct page *page = folio_page(folio, idx);
	swp_entry_t e = swp_entry(swp_type(first), swp_offset(first) + idx);
	if (page_anon_exclusive(page) && folio_maybe_dma_pinned(folio)) {
		stat_inc(ttu_pinned);
		return false;
	}
	if (swap_duplicate(e) < 0)
		return false;
	pte_t old = ptep_get_and_clear(mm, addr, ptep);
	if (pte_dirty(old))
		folio_set_dirty(folio);
	pte_t swp = swp_entry_to_pte(e);
	if (page_anon_exclusive(page) && swap_exclusive_bit)
		swp = pte_swp_mkexclusive(swp); /* seed 001: the bit remembers it */
	if (pte_soft_dirty(old))
		swp = pte_swp_mksoft_dirty(swp);
	page_clear_anon_exclusive(page);
	set_pte_at(mm, addr, ptep, swp);
	folio_mapcount_add(folio, page, 1, -1);
	atomic_long_dec(&mm->rss_anon);
	atomic_long_inc(&mm->rss_swap);
	if (w->batch) {
		w->deferred_puts++;
	} else {
		tlb_gather_add_page(tlb, addr);
		tlb_gather_defer_put(tlb, folio);
	}
	stat_inc(ttu_ptes_unmapped);
	return true;
}

/* Note mm for the batch's flush; false (flush now instead) when full or
 * when mm is on its way out: the walk reached it through an anon_vma while
 * its last user was gone, and a reference taken now would free it twice. */
static bool ttu_batch_add(struct ttu_batch *batch, struct mm *mm)
{
	for (unsigned i = 0; i < batch->nr_mms; i++)
		if (batch->mms[i] == mm)
			return true;
	if (batch->nr_mms == TTU_BATCH_MMS)
		return false;
	race_point("ttu:before-batch-add");
	if (!mm_get_not_zero(mm)) {
		stat_inc(ttu_batch_dying_mm);
		return false;
	}
	batch->mms[batch->nr_mms++] = mm;
	return true;
}

void ttu_batch_flush(struct ttu_batch *batch)
{
	if (batch->nr_mms)
		tlb_shootdown_mms(batch->mms, batch->nr_mms);
	for (unsigned i = 0; i < batch->nr_mms; i++)
		mm_put(batch->mms[i]);
	batch->nr_mms = 0;
}

static bool ttu_maps(pte_t pte, struct folio *folio, unsigned long idx)
{
	return pte_present(pte) && pte_pfn(pte) == folio_pfn(folio) + idx;
}

/* The PTL of start's table, counted when another CPU holds it: with
 * TTU_SYNC that is seed 004's unmap waiting for a break-before-make to
 * put the first PTE back (ttu_ptl_waits; tests/seed004.c holds it there). */
static pte_t *ttu_map_lock(struct mm *mm, unsigned long start, spinlock_t **ptlp)
{
	pte_t *ptep = pte_offset_map(mm, start);
	if (!ptep)
		return NULL;
	*ptlp = pte_lockptr(ptep);
	if (!spin_trylock(*ptlp)) {
		stat_inc(ttu_ptl_waits);
		race_point("ttu:ptl-busy");
		spin_lock(*ptlp);
	}
	return ptep;
}

/* The walk before seed 004's fix (ttu.sync=0 and giveup): skip PTEs that
 * do not map the folio, without taking the lock; the address of the first
 * that does, or end. */
static unsigned long ttu_scan_lockless(struct folio *folio, struct mm *mm, unsigned long first,
				       unsigned long start, unsigned long end)
{
	pte_t *p = pte_offset_map(mm, start);
	while (p && start < end && !ttu_maps(ptep_get(p), folio, (start - first) >> PAGE_SHIFT)) {
		start += PAGE_SIZE;
		p++;
	}
	race_point("ttu:after-lockless-scan");
	return p ? start : end;
}

/*
 * ttu.sync=giveup, seed 004's commit message: "The other option is that we
 * can give up in try_to_unmap_one once we find PTE0 is not the first entry
 * we get PTL ... This will keep the unified PTEs while the folio isn't
 * reclaimed." The PTL was taken at start, past pte0 (the PTE the folio
 * begins with in this VMA): unlock and unmap nothing here, which fails the
 * unmap, and reclaim keeps the folio whole. A folio whose PTE0 stays none
 * (zapped by MADV_DONTNEED, not a break-before-make) is given up on every
 * pass: the price the message accepts.
 */
static bool ttu_give_up_past_pte0(pte_t *ptep, spinlock_t *ptl, unsigned long start,
				  unsigned long pte0)
{
	lockdep_assert_held(ptl);
	if (ttu_sync != TTU_SYNC_GIVEUP || start == pte0)
		return false;
	pte_unmap_unlock(ptep, ptl);
	stat_inc(ttu_gave_up_past_pte0);
	return true;
}

/*
 * Linux's try_to_unmap_one: unmap the folio from one VMA (rmap_walk_anon's
 * callback). The PTL is taken at the first PTE of the folio's range and
 * held over the whole range, and each PTE that maps a page of the folio
 * is unmapped under it: Linux's page_vma_mapped_walk with PVMW_SYNC
 * (TTU_SYNC), done here as a plain loop over one page table. ttu.sync=0
 * and giveup look for the first PTE without the lock (ttu_scan_lockless);
 * giveup then unmaps nothing when that PTE is not PTE0 (seed 004).
 */
static bool try_to_unmap_one(struct folio *folio, struct vma *v, void *arg)
{
	struct ttu_walk *w = arg;
	struct mm *mm = v->mm;
	unsigned long first = folio->page.index << PAGE_SHIFT;
	unsigned long pte0 = MAX(first, v->start);
	unsigned long start = pte0;
	unsigned long end = MIN(first + (folio_nr_pages(folio) << PAGE_SHIFT), v->end);

	if (ttu_sync != TTU_SYNC_ON) {
		start = ttu_scan_lockless(folio, mm, first, start, end);
		if (start >= end)
			return true;
	}
	spinlock_t *ptl;
	pte_t *ptep = ttu_map_lock(mm, start, &ptl);
	if (!ptep)
		return true; /* no table: nothing of the folio is mapped here */
	race_point("ttu:ptl-taken");
	if (ttu_give_up_past_pte0(ptep, ptl, start, pte0)) {
		w->failed = true;
		return false;
	}
	struct mmu_gather tlb;
	tlb_gather_mmu(&tlb, mm);
	unsigned deferred = w->deferred_puts;
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE, ptep++) {
		unsigned long idx = (addr - first) >> PAGE_SHIFT;
		if (!ttu_maps(ptep_get(ptep), folio, idx))
			continue;
		if (!ttu_one_pte(folio, mm, addr, ptep, idx, w, &tlb)) {
			w->failed = true;
			break;
		}
	}
	pte_unmap_unlock(ptep, ptl);
	if (w->batch && w->deferred_puts != deferred && !ttu_batch_add(w->batch, mm))
		tlb_shootdown(mm, NULL, 0, true); /* the batch is full: this mm now */
	tlb_finish_mmu(&tlb);
	return !w->failed;
}

bool try_to_unmap(struct folio *folio, struct ttu_batch *batch)
{
	ASSERT(folio_test_locked(folio) && folio_test_swapcache(folio));
	struct ttu_walk w = { folio_swap_entry(folio), false, batch, 0 };
	unsigned skipped;
	rmap_walk_anon(folio, try_to_unmap_one, &w, &skipped);
	if (w.deferred_puts) {
		/* The caller holds a reference: these cannot be the last. */
		ASSERT(folio_ref_count(folio) > (int)w.deferred_puts);
		folio_put_refs(folio, (int)w.deferred_puts);
	}
	bool unmapped = !folio_mapped(folio);
	if (!unmapped)
		stat_inc(ttu_failed);
	return unmapped;
}

/* --- accessed bits --------------------------------------------------------------- */

static bool folio_referenced_one(struct folio *folio, struct page *page, struct mm *mm,
				 unsigned long addr, void *arg)
{
	unsigned *young = arg;
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep)
		return true;
	pte_t pte = ptep_get(ptep);
	if (pte_present(pte) && pte_pfn(pte) == page_to_pfn(page) && pte_young(pte)) {
		/* Exchange, so a dirty bit the MMU sets meanwhile is kept. */
		pte = ptep_get_and_clear(mm, addr, ptep);
		set_pte_at(mm, addr, ptep, pte_mkold(pte));
		(*young)++;
	}
	pte_unmap_unlock(ptep, ptl);
	return true;
}

unsigned folio_referenced(struct folio *folio)
{
	unsigned young = 0;
	struct rmap_walk_control rwc = { .fn = folio_referenced_one, .arg = &young };
	rmap_walk(folio, &rwc);
	return young;
}
