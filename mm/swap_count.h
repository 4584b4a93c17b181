/*
 * Swap counts: how many swap PTEs (and, later, swap-cache references) hold
 * each swap entry. The mm core only duplicates (fork) and drops (unmap)
 * them through this interface; the swap-table issue provides the real
 * table. Until then mm/swap_count_fake.c implements it with a small table
 * that tests fill with swap_count_fake_set().
 */
#ifndef MM_SWAP_COUNT_H
#define MM_SWAP_COUNT_H

#include <asm/pgtable.h>

/* One more holder of entry: 0, or -ENOENT when entry is not in use. */
int swap_dup(swp_entry_t entry);
/* One holder fewer; the last frees the entry. */
void swap_put(swp_entry_t entry);
/* Holders of entry (0 when free or unknown). */
int swap_count(swp_entry_t entry);

/* --- the fake table (tests) --------------------------------------------- */
/* Entries of type 0 with offsets below this are tracked; swap_put of
 * any other entry is ignored, swap_dup of one fails. */
#define SWAP_FAKE_SLOTS 1024
/* Set the count of entry (0 frees it): 0, or -EINVAL when not tracked. */
int swap_count_fake_set(swp_entry_t entry, int count);
/* Entries with a non-zero count. */
unsigned long swap_count_fake_in_use(void);

#endif
