/*
 * The boot memory map reduced to what the page allocator may use: sorted,
 * disjoint, page-aligned physical ranges of usable RAM with every reserved
 * range (bootinfo.reserved[], and every non-usable region of the firmware
 * map) punched out. page_alloc_init() builds it, carves its early
 * allocations (page tables for the direct map, mem_map) from it with
 * memmap_early_alloc(), then frees what is left into the buddy lists.
 * Pure functions on a caller-owned struct: tests build maps of their own.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "kernel/bootinfo.h"
#include "kernel/types.h"

#define MEMMAP_MAX_RANGES (BOOT_MAX_MEM_REGIONS + BOOT_MAX_MEM_REGIONS + BOOT_MAX_RESERVED)
#define MEMMAP_LOW_LIMIT 0x100000ul /* RAM below 1 MiB does not count as usable RAM */

struct phys_range {
	phys_addr_t start, end; /* [start, end) */
};

struct memmap {
	struct phys_range range[MEMMAP_MAX_RANGES];
	unsigned nr;
};

/* Build m from bi, dropping RAM at or above limit (the most the direct map
 * can cover). Returns 0, or -ENOMEM after pr_err when no usable RAM is left
 * above 1 MiB. */
int memmap_build(struct memmap *m, const struct bootinfo *bi, phys_addr_t limit);

/* First fit, lowest address first: carve bytes (rounded up to pages) from
 * the start of a range that ends at or below "below". Returns the physical
 * address, or 0 when nothing fits. */
phys_addr_t memmap_early_alloc(struct memmap *m, size_t bytes, phys_addr_t below);

/* mem= (Linux's): keep the lowest "bytes" of usable RAM, page-aligned, and
 * drop the rest of the map. Returns how many bytes were dropped. */
phys_addr_t memmap_limit(struct memmap *m, phys_addr_t bytes);

unsigned long memmap_nr_pages(const struct memmap *m);
/* One past the last usable pfn (0 for an empty map). */
pfn_t memmap_end_pfn(const struct memmap *m);

#endif
