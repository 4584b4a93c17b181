/*
 * arch/host "physical memory" is one large mmap'd arena; a physical address
 * is an offset into it, so pfns are small and the buddy allocator sees the
 * same shapes as in the kernel.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include "kernel/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)

extern char *host_phys_base;

static inline void *phys_to_virt(phys_addr_t pa) { return host_phys_base + pa; }
static inline phys_addr_t virt_to_phys(const void *va) { return (const char *)va - host_phys_base; }

#endif
