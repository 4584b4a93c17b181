/*
 * The physical page allocator (API pinned here; implementation in
 * mm/page_alloc.c). A buddy allocator of orders 0..MAX_ORDER-1 over one
 * zone covering all RAM, with per-CPU lists of order-0 pages in front of
 * it, and min/low/high watermarks that reclaim will use.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <asm/page.h>
#include "kernel/bootinfo.h"
#include "kernel/types.h"
#include "gfp.h"
#include "page.h"

#define MAX_ORDER 10 /* orders 0..9: up to 2 MiB blocks */

/* Build the struct page array and free all usable RAM into the buddy
 * lists. Returns 0, or -ENOMEM after printing why (no usable RAM above
 * 1 MiB, too little to hold the page array). */
int page_alloc_init(const struct bootinfo *bi);

struct page *alloc_pages(gfp_t gfp, unsigned order);
void free_pages(struct page *page, unsigned order);
static inline struct page *alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
static inline void free_page(struct page *page) { free_pages(page, 0); }

/* Convenience: direct-map address of a fresh block, or NULL. */
void *alloc_pages_va(gfp_t gfp, unsigned order);
void free_pages_va(void *va, unsigned order);

unsigned long nr_free_pages(void);   /* buddy + per-CPU lists */
unsigned long nr_total_pages(void);  /* managed by the allocator */

struct watermarks {
	unsigned long min, low, high; /* in pages */
};
const struct watermarks *page_alloc_watermarks(void);

/* Return every per-CPU list to the buddy lists (tests, and before
 * checking that nothing leaked). */
void page_alloc_drain_all(void);
/* Print free blocks per order, per-CPU list sizes and watermarks. */
void page_alloc_dump(void);

#endif
