/*
 * Swap I/O: a folio's pages to or from the slots of its swap entry, in one
 * block request (the slots of a folio are contiguous on one device).
 *
 * Reads: the folio is locked, in the swap cache and not uptodate; the
 * completion marks it uptodate (or not, on an I/O error) and unlocks it,
 * which wakes every task waiting to map it (seed 000: the folio lock is
 * the waiting point).
 *
 * Writes: the folio is locked, in the swap cache and unmapped; writeback
 * is set for the duration. On an I/O error the folio is marked dirty again
 * and kept, to be written later (no data is lost). On success, when the
 * folio is still unmapped, clean and held by nobody but the cache, the
 * completion takes it out of the cache and frees it.
 *
 * Completions may run in interrupt context (virtio-blk) or inside the
 * submit call (ramswap, synchronous_io). A device without interrupts
 * (virtio_blk.poll=1) is driven synchronously here.
 */
#ifndef MM_PAGE_IO_H
#define MM_PAGE_IO_H

#include <asm/pgtable.h>
#include "kernel/types.h"

struct folio;

/* 0 when the read was started (the folio unlocks when it ends), or a
 * negative error with the folio still locked. */
int swap_read_folio(struct folio *folio);
/* swap_read_folio for n folios that hold consecutive slots of one device,
 * in order (readahead's runs): one request to the device instead of n,
 * as Linux's block plug merges adjacent bios. A failed request fails
 * every folio of it. 0 when the read started; a negative error (nothing
 * submitted) leaves every folio as it was. */
int swap_read_folios(struct folio **folios, unsigned n);
/* Read entry's slot into a small folio that is not in the swap cache and
 * wait for the read (Linux's swap_read_folio_bdev_sync), for the bypass
 * designs (swap.bypass_sync_cache=nopin, pin-*, fallback-cache). 0, or a
 * negative error (fail.swap_read= too) for the caller to handle. The folio
 * is neither locked nor marked. */
int swap_read_folio_sync(struct folio *folio, swp_entry_t entry);
/* 0 when the write was started; the folio stays locked for the caller,
 * which may find it already written (synchronous devices). A negative
 * error leaves the folio locked, dirty, not under writeback. */
int swap_writepage(struct folio *folio);
/* The freeing a write completion does, for a caller holding the folio
 * lock and one reference of its own: true when the folio left the cache
 * (the caller's reference is then the last but for others'). */
bool folio_free_swap_clean(struct folio *folio);
/* Reads and writes submitted and not yet completed. */
long swap_io_pending(void);
/* Sleep until one of them completes, timeout_ns passes or the task is
 * killed (fatal_signal_pending); false at once when none is in flight. */
bool swap_io_wait_some(u64 timeout_ns);
/* Wake every task sleeping in swap_io_wait_some (the OOM killer: its
 * victims look at their kill and give up their allocation). */
void swap_io_wake_waiters(void);
/* Print every block device's queue state (blockdev_report_all): for the
 * OOM report, which names what swap I/O is stuck on. */
void swap_io_report_devices(void);

#endif
