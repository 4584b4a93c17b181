/*
 * Address spaces: creation, teardown, activation, TLB invalidation. See
 * mm/mm.h.
 */
#include <asm/mmu.h>
#include "kernel/panic.h"
#include "kernel/stats.h"
#include "kmalloc.h"
#include "mm.h"
#include "pgtable.h"

DEFINE_STAT_COUNTER(mm_zap_present);
DEFINE_STAT_COUNTER(mm_zap_swap);

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm), GFP_KERNEL);
	if (!mm)
		return NULL;
	atomic_long_set(&mm->nr_pgtables, 0);
	vma_set_init(&mm->vmas);
	if (pgtable_alloc_root(mm) < 0) {
		kfree(mm);
		return NULL;
	}
	return mm;
}

/*
 * The unmap hook. The fault/unmap work replaces the body: a present anon
 * PTE drops its folio's map count and reference, a swap PTE its swap
 * count (through the swap-count interface). Until then the pages belong
 * to whoever mapped them, and only the counters say what was torn down.
 */
void mm_zap_pte(struct mm *mm, unsigned long addr, pte_t old, void *arg)
{
	(void)mm;
	(void)addr;
	(void)arg;
	if (pte_present(old))
		stat_inc(mm_zap_present);
	else
		stat_inc(mm_zap_swap);
}

void mm_destroy(struct mm *mm)
{
	ASSERT(!mm_is_active_here(mm));
	pgtable_unmap_range(mm, 0, MM_USER_END, mm_zap_pte, NULL);
	vma_set_destroy(&mm->vmas);
	pgtable_free_root(mm);
	kfree(mm);
}

void mm_activate(struct mm *mm)
{
	arch_mmu_activate(mm->pgd_phys);
}

bool mm_is_active_here(const struct mm *mm)
{
	return arch_mmu_current_root() == mm->pgd_phys;
}

void mm_tlb_flush_page(struct mm *mm, unsigned long addr)
{
	if (mm_is_active_here(mm))
		arch_tlb_flush_page(addr);
}

void mm_tlb_flush_all(struct mm *mm)
{
	if (mm_is_active_here(mm))
		arch_tlb_flush_all();
}
