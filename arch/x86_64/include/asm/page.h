/*
 * Page size and the direct map: all physical RAM is mapped at
 * PHYS_MAP_BASE, so phys_to_virt() is an addition. The kernel image is
 * linked at KERNEL_VMA (top 2 GiB, -mcmodel=kernel).
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include "kernel/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PHYS_MAP_BASE 0xffff800000000000ul
#ifndef KERNEL_VMA
#define KERNEL_VMA 0xffffffff80000000ul
#endif

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(pa + PHYS_MAP_BASE);
}

static inline phys_addr_t virt_to_phys(const void *va)
{
	unsigned long v = (unsigned long)va;
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - PHYS_MAP_BASE;
}

/*
 * The direct map. boot.S maps the first 4 GiB; page_alloc_init() calls
 * arch_direct_map_extend() to map RAM up to "end" as well, with table
 * pages from its early allocator (zeroed, direct-mapped, below the current
 * arch_direct_map_end()). The direct map is one PML4 entry: 512 GiB.
 */
#define ARCH_DIRECT_MAP_LIMIT (512ul << 30)
phys_addr_t arch_direct_map_end(void);
int arch_direct_map_extend(phys_addr_t end, void *(*alloc_table_page)(void));

/* Free-page poisoning hooks for sanitizers: nothing to do in the kernel. */
static inline void arch_page_poison(void *va, size_t len)
{
	(void)va;
	(void)len;
}
static inline void arch_page_unpoison(void *va, size_t len)
{
	(void)va;
	(void)len;
}

#endif
