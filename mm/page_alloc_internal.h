/*
 * What mm/page_alloc.c (the buddy lists) and mm/pcp.c (the per-CPU lists)
 * share. Nothing outside the allocator includes this.
 */
#ifndef MM_PAGE_ALLOC_INTERNAL_H
#define MM_PAGE_ALLOC_INTERNAL_H

#include "kernel/spinlock.h"
#include "page_alloc.h"

struct free_area {
	struct list_head free_list; /* heads of free blocks of this order */
	unsigned long nr_free;	    /* blocks on free_list */
};

/* The one zone: all of RAM. */
struct zone {
	spinlock_t lock;
	struct free_area free_area[MAX_ORDER]; /* lock */
	atomic_long_t free_pages;	       /* buddy + per-CPU pages (atomic) */
	unsigned long managed_pages;	       /* set at init */
	struct watermarks wm;		       /* set at init */
};

extern struct zone zone;

/* Buddy core; the caller holds zone.lock. */
struct page *buddy_take(unsigned order);
void buddy_give(pfn_t pfn, unsigned order);

/* Per-CPU lists (mm/pcp.c). */
void pcp_init(unsigned long managed_pages);
struct page *pcp_alloc(void);
void pcp_free(struct page *page);
/* Take every pcp lock in CPU order (for page_alloc_verify) / release. */
unsigned long pcp_lock_all(void);
void pcp_unlock_all(unsigned long flags);
/* With the lock held: count the list's entries and check their flags. */
int pcp_verify_locked(unsigned cpu, unsigned long *pages);

#endif
