/*
 * The bypass swap-in (mm/swap_in_bypass.c): swap.bypass_sync_cache=1, the
 * design before 2025 (seed 003). do_swap_page asks swapin_should_bypass
 * first; read_swap_cache_async backs off when swap_cache_add_folio finds a
 * slot pinned by a bypass read.
 */
#ifndef MM_SWAP_IN_BYPASS_H
#define MM_SWAP_IN_BYPASS_H

#include <asm/pgtable.h>
#include "kernel/types.h"

struct mm;
struct vma;

/* swap.bypass_sync_cache (seed 003): synchronous devices skip the cache. */
extern bool swap_bypass_sync_cache;

/* Does this fault take the bypass: the switch on, a synchronous device,
 * one swap PTE holding entry, nothing cached for it? (A lock-free look;
 * swapin_bypass's pin decides.) */
bool swapin_should_bypass(swp_entry_t entry);
/* Read the page into a folio of our own with the slot pinned, map it if
 * the PTE did not change, free the slot. do_swap_page's returns. */
int swapin_bypass(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig, bool write);
/* The slot is pinned by another fault's bypass read: sleep a little, for
 * the caller to refault (Linux: schedule_timeout_uninterruptible(1)). */
void swapin_bypass_backoff(void);

#endif
