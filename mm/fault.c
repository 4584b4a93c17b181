/*
 * Page-fault handling: anonymous faults (base pages and mTHP folios),
 * write faults on write-protected anon pages (reuse or copy), and the
 * policy for faults that cannot be resolved: out of memory calls the OOM
 * killer (mm/oom_kill.c) and retries; anything else kills the task.
 */
#include <asm/mmu.h>
#include "fault.h"
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/fault_inject.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "lru.h"
#include "page_io.h"
#include "swap.h"
#include "mm.h"
#include "mthp.h"
#include "oom_kill.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap_in.h"

DEFINE_STAT_COUNTER(fault_anon);
DEFINE_STAT_COUNTER(fault_anon_mthp); /* anon faults that mapped a large folio */
DEFINE_STAT_COUNTER(mthp_fallback);   /* an allowed order that did not fit or failed */
DEFINE_STAT_COUNTER(cow_reuse);
DEFINE_STAT_COUNTER(cow_copy);
DEFINE_STAT_COUNTER(fault_spurious);
DEFINE_STAT_COUNTER(fault_segv);
DEFINE_STAT_COUNTER(fault_task_kills);
DEFINE_STAT_COUNTER(oom_no_victim);    /* out of memory with nothing to kill: the task ends */
DEFINE_STAT_COUNTER(oom_victim_exits); /* tasks ended at a fault after the OOM killer's kill */

static pte_t mk_anon_pte(struct vma *vma, pfn_t pfn, bool write)
{
	pte_t pte = pte_mkyoung(pfn_pte(pfn, arch_vm_get_page_prot(vma->prot)));
	if (!(vma->prot & PAGE_PROT_WRITE))
		return pte_wrprotect(pte);
	return write ? pte_mkdirty(pte) : pte;
}

/* Are the nr PTEs from ptep on all none? Under the PTL for the answer
 * that counts; anon_fault_pick_order asks without it, for a hint. */
static bool pte_range_none(pte_t *ptep, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++)
		if (!pte_none(ptep_get(ptep + i)))
			return false;
	return true;
}

/*
 * The largest allowed order whose aligned range fits in the VMA and has
 * no PTE yet. Looked at without the PTL: the answer is only a hint,
 * rechecked under the PTL once the folio is allocated. The aligned range
 * of any order <= 9 lies inside one page table. (The order choice of
 * Linux's alloc_anon_folio; do_anonymous_page below does the allocation.)
 */
static unsigned anon_fault_pick_order(struct vma *vma, pte_t *ptep, unsigned long addr,
				      unsigned long orders)
{
	for (int order = FOLIO_MAX_ORDER; order > 0; order--) {
		if (!(orders & (1ul << order)))
			continue;
		unsigned long size = PAGE_SIZE << order;
		unsigned long start = ALIGN_DOWN(addr, size);
		if (start < vma->start || start + size > vma->end ||
		    !pte_range_none(ptep - pte_index(addr) + pte_index(start), 1ul << order)) {
			stat_inc(mthp_fallback);
			continue;
		}
		return (unsigned)order;
	}
	return 0;
}

/*
 * A fault on a none PTE of an anon VMA: a zeroed folio of the largest
 * order that fits (mTHP), falling back to smaller ones when allocation
 * fails or a racing fault filled part of the range. The new folio is
 * exclusive: one reference and one map count per PTE.
 */
static int do_anonymous_page(struct mm *mm, struct vma *vma, unsigned long addr, pte_t *ptep0,
			     bool write)
{
	unsigned long orders = mthp_allowed_orders();

	for (;;) {
		unsigned order = anon_fault_pick_order(vma, ptep0, addr, orders);
		unsigned long nr = 1ul << order;
		unsigned long start = ALIGN_DOWN(addr, PAGE_SIZE << order);
		struct folio *folio =
			folio_alloc(gfp_user_folio(order) | __GFP_ZERO | __GFP_NOWARN, order);
		if (!folio) {
			if (!order)
				return -ENOMEM;
			stat_inc(mthp_fallback);
			orders &= ~(1ul << order);
			continue;
		}
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(mm, start, &ptl);
		ASSERT(ptep); /* the table exists: the caller allocated it */
		if (!pte_range_none(ptep, nr)) {
			pte_unmap_unlock(ptep, ptl);
			folio_put(folio);
			if (!order)
				return 0; /* a racing fault mapped it: retry the access */
			stat_inc(mthp_fallback);
			orders &= ~(1ul << order);
			continue;
		}
		folio_add_new_anon_rmap(folio, vma, start);
		folio_ref_add(folio, (int)nr - 1);
		folio_mapcount_add(folio, &folio->page, (unsigned)nr, 1);
		for (unsigned long i = 0; i < nr; i++)
			set_pte_at(mm, start + i * PAGE_SIZE, ptep + i,
				   mk_anon_pte(vma, folio_pfn(folio) + i, write));
		atomic_long_add(&mm->rss_anon, (long)nr);
		pte_unmap_unlock(ptep, ptl);
		lru_add(folio, true);
		stat_inc(fault_anon);
		if (order)
			stat_inc(fault_anon_mthp);
		return 0;
	}
}

/*
 * May the page be written in place although its PTE is write-protected?
 * Yes when it is anon-exclusive (seed 001). Otherwise when the references
 * prove nobody else holds it: a small folio whose only reference is this
 * PTE's; a large folio whose references are all mappings (plus the one
 * the caller took for the check), all of them in this mm (rmap_checked,
 * see wp_folio_only_in_mm) and with this page mapped once. PTL held.
 */
static bool wp_can_reuse_anon_folio(struct folio *folio, struct page *page,
				    struct folio *rmap_checked)
{
	if (page_anon_exclusive(page))
		return true;
	if (!folio_test_anon(folio))
		return false;
	/* Kept in the swap cache by a read fault (swap.keep_slot_on_read):
	 * the cache's references would hide that we are alone. Let it go
	 * when no swap PTE needs it, as Linux's wp_can_reuse_anon_folio does
	 * (trylock: the PTL is held). */
	if (folio_test_swapcache(folio) && folio_trylock(folio)) {
		folio_free_swap(folio);
		folio_unlock(folio);
	}
	if (folio_test_swapcache(folio))
		return false;
	if (!folio_test_large(folio))
		return folio_ref_count(folio) == 1;
	return rmap_checked == folio && page_mapcount(page) == 1 &&
	       folio_ref_count(folio) == folio_mapcount(folio) + 1;
}

struct rmap_mm_check {
	struct mm *mm;
	bool other;
};

static bool rmap_note_other_mm(struct folio *folio, struct page *page, struct mm *mm,
			       unsigned long addr, void *arg)
{
	struct rmap_mm_check *c = arg;
	if (mm == c->mm)
		return true;
	c->other = true;
	return false;
}

/*
 * For a write fault on a write-protected page of a large folio: is every
 * mapping of the folio in mm? Linux answers with per-folio mm ids; here
 * an rmap walk, done before the PTL is taken (rmap takes anon_vma lock ->
 * PTL). The answer stays true while we hold mm's mmap lock: another mm
 * can only start mapping the folio by forking an mm that maps it. Returns
 * the folio checked, with a reference the caller drops, or NULL.
 */
static struct folio *wp_folio_only_in_mm(struct mm *mm, unsigned long addr)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep)
		return NULL;
	pte_t pte = ptep_get(ptep);
	struct folio *folio = NULL;
	if (pte_present(pte) && !pte_write(pte)) {
		folio = page_folio(pfn_to_page(pte_pfn(pte)));
		if (folio_test_large(folio) && folio_test_anon(folio))
			folio_get(folio);
		else
			folio = NULL;
	}
	pte_unmap_unlock(ptep, ptl);
	if (!folio)
		return NULL;
	struct rmap_mm_check c = { mm, false };
	struct rmap_walk_control rwc = { .fn = rmap_note_other_mm, .arg = &c, .held = mm };
	rmap_walk(folio, &rwc);
	if (c.other || rwc.skipped) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/*
 * Copy on write: a new exclusive page with the old contents replaces the
 * shared one. Break before make: the old PTE is cleared and flushed from
 * every CPU before the new one is set, so no CPU keeps reading the old
 * page after another wrote the new one. An unshare (a read-only pin's
 * fault, mm/gup.c) maps the copy read-only: nobody asked to write.
 */
static int wp_page_copy(struct mm *mm, struct vma *vma, unsigned long addr, pte_t *ptep,
			spinlock_t *ptl, pte_t orig, struct folio *old_folio, struct page *old_page,
			bool unshare)
{
	folio_get(old_folio); /* keeps the page while we copy without the PTL */
	pte_unmap_unlock(ptep, ptl);
	struct folio *new = folio_alloc(GFP_USER, 0);
	if (!new) {
		folio_put(old_folio);
		return -ENOMEM;
	}
	memcpy(folio_address(new), page_address(old_page), PAGE_SIZE);
	spin_lock(ptl);
	if (!pte_same(ptep_get(ptep), orig)) {
		pte_unmap_unlock(ptep, ptl);
		folio_put(new);
		folio_put(old_folio);
		return 0; /* changed under us: retry */
	}
	ptep_get_and_clear(mm, addr, ptep);
	mm_tlb_flush_page(mm, addr);
	folio_add_new_anon_rmap(new, vma, addr);
	folio_mapcount_add(new, &new->page, 1, 1);
	pte_t pte = mk_anon_pte(vma, folio_pfn(new), !unshare);
	set_pte_at(mm, addr, ptep, unshare ? pte_wrprotect(pte) : pte);
	folio_mapcount_add(old_folio, old_page, 1, -1);
	folio_put(old_folio); /* the old PTE's reference */
	pte_unmap_unlock(ptep, ptl);
	lru_add(new, true);
	/* Its last mapping may just have gone: slots kept for it go too. */
	free_swap_cache(old_folio);
	folio_put(old_folio);
	stat_inc(cow_copy);
	return 0;
}

/*
 * A write (or, with unshare, a read-only pin's FAULT_FLAG_UNSHARE) on a
 * write-protected anon page: reuse it when it is or can be proved
 * exclusive, otherwise copy. An unshare reuse only marks the page
 * exclusive and leaves the PTE read-only (Linux's wp_page_reuse with
 * unshare). PTL held; dropped on return.
 */
static int do_wp_page(struct mm *mm, struct vma *vma, unsigned long addr, pte_t *ptep,
		      spinlock_t *ptl, pte_t orig, struct folio *rmap_checked, bool unshare)
{
	struct page *page = pfn_to_page(pte_pfn(orig));
	struct folio *folio = page_folio(page);

	if (wp_can_reuse_anon_folio(folio, page, rmap_checked)) {
		page_set_anon_exclusive(page);
		if (unshare) {
			pte_unmap_unlock(ptep, ptl);
			stat_inc(cow_reuse);
			return 0;
		}
		/* Read-only to writable: the MMU cannot be setting dirty
		 * meanwhile, and a stale read-only TLB entry elsewhere only
		 * causes a spurious fault. */
		set_pte_at(mm, addr, ptep, pte_mkwrite(pte_mkdirty(pte_mkyoung(orig))));
		pte_unmap_unlock(ptep, ptl);
		if (mm_is_active_here(mm))
			arch_tlb_flush_page(addr);
		stat_inc(cow_reuse);
		return 0;
	}
	return wp_page_copy(mm, vma, addr, ptep, ptl, orig, folio, page, unshare);
}

static int handle_pte_fault(struct mm *mm, struct vma *vma, unsigned long addr, unsigned flags,
			    struct folio *checked);

static bool vma_allows(struct vma *vma, unsigned flags)
{
	if ((flags & FAULT_FLAG_WRITE) && !(vma->prot & PAGE_PROT_WRITE))
		return false;
	if ((flags & FAULT_FLAG_INSTRUCTION) && !(vma->prot & PAGE_PROT_EXEC))
		return false;
	return vma->prot & (PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_EXEC);
}

int handle_mm_fault(struct mm *mm, unsigned long addr, unsigned flags)
{
	/* Both may reuse a large folio: check its mappings before the PTL. */
	bool wp = flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE);

	/* Being reaped, or reaped: nothing may repopulate it (oom_kill.h). */
	if (mm_is_oom_victim(mm))
		return -ENOMEM;
	struct vma *vma = vma_lookup(&mm->vmas, addr);
	if (!vma || !vma_allows(vma, flags)) {
		stat_inc(fault_segv);
		return -EFAULT;
	}
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	struct folio *checked = wp ? wp_folio_only_in_mm(mm, addr) : NULL;
	int err = handle_pte_fault(mm, vma, addr, flags, checked);
	if (checked)
		folio_put(checked);
	return err;
}

/* Does an unshare fault on pte have work to do: an anon page that may be
 * shared, mapped read-only? (Linux's gup_must_unshare, seen by the fault.) */
static bool pte_needs_unshare(pte_t pte)
{
	struct folio *folio = pte_anon_folio(pte);
	return folio && !pte_write(pte) && !page_anon_exclusive(pfn_to_page(pte_pfn(pte)));
}

/* Dispatch on the PTE, under its PTL: none, swap, write-protected (a
 * write, or an unshare for a read-only pin). */
static int handle_pte_fault(struct mm *mm, struct vma *vma, unsigned long addr, unsigned flags,
			    struct folio *checked)
{
	bool write = flags & FAULT_FLAG_WRITE;
	spinlock_t *ptl;
	pte_t *ptep = pte_alloc_map_lock(mm, addr, &ptl);
	if (!ptep)
		return -ENOMEM;
	pte_t pte = ptep_get(ptep);
	if (pte_report_if_bad(mm, addr, pte)) {
		pte_unmap_unlock(ptep, ptl);
		return -EIO;
	}
	if (pte_none(pte)) {
		pte_unmap_unlock(ptep, ptl);
		return do_anonymous_page(mm, vma, addr, ptep, write);
	}
	if (!pte_present(pte)) {
		pte_unmap_unlock(ptep, ptl);
		return do_swap_page(mm, vma, addr, pte, write);
	}
	if (write && !pte_write(pte))
		return do_wp_page(mm, vma, addr, ptep, ptl, pte, checked, false);
	if ((flags & FAULT_FLAG_UNSHARE) && pte_needs_unshare(pte))
		return do_wp_page(mm, vma, addr, ptep, ptl, pte, checked, true);
	/* Already allowed: another CPU resolved it, or a stale TLB entry. */
	pte_unmap_unlock(ptep, ptl);
	if (mm_is_active_here(mm))
		arch_tlb_flush_page(addr);
	stat_inc(fault_spurious);
	return 0;
}

bool mm_fault_oom(struct mm *mm, unsigned long seq)
{
	struct task *t = current;
	if ((t && fatal_signal_pending(t)) || mm_is_oom_victim(mm))
		return false;
	struct oom_control oc = { .mm = mm, .seq = seq };
	return out_of_memory(&oc) == OOM_RETRY;
}

/*
 * A killed task ends here, at its first fault after the kill: the reaper
 * unmapped everything, so it faults at its next access. A fault that
 * fails for want of memory calls the OOM killer and is tried again unless
 * the victim was this task's own mm.
 */
int mm_handle_page_fault(unsigned long addr, unsigned flags, unsigned long ip)
{
	struct task *t = current;
	struct mm *mm = t ? t->mm : NULL;

	if (!mm || addr >= MM_USER_END)
		return -EFAULT;
	for (;;) {
		unsigned long seq = oom_kill_seq();
		int err = -ENOMEM;
		if (!fatal_signal_pending(t)) {
			down_read(&mm->mmap_lock);
			err = handle_mm_fault(mm, addr, flags);
			up_read(&mm->mmap_lock);
		}
		if (!err)
			return 0;
		if (err != -ENOMEM || !mm_fault_oom(mm, seq))
			mm_fault_kill_current(addr, flags, ip, err);
	}
}

/* What memory is doing when a task is killed for want of it: swap use, I/O
 * in flight, the LRU. */
static void mm_oom_report(void)
{
	pr_err("mm: out of memory: %ld swap I/Os in flight, LRU %lu active + %lu inactive pages\n",
	       swap_io_pending(), lru_nr_pages(true), lru_nr_pages(false));
	swap_report();
	swap_io_report_devices();
}

__noreturn void mm_fault_kill_current(unsigned long addr, unsigned flags, unsigned long ip, int err)
{
	struct task *t = current;
	stat_inc(fault_task_kills);
	if (fatal_signal_pending(t) || (t->mm && mm_is_oom_victim(t->mm))) {
		/* The OOM killer's message named the mm and what it freed. */
		stat_inc(oom_victim_exits);
		task_exit(-ENOMEM);
	}
	if (err == -ENOMEM) {
		stat_inc(oom_no_victim);
		pr_err("mm: out of memory: killing task %s (id %lu) at %#lx: %lu pages free "
		       "(min %lu), nothing left to reclaim (swap full or absent) and no "
		       "address space to kill\n",
		       t->name, (unsigned long)t->id, addr, nr_free_pages(),
		       page_alloc_watermarks()->min);
		u64 injected =
			fault_attr_injected(&fail_page_alloc) + fault_attr_injected(&fail_kmalloc);
		if (injected)
			pr_err("mm: out of memory: %lu allocation failures injected so far "
			       "(fail.page_alloc=, fail.kmalloc=)\n",
			       (unsigned long)injected);
		mm_oom_report();
		task_exit(err);
	}
	pr_err("mm: killing task %s (id %lu): unresolved %s fault at %#lx, ip %#lx, error %d\n",
	       t->name, (unsigned long)t->id, flags & FAULT_FLAG_WRITE ? "write" : "read", addr, ip,
	       err);
	task_exit(err);
}
