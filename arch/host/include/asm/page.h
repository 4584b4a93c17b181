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
extern size_t host_phys_size; /* bytes in the arena */

static inline void *phys_to_virt(phys_addr_t pa)
{
	return host_phys_base + pa;
}
static inline phys_addr_t virt_to_phys(const void *va)
{
	return (const char *)va - host_phys_base;
}

/* The whole arena is "mapped" from the start: nothing to extend. */
#define ARCH_DIRECT_MAP_LIMIT ((phys_addr_t)host_phys_size)
static inline phys_addr_t arch_direct_map_end(void)
{
	return host_phys_size;
}
static inline int arch_direct_map_extend(phys_addr_t end, void *(*alloc_table_page)(void))
{
	(void)end;
	(void)alloc_table_page;
	return 0;
}

/* Free pages are poisoned for AddressSanitizer, so a use after free_pages()
 * is reported at the faulting access. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
static inline void arch_page_poison(void *va, size_t len)
{
	ASAN_POISON_MEMORY_REGION(va, len);
}
static inline void arch_page_unpoison(void *va, size_t len)
{
	ASAN_UNPOISON_MEMORY_REGION(va, len);
}
#else
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

#endif
