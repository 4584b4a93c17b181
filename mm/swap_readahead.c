/*
 * Swap readahead: a swap-in that reads its page from the device reads a
 * few neighbours too, betting that they will be faulted soon (Linux's
 * mm/swap_state.c: swapin_readahead, swap_cluster_readahead,
 * swap_vma_readahead). swap.readahead= says which neighbours:
 *
 *   off      none: every fault reads its own page.
 *   cluster  the slots next to the faulting one on the device, an aligned
 *            window around it: pages swapped out together sit together,
 *            whoever they belong to.
 *   vma      the swap entries of the PTEs next to the faulting one in its
 *            VMA (and its page table), wherever they are on the device.
 *
 * The window is at most 2^swap.page_cluster pages (Linux's vm.page-cluster)
 * and follows the hits (swap_ra_window, Linux's __swapin_nr_pages): it
 * grows with the readahead pages faulted since the last miss and halves
 * at a miss that follows none, down to no readahead for a random load.
 * Cluster mode keeps one state for the machine, vma mode one per VMA.
 *
 * A page read ahead goes through the swap cache like every swap-in (seed
 * 000: no bypass): a new order-0 folio, locked and marked PG_readahead, is
 * added on its slot (a slot that is free, cached or pinned is skipped:
 * swap_cache_add_folio refuses it), put on the inactive LRU, and read
 * asynchronously. Nothing maps it: a later fault finds it in the cache,
 * waits for its lock like for any read, and maps it (swap_readahead_hit:
 * a hit, the flag cleared). Until then reclaim may drop it: it is clean,
 * the device has the data (mm/vmscan.c). A folio that leaves the cache
 * still marked was read for nothing (swap_ra_unused).
 *
 * The read holds a folio reference of its own until its end
 * (swap_readahead_read_done): nobody waits for it, and the zap of its last
 * swap PTE may run during the read, find the folio locked and leave it;
 * the end of the read lets it go then. A read that fails drops the folio
 * quietly before it unlocks it (its page is still on the device): a fault
 * waiting for it refaults and reads the page itself, so only the faulting
 * page's own read error kills (do_swap_page).
 *
 * Large folios: the fault that reads a large folio reads no neighbours
 * (its folio is the readahead), and a readahead folio is order 0 on a
 * slot nobody has cached: a large swap-in that finds one of its slots
 * cached falls back to order 0 (swapin_pick_order's "none cached", or
 * swap_cache_add_folio's -EEXIST), so the two never share a slot.
 */
#include <asm/mmu.h>
#include "folio.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "lru.h"
#include "mm.h"
#include "page_io.h"
#include "pgtable.h"
#include "swap.h"
#include "swap_readahead.h"

DEFINE_STAT_COUNTER(swap_ra);		  /* pages read ahead */
DEFINE_STAT_COUNTER(swap_ra_hit);	  /* of those, mapped by a fault */
DEFINE_STAT_COUNTER(swap_ra_unused);	  /* of those, out of the cache unmapped */
DEFINE_STAT_COUNTER(swap_ra_read_errors); /* of those, whose read failed: dropped */

enum swap_readahead_mode swap_readahead_mode = SWAP_RA_VMA;
u64 swap_page_cluster = 3; /* Linux's default vm.page-cluster: 8 pages */

static const struct kparam_choice swap_readahead_choices[] = {
	{ "off", SWAP_RA_OFF },
	{ "cluster", SWAP_RA_CLUSTER },
	{ "vma", SWAP_RA_VMA },
};

const char *swap_readahead_mode_name(enum swap_readahead_mode mode)
{
	return kparam_choice_name(swap_readahead_choices, ARRAY_SIZE(swap_readahead_choices), mode);
}

KPARAM_ENUM(swap_readahead, "swap.readahead", &swap_readahead_mode, swap_readahead_choices,
	    "off|cluster|vma: which neighbours a swap-in reads ahead into the swap cache (default "
	    "vma: the swap entries of the neighbouring PTEs; cluster: the neighbouring slots on "
	    "the device)");

static int parse_page_cluster(const char *val, size_t len)
{
	u64 v;
	if (str_parse_u64(val, len, &v, false) || v > SWAP_RA_MAX_ORDER) {
		pr_err("swap: swap.page_cluster=%.*s: expected 0..%d (readahead of up to 2^N "
		       "pages, Linux's vm.page-cluster; 0: none)\n",
		       (int)len, val, SWAP_RA_MAX_ORDER);
		return -EINVAL;
	}
	swap_page_cluster = v;
	return 0;
}
KPARAM_FN(swap_page_cluster, "swap.page_cluster", parse_page_cluster,
	  "0..5: a swap-in reads ahead at most 2^N pages (Linux's vm.page-cluster; default 3)");

/* --- the window ------------------------------------------------------------ */

/*
 * A readahead state in one word, so that faults on several CPUs update it
 * without a lock (Linux's vma->swap_readahead_info): the page of the last
 * miss or hit (a slot offset in cluster mode, a virtual page number in vma
 * mode), the window that miss chose, and the hits on readahead pages
 * since. Two racing updates may lose one: the state is a hint.
 */
#define SWAP_RA_HITS_BITS 8
#define SWAP_RA_WIN_BITS 8
#define SWAP_RA_HITS_MAX ((1u << SWAP_RA_HITS_BITS) - 1)
#define SWAP_RA_PAGE_SHIFT (SWAP_RA_HITS_BITS + SWAP_RA_WIN_BITS)

static atomic_long_t swap_cluster_ra; /* cluster mode's state (atomic) */

static long swap_ra_pack(unsigned long page, unsigned win, unsigned hits)
{
	return (long)(page << SWAP_RA_PAGE_SHIFT | (unsigned long)win << SWAP_RA_HITS_BITS | hits);
}
static unsigned long swap_ra_page(long v)
{
	return (unsigned long)v >> SWAP_RA_PAGE_SHIFT;
}
static unsigned swap_ra_win(long v)
{
	return (unsigned)(v >> SWAP_RA_HITS_BITS) & ((1u << SWAP_RA_WIN_BITS) - 1);
}
static unsigned swap_ra_hits(long v)
{
	return (unsigned)v & SWAP_RA_HITS_MAX;
}

/*
 * Linux's __swapin_nr_pages: the pages a miss at page reads, given the
 * previous miss or hit at prev, the hits since and the previous window.
 * Hits grow it to the next power of two above hits + 2 (Linux: "please
 * don't ask what the + 2 means, it just happens to work well"); with no
 * hits it reads 2 pages for a fault next to the previous one (so that a
 * sequential run can start) and none otherwise; it never shrinks below
 * half the previous window, so a miss or two in a sequential run does not
 * stop it. Always a power of two, at most 2^swap.page_cluster.
 */
static unsigned swap_ra_window(unsigned long prev, unsigned long page, unsigned hits,
			       unsigned prev_win)
{
	unsigned max = 1u << READ_ONCE(swap_page_cluster);
	unsigned pages = hits + 2;
	if (pages == 2) {
		if (page != prev + 1 && page + 1 != prev)
			pages = 1;
	} else {
		unsigned roundup = 4;
		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	pages = MIN(pages, max);
	return MAX(pages, MIN(prev_win / 2, max));
}

/* A miss at page: the window it reads, and the page of the previous miss
 * or hit in *prev. The hits start again from 0. */
static unsigned swap_ra_miss(atomic_long_t *state, unsigned long page, unsigned long *prev)
{
	long v = atomic_long_read(state);
	unsigned win = swap_ra_window(swap_ra_page(v), page, swap_ra_hits(v), swap_ra_win(v));
	*prev = swap_ra_page(v);
	atomic_long_set(state, swap_ra_pack(page, win, 0));
	return win;
}

/* A fault at page mapped a readahead folio (Linux's swap_update_readahead). */
static void swap_ra_count_hit(atomic_long_t *state, unsigned long page)
{
	long v = atomic_long_read(state);
	unsigned hits = MIN(swap_ra_hits(v) + 1, SWAP_RA_HITS_MAX);
	atomic_long_set(state, swap_ra_pack(page, swap_ra_win(v), hits));
}

/* --- reading ahead ---------------------------------------------------------- */

/*
 * A new folio for entry's slot (Linux's __read_swap_cache_async for a
 * readahead page), locked, in the swap cache, marked PG_readahead and on
 * the inactive LRU, ready for its read; NULL when the
 * slot is free, cached or pinned (skip it), or with *stop when there is
 * no memory (the window should stop).
 */
static struct folio *swap_readahead_prepare(swp_entry_t entry, bool *stop)
{
	*stop = false;
	if (!swap_entry_valid(entry) || swap_cache_peek(entry))
		return NULL; /* a hint; swap_cache_add_folio decides */
	struct folio *folio = folio_alloc(GFP_USER | __GFP_NOWARN, 0);
	if (!folio) {
		*stop = true;
		return NULL;
	}
	folio_lock(folio); /* new: nobody else can hold it */
	folio_set_readahead(folio);
	if (swap_cache_add_folio(folio, entry)) {
		folio_clear_readahead(folio);
		folio_unlock(folio);
		folio_put(folio);
		return NULL;
	}
	/* Unmapped, so nothing else would put it where reclaim looks. */
	lru_add(folio, false);
	return folio;
}

/* A read that could not start: the folios leave the cache unread. */
static void swap_readahead_abandon(struct folio **folios, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		folio_clear_readahead(folios[i]);
		swap_cache_del_folio(folios[i]);
		folio_unlock(folios[i]);
		folio_put(folios[i]);
	}
}

/*
 * Read the prepared folios, one request per run of consecutive slots
 * (swap_read_folios): a sequential window is one request to the device,
 * not one per page. Each folio's reference is its read's now:
 * swap_readahead_read_done puts it.
 */
static void swap_readahead_submit(struct folio **folios, unsigned n)
{
	unsigned start = 0;
	while (start < n) {
		unsigned end = start + 1;
		while (end < n &&
		       swp_type(folio_swap_entry(folios[end])) ==
			       swp_type(folio_swap_entry(folios[start])) &&
		       swp_offset(folio_swap_entry(folios[end])) ==
			       swp_offset(folio_swap_entry(folios[end - 1])) + 1)
			end++;
		if (swap_read_folios(folios + start, end - start)) {
			swap_readahead_abandon(folios + start, n - start);
			return;
		}
		stat_add(swap_ra, end - start);
		start = end;
	}
}

/* Read ahead the slots of entries (in the order given), skipping those
 * that are free, cached or pinned; stops early when memory runs out. */
static void swap_readahead_entries(const swp_entry_t *entries, unsigned n)
{
	struct folio *folios[1u << SWAP_RA_MAX_ORDER];
	unsigned nr = 0;
	for (unsigned i = 0; i < n && nr < ARRAY_SIZE(folios); i++) {
		bool stop;
		struct folio *folio = swap_readahead_prepare(entries[i], &stop);
		if (stop)
			break;
		if (folio)
			folios[nr++] = folio;
	}
	swap_readahead_submit(folios, nr);
}

/* The slots of an aligned window around entry (Linux's
 * swap_cluster_readahead; the faulting slot is read already). */
static void swap_cluster_readahead(swp_entry_t entry)
{
	unsigned long offset = swp_offset(entry), prev;
	unsigned win = swap_ra_miss(&swap_cluster_ra, offset, &prev);
	if (win <= 1)
		return;
	unsigned long start = ALIGN_DOWN(offset, (unsigned long)win);
	unsigned long end = MIN(start + win, (unsigned long)swap_type_nr_slots(swp_type(entry)));
	swp_entry_t entries[1u << SWAP_RA_MAX_ORDER];
	unsigned n = 0;
	for (unsigned long off = start; off < end && n < ARRAY_SIZE(entries); off++)
		if (off != offset)
			entries[n++] = swp_entry(swp_type(entry), off);
	swap_readahead_entries(entries, n);
}

/*
 * The pages [*lo, *hi) of the window a miss at page reads in vma mode
 * (Linux's swap_ra_info): ahead of the fault when it follows the previous
 * one, behind it when it precedes it, centred otherwise; then clipped to
 * the VMA and to the page table of the fault (one PTL).
 */
static void swap_vma_ra_range(struct vma *vma, unsigned long page, unsigned long prev, unsigned win,
			      unsigned long *lo, unsigned long *hi)
{
	unsigned long back;
	if (page == prev + 1)
		back = 0;
	else if (prev == page + 1)
		back = win - 1;
	else
		back = (win - 1) / 2;
	unsigned long table = ALIGN_DOWN(page, (unsigned long)PTRS_PER_TABLE);
	*lo = MAX(page - MIN(back, page), MAX(vma->start >> PAGE_SHIFT, table));
	*hi = MIN(page - MIN(back, page) + win,
		  MIN(vma->end >> PAGE_SHIFT, table + PTRS_PER_TABLE));
}

/*
 * The swap entries of the PTEs around addr (Linux's swap_vma_readahead).
 * They are collected under the PTL and read after it: allocating and
 * reading may sleep. A PTE that changes meanwhile costs at most a useless
 * read; its entry is checked again by swap_cache_add_folio.
 */
static void swap_vma_readahead(struct mm *mm, struct vma *vma, unsigned long addr)
{
	unsigned long page = addr >> PAGE_SHIFT, prev, lo, hi;
	unsigned win = swap_ra_miss(&vma->swap_readahead_info, page, &prev);
	if (win <= 1)
		return;
	swap_vma_ra_range(vma, page, prev, win, &lo, &hi);
	swp_entry_t entries[1u << SWAP_RA_MAX_ORDER];
	unsigned n = 0;
	spinlock_t *ptl;
	pte_t *first = pte_offset_map_lock(mm, lo << PAGE_SHIFT, &ptl);
	if (!first)
		return;
	for (unsigned long p = lo; p < hi; p++) {
		pte_t pte = ptep_get(first + (p - lo));
		if (p != page && pte_is_swap(pte) && !pte_bad_reason(pte))
			entries[n++] = pte_to_swp_entry(pte);
	}
	pte_unmap_unlock(first, ptl);
	swap_readahead_entries(entries, n);
}

void swapin_readahead(struct mm *mm, struct vma *vma, unsigned long addr, swp_entry_t entry)
{
	switch (READ_ONCE(swap_readahead_mode)) {
	case SWAP_RA_CLUSTER:
		swap_cluster_readahead(entry);
		break;
	case SWAP_RA_VMA:
		swap_vma_readahead(mm, vma, addr);
		break;
	default:
		break;
	}
}

/* --- hits, the read's end, and the unused ------------------------------------ */

bool swap_readahead_hit(struct folio *folio, struct vma *vma, unsigned long addr)
{
	ASSERT(folio_test_locked(folio));
	if (!folio_test_clear_readahead(folio))
		return false;
	stat_inc(swap_ra_hit);
	if (READ_ONCE(swap_readahead_mode) == SWAP_RA_VMA)
		swap_ra_count_hit(&vma->swap_readahead_info, addr >> PAGE_SHIFT);
	else
		swap_ra_count_hit(&swap_cluster_ra, swp_offset(folio_swap_entry(folio)));
	return true;
}

/* Its read failed (locked, in the cache, unmapped): out of the cache. */
static void swap_readahead_drop_failed(struct folio *folio)
{
	ASSERT(folio_test_locked(folio) && folio_test_swapcache(folio));
	ASSERT(!folio_mapped(folio));
	folio_clear_readahead(folio);
	stat_inc(swap_ra_read_errors);
	swap_cache_del_folio(folio);
}

/*
 * Everything happens before the unlock, while the read still holds the
 * lock: a fault waiting for the lock then finds a failed folio out of the
 * cache and refaults to read the page itself (it never sees the failure),
 * and it never counts the read's reference among the folio's (the
 * references decide exclusivity under swap.exclusive_bit=0).
 */
void swap_readahead_read_done(struct folio *folio)
{
	ASSERT(folio_test_locked(folio) && folio_test_readahead(folio));
	if (!folio_test_uptodate(folio))
		swap_readahead_drop_failed(folio);
	else
		folio_free_swap(folio); /* no swap PTE left: zapped during the read */
	bool cached = folio_test_swapcache(folio);
	if (cached)
		folio_put(folio); /* the read's; the cache's keep it */
	folio_unlock(folio);
	if (!cached)
		folio_put(folio); /* the read's, maybe the last */
}

void swap_readahead_leave_cache(struct folio *folio)
{
	ASSERT(folio_test_locked(folio));
	if (folio_test_readahead(folio)) {
		folio_clear_readahead(folio);
		stat_add(swap_ra_unused, folio_nr_pages(folio));
	}
}
