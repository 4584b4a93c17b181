/*
 * mm_mmap and mm_munmap: creating anonymous VMAs and tearing ranges down
 * (see mm/mm.h). Both hold the mmap lock for write, so no fault walks the
 * tables that munmap frees. madvise_dontneed empties a range and keeps
 * its VMAs and tables, under the lock for read, as faults hold it.
 */
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "mm.h"
#include "pgtable.h"
#include "rmap.h"
#include "tlb.h"

static bool mm_range_valid(unsigned long start, unsigned long len)
{
	return len && IS_ALIGNED(start, PAGE_SIZE) && IS_ALIGNED(len, PAGE_SIZE) &&
	       start + len > start && mm_user_range_ok(start, start + len);
}

int mm_mmap(struct mm *mm, unsigned long start, unsigned long len, unsigned prot)
{
	if (!mm_range_valid(start, len))
		return -EINVAL;
	struct vma *vma = vma_alloc(start, start + len, prot, VMA_ANON);
	struct anon_vma *av = anon_vma_alloc();
	if (!vma || !av) {
		if (vma)
			vma_free(vma);
		if (av)
			anon_vma_put(av);
		return -ENOMEM;
	}
	vma->mm = mm;
	down_write(&mm->mmap_lock);
	int err = vma_insert(&mm->vmas, vma);
	if (!err)
		anon_vma_attach(vma, av);
	up_write(&mm->mmap_lock);
	anon_vma_put(av); /* the VMA holds its own reference now */
	if (err)
		vma_free(vma);
	return err;
}

/* Split vma at addr; the new piece shares the anon_vma (its folios may be
 * mapped in either half). */
static int mm_split_vma(struct mm *mm, struct vma *vma, unsigned long addr)
{
	struct vma *tail = vma_split(&mm->vmas, vma, addr);
	if (!tail)
		return -ENOMEM;
	tail->mm = mm;
	if (vma->anon_vma)
		anon_vma_attach(tail, vma->anon_vma);
	return 0;
}

int mm_munmap(struct mm *mm, unsigned long start, unsigned long len)
{
	if (!mm_range_valid(start, len))
		return -EINVAL;
	unsigned long end = start + len;
	struct mmu_gather tlb;
	int err = 0;

	down_write(&mm->mmap_lock);
	struct vma *v = vma_lookup(&mm->vmas, start);
	if (v && v->start < start)
		err = mm_split_vma(mm, v, start);
	v = err ? NULL : vma_lookup(&mm->vmas, end);
	if (v && v->start < end)
		err = mm_split_vma(mm, v, end);
	if (err) {
		up_write(&mm->mmap_lock);
		return err;
	}
	tlb_gather_mmu(&tlb, mm);
	v = vma_find(&mm->vmas, start);
	while (v && v->start < end) {
		struct vma *next = vma_next(&mm->vmas, v);
		ASSERT(v->start >= start && v->end <= end);
		/* Unlinked from the rmap before its tables can go. */
		anon_vma_detach(v);
		pgtable_unmap_range(mm, v->start, v->end, mm_zap_pte, &tlb);
		vma_remove(&mm->vmas, v);
		vma_free(v);
		v = next;
	}
	tlb_finish_mmu(&tlb);
	up_write(&mm->mmap_lock);
	return 0;
}

/*
 * Linux's madvise_dontneed_single_vma (zap_page_range_single). With the
 * mmap lock only read, a fault of another task of this mm may be between
 * two looks at its PTEs (PTL dropped): the zap changes the range under
 * it, which the fault's second look under the PTL must catch. That is
 * seed 000's "concurrent partial unmap" (munmap cannot do it: it waits
 * for the fault's read lock). Tables stay: a fault may be walking them.
 */
int madvise_dontneed(struct mm *mm, unsigned long start, unsigned long len)
{
	if (!mm_range_valid(start, len))
		return -EINVAL;
	struct mmu_gather tlb;
	down_read(&mm->mmap_lock);
	tlb_gather_mmu(&tlb, mm);
	for (unsigned long addr = start; addr < start + len; addr += PAGE_SIZE) {
		if (!vma_lookup(&mm->vmas, addr))
			continue;
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
		if (!ptep)
			continue;
		if (!pte_none(ptep_get(ptep)))
			mm_zap_pte(mm, addr, ptep_get_and_clear(mm, addr, ptep), &tlb);
		pte_unmap_unlock(ptep, ptl);
	}
	tlb_finish_mmu(&tlb);
	up_read(&mm->mmap_lock);
	return 0;
}

int mm_wrprotect(struct mm *mm, unsigned long start, unsigned long len)
{
	if (!mm_range_valid(start, len))
		return -EINVAL;
	struct mmu_gather tlb;
	down_write(&mm->mmap_lock);
	tlb_gather_mmu(&tlb, mm);
	for (unsigned long addr = start; addr < start + len; addr += PAGE_SIZE) {
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
		if (!ptep)
			continue;
		pte_t pte = ptep_get(ptep);
		if (pte_present(pte) && pte_write(pte)) {
			pte = pte_wrprotect(ptep_get_and_clear(mm, addr, ptep));
			set_pte_at(mm, addr, ptep, pte);
			tlb_gather_add_page(&tlb, addr);
		}
		pte_unmap_unlock(ptep, ptl);
	}
	tlb_finish_mmu(&tlb);
	up_write(&mm->mmap_lock);
	return 0;
}
