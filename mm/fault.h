/*
 * Page faults. The arch trap handler decodes its error code into
 * FAULT_FLAG_* and calls mm_handle_page_fault(), which finds the mm of the
 * current task and resolves the fault with handle_mm_fault(). A return of 0 means
 * the access can be retried; -EFAULT means the fault is not in a user mm
 * at all (a kernel bug: the arch handler panics). A fault in a user mm
 * that cannot be resolved (no VMA, wrong protection, a bad PTE) kills only
 * the faulting task and never returns. Out of memory calls the OOM killer
 * (mm/oom_kill.h), which kills the largest mm; the fault is retried unless
 * that was the task's own. A task the OOM killer killed ends at its next
 * fault.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "kernel/compiler.h"
#include "kernel/types.h"

#define FAULT_FLAG_WRITE (1u << 0)
#define FAULT_FLAG_PRESENT (1u << 1) /* protection fault on a present PTE */
#define FAULT_FLAG_USER (1u << 2)
#define FAULT_FLAG_INSTRUCTION (1u << 3)
#define FAULT_FLAG_RESERVED_BIT (1u << 4)
/* Not from the hardware: get_user_pages asks that a possibly shared anon
 * page become exclusive (reused or copied) and stay read-only, before it
 * takes a read-only pin of it (mm/gup.c; Linux's FAULT_FLAG_UNSHARE). */
#define FAULT_FLAG_UNSHARE (1u << 5)

struct mm;

int mm_handle_page_fault(unsigned long addr, unsigned flags, unsigned long ip);

/*
 * Resolve a fault at addr in mm, mmap lock held for read. 0 (retry the
 * access), -EFAULT (no VMA or the protection forbids it), -ENOMEM (also:
 * mm is an OOM victim), or
 * -EIO (a bad PTE or swap entry, reported; or a swap-in read error). A
 * swap PTE goes to do_swap_page() (mm/swap_in.h).
 */
int handle_mm_fault(struct mm *mm, unsigned long addr, unsigned flags);

/* A fault in mm failed with -ENOMEM; no lock held. Call the OOM killer
 * unless the task is killed or mm is a victim; true when the fault should
 * be tried again (another mm was reaped). seq: oom_kill_seq() read before
 * the fault. */
bool mm_fault_oom(struct mm *mm, unsigned long seq);

/* Report an unresolved fault of the current task and end it with status
 * err (what kthread_join returns). No lock may be held. The software
 * access path's callers use it too, so host tests kill tasks the same way. */
__noreturn void mm_fault_kill_current(unsigned long addr, unsigned flags, unsigned long ip,
				      int err);

#endif
