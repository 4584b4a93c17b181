/*
 * TLB invalidation for an mm: the local CPU with invlpg (or a CR3 reload),
 * the other CPUs that have the mm loaded (mm->cpu_mask) with one
 * cross-CPU call (IPI) each, counted in the stat tlb_shootdown_ipis. Where
 * the arch's flush is broadcast in hardware (arm64's TLBI ...IS:
 * arch_tlb_flush_is_broadcast() in asm/mmu.h), the local flush reaches
 * every CPU and no IPI is sent.
 *
 * An operation that changes many PTEs (munmap, fork, teardown) gathers
 * them in a struct mmu_gather: the addresses to flush, and the folio
 * references to drop, which may only go once no TLB can reach the page
 * any more. tlb_flush_mmu() flushes once for the batch (a full flush above
 * TLB_FLUSH_ALL_THRESHOLD addresses) and then drops the references;
 * tlb_finish_mmu() does it for the rest. The shootdown waits for every
 * target, so it may be called with a PTL held but with interrupts enabled
 * (smp_call_on_cpus' rule).
 */
#ifndef MM_TLB_H
#define MM_TLB_H

#include "kernel/types.h"

struct mm;
struct folio;

#define TLB_FLUSH_ALL_THRESHOLD 32
#define TLB_GATHER_FOLIOS 64

struct mmu_gather {
	struct mm *mm;
	unsigned nr_addrs;
	bool flush_all; /* more than the threshold: flush everything */
	unsigned long addrs[TLB_FLUSH_ALL_THRESHOLD];
	unsigned nr_folios;
	struct folio *folios[TLB_GATHER_FOLIOS]; /* one reference each, to drop */
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm *mm);
/* addr's translation changed: flush it with the batch. */
void tlb_gather_add_page(struct mmu_gather *tlb, unsigned long addr);
/* Drop one reference on folio after the flush (flushes when full). */
void tlb_gather_defer_put(struct mmu_gather *tlb, struct folio *folio);
void tlb_flush_mmu(struct mmu_gather *tlb);
void tlb_finish_mmu(struct mmu_gather *tlb);

/* Flush n addresses (or everything when all) of mm on every CPU that has
 * it loaded. */
void tlb_shootdown(struct mm *mm, const unsigned long *addrs, unsigned n, bool all);
/* Flush every entry of the n mms on every CPU that has one of them
 * loaded, with one cross-call (reclaim's batch, mm/rmap.c). */
void tlb_shootdown_mms(struct mm *const *mms, unsigned n);

#endif
