/*
 * The software access path (mm_access, mm_read_u64, mm_write_u64 in
 * mm/mm.h): what the MMU does for a load or store, done by walking the
 * tables. The host build has no MMU, so its tests reach the fault handler
 * only this way; the kernel uses it for mms not loaded on this CPU.
 */
#include "fault.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "mm.h"
#include "oom_kill.h"
#include "pgtable.h"

/*
 * With the PTL held on an allowed PTE: mark it accessed (and dirty for a
 * store) as the MMU would, with an exchange so that a bit set by a real
 * MMU meanwhile is not lost, then do the access through the direct map.
 */
static void access_pte(struct mm *mm, unsigned long addr, pte_t *ptep, pte_t pte, bool write,
		       u64 *rd, const u64 *wr)
{
	lockdep_assert_held(pte_lockptr(ptep));
	pte_t want = write ? pte_mkdirty(pte_mkyoung(pte)) : pte_mkyoung(pte);
	if (!pte_same(want, pte)) {
		pte_t old = ptep_get_and_clear(mm, addr, ptep);
		set_pte_at(mm, addr, ptep,
			   write ? pte_mkdirty(pte_mkyoung(old)) : pte_mkyoung(old));
	}
	u64 *p = (u64 *)((char *)phys_to_virt((phys_addr_t)pte_pfn(pte) << PAGE_SHIFT) +
			 (addr & (PAGE_SIZE - 1)));
	if (rd)
		*rd = __atomic_load_n(p, __ATOMIC_RELAXED);
	if (wr)
		__atomic_store_n(p, *wr, __ATOMIC_RELAXED);
}

static int mm_access_op(struct mm *mm, unsigned long addr, bool write, u64 *rd, const u64 *wr)
{
	int err = 0;

retry:
	/* Killed: end at this access, as the MMU path ends at its fault. */
	if (current && current->mm == mm && fatal_signal_pending(current))
		return -ENOMEM;
	unsigned long seq = oom_kill_seq();
	down_read(&mm->mmap_lock);
	for (;;) {
		spinlock_t *ptl;
		pte_t *ptep = addr < MM_USER_END ? pte_offset_map_lock(mm, addr, &ptl) : NULL;
		unsigned flags = write ? FAULT_FLAG_WRITE : 0;
		if (ptep) {
			pte_t pte = ptep_get(ptep);
			if (pte_present(pte) && (!write || pte_write(pte))) {
				access_pte(mm, addr, ptep, pte, write, rd, wr);
				pte_unmap_unlock(ptep, ptl);
				break;
			}
			if (pte_present(pte))
				flags |= FAULT_FLAG_PRESENT;
			pte_unmap_unlock(ptep, ptl);
		}
		err = addr < MM_USER_END ? handle_mm_fault(mm, addr, flags) : -EFAULT;
		if (err)
			break;
	}
	up_read(&mm->mmap_lock);
	/* Out of memory, as in mm_handle_page_fault: the OOM killer, with
	 * the mmap lock dropped, then the access again. */
	if (err == -ENOMEM && mm_fault_oom(mm, seq)) {
		err = 0;
		goto retry;
	}
	return err;
}

int mm_access(struct mm *mm, unsigned long addr, bool write)
{
	return mm_access_op(mm, addr, write, NULL, NULL);
}

int mm_read_u64(struct mm *mm, unsigned long addr, u64 *val)
{
	return mm_access_op(mm, addr, false, val, NULL);
}

int mm_write_u64(struct mm *mm, unsigned long addr, u64 val)
{
	return mm_access_op(mm, addr, true, NULL, &val);
}
