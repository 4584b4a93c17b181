/*
 * arch/host MMU operations: there is no MMU. A root is "activated" only in
 * the sense that arch_mmu_current_root() reports it (per thread, i.e. per
 * host CPU); TLB flushes have nothing to flush.
 */
#ifndef ASM_MMU_H
#define ASM_MMU_H

#include "kernel/types.h"

/* No kernel half to share: the root stays zeroed. */
static inline void arch_mmu_init_root(void *root)
{
	(void)root;
}

static inline bool arch_mmu_has_nx(void)
{
	return true;
}

/* Host CPUs start on the "kernel root", an address no table can have. */
#define HOST_KERNEL_ROOT (~(phys_addr_t)0)
extern __thread phys_addr_t host_mmu_current_root;
static inline void arch_mmu_activate(phys_addr_t root_phys)
{
	host_mmu_current_root = root_phys;
}
static inline phys_addr_t arch_mmu_current_root(void)
{
	return host_mmu_current_root;
}
static inline phys_addr_t arch_mmu_kernel_root(void)
{
	return HOST_KERNEL_ROOT;
}

static inline void arch_tlb_flush_page(unsigned long addr)
{
	(void)addr;
}
static inline void arch_tlb_flush_all(void)
{
}

/* As x86-64: generic code does the cross-CPU part itself. */
static inline bool arch_tlb_flush_is_broadcast(void)
{
	return false;
}

#endif
