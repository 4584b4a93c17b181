/*
 * struct mm: an address space. Its page-table root (mm/pgtable.h), its
 * VMAs (mm/vma.h) and counters. In the kernel the root shares the kernel
 * half with every other mm (arch_mmu_init_root), so switching between
 * mms (mm_activate, i.e. CR3) only changes the user half.
 *
 * The user range, in one place: generic code maps user memory only in
 * [MM_USER_START, MM_USER_END). MM_USER_END is the end of the canonical
 * lower half (the arch's ARCH_USER_ADDR_END, 128 TiB on x86-64); the first
 * 64 KiB stay unmapped so that NULL-pointer accesses fault (as Linux's
 * mmap_min_addr).
 *
 * Locking: the VMA set and the right to free page-table pages belong to
 * the mm's mmap lock, which arrives with the scheduler (a sleeping rwlock);
 * until then, one thread uses an mm at a time. Page-table entries are
 * under their table's PTL (mm/pgtable.h).
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <asm/pgtable.h>
#include "kernel/atomic.h"
#include "kernel/types.h"
#include "vma.h"

#define MM_USER_START 0x10000ul
#define MM_USER_END ARCH_USER_ADDR_END

struct mm {
	pgd_t *pgd;               /* root table, direct-map address (set at create) */
	phys_addr_t pgd_phys;     /* the same, for arch_mmu_activate (set at create) */
	atomic_long_t nr_pgtables; /* page-table pages, root included (atomic) */
	struct vma_set vmas;      /* mmap lock */
};

static inline bool mm_user_range_ok(unsigned long start, unsigned long end)
{
	return start >= MM_USER_START && start < end && end <= MM_USER_END;
}

/* A new, empty address space (root allocated, kernel half shared); NULL
 * when out of memory. */
struct mm *mm_create(void);
/* Unmap everything (through mm_zap_pte), free every VMA, every page-table
 * page and the mm. The mm must not be loaded on any CPU. */
void mm_destroy(struct mm *mm);

/* The teardown hook for one PTE, called under its PTL with the entry
 * already cleared. Until the fault/unmap work lands it releases nothing:
 * pages stay with whoever mapped them; it only counts what it saw. */
void mm_zap_pte(struct mm *mm, unsigned long addr, pte_t old, void *arg);

/* Load mm's root on this CPU. */
void mm_activate(struct mm *mm);
bool mm_is_active_here(const struct mm *mm);

/* TLB invalidation after changing mm's entries: local only for now; the
 * shootdown to other CPUs that have mm loaded (IPI) is added here. */
void mm_tlb_flush_page(struct mm *mm, unsigned long addr);
void mm_tlb_flush_all(struct mm *mm);

#endif
