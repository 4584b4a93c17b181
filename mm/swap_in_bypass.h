/*
 * The bypass swap-in (mm/swap_in_bypass.c): swap.bypass_sync_cache=, the
 * designs of seed 003's thread for a fault that skips the swap cache on a
 * synchronous device. do_swap_page asks swapin_should_bypass first;
 * read_swap_cache_async asks swapin_bypass_wait when swap_cache_add_folio
 * finds a slot pinned by a bypass read.
 */
#ifndef MM_SWAP_IN_BYPASS_H
#define MM_SWAP_IN_BYPASS_H

#include <asm/pgtable.h>
#include "kernel/types.h"

struct mm;
struct vma;

/*
 * swap.bypass_sync_cache= (seed 003), one value per design:
 *   off             every swap-in through the swap cache (seed 000; default)
 *   nopin           the code before seed 003's fix: read into a private
 *                   folio, nothing held: two faults both read, and an ABA
 *                   on the entry maps a stale page
 *   pin-sleep       the merged fix: the slot pinned (SWAP_HAS_CACHE as a
 *                   lock); a racer sleeps a millisecond and refaults
 *   pin-spin        pinned; a racer yields the CPU and refaults at once
 *   fallback-cache  pinned; a racer takes the swap-cache path, which
 *                   waits for the unpin instead of backing off
 *   bump            the thread's "increase the swap count": a count of
 *                   the fault's own, taken without checking the slot is
 *                   still allocated: a freed slot gets a count (the swap
 *                   map corrupt) and is freed twice
 *   bump-checked    the thread's safe variant: count 1 -> 2 under the
 *                   cluster lock, or bail out and refault
 */
enum swap_bypass_mode {
	SWAP_BYPASS_OFF,
	SWAP_BYPASS_NOPIN,
	SWAP_BYPASS_PIN_SLEEP,
	SWAP_BYPASS_PIN_SPIN,
	SWAP_BYPASS_FALLBACK_CACHE,
	SWAP_BYPASS_BUMP,
	SWAP_BYPASS_BUMP_CHECKED,
	SWAP_BYPASS_NR_MODES,
};

/* Set by the command line; tests change it between scenarios (no fault
 * in flight). */
extern enum swap_bypass_mode swap_bypass_sync_cache;

/* The switch's value as written on the command line ("pin-sleep"). */
const char *swap_bypass_mode_name(enum swap_bypass_mode mode);

/* swapin_bypass's return when the fault is to go on through the swap
 * cache (fallback-cache: another fault pinned the slot). */
#define SWAPIN_BYPASS_FALLBACK 1

/* Does this fault take the bypass: the switch on, a synchronous device,
 * one swap PTE holding entry, nothing cached for it? (A lock-free look;
 * swapin_bypass's pin decides.) */
bool swapin_should_bypass(swp_entry_t entry);
/* Read the page into a folio of our own (the slot pinned under pin-* and
 * fallback-cache, a count of our own under bump*, nothing under nopin),
 * map it if the PTE did not change, free the slot. do_swap_page's
 * returns, or SWAPIN_BYPASS_FALLBACK; *io_wait is the time the read took
 * (left alone when there was none). */
int swapin_bypass(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig, bool write,
		  u64 *io_wait);
/* The swap-cache path found entry pinned by a bypass read. fallback-cache:
 * sleep until the pin is gone and return true (try the cache again); the
 * pin designs: back off as a bypass racer does and return false
 * (refault). */
bool swapin_bypass_wait(swp_entry_t entry);

#endif
