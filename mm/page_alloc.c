/*
 * The buddy allocator. Free memory is kept as naturally aligned blocks of
 * 2^order pages, one list per order. Allocation takes the smallest block
 * that fits and splits it, putting the unused halves back; freeing merges
 * a block with its buddy (the block whose pfn differs only in bit "order")
 * for as long as the buddy is free and of the same order. Only the head
 * page of a free block carries PG_buddy and the order.
 *
 * nr_free_pages() is one atomic counter covering the buddy lists and the
 * per-CPU lists. Allocation reserves its pages from it first, so the
 * watermark check is exact even when CPUs race: GFP_KERNEL may not take
 * the counter below min, GFP_ATOMIC may use half of the reserve below it.
 */
#include "page_alloc_internal.h"
#include "vmscan.h"
#include "memmap.h"
#include "kernel/errno.h"
#include "kernel/fault_inject.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "kernel/string.h"

struct zone zone;
struct page *mem_map;
pfn_t min_pfn, max_pfn;

static u64 read_mem_total_kib(void)
{
	return (u64)zone.managed_pages * (PAGE_SIZE / 1024);
}
static u64 read_mem_free_kib(void)
{
	return (u64)nr_free_pages() * (PAGE_SIZE / 1024);
}
DEFINE_STAT_FN(mem_total_kib, read_mem_total_kib);
DEFINE_STAT_FN(mem_free_kib, read_mem_free_kib);
DEFINE_STAT_COUNTER(page_alloc_failures);

static void free_area_add(struct page *page, unsigned order)
{
	page_flags_store(page, PG_buddy);
	page_order_store(page, order);
	list_add(&page->lru, &zone.free_area[order].free_list);
	zone.free_area[order].nr_free++;
}

static void free_area_del(struct page *page, unsigned order)
{
	list_del(&page->lru);
	page_flag_clear(page, PG_buddy);
	zone.free_area[order].nr_free--;
}

/* Remove a block of exactly "order" pages, splitting a larger one when
 * needed: each split returns the upper half to the list one order down. */
struct page *buddy_take(unsigned order)
{
	lockdep_assert_held(&zone.lock);
	for (unsigned o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &zone.free_area[o];
		if (list_empty(&area->free_list))
			continue;
		struct page *page = list_first_entry(&area->free_list, struct page, lru);
		free_area_del(page, o);
		while (o > order) {
			o--;
			free_area_add(page + (1ul << o), o);
		}
		return page;
	}
	return NULL;
}

/* Put a block back, merging upwards. A buddy outside mem_map or a page
 * without PG_buddy (allocated, reserved, a hole) stops the merge. */
void buddy_give(pfn_t pfn, unsigned order)
{
	lockdep_assert_held(&zone.lock);
	ASSERT_EQ(pfn & ((1ul << order) - 1), 0);
	while (order < MAX_ORDER - 1) {
		pfn_t buddy_pfn = pfn ^ (1ul << order);
		if (!pfn_valid(buddy_pfn))
			break;
		struct page *buddy = &mem_map[buddy_pfn];
		if (!(page_flags(buddy) & PG_buddy) || page_order(buddy) != order)
			break;
		free_area_del(buddy, order);
		pfn &= ~(1ul << order);
		order++;
	}
	free_area_add(&mem_map[pfn], order);
}

/*
 * Is pfn inside a free buddy block? The block's head is pfn rounded down
 * to some 2^o with PG_buddy and order >= o. Read without the zone lock:
 * a page its caller legitimately owns is in no free block, and only a
 * double free can make one cover it, so a racing merge or split elsewhere
 * cannot produce a false alarm.
 */
static bool pfn_in_free_block(pfn_t pfn)
{
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		const struct page *head = &mem_map[pfn & ~((1ul << o) - 1)];
		if ((page_flags(head) & PG_buddy) && page_order(head) >= o)
			return true;
	}
	return false;
}

/* Catch double frees and frees of pages the allocator never handed out. */
static void free_pages_check(struct page *page, unsigned order)
{
	pfn_t pfn = page_to_pfn(page);

	if (order >= MAX_ORDER || !pfn_valid(pfn) || (pfn & ((1ul << order) - 1)))
		panic("mm: free_pages of pfn %#lx order %u: not a valid block", (unsigned long)pfn,
		      order);
	unsigned long flags = page_flags(page);
	if (flags & (PG_buddy | PG_pcp) || pfn_in_free_block(pfn))
		panic("mm: double free of pfn %#lx (order %u)", (unsigned long)pfn, order);
	if (flags & PG_reserved)
		panic("mm: free_pages of reserved pfn %#lx", (unsigned long)pfn);
	if (flags & (PG_slab | PG_kmalloc_large))
		panic("mm: free_pages of pfn %#lx, which kmalloc owns", (unsigned long)pfn);
	if (flags & PG_pgtable)
		panic("mm: free_pages of pfn %#lx, a live page-table page", (unsigned long)pfn);
	if (page_order(page) != order)
		panic("mm: pfn %#lx freed with order %u but allocated with order %u",
		      (unsigned long)pfn, order, page_order(page));
}

/* Take 2^order pages from the counter unless that crosses the watermark
 * this allocation may use. */
static bool free_pages_reserve(gfp_t gfp, unsigned order)
{
	long min = (long)zone.wm.min;
	long n = 1l << order;

	if (gfp & (__GFP_ATOMIC | __GFP_HIGH))
		min -= min / 2;
	if (atomic_long_add_return(&zone.free_pages, -n) >= min)
		return true;
	atomic_long_add(&zone.free_pages, n);
	return false;
}

static struct page *buddy_alloc(unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&zone.lock);
	struct page *page = buddy_take(order);
	spin_unlock_irqrestore(&zone.lock, flags);
	return page;
}

static struct page *take_block(unsigned order)
{
	return order == 0 ? pcp_alloc() : buddy_alloc(order);
}

static void alloc_failed(gfp_t gfp, unsigned order)
{
	static int warnings;

	stat_inc(page_alloc_failures);
	if (!(gfp & __GFP_NOWARN) && warnings < 5) {
		warnings++;
		pr_warn("mm: page allocation failure: order %u gfp %#x, %lu pages free, min %lu\n",
			order, gfp, nr_free_pages(), zone.wm.min);
	}
}

static void prep_new_page(struct page *page, unsigned order, gfp_t gfp)
{
	ASSERT_EQ(page_flags(page) & (PG_reserved | PG_buddy | PG_pcp), 0);
	page_flags_store(page, 0);
	page_order_store(page, order);
	atomic_set(&page->refcount, 1);
	arch_page_unpoison(page_address(page), PAGE_SIZE << order);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

/* Below the low watermark: wake the background reclaimer, and reclaim
 * here first when the caller allows it. An allocation that may reclaim
 * and still finds nothing goes on reclaiming while that can help
 * (mm/vmscan.c decides) before it fails. */
static bool reserve_or_reclaim(gfp_t gfp, unsigned order)
{
	if (nr_free_pages() < zone.wm.low) {
		wakeup_kswapd();
		if (gfp & __GFP_RECLAIM)
			reclaim_direct(order);
	}
	struct reclaim_retry_state st = { 0 };
	while (!free_pages_reserve(gfp, order)) {
		if (!(gfp & __GFP_RECLAIM) || !reclaim_retry(order, &st))
			return false;
	}
	return true;
}

/*
 * fail.page_alloc= (kernel/fault_inject.h): the allocation fails as if
 * memory had run out, before it takes anything. Nothing is exempt but
 * what the options exempt (min_order=, ignore_reclaim=, the filters):
 * there is no __GFP_NOFAIL here, every caller handles NULL. The boot's
 * own allocations never fail (injection starts after it).
 */
static bool alloc_should_fail(gfp_t gfp, unsigned order)
{
	return should_fail_alloc(&fail_page_alloc, order, gfp & __GFP_RECLAIM, PAGE_SIZE << order);
}

struct page *alloc_pages(gfp_t gfp, unsigned order)
{
	struct reclaim_retry_state st = { 0 };
	struct page *page = NULL;
	if (alloc_should_fail(gfp, order)) {
		alloc_failed(gfp, order);
		return NULL;
	}
	while (!page) {
		if (order >= MAX_ORDER || !mem_map || !reserve_or_reclaim(gfp, order)) {
			alloc_failed(gfp, order);
			return NULL;
		}
		page = take_block(order);
		if (!page) {
			/* The counter says the pages exist: they sit on other
			 * CPUs' lists, or keep a larger block from forming. */
			page_alloc_drain_all();
			page = take_block(order);
		}
		if (page)
			break;
		atomic_long_add(&zone.free_pages, 1l << order);
		/* Free pages, but no block of the order: reclaim frees more,
		 * whose buddies may merge. */
		if (!(gfp & __GFP_RECLAIM) || !reclaim_retry(order, &st)) {
			alloc_failed(gfp, order);
			return NULL;
		}
	}
	prep_new_page(page, order, gfp);
	return page;
}

void free_pages(struct page *page, unsigned order)
{
	free_pages_check(page, order);
	page_flags_store(page, 0);
	atomic_set(&page->refcount, 0);
	arch_page_poison(page_address(page), PAGE_SIZE << order);
	if (order == 0) {
		pcp_free(page);
	} else {
		unsigned long flags = spin_lock_irqsave(&zone.lock);
		buddy_give(page_to_pfn(page), order);
		spin_unlock_irqrestore(&zone.lock, flags);
	}
	atomic_long_add(&zone.free_pages, 1l << order);
}

void *alloc_pages_va(gfp_t gfp, unsigned order)
{
	struct page *page = alloc_pages(gfp, order);
	return page ? page_address(page) : NULL;
}

void free_pages_va(void *va, unsigned order)
{
	free_pages(virt_to_page(va), order);
}

void split_page(struct page *page, unsigned order)
{
	ASSERT_EQ(page_order(page), order);
	for (unsigned long i = 0; i < (1ul << order); i++) {
		page[i].order = 0;
		atomic_set(&page[i].refcount, 1);
	}
}

unsigned long nr_free_pages(void)
{
	long n = atomic_long_read(&zone.free_pages);
	return n > 0 ? (unsigned long)n : 0;
}

unsigned long nr_total_pages(void)
{
	return zone.managed_pages;
}
const struct watermarks *page_alloc_watermarks(void)
{
	return &zone.wm;
}

unsigned long page_alloc_nr_free_order(unsigned order)
{
	return order < MAX_ORDER ? READ_ONCE(zone.free_area[order].nr_free) : 0;
}
