/*
 * x86-64 MMU operations for generic code: preparing a new page-table root,
 * loading it (CR3), and local TLB invalidation. Shootdown to other CPUs is
 * generic code's job (IPIs), built on these.
 */
#ifndef ASM_MMU_H
#define ASM_MMU_H

#include "kernel/types.h"

/* Copy the kernel half (PML4 entries 256..511 of boot_pml4) into a zeroed
 * root, so the kernel stays mapped whichever mm is loaded. Those upper
 * entries point at tables shared by every mm; they are never freed, and
 * must not change once the first mm exists (arch_direct_map_extend runs
 * earlier, from page_alloc_init). */
void arch_mmu_init_root(void *root);

/* Can a PTE forbid execution (EFER.NXE on)? Without it every page is
 * executable and pte_exec() is always true. */
bool arch_mmu_has_nx(void);

/* Load root_phys into CR3 (flushes non-global TLB entries). */
static inline void arch_mmu_activate(phys_addr_t root_phys)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(root_phys) : "memory");
}

/* The physical address of the root this CPU runs on now. */
static inline phys_addr_t arch_mmu_current_root(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v & 0x000ffffffffff000ul;
}

/* The boot root, the one every CPU starts on (kernel half + identity). */
phys_addr_t arch_mmu_kernel_root(void);

static inline void arch_tlb_flush_page(unsigned long addr)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(addr) : "memory");
}

static inline void arch_tlb_flush_all(void)
{
	arch_mmu_activate(arch_mmu_current_root());
}

/* invlpg and a CR3 reload act on this CPU only: mm/tlb.c interrupts the
 * others (IPIs) to flush theirs. */
static inline bool arch_tlb_flush_is_broadcast(void)
{
	return false;
}

#endif
