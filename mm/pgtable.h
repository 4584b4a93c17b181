/*
 * The generic 4-level page-table walker (pgd -> pud -> pmd -> pte), over
 * the arch entry helpers in <asm/pgtable.h>; it never looks at a bit.
 *
 * Tables are pages from alloc_page(__GFP_ZERO) marked PG_pgtable, reached
 * through the direct map (phys_to_virt of the parent entry). Each table
 * page carries its own lock, the PTL (struct page.ptl), which protects
 * that table's 512 entries and its count of non-none entries (pt_used);
 * this holds at every level, the root included. Lock order: a parent
 * table's PTL before its child's. PTLs are plain spinlocks: no page
 * table is touched from interrupt context.
 *
 * Lower levels are allocated on demand: the new table is allocated
 * without locks, then installed under the parent's PTL if the entry is
 * still none (a concurrent walker may have won; the loser frees its page).
 * Walkers read upper entries without locks. That is safe because tables
 * are freed only by pgtable_unmap_range() and mm teardown, which callers
 * must serialise against every walker of the range: the mm's mmap lock
 * (held for write by munmap, teardown and the OOM reaper; for read by
 * faults, swapoff and madvise_pageout; reclaim's rmap walks only trylock
 * it for read).
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <asm/pgtable.h>
#include "kernel/spinlock.h"
#include "kernel/types.h"

struct mm;

/* The PTE for addr with its PTL held, allocating missing levels; NULL
 * when a table page cannot be allocated (-ENOMEM). */
pte_t *pte_alloc_map_lock(struct mm *mm, unsigned long addr, spinlock_t **ptlp);
/* The same without allocating: NULL when a level is missing. */
pte_t *pte_offset_map_lock(struct mm *mm, unsigned long addr, spinlock_t **ptlp);
void pte_unmap_unlock(pte_t *ptep, spinlock_t *ptl);
/* The PTE pointer without the PTL (NULL when a level is missing): only for
 * a look that is checked again under the lock, or a design switch that
 * reproduces not doing so (ttu.sync=0). */
pte_t *pte_offset_map(struct mm *mm, unsigned long addr);
/* The PTL of the table holding ptep. */
spinlock_t *pte_lockptr(const pte_t *ptep);

/* Writes and clears of PTEs, PTL held: they keep the table's pt_used.
 * set_pte_at() overwrites: to replace a present PTE whose accessed or
 * dirty bit the MMU may be setting, take it with ptep_get_and_clear()
 * (an atomic exchange) first, or that bit can be lost. */
void set_pte_at(struct mm *mm, unsigned long addr, pte_t *ptep, pte_t pte);
pte_t ptep_get_and_clear(struct mm *mm, unsigned long addr, pte_t *ptep);

/* The PTE value at addr, read under its PTL; pte_empty() when a level is
 * missing. A snapshot: it may change once the PTL is dropped. The rmap
 * walk finds a folio's PTEs with it (the callback takes the PTL and looks
 * again), swapoff checks whether a fault resolved a swap PTE; tests too. */
pte_t pgtable_read_pte(struct mm *mm, unsigned long addr);

/*
 * Clear every PTE in [start, end) and free the page-table pages left
 * empty. For each PTE that was not none, zap(mm, addr, old, arg) runs
 * under the PTL, after the entry is cleared: that is where the unmap work
 * (map counts, references, swap counts) and the TLB flush plug in (mm_zap_pte
 * batches them in a struct mmu_gather). With zap NULL each entry is
 * flushed at once. Freed table pages are flushed from every CPU that has
 * mm loaded before they go back. start and end are page aligned.
 */
typedef void (*pte_zap_fn)(struct mm *mm, unsigned long addr, pte_t old, void *arg);
void pgtable_unmap_range(struct mm *mm, unsigned long start, unsigned long end, pte_zap_fn zap,
			 void *arg);

/*
 * The "bad page-table entry" check for code that is about to act on a PTE
 * (the fault handler, unmap): when pte_bad_reason() finds the content
 * invalid, print "mm: bad page-table entry" with the address, the value
 * and the reason, count it (stat pgtable_bad_pte) and return true; the
 * caller then kills the faulting task instead of following the entry.
 */
bool pte_report_if_bad(struct mm *mm, unsigned long addr, pte_t pte);

/* Root table management for mm.c. */
int pgtable_alloc_root(struct mm *mm);
void pgtable_free_root(struct mm *mm);

#endif
