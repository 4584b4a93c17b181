/*
 * The bypass swap-in, behind swap.bypass_sync_cache=1: the design before
 * 2025, argued in seed 003's thread ("mm/swap: fix race when skipping
 * swapcache", Kairui Song, Chris Li, Minchan Kim, Huang Ying) and removed
 * by seed 000's (never bypass the swap cache). Linux's SWP_SYNCHRONOUS_IO
 * branch of do_swap_page with swapcache_prepare as a lock.
 *
 * On a synchronous_io device an entry held by one swap PTE is read
 * straight into a private folio, skipping the swap cache. Two faults on
 * the same entry would then both read it and both map it, so the fault
 * pins the slot first: its swap-table word becomes "pinned"
 * (swap_cache_pin; SWAP_HAS_CACHE as a lock, seed 003's fix). A racer that
 * finds the pin, in this path or in the cache's (swap_cache_add_folio:
 * -EBUSY), sleeps a little and refaults, which is the repeated faulting
 * seed 000 set out to remove.
 *
 * The read goes through page_io (swap_read_folio_sync); the mapping is
 * do_swap_page's own (swapin_map, mm/swap_in.c).
 */
#include "folio.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "lru.h"
#include "page_alloc.h"
#include "page_io.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "swap_in.h"
#include "swap_in_bypass.h"

bool swap_bypass_sync_cache;
KPARAM_BOOL(swap_bypass, "swap.bypass_sync_cache", &swap_bypass_sync_cache,
	    "synchronous devices skip the swap cache on swap-in, pinning the slot (seed 003; "
	    "default 0)");
DEFINE_STAT_COUNTER(swapin_bypass);	    /* swap-ins that skipped the cache */
DEFINE_STAT_COUNTER(swapin_bypass_retries); /* racers that found the pin and refaulted */
DECLARE_STAT_COUNTER(swapin_refaults);	    /* mm/swap_in.c */

bool swapin_should_bypass(swp_entry_t entry)
{
	return swap_bypass_sync_cache && swap_device_synchronous_io(entry) &&
	       swap_count(entry) == 1 && !swap_cache_peek(entry);
}

void swapin_bypass_backoff(void)
{
	stat_inc(swapin_bypass_retries);
	race_point("swapin:bypass-pinned");
	set_current_state(TASK_BLOCKED);
	schedule_timeout(1000 * 1000);
}

/* The bypass path (swap.bypass_sync_cache=1): read the page into a folio
 * of our own, map it if the PTE did not change, free the slot. */
int swapin_bypass(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig, bool write)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	int pin = swap_cache_pin(entry);
	if (pin == -EBUSY) {
		swapin_bypass_backoff(); /* seed 003's fix: someone else is reading it */
		return 0;
	}
	if (pin) { /* cached or freed since we looked: the refault sees which */
		stat_inc(swapin_refaults);
		return 0;
	}
	stat_inc(swapin_bypass);
	int err = -ENOMEM;
	struct folio *folio = folio_alloc(GFP_USER, 0);
	if (!folio)
		goto out;
	race_point("swapin:bypass-read");
	if (swap_read_folio_sync(folio, entry)) {
		folio_put(folio);
		err = -EIO;
		goto out;
	}
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep || !pte_same(ptep_get(ptep), orig)) {
		if (ptep)
			pte_unmap_unlock(ptep, ptl);
		folio_put(folio);
		stat_inc(swapin_refaults);
		err = 0;
		goto out;
	}
	bool exclusive = pte_swp_exclusive(orig);
	folio_add_new_anon_rmap(folio, vma, addr);
	folio_set_uptodate(folio);
	swapin_map(mm, vma, folio, addr, ptep, 0, 1, exclusive, write);
	folio_put(folio); /* swapin_map took the PTE's reference */
	swap_free_nr(entry, 1);
	pte_unmap_unlock(ptep, ptl);
	lru_add(folio, true);
	err = 0;
out:
	swap_cache_unpin(entry);
	return err;
}
