/*
 * The OOM killer (Linux's mm/oom_kill.c). When an allocation in a fault
 * still fails after reclaim (swap full or absent, nothing left to write),
 * the fault calls out_of_memory(): it picks the address space whose RAM
 * plus swap is largest (oom_badness), kills every task running in it
 * (mark_oom_victim: each ends at its next fault, and one blocked in its
 * allocation gives up) and frees its memory at once, without waiting for
 * the tasks to exit (oom_reap_task_mm: every PTE zapped, every swap entry
 * dropped, the page tables freed). The faulting task retries its fault,
 * or ends when the victim was its own mm.
 *
 * Unlike Linux there is no oom_reaper thread: out_of_memory runs in the
 * faulting task with no lock held (mm_handle_page_fault, mm_access), so it
 * can take the victim's mmap lock for write itself. The victim's tasks
 * hold that lock for read only inside a fault, and a killed task's fault
 * fails fast (reclaim_retry gives up, swap_io_wait_some wakes), so the
 * wait is short.
 *
 * Locking: oom_lock (a mutex) makes one kill at a time; under it, the
 * victim's mmap lock for write (the reap); the order: docs/ARCHITECTURE.md,
 * "Lock order". Nothing that holds an mmap lock or a folio lock may call
 * out_of_memory.
 */
#ifndef MM_OOM_KILL_H
#define MM_OOM_KILL_H

#include "kernel/types.h"

struct mm;
struct task;

struct oom_control {
	struct mm *mm;	   /* the faulting task's mm, or NULL (a test, a kernel thread) */
	unsigned long seq; /* oom_kill_seq() before the allocation that failed */
	/* Out: the victim's id, its size at the kill and what the reap took. */
	unsigned long victim_id, victim_tasks;
	unsigned long rss_pages, swap_entries, reaped_pages, reaped_swap, reaped_tables;
};

enum oom_result {
	OOM_RETRY,	 /* another mm was reaped (maybe by a racing caller): fault again */
	OOM_KILLED_SELF, /* the victim was oc->mm: the caller's task is killed too */
	OOM_NO_VICTIM,	 /* no mm with memory to take: the caller must give up */
};

/* Kills completed so far; a caller reads it before its allocation, so
 * that a kill made meanwhile by another task counts as progress. */
unsigned long oom_kill_seq(void);

/* Choose, kill and reap (see above). Sleeps; no lock may be held. */
enum oom_result out_of_memory(struct oom_control *oc);

/* The victim score: resident anon pages + swap entries + page-table
 * pages, or -1 for an mm that must not be chosen (already reaped, or
 * nothing but its root table). */
long oom_badness(struct mm *mm);

/* Is mm an OOM victim? Its faults fail (-ENOMEM): nothing may repopulate
 * an mm being reaped. */
bool mm_is_oom_victim(const struct mm *mm);

#endif
