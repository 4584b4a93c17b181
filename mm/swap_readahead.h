/*
 * Swap readahead (mm/swap_readahead.c): a swap-in that reads its page from
 * the device also reads a few neighbours into the swap cache, unmapped,
 * for the faults that may follow (Linux's swapin_readahead). Called by
 * do_swap_page's miss (mm/swap_in.c) after it started its own read; the
 * folios it reads are marked PG_readahead until a fault maps them
 * (swap_readahead_hit) or they leave the cache unused.
 *
 * Locking: the mode and the window limit are set at boot (or by a test
 * while no swap-in runs); the window state is one atomic word, per VMA
 * (vma->swap_readahead_info) or for the machine (cluster mode); a folio's
 * PG_readahead changes only under its folio lock.
 */
#ifndef MM_SWAP_READAHEAD_H
#define MM_SWAP_READAHEAD_H

#include <asm/pgtable.h>
#include "kernel/types.h"

struct folio;
struct mm;
struct vma;

/* swap.readahead=: whose neighbours a swap-in reads. */
enum swap_readahead_mode {
	SWAP_RA_OFF,	 /* none: each fault reads its own page */
	SWAP_RA_CLUSTER, /* neighbouring slots on the device (swap_cluster_readahead) */
	SWAP_RA_VMA,	 /* neighbouring PTEs of the VMA (swap_vma_readahead) */
	SWAP_RA_NR_MODES
};
extern enum swap_readahead_mode swap_readahead_mode;
/* swap.page_cluster=: the window is at most 2^swap_page_cluster pages
 * (Linux's vm.page-cluster), 0..SWAP_RA_MAX_ORDER. */
#define SWAP_RA_MAX_ORDER 5
extern u64 swap_page_cluster;
const char *swap_readahead_mode_name(enum swap_readahead_mode mode);

/* The fault at addr of vma missed the cache and started the read of entry
 * into an order-0 folio: read its neighbours ahead (mmap lock held for
 * read, no PTL, no folio lock). */
void swapin_readahead(struct mm *mm, struct vma *vma, unsigned long addr, swp_entry_t entry);
/* A fault maps folio (locked, PTL held) for the first time: true when it
 * was read ahead (a hit: counted, the window told; it is on the LRU
 * already). */
bool swap_readahead_hit(struct folio *folio, struct vma *vma, unsigned long addr);
/* A readahead read ended (swap_read_done, maybe in interrupt context),
 * the folio still locked: drop it from the cache if its read failed or no
 * swap PTE holds its slot any more, put the read's reference, unlock it. */
void swap_readahead_read_done(struct folio *folio);
/* swap_cache_del_folio: a folio leaves the cache (locked); one still
 * marked was read ahead and never used (swap_ra_unused). */
void swap_readahead_leave_cache(struct folio *folio);

#endif
