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

static inline void *phys_to_virt(phys_addr_t pa) { return (void *)(pa + PHYS_MAP_BASE); }

static inline phys_addr_t virt_to_phys(const void *va)
{
	unsigned long v = (unsigned long)va;
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - PHYS_MAP_BASE;
}

#endif
