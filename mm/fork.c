/*
 * fork of an address space (see mm_fork in mm/mm.h). The source's mmap
 * lock is held for write throughout, so no fault changes its tables while
 * they are copied; the new mm is not visible to anyone yet.
 */
#include "folio.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "mm.h"
#include "oom_kill.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "tlb.h"

DEFINE_STAT_COUNTER(fork_anon_shared);
DEFINE_STAT_COUNTER(fork_swap_dup);

/* fork.clear_swp_exclusive=0: seed 001's broken design, a fork that
 * forgets to clear the swap PTE's exclusive bit (mm.h). */
bool fork_clear_swp_exclusive = true;
KPARAM_BOOL(fork_clear_swp_exclusive, "fork.clear_swp_exclusive", &fork_clear_swp_exclusive,
	    "fork clears the exclusive bit of the parent's swap PTEs (seed 001; default 1; 0: the "
	    "bug the rule prevents, a write after swap-in leaks between parent and child)");

/*
 * One PTE, both PTLs held. A present anon page is shared from now on: it
 * loses anon-exclusive and becomes read-only in both mms (the parent's
 * TLB entry is flushed with the batch), so the first write on either side
 * faults and copies or reuses. A swap PTE: the child holds the entry too
 * (swap_duplicate), and seed 001: the entry is no longer exclusive, so the
 * exclusive bit is cleared in the parent and never set in the child;
 * swap-in then cannot map it writable without checking. Linux's
 * copy_present_pte and copy_nonpresent_pte in one.
 */
static pte_t fork_copy_pte(struct mm *dst, struct mm *src, unsigned long addr, pte_t *sptep,
			   struct mmu_gather *tlb)
{
	pte_t pte = ptep_get(sptep);

	if (pte_present(pte)) {
		struct folio *folio = pte_anon_folio(pte);
		if (!folio)
			return pte; /* not anon memory: shared as it is */
		struct page *page = pfn_to_page(pte_pfn(pte));
		folio_get(folio);
		folio_mapcount_add(folio, page, 1, 1);
		page_clear_anon_exclusive(page);
		if (pte_write(pte)) {
			pte = pte_wrprotect(ptep_get_and_clear(src, addr, sptep));
			set_pte_at(src, addr, sptep, pte);
			tlb_gather_add_page(tlb, addr);
		}
		atomic_long_inc(&dst->rss_anon);
		stat_inc(fork_anon_shared);
		return pte_mkold(pte);
	}
	if (pte_report_if_bad(src, addr, pte))
		return pte_empty();
	if (swap_duplicate(pte_to_swp_entry(pte)) < 0) {
		pr_err("mm: fork: swap PTE %#lx at %#lx names an unused entry\n",
		       (unsigned long)pte_val(pte), addr);
		return pte_empty();
	}
	if (pte_swp_exclusive(pte) && fork_clear_swp_exclusive) {
		pte = pte_swp_clear_exclusive(pte);
		set_pte_at(src, addr, sptep, pte);
	}
	atomic_long_inc(&dst->rss_swap);
	stat_inc(fork_swap_dup);
	return pte;
}

/* Copy the PTEs of [addr, end), which lie in one page table of src. */
static int fork_copy_table(struct mm *dst, struct mm *src, unsigned long addr, unsigned long end,
			   struct mmu_gather *tlb)
{
	spinlock_t *sptl, *dptl;
	pte_t *sptep = pte_offset_map_lock(src, addr, &sptl);
	if (!sptep)
		return 0;
	pte_unmap_unlock(sptep, sptl);
	pte_t *dptep = pte_alloc_map_lock(dst, addr, &dptl);
	if (!dptep)
		return -ENOMEM;
	/* dst is private to us: its PTL before src's cannot deadlock. */
	spin_lock(sptl);
	for (; addr < end; addr += PAGE_SIZE, sptep++, dptep++) {
		if (pte_none(ptep_get(sptep)))
			continue;
		pte_t pte = fork_copy_pte(dst, src, addr, sptep, tlb);
		if (!pte_none(pte))
			set_pte_at(dst, addr, dptep, pte);
	}
	spin_unlock(sptl);
	pte_unmap_unlock(dptep, dptl);
	return 0;
}

static int fork_copy_vma(struct mm *dst, struct mm *src, struct vma *v, struct mmu_gather *tlb)
{
	for (unsigned long addr = v->start, next; addr < v->end; addr = next) {
		next = ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE;
		if (next > v->end)
			next = v->end;
		int err = fork_copy_table(dst, src, addr, next, tlb);
		if (err)
			return err;
	}
	return 0;
}

struct mm *mm_fork(struct mm *src)
{
	struct mm *dst = mm_create();
	struct mmu_gather tlb;
	struct vma *v;
	int err = 0;

	if (!dst)
		return NULL;
	/* While we hold src's mmap lock for writing, reclaim cannot touch
	 * src's pages (rmap walks only trylock it), and src may be most of
	 * memory: the child's tables may use the reserve below min first. */
	dst->pgtable_gfp = __GFP_HIGH;
	down_write(&src->mmap_lock);
	/* An OOM victim is being (or was) emptied by the reaper, which takes
	 * this lock after marking it: its copy would be an address space
	 * with holes where the parent's memory was, and the child would
	 * fault on them (-EFAULT). Refused, as Linux's dup_mmap refuses a
	 * fork of a killed task. */
	if (mm_is_oom_victim(src)) {
		up_write(&src->mmap_lock);
		mm_put(dst);
		return NULL;
	}
	tlb_gather_mmu(&tlb, src);
	for_each_vma (&src->vmas, v) {
		struct vma *nv = vma_alloc(v->start, v->end, v->prot, v->flags);
		if (!nv) {
			err = -ENOMEM;
			break;
		}
		nv->mm = dst;
		ASSERT_EQ(vma_insert(&dst->vmas, nv), 0);
		if (v->anon_vma)
			anon_vma_attach(nv, v->anon_vma);
		err = fork_copy_vma(dst, src, v, &tlb);
		if (err)
			break;
	}
	tlb_finish_mmu(&tlb);
	up_write(&src->mmap_lock);
	dst->pgtable_gfp = 0;
	if (err) {
		mm_put(dst);
		return NULL;
	}
	return dst;
}
