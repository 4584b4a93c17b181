/*
 * Swap space: the API the rest of mm uses. Swap devices are switched on
 * with swapon (mm/swapfile.c); their slots are handed out by the cluster
 * allocator (mm/swap_alloc.c) and every slot's state lives in its
 * cluster's swap table (mm/swap_table.h): free, swapped out with a count,
 * or in the swap cache (mm/swap_cache.c). Counts: mm/swap_count.c.
 *
 * A swp_entry_t names a slot: its type is the device's index (0..31), its
 * offset the page on the device. Entries handed out for a folio of order
 * k are 2^k contiguous slots, naturally aligned, in one cluster.
 *
 * Locking (the order: docs/ARCHITECTURE.md, "Lock order"): counts and the
 * swap cache change under the cluster lock; swap_cache_get_folio reads
 * under RCU only.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <asm/pgtable.h>
#include "kernel/types.h"

struct blockdev;
struct folio;
struct swap_area_info;

#define SWAP_NR_ORDERS 10 /* folio orders 0..9 */

/* --- devices (swapfile.c) ------------------------------------------------ */
/* Use bd as swap with the header already checked into *area. prio: higher
 * is used first. Returns the type (0..MAX_SWAPFILES-1) or -EBUSY (already
 * on), -ENOSPC (32 devices on), -EINVAL (a device too small for one slot,
 * or cluster_slots too small for it), -ENOMEM. */
int swapon(struct blockdev *bd, const struct swap_area_info *area, int prio);
/* Read bd's header (swapdev_open) and swapon it: the same returns, plus
 * the header refusals of swapdev_open. */
int swapon_blockdev(struct blockdev *bd, int prio);
/* Switch a device off: bring every entry back into memory (try_to_unuse,
 * mm/swapoff.c: every mm's swap PTEs of the device are faulted in, keeping
 * their exclusivity), then free the clusters and all tables. -ENOMEM or
 * -EIO when something could not be brought back, -EBUSY when slots are
 * held by nothing it can bring back (swap_alloc'd): the device stays on.
 * -EINVAL for a type that is not on. */
int swapoff(unsigned type);
int try_to_unuse(unsigned type);
/* Device of a type that is on, NULL otherwise. */
struct blockdev *swap_type_blockdev(unsigned type);
/* Must entry's device see a page unchanged while it writes it (Linux's
 * SWP_STABLE_WRITES)? Does it complete inside submit (Linux's
 * SWP_SYNCHRONOUS_IO)? Linux copies both into si->flags at swapon; here
 * they are asked of the device (docs/ARCHITECTURE.md, "blockdev
 * interface"). False when no device of that type is on. */
bool swap_device_stable_writes(swp_entry_t entry);
bool swap_device_synchronous_io(swp_entry_t entry);
/* Slots of the device (including the header slot and bad pages). */
u64 swap_type_nr_slots(unsigned type);

/* --- allocation (swap_alloc.c) -------------------------------------------- */
/* Give the locked folio 2^order contiguous, aligned slots and put it in the
 * swap cache on them (count 0 each; references taken). 0, or -ENOSPC when
 * no device has a free run of that order (counted as swap_alloc_order_fail:
 * split the folio and try smaller), -ENOMEM when a table cannot be had. */
int folio_alloc_swap(struct folio *folio);
/* 2^order slots each swapped out with count 1, for callers without a folio
 * (tests, experiments). Same errors. */
int swap_alloc(unsigned order, swp_entry_t *entry);
/* The same on one device only (-ENOSPC as well when type is not on). */
int swap_alloc_type(unsigned type, unsigned order, swp_entry_t *entry);

/* --- counts (swap_count.c) -------------------------------------------------- */
/* One more swap PTE holds entry (fork): 0, -ENOENT (free slot, bad entry),
 * -ENOMEM (no memory for the side table). */
int swap_duplicate(swp_entry_t entry);
/* One swap PTE fewer for each of nr slots from entry (unmap, swap-in). A
 * slot whose count reaches 0 and that is not cached is freed. 0, or
 * -EINVAL after reporting a bad entry (no device, out of range, a slot
 * that was already free): counted as swap_bad_entry, nothing changed for
 * that slot. */
int swap_free_nr(swp_entry_t entry, unsigned nr);
static inline int swap_free(swp_entry_t entry)
{
	return swap_free_nr(entry, 1);
}
/* Swap PTEs holding entry (0 when free or bad). */
unsigned long swap_count(swp_entry_t entry);
/* Is entry a slot of a device that is on, and in use? (A lock-free look:
 * the answer may change at once unless the caller holds the slot.) */
bool swap_entry_valid(swp_entry_t entry);
/* swap.bypass_sync_cache=bump (seed 003): one more count on entry,
 * whatever its slot holds, a free slot included (the design under test;
 * swap_count.c). 0, or -ENOENT without a device or table to write to. */
int swap_count_bump_unchecked(swp_entry_t entry);
/* bump-checked: count 1 -> 2 under the cluster lock, or -ENOENT (the slot
 * is free) or -EBUSY (any other word). */
int swap_count_bump_if_one(swp_entry_t entry);
/* Report a bad swap entry (a swap PTE naming no device, a slot past the
 * end, a free slot): message, swap_bad_entry counted. Returns -EINVAL. */
int swap_report_bad_entry(swp_entry_t entry, const char *why);

/* --- the swap cache (swap_cache.c) ------------------------------------------ */
/* The folio cached for entry, with a reference taken, or NULL. Lock-free
 * (RCU); the caller locks the folio and rechecks folio_swap_entry. */
struct folio *swap_cache_get_folio(swp_entry_t entry);
/* Put the locked folio in the cache on its 2^order slots from entry, each
 * of which must be swapped out (count >= 1) and not cached. 0, -EEXIST
 * (a slot is cached already: the racer that got there first reads),
 * -ENOENT (a slot is free or bad), -EINVAL (entry not aligned to the
 * order). Nothing changes on failure. */
int swap_cache_add_folio(struct folio *folio, swp_entry_t entry);
/* Take the locked folio out of the cache: each slot keeps its count, and
 * a slot whose count is 0 is freed. Drops the cache's references. */
void swap_cache_del_folio(struct folio *folio);
/* Put new (locked, same order, not cached) in old's place (locked, cached). */
void swap_cache_replace(struct folio *old, struct folio *new_folio);
/* The first slot of a cached folio. */
swp_entry_t folio_swap_entry(const struct folio *folio);
/* Is a folio cached for entry? (A lock-free look, a hint.) */
bool swap_cache_peek(swp_entry_t entry);
/* The slots of the locked folio no longer held by any swap PTE: take it
 * out of the cache (unless under writeback). True when it left. */
bool folio_free_swap(struct folio *folio);
/* Linux's free_swap_cache: a cached folio whose last mapping just went
 * (a zap, a copy on write) leaves the cache if no swap PTE holds its
 * slots and its lock can be had without waiting (a PTL may be held). */
void free_swap_cache(struct folio *folio);
/* Linux's vm_swap_full, for one device (swap_entry_info(entry)): more
 * than half of its slots in use (Linux looks at all devices together; one
 * device is the common case here). True for no device. */
struct swap_info;
bool vm_swap_full(const struct swap_info *si);
/* Free the slots of si in [from, end) the swap cache alone holds; returns
 * how many. NOWAIT never sleeps on a folio (a folio lock may be held);
 * WAIT locks each folio and waits for its writeback (swapoff). */
enum swap_reclaim_mode { SWAP_RECLAIM_NOWAIT, SWAP_RECLAIM_WAIT };
unsigned long swap_cache_reclaim_range(struct swap_info *si, u64 from, u64 end,
				       enum swap_reclaim_mode mode);
/* Give back slots held by the swap cache alone, a window at a time; the
 * allocator calls it when every device is full. Returns slots freed. */
unsigned long swap_reclaim_cache_only(struct swap_info *si);
/* After the last swap PTE of entry went (zap): a cached folio nobody maps
 * any more is taken out of the cache, if its lock can be had without
 * waiting (the caller may hold a PTL). */
void swap_cache_try_free(swp_entry_t entry);
/* Drop the folio cached for entry if it is written, unmapped and held by
 * nobody else (what the next reclaim pass would do); true when it went.
 * Sleeps on the folio lock. */
bool swap_cache_drop_clean(swp_entry_t entry);
/* swap.bypass_sync_cache=pin-* and fallback-cache (seed 003): pin a
 * swapped-out slot while it is read around the cache: 0, -EBUSY when it is
 * pinned already, -EEXIST when it is cached, -ENOENT when it is free.
 * swap_cache_add_folio meets a pinned slot with -EBUSY. Unpin frees the
 * slot if its last swap PTE went meanwhile, and wakes the waiters. */
int swap_cache_pin(swp_entry_t entry);
void swap_cache_unpin(swp_entry_t entry);
/* Sleep until entry is not pinned (fallback-cache's cache path). */
void swap_cache_wait_unpin(swp_entry_t entry);

/* --- swapoff support -------------------------------------------------------- */
/* The first offset >= from of type that is in use (swapped out or cached),
 * or -ENOENT. */
s64 find_next_to_unuse(unsigned type, u64 from);

/* --- accounting and reports (swap_check.c, swap_stats.c) --------------------- */
/* Check every device: each cluster on exactly one list or owned by one
 * CPU, list flags right, counts equal to the tables' contents, tables
 * present exactly where needed. Prints each problem; returns how many.
 * Needs no allocation in flight on the device... it takes every lock. */
int swap_check(void);
/* Every device's per-CPU current clusters given back to its lists (an
 * emptied one keeps its table otherwise): before counting what is in use. */
void swap_pcp_drain_all(void);
/* Devices switched on. */
unsigned swap_nr_devices(void);
/* Print the per-device report (slots per order, clusters per list, table
 * bytes, metadata per slot). */
void swap_report(void);
/* End of the boot: swap.report=1 prints swap_report(), swap.check=1 runs
 * swap_check(); returns the check's problems (0 when not asked). */
int swap_boot_end(void);
/* Metadata bytes (headers + tables + side tables) per in-use slot and per
 * free slot, in hundredths, over every device that is on (0 if none). */
u64 swap_meta_centi_per_used_slot(void);
u64 swap_meta_centi_per_free_slot(void);
/* Swap-in fault latency (mm/swap_stats.c): do_swap_page records each
 * fault's total time and its own I/O wait (the time it waited for its
 * folio's read: 0 when the folio was uptodate when found); the software
 * overhead, total minus I/O wait, is kept fault by fault. Percentiles so
 * far in nanoseconds (the upper bound of a bucket at most 1/16 wide), the
 * number of faults recorded, and a reset for benchmarks. */
enum swapin_lat { SWAPIN_LAT_TOTAL, SWAPIN_LAT_IO_WAIT, SWAPIN_LAT_OVERHEAD, SWAPIN_LAT_NR };
void swapin_latency_record(u64 total_ns, u64 io_wait_ns);
u64 swapin_latency_percentile_ns(enum swapin_lat which, unsigned pct);
u64 swapin_latency_count(void);
void swapin_latency_reset(void);

#endif
