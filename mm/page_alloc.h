/*
 * The physical page allocator. A buddy allocator of orders 0..MAX_ORDER-1
 * over one zone covering all RAM (mm/page_alloc.c, under the zone lock,
 * taken with irqsave), with per-CPU lists of order-0 pages in front of it
 * (mm/pcp.c, each under its own lock), and min/low/high watermarks that
 * reclaim will use. Any context may allocate with GFP_ATOMIC.
 *
 * Lock order: docs/ARCHITECTURE.md, "Lock order". page_alloc_verify()
 * takes every pcp lock in CPU order, then the zone lock.
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
static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}
static inline void free_page(struct page *page)
{
	free_pages(page, 0);
}

/* The smallest order whose block holds bytes (Linux's get_order), or
 * MAX_ORDER when no block is that large. */
static inline unsigned get_order(size_t bytes)
{
	unsigned order = 0;
	while (order < MAX_ORDER && (PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* Convenience: direct-map address of a fresh block, or NULL. */
void *alloc_pages_va(gfp_t gfp, unsigned order);
void free_pages_va(void *va, unsigned order);

unsigned long nr_free_pages(void);  /* buddy + per-CPU lists */
unsigned long nr_total_pages(void); /* managed by the allocator */

struct watermarks {
	unsigned long min, low, high; /* in pages */
};
const struct watermarks *page_alloc_watermarks(void);

/* Return every per-CPU list to the buddy lists (tests, and before
 * checking that nothing leaked). */
void page_alloc_drain_all(void);
/* Print free blocks per order, per-CPU list sizes and watermarks. */
void page_alloc_dump(void);

/* Turn an order-N allocation into 2^N order-0 allocations, each freed on
 * its own with free_page() (as Linux's split_page()). */
void split_page(struct page *page, unsigned order);

/* --- introspection for tests and the dump ------------------------------ */
unsigned long page_alloc_nr_free_order(unsigned order); /* free blocks of that order */
unsigned page_alloc_pcp_count(unsigned cpu);
struct pcp_limits {
	unsigned batch; /* pages moved to/from the buddy lists at a time */
	unsigned high;	/* a list longer than this gives a batch back */
};
struct pcp_limits page_alloc_pcp_limits(void);
/* Walk every free list and per-CPU list and check them against the
 * counters; prints each problem and returns how many it found. Needs a
 * quiet allocator (no allocations in flight). */
int page_alloc_verify(void);

/* --- boot-time helpers, exposed so tests can run them on crafted maps -- */
struct memmap;
/* At least this many pages must remain after mem_map is placed. */
#define PAGE_ALLOC_MIN_PAGES 256
/* Carve a struct page array of npfn entries (pfns min_pfn.. onwards) from
 * m, below "below";
 * -ENOMEM (after pr_err) when it does not fit or leaves too little. */
int page_alloc_place_mem_map(struct memmap *m, pfn_t npfn, phys_addr_t below, phys_addr_t *pa);
/* Watermarks Linux-style from the number of managed pages. */
struct watermarks page_alloc_compute_watermarks(unsigned long managed_pages);

#endif
