/*
 * The bypass swap-in, behind swap.bypass_sync_cache=: the designs before
 * 2025, argued in seed 003's thread ("mm/swap: fix race when skipping
 * swapcache", Kairui Song, Chris Li, Minchan Kim, Huang Ying) and removed
 * by seed 000's (never bypass the swap cache). Linux's SWP_SYNCHRONOUS_IO
 * branch of do_swap_page.
 *
 * On a synchronous_io device an entry held by one swap PTE is read
 * straight into a private folio, skipping the swap cache; the fault maps
 * it if the PTE did not change (pte_same) and frees the slot.
 *
 * nopin, the code before the fix, holds nothing while it reads. Two
 * faults on the same entry both read it, and the slow one's pte_same can
 * pass on a PTE that changed and changed back (ABA): the fast one mapped
 * its page, freed the slot, wrote the page, and reclaim swapped it out to
 * the same slot again. The slow one then maps its stale copy and frees the
 * slot that holds the new data: the write is lost (the fix's commit
 * message; tests/seed003_aba.c forces it).
 *
 * The fix pins the slot first: its swap-table word becomes "pinned"
 * (swap_cache_pin; SWAP_HAS_CACHE as a lock), which keeps the slot from
 * being freed and handed out again until the unpin, so pte_same after the
 * read is sound. A racer that finds the pin, in this path or in the
 * cache's (swap_cache_add_folio: -EBUSY), then does what the design says:
 *   pin-sleep       sleeps a millisecond and refaults (the merged fix:
 *                   schedule_timeout_uninterruptible(1));
 *   pin-spin        yields the CPU and refaults at once (the thread's
 *                   "spin on SWAP_MAP_LOCK"; it must yield: the kernel is
 *                   cooperative and the pinner may be waiting for this CPU);
 *   fallback-cache  goes on through the swap cache (the thread's "send
 *                   CPU2 to use the swap cache"), whose insertion waits on
 *                   the pin (swapin_bypass_wait).
 * The repeated faulting of the first two is what seed 000 set out to
 * remove.
 *
 * The thread's other idea holds the slot with a swap count instead of the
 * pin (swapin_bypass_counted): the fault adds a count of its own, reads,
 * maps if pte_same and drops its count. A racer then sees count 2 and
 * takes the swap cache path. bump takes the count without a look
 * (swap_count_bump_unchecked: a slot freed since the fault read the PTE
 * gets a count no cluster knows, and is freed twice); bump-checked takes
 * it only from count 1 (swap_count_bump_if_one) and refaults otherwise.
 * Neither keeps the ABA away: a count keeps the slot allocated, so the
 * racer's swap-in through the cache and the page's next swap-out land on
 * the very same slot, and pte_same passes on the stale read.
 *
 * The read goes through page_io (swap_read_folio_sync); the mapping is
 * do_swap_page's own (swapin_map, mm/swap_in.c).
 */
#include <asm/cpu.h>
#include "folio.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "lru.h"
#include "page_alloc.h"
#include "page_io.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "swap_in.h"
#include "swap_in_bypass.h"

enum swap_bypass_mode swap_bypass_sync_cache = SWAP_BYPASS_OFF;

/* A value names a design; 0 and 1, the switch's old boolean values, still
 * mean off and the merged fix. */
static const struct kparam_choice swap_bypass_choices[] = {
	{ "off", SWAP_BYPASS_OFF },
	{ "nopin", SWAP_BYPASS_NOPIN },
	{ "pin-sleep", SWAP_BYPASS_PIN_SLEEP },
	{ "pin-spin", SWAP_BYPASS_PIN_SPIN },
	{ "fallback-cache", SWAP_BYPASS_FALLBACK_CACHE },
	{ "bump", SWAP_BYPASS_BUMP },
	{ "bump-checked", SWAP_BYPASS_BUMP_CHECKED },
	{ "0", SWAP_BYPASS_OFF },
	{ "1", SWAP_BYPASS_PIN_SLEEP },
};

const char *swap_bypass_mode_name(enum swap_bypass_mode mode)
{
	return kparam_choice_name(swap_bypass_choices, ARRAY_SIZE(swap_bypass_choices), mode);
}

KPARAM_ENUM(swap_bypass, "swap.bypass_sync_cache", &swap_bypass_sync_cache, swap_bypass_choices,
	    "off (default: every swap-in through the swap cache), or a synchronous device skips "
	    "it: nopin, pin-sleep, pin-spin, fallback-cache, bump, bump-checked (seed 003)");

DEFINE_STAT_COUNTER(swapin_bypass);	      /* swap-ins that skipped the cache */
DEFINE_STAT_COUNTER(swapin_bypass_retries);   /* racers that found the pin and refaulted */
DEFINE_STAT_COUNTER(swapin_bypass_fallbacks); /* racers sent to the cache path */
/* ns racers spent backing off from a pin: asleep (pin-sleep), in yield
 * (pin-spin), waiting for the unpin (fallback-cache). */
DEFINE_STAT_COUNTER(swapin_bypass_backoff_ns);
DECLARE_STAT_COUNTER(swapin_refaults); /* mm/swap_in.c */

bool swapin_should_bypass(swp_entry_t entry)
{
	return swap_bypass_sync_cache != SWAP_BYPASS_OFF && swap_device_synchronous_io(entry) &&
	       swap_count(entry) == 1 && !swap_cache_peek(entry);
}

/* A racer found the slot pinned and will refault: pin-sleep sleeps a
 * little (Linux: schedule_timeout_uninterruptible(1)), pin-spin only
 * gives the CPU to whoever else can run on it. */
static void swapin_bypass_backoff(void)
{
	stat_inc(swapin_bypass_retries);
	race_point("swapin:bypass-pinned");
	u64 t0 = arch_time_ns();
	if (swap_bypass_sync_cache == SWAP_BYPASS_PIN_SPIN) {
		yield();
	} else {
		set_current_state(TASK_BLOCKED);
		schedule_timeout(1000 * 1000);
	}
	stat_add(swapin_bypass_backoff_ns, arch_time_ns() - t0);
}

/*
 * fallback-cache's insertion meets the pin: wait for the unpin, then the
 * caller tries the cache again. Correct whatever the pinner did:
 *   - it mapped its folio and freed the slot: the insertion finds the
 *     slot free (-ENOENT) and the fault refaults onto the present PTE;
 *   - it gave up (the PTE changed, a read error) and the slot is still
 *     swapped out: the insertion succeeds and the read is ours;
 *   - the slot was freed and handed out again (the ABA above): the
 *     insertion holds the slot from before the read to the mapping (a
 *     cached slot is not freed), so the data read is the slot's current
 *     data and pte_same after the read is sound, as for every cache read.
 * A sleep on a wait queue, woken by the unpin: no timed back-off, no
 * refault while the pin lasts.
 */
bool swapin_bypass_wait(swp_entry_t entry)
{
	if (swap_bypass_sync_cache != SWAP_BYPASS_FALLBACK_CACHE) {
		swapin_bypass_backoff();
		return false;
	}
	race_point("swapin:bypass-wait-pin");
	u64 t0 = arch_time_ns();
	swap_cache_wait_unpin(entry);
	stat_add(swapin_bypass_backoff_ns, arch_time_ns() - t0);
	return true;
}

/* Read entry into a folio of our own, map it if the PTE did not change,
 * free the slot. Under nopin nothing keeps the slot between the read and
 * pte_same: the ABA in the comment at the top. */
static int swapin_bypass_read_and_map(struct mm *mm, struct vma *vma, unsigned long addr,
				      pte_t orig, bool write, u64 *io_wait)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	struct folio *folio = folio_alloc(GFP_USER, 0);
	if (!folio)
		return -ENOMEM;
	race_point("swapin:bypass-read");
	u64 t0 = arch_time_ns();
	int err = swap_read_folio_sync(folio, entry);
	*io_wait = arch_time_ns() - t0;
	if (err) {
		folio_put(folio);
		return -EIO;
	}
	race_point("swapin:bypass-read-done"); /* seed 003: nopin's ABA window */
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep || !pte_same(ptep_get(ptep), orig)) {
		if (ptep)
			pte_unmap_unlock(ptep, ptl);
		folio_put(folio);
		stat_inc(swapin_refaults);
		return 0;
	}
	/* A fresh page no one else can see (one swap PTE held the entry, and
	 * the page never was in the swap cache): certainly exclusive, as in
	 * Linux's do_swap_page for folio != swapcache, whatever the swap
	 * PTE's bit says (swap.exclusive_bit=0 records none). */
	bool exclusive = true;
	folio_add_new_anon_rmap(folio, vma, addr);
	folio_set_uptodate(folio);
	swapin_map(mm, vma, folio, addr, ptep, 0, 1, exclusive, write);
	swap_free_nr(entry, 1);
	pte_unmap_unlock(ptep, ptl);
	/* Our reference until the folio is on the LRU: once the PTL is
	 * dropped a concurrent zap may take the PTE's, and lru_add must not
	 * see a freed folio. */
	lru_add(folio, true);
	folio_put(folio);
	return 0;
}

/* bump and bump-checked: a count of our own holds the slot while we read
 * (the top comment). A checked bump that finds the slot freed or held
 * otherwise refaults: the refault sees the present PTE or the racer's
 * cached folio. */
static int swapin_bypass_counted(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig,
				 bool write, u64 *io_wait)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	race_point("swapin:bypass-before-bump"); /* seed 003: the window the thread names */
	int err = swap_bypass_sync_cache == SWAP_BYPASS_BUMP ? swap_count_bump_unchecked(entry)
							     : swap_count_bump_if_one(entry);
	if (err) {
		stat_inc(swapin_refaults);
		return 0;
	}
	race_point("swapin:bypass-bumped");
	stat_inc(swapin_bypass);
	err = swapin_bypass_read_and_map(mm, vma, addr, orig, write, io_wait);
	swap_free(entry); /* our count */
	return err;
}

/* The bypass path: pin the slot (not under nopin), read, map, unpin. A
 * racer that finds the pin backs off (pin-sleep, pin-spin) or is sent to
 * the cache path (fallback-cache: SWAPIN_BYPASS_FALLBACK). */
int swapin_bypass(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig, bool write,
		  u64 *io_wait)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	if (swap_bypass_sync_cache == SWAP_BYPASS_BUMP ||
	    swap_bypass_sync_cache == SWAP_BYPASS_BUMP_CHECKED)
		return swapin_bypass_counted(mm, vma, addr, orig, write, io_wait);
	bool pin = swap_bypass_sync_cache != SWAP_BYPASS_NOPIN;
	if (pin) {
		int err = swap_cache_pin(entry);
		if (err == -EBUSY && swap_bypass_sync_cache == SWAP_BYPASS_FALLBACK_CACHE) {
			stat_inc(swapin_bypass_fallbacks);
			race_point("swapin:bypass-fallback");
			return SWAPIN_BYPASS_FALLBACK;
		}
		if (err == -EBUSY) {
			swapin_bypass_backoff(); /* seed 003's fix: someone else is reading it */
			stat_inc(swapin_refaults);
			return 0;
		}
		if (err) { /* cached or freed since we looked: the refault sees which */
			stat_inc(swapin_refaults);
			return 0;
		}
	}
	stat_inc(swapin_bypass);
	int err = swapin_bypass_read_and_map(mm, vma, addr, orig, write, io_wait);
	if (pin)
		swap_cache_unpin(entry);
	return err;
}
