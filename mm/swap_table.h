/*
 * The swap table: one 64-bit word per slot of a swap cluster, the single
 * source of truth for that slot (as Linux's mm/swap_table.h, carried one
 * step further: the swap count lives in the word too, so there is no
 * swap_map and no SWAP_HAS_CACHE flag).
 *
 *   63                      10 9      2 1 0
 *   [         0             ][   0    ][00]   free
 *   [ shadow (workingset)    ][ count  ][01]   swapped out: count >= 1 swap
 *                                              PTEs hold the slot
 *   [ pfn of the slot's page ][ count  ][10]   in the swap cache: that page
 *                                              holds the data; count (may be 0)
 *                                              swap PTEs hold the slot
 *   [ shadow (workingset)    ][ count  ][11]   pinned: a swap-in that skips
 *                                              the cache is reading the slot
 *                                              (swap.bypass_sync_cache=pin-*
 *                                              or fallback-cache, seed
 *                                              003: Linux's SWAP_HAS_CACHE
 *                                              without a folio); count may be 0
 *
 * A count of SWP_TB_COUNT_EXT in the word means the real count is in the
 * cluster's side table (swap_table_ext), allocated when the first count of
 * the cluster outgrows the word and freed when the last comes back down.
 * The word names the page of its own slot, not the folio: splitting a
 * large folio in the swap cache changes no word.
 *
 * Words change only under the cluster lock; lock-free readers (the swap
 * cache lookup) load them atomically under RCU (mm/swap_cache.c).
 */
#ifndef MM_SWAP_TABLE_H
#define MM_SWAP_TABLE_H

#include "kernel/types.h"

#define SWP_TB_KIND_MASK 3ul
#define SWP_TB_KIND_COUNT 1ul  /* swapped out */
#define SWP_TB_KIND_FOLIO 2ul  /* in the swap cache */
#define SWP_TB_KIND_PINNED 3ul /* being read around the cache (seed 003) */
#define SWP_TB_COUNT_SHIFT 2
#define SWP_TB_COUNT_BITS 8
#define SWP_TB_COUNT_MASK ((1ul << SWP_TB_COUNT_BITS) - 1)
#define SWP_TB_COUNT_EXT SWP_TB_COUNT_MASK	/* count is in the side table */
#define SWP_TB_COUNT_MAX (SWP_TB_COUNT_EXT - 1) /* largest count in the word */
#define SWP_TB_HIGH_SHIFT 10			/* pfn or shadow */

/* Linux's swp_tb_is_null. */
static inline bool swp_tb_is_free(u64 tb)
{
	return tb == 0;
}
static inline bool swp_tb_is_folio(u64 tb)
{
	return (tb & SWP_TB_KIND_MASK) == SWP_TB_KIND_FOLIO;
}
static inline bool swp_tb_is_count(u64 tb)
{
	return (tb & SWP_TB_KIND_MASK) == SWP_TB_KIND_COUNT;
}
static inline bool swp_tb_is_pinned(u64 tb)
{
	return (tb & SWP_TB_KIND_MASK) == SWP_TB_KIND_PINNED;
}
/* The count field (SWP_TB_COUNT_EXT: look in the side table). */
static inline unsigned swp_tb_count(u64 tb)
{
	return (tb >> SWP_TB_COUNT_SHIFT) & SWP_TB_COUNT_MASK;
}
static inline pfn_t swp_tb_pfn(u64 tb)
{
	return (pfn_t)(tb >> SWP_TB_HIGH_SHIFT);
}
static inline u64 swp_tb_shadow(u64 tb)
{
	return tb >> SWP_TB_HIGH_SHIFT;
}

static inline u64 swp_tb_mk_count(unsigned count, u64 shadow)
{
	return (shadow << SWP_TB_HIGH_SHIFT) | ((u64)count << SWP_TB_COUNT_SHIFT) |
	       SWP_TB_KIND_COUNT;
}
static inline u64 swp_tb_mk_folio(pfn_t pfn, unsigned count)
{
	return ((u64)pfn << SWP_TB_HIGH_SHIFT) | ((u64)count << SWP_TB_COUNT_SHIFT) |
	       SWP_TB_KIND_FOLIO;
}
/* A swapped-out word pinned, and back (count and shadow kept). */
static inline u64 swp_tb_pin(u64 tb)
{
	return (tb & ~SWP_TB_KIND_MASK) | SWP_TB_KIND_PINNED;
}
static inline u64 swp_tb_unpin(u64 tb)
{
	return (tb & ~SWP_TB_KIND_MASK) | SWP_TB_KIND_COUNT;
}
/* The same word with another count field. */
static inline u64 swp_tb_with_count(u64 tb, unsigned count)
{
	return (tb & ~(SWP_TB_COUNT_MASK << SWP_TB_COUNT_SHIFT)) |
	       ((u64)count << SWP_TB_COUNT_SHIFT);
}

/* Linux's __swap_table_get. */
static inline u64 swap_table_get(const u64 *table, unsigned off)
{
	return __atomic_load_n(&table[off], __ATOMIC_ACQUIRE);
}
/* Words are set only under the cluster lock: __swap_table_set
 * (swap_cluster.h), which checks it. */

#endif
