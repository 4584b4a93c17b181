/*
 * swapoff's unuse: bring every entry of a device back into memory.
 *
 * The device takes no new allocations (SWP_WRITEOK is clear). Every mm is
 * walked (mm_list_next); each swap PTE of the device is faulted in through
 * the swap-in path (do_swap_page), which keeps exclusivity from the PTE's
 * bit as seed 001's unuse_pte does. Then folios left in the swap cache
 * with no swap PTE are let go. Reclaim may meanwhile unmap folios that are
 * still in this device's cache (they keep their slots), so the walk runs
 * again while that makes progress.
 *
 * When memory is too short to bring a page back, the walk stops with
 * -ENOMEM: swapoff puts the device back in service (what was brought in
 * stays in, the rest stays on the device) and reports it.
 *
 * A read that fails skips its page; the next pass tries it again, so a
 * transient error (fail.swap_read=, a device that recovers) costs one
 * more pass instead of the whole swapoff, which gave up at the first one
 * (the stress test with fail.swap_read=probability=1 never completed a
 * swapoff). A page whose read still fails when a pass brings nothing in
 * ends the walk with -EIO. Linux instead maps a poison marker in place of
 * such a PTE and completes the swapoff.
 */
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "mm.h"
#include "pgtable.h"
#include "swap.h"
#include "swap_cluster.h"
#include "swap_in.h"

DEFINE_STAT_COUNTER(swapoff_pages_in);
DEFINE_STAT_COUNTER(swapoff_read_errors); /* pages skipped, tried again next pass */

/* Fault in the device's swap PTEs of one VMA (mmap lock held for read).
 * Pages whose read failed are skipped and counted in *read_errors. */
static int unuse_vma(struct mm *mm, struct vma *vma, unsigned type, unsigned long *read_errors)
{
	for (unsigned long addr = vma->start; addr < vma->end;) {
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
		if (!ptep) { /* no table: skip to the next one */
			addr = ALIGN_DOWN(addr, PAGE_SIZE * PTRS_PER_TABLE) +
			       PAGE_SIZE * PTRS_PER_TABLE;
			continue;
		}
		pte_t pte = ptep_get(ptep);
		pte_unmap_unlock(ptep, ptl);
		if (pte_is_swap(pte) && !pte_bad_reason(pte) &&
		    swp_type(pte_to_swp_entry(pte)) == type) {
			int err = do_swap_page(mm, vma, addr, pte, false);
			if (err == -EIO) {
				(*read_errors)++;
				stat_inc(swapoff_read_errors);
				addr += PAGE_SIZE;
				continue;
			}
			if (err)
				return err;
			stat_inc(swapoff_pages_in);
			if (pte_same(pgtable_read_pte(mm, addr), pte))
				continue; /* not resolved (a racer changed it): look again */
		}
		addr += PAGE_SIZE;
	}
	return 0;
}

static int unuse_mm(struct mm *mm, unsigned type, unsigned long *read_errors)
{
	int err = 0;
	struct vma *v;
	down_read(&mm->mmap_lock);
	for_each_vma (&mm->vmas, v) {
		err = unuse_vma(mm, v, type, read_errors);
		if (err)
			break;
	}
	up_read(&mm->mmap_lock);
	return err;
}

static long device_inuse(unsigned type)
{
	long n = 0;
	for (s64 off = find_next_to_unuse(type, 0); off >= 0;
	     off = find_next_to_unuse(type, (u64)off + 1))
		n++;
	return n;
}

int try_to_unuse(unsigned type)
{
	struct swap_info *si = &swap_info[type];
	long left = device_inuse(type);
	unsigned long read_errors = 0;
	for (int pass = 0; left && pass < 8; pass++) {
		read_errors = 0; /* only the last pass's count: those failed again */
		for (struct mm *mm = mm_list_next(NULL); mm; mm = mm_list_next(mm)) {
			int err = unuse_mm(mm, type, &read_errors);
			if (err) {
				mm_put(mm);
				return err;
			}
		}
		/* Folios in the cache whose slots no swap PTE holds any more. */
		swap_cache_reclaim_range(si, 0, si->nr_slots, SWAP_RECLAIM_WAIT);
		long now = device_inuse(type);
		if (now >= left && pass > 0)
			break; /* no progress: what is left is held by no PTE */
		left = now;
	}
	return read_errors ? -EIO : 0;
}
