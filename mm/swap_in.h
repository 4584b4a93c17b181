/*
 * Swap-in (mm/swap_in.c): the fault on a swap PTE. Its latency is kept
 * with the other swap statistics (swap.h, mm/swap_stats.c).
 */
#ifndef MM_SWAP_IN_H
#define MM_SWAP_IN_H

#include <asm/pgtable.h>
#include "kernel/types.h"

struct folio;
struct mm;
struct vma;

/* Resolve a fault on the swap PTE orig at addr (mmap lock held for read,
 * no PTL). 0 (retry the access; a racer may have resolved it), -EIO (a
 * bad swap entry or a read error: reported), -ENOMEM. */
int do_swap_page(struct mm *mm, struct vma *vma, unsigned long addr, pte_t orig, bool write);
/* Map pages [from, from + n) of the folio at va_first + from pages, PTL
 * held: present PTEs, anon-exclusive bits, the folio's references and map
 * counts. do_swap_page's, and the bypass's (swap_in_bypass.c). */
void swapin_map(struct mm *mm, struct vma *vma, struct folio *folio, unsigned long va_first,
		pte_t *ptep_first, unsigned long from, unsigned long n, bool exclusive, bool write);
/* seed 001's review, a command-line switch
 * (swap.stable_writes_check=inverted, default correct): the v2 patch's
 * stable-writes check, `!(flags & SWP_STABLE_WRITES)`: a folio under
 * writeback keeps its exclusive marker on a device that needs stable
 * pages (mapped writable, a write changes it under the device) and loses
 * it on every other device. Set at boot, or by a test around its run. */
extern bool swapin_stable_writes_inverted;

/* seed 000's rejected design, a command-line switch
 * (swap.keep_partial_folio=1, default 0): a fault that can map only part
 * of a large folio nobody has mapped yet leaves it in the cache and
 * refaults (instead of giving it up and refaulting at order 0): it faults
 * again and again until the folio's reader maps it. */
extern bool swapin_keep_partial_folio;
/* swap.keep_slot_on_read: a read fault keeps the swap cache (vm_swap_full). */
extern bool swapin_keep_slot;

#endif
