/*
 * Page size and the direct map on arm64: all RAM is mapped at
 * PHYS_MAP_BASE + its physical address (TTBR1, PGD entry 256), so
 * phys_to_virt() is an addition, as on x86-64. The image is linked at
 * KERNEL_VMA but may be loaded at any 2 MiB boundary: virt_to_phys() of an
 * image address adds where it was loaded (arm64_image_phys, set once by
 * kmain from what boot.S computed, before anything else runs).
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

extern phys_addr_t arm64_image_phys;

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(pa + PHYS_MAP_BASE);
}

static inline phys_addr_t virt_to_phys(const void *va)
{
	unsigned long v = (unsigned long)va;
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA + arm64_image_phys;
	return v - PHYS_MAP_BASE;
}

/*
 * The direct map is one PGD entry: 512 GiB of physical addresses. boot.S
 * maps the GiB of the image and of the DTB; kmain maps every RAM range
 * the DTB lists (mmu.c) before start_kernel, so arch_direct_map_extend
 * finds everything mapped already and only checks.
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
