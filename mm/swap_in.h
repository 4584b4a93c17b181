/*
 * Swap-in (mm/swap_in.c): the fault on a swap PTE, and its latency.
 */
#ifndef MM_SWAP_IN_H
#define MM_SWAP_IN_H

#include <asm/pgtable.h>
#include "kernel/types.h"

struct mm;
struct vma;

/* Resolve a fault on the swap PTE orig at addr (mmap lock held for read,
 * no PTL). 0 (retry the access; a racer may have resolved it), -EIO (a
 * bad swap entry or a read error: reported), -ENOMEM. */
int do_swap_page(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig, bool write);
/* Swap-in fault latency percentiles so far, in microseconds (the upper
 * bound of a power-of-two bucket), and a reset for benchmarks. */
u64 swapin_latency_percentile_us(unsigned pct);
void swapin_latency_reset(void);
/* Test hook (seed 001's review): invert the SWP_STABLE_WRITES check. */
extern bool swapin_test_invert_stable_writes;
/* swap.bypass_sync_cache (seed 003): synchronous devices skip the cache. */
extern bool swap_bypass_sync_cache;

#endif
