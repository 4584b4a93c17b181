/*
 * struct task: one kernel thread. Every task runs on one CPU (task->cpu)
 * until it blocks, yields or exits: the kernel is cooperative (see
 * kernel/sched.h). It changes CPU only by task_migrate(), or, unless it is
 * pinned, when it is woken with sched.migrate_on_wake=1 (select_task_rq).
 * In the kernel a task has its own stack and saved registers (struct
 * arch_context); on the host it is a pthread (arch/host/sched.c) and the
 * same fields keep the same meaning.
 *
 * Locking: state is written by the task itself and by wakers; both do so
 * with atomic stores, wakers under the run-queue lock of task->cpu (kernel)
 * or host_sched_lock (host). cpu changes only under the run-queue locks
 * (task_migrate, a wakeup that moves it). run_link and sleep_link belong
 * to the run queue of task->cpu; task_link to the scheduler's list of
 * every task.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <asm/context.h>
#include "completion.h"
#include "list.h"
#include "types.h"

struct mm;

enum task_state {
	TASK_RUNNING, /* running, or runnable on its CPU's run queue */
	TASK_BLOCKED, /* waiting for wake_up_task() (or its deadline) */
	TASK_DEAD,    /* finished; kthread_join() frees it */
};

#define TASK_NAME_LEN 24

struct task {
	char name[TASK_NAME_LEN];
	u64 id;			     /* unique, for messages */
	int state;		     /* enum task_state; atomic (see above) */
	unsigned cpu;		     /* CPU it runs on; under the rq locks */
	bool pinned;		     /* a wakeup never moves it to another CPU (Linux's
				      * kthread_bind); set once, at creation */
	int migrate_to;		     /* pending self-migration target or -1; set by the
				      * owner, reset by sched_finish_migration (release) */
	bool on_rq;		     /* on rq->runnable; under rq lock */
	bool sleeping_timed;	     /* on rq->sleepers; under rq lock */
	u64 deadline_ns;	     /* wake-up time while on rq->sleepers; under rq lock */
	struct list_head run_link;   /* rq->runnable; under rq lock */
	struct list_head sleep_link; /* rq->sleepers; under rq lock */
	void *stack;		     /* kernel stack base (NULL for boot/host tasks) */
	size_t stack_size;
	struct arch_context ctx; /* saved registers while switched out */
	int (*fn)(void *arg);	 /* thread function and its argument */
	void *arg;
	int exit_code;		  /* fn's return value, valid once exited */
	struct completion exited; /* completed once the task can be freed */
	bool joinable;		  /* created by kthread_create_on_cpu */
	/* The address space the task runs in: a counted reference taken at
	 * creation and dropped by kthread_join, NULL for a plain kernel
	 * thread (which runs on the kernel root). Set once. A ring-3 task
	 * will have one too; kernel threads started in an mm touch its user
	 * half directly, so their faults are real page faults. */
	struct mm *mm;
	bool in_reclaim;	    /* reclaiming: no direct reclaim from its
				     * own allocations (mm/vmscan.c); owner only */
	struct list_head task_link; /* every task, for diagnostics and the OOM
				     * killer; under sched_tasks_lock */
	bool watchdog;		    /* its runs are not progress (kernel/hung_task.c);
				     * set once by itself, read by its CPU's switches */
	/* Killed by the OOM killer (mm/oom_kill.c, mark_oom_victim): Linux's
	 * SIGKILL plus tsk->signal->oom_mm. Set once by the killer, read by
	 * the task at its next fault and in its allocation's reclaim loop;
	 * atomic. */
	int oom_victim;
};

/* Linux's fatal_signal_pending: the only fatal signal here is the OOM
 * killer's. The task ends at its next fault (mm/fault.c); a loop that
 * never faults must look itself. */
static inline bool fatal_signal_pending(const struct task *t)
{
	return __atomic_load_n(&t->oom_victim, __ATOMIC_ACQUIRE);
}

static inline int task_state(const struct task *t)
{
	return __atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
}

#endif
