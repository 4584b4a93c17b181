/*
 * arm64 MMU operations for generic code. The kernel half lives in TTBR1
 * (never switched); TTBR0 holds only the user root of the running mm, or
 * an empty root (arch_mmu_kernel_root) when no mm is loaded. So a new
 * user root needs nothing copied into it.
 *
 * No ASIDs yet: every user root runs as ASID 0, and a TTBR0 switch drops
 * this CPU's ASID-0 entries (TLBI ASIDE1; every PTE of a user root is nG,
 * so none survives as global), keeping the kernel's global TTBR1 entries.
 * Simple and correct; per-mm ASIDs are a later optimisation. TLB invalidation is broadcast
 * in hardware (TLBI ...IS reaches every CPU of the inner-shareable
 * domain), so generic code needs no IPI shootdown:
 * arch_tlb_flush_is_broadcast() says so to mm/tlb.c.
 */
#ifndef ASM_MMU_H
#define ASM_MMU_H

#include "kernel/types.h"

/* Nothing to copy: the kernel is in TTBR1. The root arrives zeroed. */
static inline void arch_mmu_init_root(void *root)
{
	(void)root;
}

/* UXN/PXN always exist. */
static inline bool arch_mmu_has_nx(void)
{
	return true;
}

#define TTBR_BADDR_MASK 0x0000fffffffff000ul

/* Load root_phys into TTBR0 (ASID 0) and drop this CPU's ASID-0 entries:
 * the previous mm's must go. */
static inline void arch_mmu_activate(phys_addr_t root_phys)
{
	__asm__ __volatile__("msr ttbr0_el1, %0\n\t"
			     "isb\n\t"
			     "tlbi aside1, xzr\n\t"
			     "dsb nsh\n\t"
			     "isb" ::"r"(root_phys)
			     : "memory");
}

static inline phys_addr_t arch_mmu_current_root(void)
{
	unsigned long v;
	__asm__ __volatile__("mrs %0, ttbr0_el1" : "=r"(v));
	return v & TTBR_BADDR_MASK;
}

/* The empty TTBR0 root (no user mappings), what a CPU runs on with no mm. */
phys_addr_t arch_mmu_kernel_root(void);

/* Invalidate addr on every CPU: all ASIDs, all levels (a freed page table
 * is covered too). The leading DSB makes the PTE store visible to other
 * CPUs' walkers before they drop their entries. */
static inline void arch_tlb_flush_page(unsigned long addr)
{
	__asm__ __volatile__("dsb ishst\n\t"
			     "tlbi vaae1is, %0\n\t"
			     "dsb ish\n\t"
			     "isb" ::"r"((addr >> 12) & ((1ul << 44) - 1))
			     : "memory");
}

static inline void arch_tlb_flush_all(void)
{
	__asm__ __volatile__("dsb ishst\n\t"
			     "tlbi vmalle1is\n\t"
			     "dsb ish\n\t"
			     "isb" ::
				     : "memory");
}

/* arch_tlb_flush_page/all reach every CPU: mm/tlb.c sends no IPIs. */
static inline bool arch_tlb_flush_is_broadcast(void)
{
	return true;
}

#endif
