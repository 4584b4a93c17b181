/*
 * Swap-in: a fault on a swap PTE (Linux's do_swap_page).
 *
 * The swap cache is the one synchronization point, for every device,
 * synchronous ones included (seed 000: never bypass it; the designs that
 * did, swap.bypass_sync_cache=nopin|pin-sleep|pin-spin|fallback-cache,
 * are mm/swap_in_bypass.c). The fault looks
 * the entry up; on a miss it allocates a folio, puts it in the cache (the
 * first to succeed reads; a racer's swap_cache_add_folio fails with -EEXIST and
 * it takes the winner's folio instead) and starts the read, which unlocks
 * the folio when it ends. Everyone then takes the folio lock, which is
 * where a racer waits: there is no retry loop and no sleep-and-retry.
 *
 * Under the PTL the fault checks that the PTEs are unchanged, decides
 * exclusivity from the swap PTE's bit (seed 001; swap.exclusive_bit=0:
 * from references, swapin_exclusive_by_refs), dropped when the folio
 * is still being written to a stable_writes device, maps the pages,
 * drops their swap counts, and takes the folio out of the cache when no
 * swap PTE holds its slots any more.
 *
 * Large folios: the fault picks the largest allowed order whose aligned
 * range of PTEs holds contiguous entries of one device with the same
 * exclusive bit, none of them cached. A large folio found in the cache
 * that this mm can only partly map (seed 000's second process) is mapped
 * page by page when it is already anon; when it is not (its reader has not
 * mapped it yet and cannot have: its range changed), it is taken out of
 * the cache and the fault returns to refault at order 0.
 */
#include <asm/mmu.h>
#include "fault.h"
#include "folio.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "lru.h"
#include "mm.h"
#include "mthp.h"
#include "page_alloc.h"
#include "page_io.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "swap_in.h"
#include "swap_cluster.h"
#include "swap_in_bypass.h"
#include "swap_readahead.h"

DEFINE_STAT_COUNTER(swapin_faults);
DEFINE_STAT_COUNTER(swapin_cache_hits);
DEFINE_STAT_COUNTER(swapin_cache_misses);
DEFINE_STAT_COUNTER(swapin_slot_kept);	      /* read faults that kept the swap cache */
DEFINE_STAT_COUNTER(swapin_mthp);	      /* large folios read */
DEFINE_STAT_COUNTER(swapin_mthp_fallback);    /* an allowed order that did not fit */
DEFINE_STAT_COUNTER(swapin_partial_maps);     /* large cached folio mapped page by page */
DEFINE_STAT_COUNTER(swapin_refaults);	      /* faults that returned to refault */
DEFINE_STAT_COUNTER(swapin_lock_waits);	      /* the folio lock was held: waited */
DEFINE_STAT_COUNTER(swapin_exclusive);	      /* pages mapped exclusive */
DEFINE_STAT_COUNTER(swapin_shared);	      /* pages mapped shared */
DEFINE_STAT_COUNTER(swapin_stable_writeback); /* exclusivity dropped under writeback (seed 001) */
DEFINE_STAT_COUNTER(swapin_read_kills);
/* seed 001: pages mapped writable while still being written to swap (a
 * write may then change the data under the device's feet). */
DEFINE_STAT_COUNTER(swapin_writable_under_writeback);

bool swapin_stable_writes_inverted; /* swap_in.h */

/* swap.stable_writes_check=correct|inverted (seed 001's review). */
static const struct kparam_choice stable_writes_check_choices[] = {
	{ "correct", false },
	{ "inverted", true },
};
KPARAM_ENUM(swapin_stable_writes_check, "swap.stable_writes_check", &swapin_stable_writes_inverted,
	    stable_writes_check_choices,
	    "correct|inverted: which swap devices lose exclusivity for a folio still under "
	    "writeback (seed 001: correct, the default: stable-writes ones; inverted, the v2 patch "
	    "the review questioned: all others)");

bool swapin_keep_partial_folio; /* swap_in.h */
KPARAM_BOOL(
	swapin_keep_partial_folio, "swap.keep_partial_folio", &swapin_keep_partial_folio,
	"a fault that can map only part of a large folio no one has mapped leaves it in the "
	"swap cache and refaults, the design seed 000's review feared would livelock (default 0: "
	"it gives the folio up and refaults at order 0)");

bool swapin_keep_slot = true; /* swap_in.h */
KPARAM_BOOL(swapin_keep_slot, "swap.keep_slot_on_read", &swapin_keep_slot,
	    "a read fault leaves the page in the swap cache with its slot while swap is under half "
	    "full (Linux's should_try_to_free_swap and vm_swap_full), so the clean page is freed "
	    "without a write when it is evicted again (default 1; 0: every swap-in frees its "
	    "slots, swaplab's design before issue 14)");

/* A read fault kept folio's slots: counted, and noted on the device so
 * that swap_reclaim_cache_only looks there again. */
static void swapin_note_kept(struct folio *folio)
{
	stat_inc(swapin_slot_kept);
	atomic_long_inc(&swap_entry_info(folio_swap_entry(folio))->kept_gen);
}

/*
 * Linux's should_try_to_free_swap(): may this swap-in let the swap cache
 * and the folio's slots go? After a write fault the copy on the device is
 * stale: yes. After a read fault the copy still matches the page: keeping
 * the slot means that if the page is evicted again before anyone writes
 * it, reclaim frees it without writing (shrink_folio_write_or_free finds
 * it clean). That costs a slot per page read back, so only while swap is
 * under half full; past that, reclaim gives kept slots back (the activate
 * path of shrink_folio_unmap) and so does an allocation that finds the
 * devices full (swap_reclaim_cache_only). A later write fault (do_wp_page)
 * dirties an exclusive page in place, and its next eviction writes it to
 * the same slot; one that must copy frees the old folio's slots.
 */
static bool should_try_to_free_swap(struct folio *folio, bool write)
{
	if (!swapin_keep_slot || write)
		return true;
	/* A device being switched off (swapoff's unuse: no SWP_WRITEOK)
	 * wants its slots back, not kept. */
	struct swap_info *si = swap_entry_info(folio_swap_entry(folio));
	return vm_swap_full(si) || !(si->flags & SWP_WRITEOK);
}

/* A swap PTE with the bits that may differ between pages of one folio
 * (soft-dirty) cleared. */
static pte_t swp_pte_key(pte_t pte)
{
	return pte_swp_clear_soft_dirty(pte);
}

/* Do the nr PTEs from ptep name entries first.. first+nr-1 with orig's
 * exclusive bit? (PTL held.) */
static bool swap_ptes_match(pte_t *ptep, unsigned long nr, swp_entry_t first, bool exclusive)
{
	lockdep_assert_held(pte_lockptr(ptep));
	for (unsigned long i = 0; i < nr; i++) {
		pte_t want = swp_entry_to_pte(swp_entry(swp_type(first), swp_offset(first) + i));
		if (exclusive)
			want = pte_swp_mkexclusive(want);
		if (!pte_same(swp_pte_key(ptep_get(ptep + i)), want))
			return false;
	}
	return true;
}

/*
 * The largest allowed order whose aligned range lies in the VMA, inside
 * one page table, with entries that are contiguous, aligned, of one
 * device, of one exclusivity, and none cached. PTL held; a hint the
 * swap-cache insertion makes true or refutes. (Linux's alloc_swap_folio
 * loop over the orders, with can_swapin_thp's checks: swap_ptes_match.)
 */
static unsigned swapin_pick_order(struct vma *vma, unsigned long addr, pte_t *ptep, pte_t orig)
{
	lockdep_assert_held(pte_lockptr(ptep));
	unsigned long orders = mthp_allowed_orders();
	swp_entry_t entry = pte_to_swp_entry(orig);
	for (int order = FOLIO_MAX_ORDER; order > 0; order--) {
		if (!(orders & (1ul << order)))
			continue;
		unsigned long nr = 1ul << order, size = PAGE_SIZE << order;
		unsigned long start = ALIGN_DOWN(addr, size);
		unsigned long idx = (addr - start) >> PAGE_SHIFT;
		if (start < vma->start || start + size > vma->end ||
		    (swp_offset(entry) & (nr - 1)) != idx) {
			stat_inc(swapin_mthp_fallback);
			continue;
		}
		swp_entry_t first = swp_entry(swp_type(entry), swp_offset(entry) - idx);
		if (!swap_ptes_match(ptep - idx, nr, first, pte_swp_exclusive(orig))) {
			stat_inc(swapin_mthp_fallback);
			continue;
		}
		bool cached = false;
		for (unsigned long i = 0; i < nr && !cached; i++)
			cached = swap_cache_peek(swp_entry(swp_type(first), swp_offset(first) + i));
		if (cached) {
			stat_inc(swapin_mthp_fallback);
			continue;
		}
		return (unsigned)order;
	}
	return 0;
}

/*
 * A miss: allocate a folio for the entries, put it in the swap cache and
 * start the read. Returns the folio with a reference (it unlocks when the
 * read ends), the folio a racer put in the cache first, or NULL with
 * *err: 0 to refault (the entries changed), -ENOMEM, -EIO. *read_start is
 * when the read was started (for the fault's I/O wait), left alone when
 * this fault did not start one.
 *
 * Linux's read_swap_cache_async: __read_swap_cache_async's allocate, lock
 * and add to the swap cache (a racer's folio found instead is returned),
 * then swap_read_folio. The caller looked the cache up first; the order
 * is picked as Linux's alloc_swap_folio picks it (swapin_pick_order).
 */
static struct folio *read_swap_cache_async(struct mm *mm, struct vma *vma, unsigned long addr,
					   pte_t orig, int *err, u64 *read_start)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep) {
		*err = 0;
		return NULL;
	}
	unsigned order =
		pte_same(ptep_get(ptep), orig) ? swapin_pick_order(vma, addr, ptep, orig) : 0;
	pte_unmap_unlock(ptep, ptl);

	for (;;) {
		unsigned long nr = 1ul << order;
		swp_entry_t first = swp_entry(swp_type(entry), ALIGN_DOWN(swp_offset(entry), nr));
		struct folio *folio = folio_alloc(gfp_user_folio(order) | __GFP_NOWARN, order);
		if (!folio && order) {
			stat_inc(swapin_mthp_fallback);
			order = 0;
			continue;
		}
		if (!folio) {
			*err = -ENOMEM;
			return NULL;
		}
		folio_lock(folio); /* new: nobody else can hold it */
		int ret = swap_cache_add_folio(folio, first);
		if (ret) {
			folio_unlock(folio);
			folio_put(folio);
			if (order) { /* part of the range is cached or gone */
				stat_inc(swapin_mthp_fallback);
				order = 0;
				continue;
			}
			*err = 0;
			/* Pinned by a bypass read (seed 003): fallback-cache
			 * waits for the unpin and tries again; the pin
			 * designs back off and refault. */
			if (ret == -EBUSY && swapin_bypass_wait(entry))
				continue;
			if (ret == -EBUSY)
				return NULL;
			/* -EEXIST: a racer's folio is in the cache: use it. */
			return ret == -EEXIST ? swap_cache_get_folio(entry) : NULL;
		}
		race_point("swapin:after-cache-add");
		if (order)
			stat_inc(swapin_mthp);
		*read_start = arch_time_ns();
		ret = swap_read_folio(folio);
		if (ret) {
			swap_cache_del_folio(folio);
			folio_unlock(folio);
			folio_put(folio);
			*err = ret == -ENOMEM ? -ENOMEM : -EIO;
			return NULL;
		}
		/* A large folio is its own readahead (mm/swap_readahead.c). */
		if (!order)
			swapin_readahead(mm, vma, addr, entry);
		return folio;
	}
}

/* Map pages [from, from + n) of folio at va_first + from pages. PTL held.
 * The map counts are Linux's folio_add_anon_rmap_ptes (page_add_anon_rmap
 * in the seeds). */
void swapin_map(struct mm *mm, struct vma *vma, struct folio *folio, unsigned long va_first,
		pte_t *ptep_first, unsigned long from, unsigned long n, bool exclusive, bool write)
{
	lockdep_assert_held(pte_lockptr(ptep_first));
	for (unsigned long i = from; i < from + n; i++) {
		unsigned long va = va_first + i * PAGE_SIZE;
		pte_t old = ptep_get(ptep_first + i);
		struct page *page = folio_page(folio, i);
		pte_t pte = pte_mkyoung(
			pfn_pte(folio_pfn(folio) + i, arch_vm_get_page_prot(vma->prot)));
		if (!(vma->prot & PAGE_PROT_WRITE) || !exclusive || !write) {
			pte = pte_wrprotect(pte);
		} else {
			pte = pte_mkdirty(pte);
			if (folio_test_writeback(folio))
				stat_inc(swapin_writable_under_writeback);
		}
		if (pte_swp_soft_dirty(old))
			pte = pte_mksoft_dirty(pte);
		if (exclusive)
			page_set_anon_exclusive(page);
		else
			page_clear_anon_exclusive(page);
		set_pte_at(mm, va, ptep_first + i, pte);
	}
	folio_ref_add(folio, (int)n);
	folio_mapcount_add(folio, folio_page(folio, from), (unsigned)n, 1);
	atomic_long_add(&mm->rss_anon, (long)n);
	atomic_long_add(&mm->rss_swap, -(long)n);
	if (exclusive)
		stat_add(swapin_exclusive, n);
	else
		stat_add(swapin_shared, n);
}

/*
 * seed 001: must a swap-in drop the exclusive marker of this folio (found
 * in the swap cache)? Yes while it is still being written to a device
 * that needs stable pages (SWP_STABLE_WRITES: it reads the data after
 * submission, or checksums it): an exclusive mapping is writable without
 * further checks and the write would change the page under the device.
 * Mapped shared instead, the write copies. The v2 patch had the test the
 * other way round,
 *
 *	} else if (exclusive && PageWriteback(page) &&
 *		   !(swp_swap_info(entry)->flags & SWP_STABLE_WRITES)) {
 *		exclusive = false;
 *
 * which Miaohe Lin's review read as "the above check should be &&
 * (swp_swap_info(entry)->flags & SWP_STABLE_WRITES)), i.e. no "!"": it
 * drops exclusivity on devices without stable writes and keeps it on the
 * ones that need it. swap.stable_writes_check=inverted runs it.
 */
static bool swapin_drop_exclusive_under_writeback(swp_entry_t entry, struct folio *folio)
{
	if (!folio_test_writeback(folio))
		return false;
	if (swapin_stable_writes_inverted)
		return !swap_device_stable_writes(entry); /* v2: !(flags & SWP_STABLE_WRITES) */
	return swap_device_stable_writes(entry);
}

/*
 * swap.exclusive_bit=0, the design before seed 001: the swap PTE does
 * not say whether the page was exclusive, so swap-in guesses from
 * references, as Linux's do_swap_page did before the patch
 * (should_try_to_free_swap, try_to_free_swap, then "page_count(page) ==
 * 1"). Only a write fault lets the swap cache go, and only when each slot
 * of the folio is held by one swap PTE (this one: its count is still 1),
 * no PTE maps the folio yet, and nobody holds a reference beyond the swap
 * cache's and this fault's. Anything else (a read fault, a
 * get_user_pages reference, a write in flight) reads as "maybe shared":
 * mapped read-only, and the next write copies unless do_wp_page can then
 * prove it alone. Folio locked.
 */
static bool swapin_exclusive_by_refs(struct folio *folio, bool write)
{
	swp_entry_t first = folio_swap_entry(folio);
	unsigned long nr = folio_nr_pages(folio);
	if (!write || folio_mapped(folio) || folio_ref_count(folio) != (int)nr + 1)
		return false;
	for (unsigned long i = 0; i < nr; i++)
		if (swap_count(swp_entry(swp_type(first), swp_offset(first) + i)) != 1)
			return false;
	return true;
}

/*
 * The folio is locked, in the cache, uptodate, and holds entry. Map what
 * this mm can map of it. 0 (done, or refault), or -errno.
 */
static int swapin_map_folio(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig,
			    struct folio *folio, bool write)
{
	swp_entry_t entry = pte_to_swp_entry(orig), first = folio_swap_entry(folio);
	unsigned long nr = folio_nr_pages(folio);
	unsigned long idx = swp_offset(entry) - swp_offset(first);
	unsigned long va_first = addr - idx * PAGE_SIZE;
	bool exclusive = pte_swp_exclusive(orig);

	/* Can this mm map the whole folio? Its range must lie in the VMA and
	 * in the page table of addr, with the folio's entries in order. */
	bool whole =
		nr == 1 || (va_first >= vma->start && va_first + nr * PAGE_SIZE <= vma->end &&
			    pte_index(va_first) + nr <= PTRS_PER_TABLE && pte_index(addr) >= idx);
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep)
		return 0;
	if (!pte_same(ptep_get(ptep), orig)) {
		pte_unmap_unlock(ptep, ptl);
		stat_inc(swapin_refaults);
		return 0; /* someone else resolved it, or the mm changed */
	}
	pte_t *ptep_first = ptep - idx;
	if (whole && nr > 1)
		whole = swap_ptes_match(ptep_first, nr, first, exclusive);
	if (!swap_exclusive_bit)
		exclusive = swapin_exclusive_by_refs(folio, write); /* seed 001's "before" */
	if (!whole && !folio_test_anon(folio)) {
		/* seed 000: a large folio read for another range that this mm
		 * maps only in part, and that no one has mapped yet: give it
		 * up and refault at order 0. */
		pte_unmap_unlock(ptep, ptl);
		race_point("swapin:partial-refault");
		if (!swapin_keep_partial_folio && !folio_test_dirty(folio))
			swap_cache_del_folio(folio);
		stat_inc(swapin_refaults);
		return 0;
	}
	/* seed 001: not exclusive while being written to a stable-writes device */
	if (exclusive && swapin_drop_exclusive_under_writeback(entry, folio)) {
		exclusive = false;
		stat_inc(swapin_stable_writeback);
	}
	bool new_anon = !folio_test_anon(folio);
	/* Read ahead: on the LRU since its read (mm/swap_readahead.c). */
	bool on_lru = new_anon && swap_readahead_hit(folio, vma, addr);
	if (new_anon)
		folio_add_new_anon_rmap(folio, vma, va_first);
	unsigned long from = whole ? 0 : idx, n = whole ? nr : 1;
	if (!whole)
		stat_inc(swapin_partial_maps);
	swapin_map(mm, vma, folio, va_first, ptep_first, from, n, exclusive, write);
	swap_free_nr(swp_entry(swp_type(first), swp_offset(first) + from), (unsigned)n);
	pte_unmap_unlock(ptep, ptl);
	if (new_anon && !on_lru)
		lru_add(folio, true);
	/* No swap PTE holds the slots any more: the cache may let go. */
	if (should_try_to_free_swap(folio, write))
		folio_free_swap(folio);
	else
		swapin_note_kept(folio);
	return 0;
}

/*
 * The folio lock: the waiting point of every racer on the entry (seed 000:
 * no retry loop), the read included, which unlocks it when it ends. A
 * wait is counted (swapin_lock_waits) and passes swapin:lock-wait, where
 * tests/seed000.c sees that the second fault found the lock taken.
 */
static void swapin_folio_lock(struct folio *folio)
{
	if (folio_trylock(folio))
		return;
	stat_inc(swapin_lock_waits);
	race_point("swapin:lock-wait");
	folio_lock(folio);
}

/* Does the PTE at addr still hold orig? (Takes the PTL.) */
static bool swapin_pte_unchanged(struct mm *mm, unsigned long addr, pte_t orig)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep)
		return false;
	bool same = pte_same(ptep_get(ptep), orig);
	pte_unmap_unlock(ptep, ptl);
	return same;
}

int do_swap_page(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig, bool write)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	u64 t0 = arch_time_ns();
	stat_inc(swapin_faults);
	race_point("swapin:fault");
	if (!swap_entry_valid(entry)) {
		/* seed 003's racers: the fault read the PTE under the PTL but
		 * comes here without it; another fault may have mapped the
		 * page and freed the slot since. Only a PTE that still names
		 * the free slot is bad. */
		if (!swapin_pte_unchanged(mm, addr, orig)) {
			stat_inc(swapin_refaults);
			return 0;
		}
		swap_report_bad_entry(entry, swap_type_blockdev(swp_type(entry))
						     ? "the slot is free"
						     : "no swap device of that type is on");
		pr_err("mm: bad swap entry in the PTE %#lx at %#lx\n", (unsigned long)pte_val(orig),
		       addr);
		return -EIO;
	}
	if (swapin_should_bypass(entry)) {
		u64 io_wait = 0;
		int err = swapin_bypass(mm, vma, addr, orig, write, &io_wait);
		if (err != SWAPIN_BYPASS_FALLBACK) {
			swapin_latency_record(arch_time_ns() - t0, io_wait);
			return err;
		}
		/* fallback-cache: another fault pinned the slot; the cache
		 * path below waits for it (swapin_bypass_wait). */
	}
	/* The fault's own I/O wait: from when its read started, or from when
	 * it found a folio whose read is still in flight, until it holds the
	 * folio lock (the read's end unlocks it). A synchronous device reads
	 * inside swap_read_folio, so the submission is counted as the block
	 * benchmark's QD1 latency counts it. 0 on an uptodate folio, even if
	 * its lock was held: that wait is for another fault, not for I/O. */
	u64 read_start = 0;
	struct folio *folio = swap_cache_get_folio(entry);
	if (folio) {
		stat_inc(swapin_cache_hits);
		race_point("swapin:cache-hit");
	} else {
		stat_inc(swapin_cache_misses);
		int err;
		folio = read_swap_cache_async(mm, vma, addr, orig, &err, &read_start);
		if (!folio) {
			if (err == -EIO)
				stat_inc(swapin_read_kills);
			else if (!err)
				stat_inc(swapin_refaults);
			return err;
		}
	}
	if (!read_start && !folio_test_uptodate(folio))
		read_start = arch_time_ns(); /* a read another fault started */
	race_point("swapin:before-lock");
	swapin_folio_lock(folio);
	u64 io_wait = read_start ? arch_time_ns() - read_start : 0;
	race_point("swapin:folio-locked");
	int err = 0;
	swp_entry_t first = folio_swap_entry(folio);
	if (!folio_test_swapcache(folio) || swp_type(first) != swp_type(entry) ||
	    swp_offset(entry) < swp_offset(first) ||
	    swp_offset(entry) >= swp_offset(first) + folio_nr_pages(folio)) {
		/* It left the cache: the PTE changed, or the fault that held
		 * the lock before us gave the folio up (seed 000). */
		race_point("swapin:not-cached");
		stat_inc(swapin_refaults);
	} else if (!folio_test_uptodate(folio)) {
		/* The read failed: nothing stale stays in the cache (the data
		 * is still on the device for the next try). A readahead read's
		 * failure never gets here: its folio left the cache before
		 * the unlock (swap_readahead_read_done), and we refaulted. */
		if (!folio_mapped(folio))
			swap_cache_del_folio(folio);
		pr_err("mm: swap-in at %#lx failed: read error on swap entry type %u offset %#lx\n",
		       addr, swp_type(entry), (unsigned long)swp_offset(entry));
		stat_inc(swapin_read_kills);
		err = -EIO;
	} else {
		err = swapin_map_folio(mm, vma, addr, orig, folio, write);
	}
	race_point("swapin:before-unlock");
	folio_unlock(folio);
	folio_put(folio);
	swapin_latency_record(arch_time_ns() - t0, io_wait);
	return err;
}
