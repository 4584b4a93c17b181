/*
 * struct page: one per physical page frame, in one array (mem_map) indexed
 * by pfn and covering pfn 0..max_pfn-1, holes included. A page that the
 * allocator never manages (a hole, a reserved range, mem_map itself) has
 * PG_reserved forever. The allocator owns the fields while a page is free;
 * whoever allocated it owns them afterwards (kmalloc uses the slab fields).
 *
 * Kept small on purpose: 64 bytes with the folio fields (mapcount,
 * mapping, index, swap; lru is reused for the LRU lists), one cache
 * line, about 1.6% of RAM.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <asm/page.h>
#include "kernel/atomic.h"
#include "kernel/list.h"
#include "kernel/panic.h"
#include "kernel/rcu.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"

/* Page flags (struct page.flags). */
#define PG_reserved (1ul << 0)	    /* never managed by the allocator */
#define PG_buddy (1ul << 1)	    /* head of a free block on a buddy list */
#define PG_pcp (1ul << 2)	    /* free order-0 page on a per-CPU list */
#define PG_slab (1ul << 3)	    /* kmalloc size-class page */
#define PG_kmalloc_large (1ul << 4) /* head of a whole-page kmalloc */
#define PG_pgtable (1ul << 5)	    /* a page-table page (mm/pgtable.c) */
/* Folio flags (mm/folio.h), on the head page, changed with atomic bit
 * operations because the lock bit is taken without any other lock. */
#define PG_locked (1ul << 8)
#define PG_uptodate (1ul << 9)
#define PG_dirty (1ul << 10)
#define PG_writeback (1ul << 11)
#define PG_swapcache (1ul << 12)
#define PG_anon (1ul << 13)
#define PG_lru (1ul << 14)
#define PG_head (1ul << 15) /* first page of a folio of order > 0 */
#define PG_tail (1ul << 16) /* other pages of such a folio */
/* Per page, not per folio: seed 001's PageAnonExclusive. Set while this
 * page is mapped by exactly one PTE of one mm that may write it without
 * a copy; under the PTL of that mapping. */
#define PG_anon_exclusive (1ul << 17)
/* On the active LRU list (with PG_lru; lru_lock); isolated or in an add
 * batch: the list it goes to (its holder's). */
#define PG_active (1ul << 18)
/* Read ahead into the swap cache and not mapped yet (mm/swap_readahead.c);
 * changed under the folio lock. */
#define PG_readahead (1ul << 19)
#define PG_lru_batch (1ul << 20) /* in a CPU's LRU add batch (that batch's lock; mm/lru.c) */

struct page {
	unsigned long flags; /* PG_*; PG_buddy under the zone lock, PG_pcp under
			      * that CPU's pcp lock, otherwise the owner's */
	atomic_t refcount;   /* 1 while allocated, 0 while free */
	u8 order;	     /* PG_buddy: block order; allocated head: the
			      * order it was allocated with (free_pages checks it) */
	u8 slab_class;	     /* PG_slab: kmalloc size class (class lock) */
	u16 slab_inuse;	     /* PG_slab: objects handed out (class lock) */
	union {
		struct {
			struct list_head lru; /* buddy free list (zone lock), per-CPU
					       * list (pcp lock) or slab partial
					       * list (class lock) */
			void *slab_freelist;  /* PG_slab: first free object (class lock) */
		};
		/* PG_pgtable: a page-table page is never on a free, slab or LRU
		 * list, so it reuses those words (mm/pgtable.c). */
		/* A folio's head page (mm/folio.h): the LRU link and the
		 * anon_vma the folio belongs to. */
		struct {
			struct list_head folio_lru; /* same words as lru */
			void *mapping;		    /* anon folio: its struct anon_vma (set
						     * once at creation, until freed) */
		};
		struct {
			spinlock_t ptl; /* the page-table lock (PTL): protects the
					 * 512 entries of this table and pt_used */
			u16 pt_used;	/* entries that are not none (ptl) */
		};
		/* The first page of a cluster's swap table (mm/swap_table.c):
		 * the head for its RCU-deferred free, and the side table of
		 * counts too large for a table word (the cluster lock). */
		struct {
			struct rcu_head swap_table_rcu;
			u32 *swap_table_ext;
		};
	};
	/* Folio fields (mm/folio.h). */
	atomic_t mapcount; /* PTEs mapping this page (atomic) */
	union {
		atomic_t large_mapcount; /* head of a large folio: PTEs mapping any
					  * page of it, the sum of the pages'
					  * mapcounts (atomic) */
		atomic_t pincount;	 /* second page of a large folio: FOLL_PIN
					  * pins of the folio, Linux's _pincount
					  * (atomic; mm/gup.h) */
	};
	union {
		unsigned long index; /* head: virtual page number of the first
				      * page where it was first mapped */
		struct page *head;   /* PG_tail: the folio's head page */
	};
	u64 swap; /* PG_swapcache head: the swp_entry_t value of its
		   * first slot (under the folio lock) */
};

_Static_assert(sizeof(struct page) <= 64, "struct page must stay within a cache line");

/*
 * Set once by page_alloc_init(), read-only afterwards. mem_map describes
 * pfns min_pfn..max_pfn-1: min_pfn is the first usable pfn rounded down to
 * a largest buddy block (0 on PCs; RAM starts at 1 GiB on QEMU's arm64
 * virt, whose page array would otherwise describe that hole), and mem_map
 * points min_pfn entries before the array, so mem_map[pfn] is pfn's page
 * (Linux's FLATMEM with ARCH_PFN_OFFSET).
 */
extern struct page *mem_map;
extern pfn_t min_pfn, max_pfn;

static inline bool pfn_valid(pfn_t pfn)
{
	return pfn >= min_pfn && pfn < max_pfn;
}

static inline struct page *pfn_to_page(pfn_t pfn)
{
	ASSERT(pfn_valid(pfn));
	return &mem_map[pfn];
}

static inline pfn_t page_to_pfn(const struct page *page)
{
	return (pfn_t)(page - mem_map);
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return (phys_addr_t)page_to_pfn(page) << PAGE_SHIFT;
}

static inline void *page_address(const struct page *page)
{
	return phys_to_virt(page_to_phys(page));
}

static inline struct page *phys_to_page(phys_addr_t pa)
{
	return pfn_to_page(pa >> PAGE_SHIFT);
}

static inline struct page *virt_to_page(const void *va)
{
	return phys_to_page(virt_to_phys(va));
}

/*
 * Page flags and the order are read without locks by checks that look at
 * other pages (free_pages_check's pfn_in_free_block, kfree, page_folio),
 * so every access is atomic (relaxed): no torn value, and no data race for
 * ThreadSanitizer. Changes of single bits are atomic read-modify-writes,
 * since the folio lock bit is set without any other lock.
 */
static inline unsigned long page_flags(const struct page *p)
{
	return __atomic_load_n(&p->flags, __ATOMIC_RELAXED);
}
static inline void page_flags_store(struct page *p, unsigned long v)
{
	__atomic_store_n(&p->flags, v, __ATOMIC_RELAXED);
}
static inline void page_flag_set(struct page *p, unsigned long f)
{
	__atomic_fetch_or(&p->flags, f, __ATOMIC_SEQ_CST);
}
static inline void page_flag_clear(struct page *p, unsigned long f)
{
	__atomic_fetch_and(&p->flags, ~f, __ATOMIC_SEQ_CST);
}
static inline unsigned page_order(const struct page *p)
{
	return __atomic_load_n(&p->order, __ATOMIC_RELAXED);
}
static inline void page_order_store(struct page *p, unsigned order)
{
	__atomic_store_n(&p->order, (u8)order, __ATOMIC_RELAXED);
}

static inline bool page_is_reserved(const struct page *page)
{
	return page_flags(page) & PG_reserved;
}

#endif
