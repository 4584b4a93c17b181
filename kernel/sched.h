/*
 * The scheduler: kernel threads bound to CPUs, one FIFO run queue per CPU.
 *
 * The kernel is cooperative (non-preemptive): a task runs until it blocks
 * (wait queue, completion, mutex), yields (yield()) or exits. The tick
 * interrupt never switches tasks; it only accounts time, expires timed
 * sleeps and reports RCU quiescent states. We chose this because it makes
 * every switch point visible in the code (the race lab places its race
 * points explicitly), keeps per-CPU data safe without preempt counts, and
 * lets RCU read-side sections be a per-CPU counter. The price: a task that
 * spins forever without yielding starves the other tasks of its CPU.
 *
 * Blocking protocol (as in Linux): set_current_state(TASK_BLOCKED), check the
 * condition, schedule(). A wake_up_task() that comes between the two makes
 * schedule() return at once, so no wakeup is lost.
 *
 * wake_up_task() may be called from interrupt handlers and from any CPU: a
 * task woken for another CPU is queued there and that CPU gets a reschedule
 * IPI. Each CPU has an idle task that halts until an interrupt when nothing
 * is runnable.
 *
 * Where a woken task runs (select_task_rq, kernel/sched_wake.c): on its own
 * CPU, by default. With sched.migrate_on_wake=1 a task that is not pinned
 * is moved, as it wakes, to the next online CPU: Linux's select_task_rq in
 * its simplest form, so that code which sleeps in the middle of using
 * per-CPU data meets another CPU's data when it wakes (seed 002). Tasks
 * from kthread_create_on_cpu / kthread_create_in_mm are pinned (tests and
 * the kernel's own threads count on their CPU); kthread_create_unbound
 * makes one that is not.
 *
 * The host build (arch/host/sched.c) implements the same API with one
 * pthread per task; tasks bound to one CPU still run one at a time.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <asm/page.h>
#include "task.h"
#include "types.h"

#define KTHREAD_STACK_ORDER 2 /* 16 KiB */
#define KTHREAD_STACK_SIZE (PAGE_SIZE << KTHREAD_STACK_ORDER)

/* Turn the boot context into task "boot" on CPU 0 and start CPU 0's idle
 * task and the RCU thread. Called once by start_kernel before smp_init. */
void sched_init(void);
/* An application processor's boot context becomes its idle task; called by
 * secondary_cpu_main() once the CPU is online. Never returns. */
__noreturn void sched_start_secondary(unsigned cpu);

/* Create a thread that runs fn(arg) on cpu and start it. Returns NULL when
 * cpu is offline or memory runs out. The creator must kthread_join it. */
struct task *kthread_create_on_cpu(int (*fn)(void *arg), void *arg, unsigned cpu, const char *name);
/* The same, running inside mm (which gains a reference until the join):
 * the scheduler loads mm's root whenever the task runs. */
struct task *kthread_create_in_mm(int (*fn)(void *arg), void *arg, unsigned cpu, const char *name,
				  struct mm *mm);
/* Like kthread_create_on_cpu, but the task is not pinned: it starts on cpu,
 * and a wakeup may move it (sched.migrate_on_wake=1). Linux's kthreads
 * without kthread_bind. */
struct task *kthread_create_unbound(int (*fn)(void *arg), void *arg, unsigned cpu,
				    const char *name);
/* Wait for t to finish, free it (dropping its mm reference) and return
 * fn's return value, or the error status the task was killed with. */
int kthread_join(struct task *t);
/* End the current task with status code (what kthread_join returns). Used
 * when a fault kills the task: the caller holds no lock. */
__noreturn void task_exit(int code);

struct task *sched_current(void);
#define current (sched_current())
/* Is t a CPU's idle task (Linux's is_idle_task)? Always false on the host. */
bool is_idle_task(const struct task *t);

static inline void set_current_state(int state)
{
	__atomic_store_n(&current->state, state, __ATOMIC_SEQ_CST);
}

/* Switch away if the current task is no longer TASK_RUNNING. */
void schedule(void);
/* Like schedule() for a TASK_BLOCKED task, but also wake it after
 * timeout_ns. Returns the time left (0 when the timeout expired). */
u64 schedule_timeout(u64 timeout_ns);
/* Let the other runnable tasks of this CPU run first. (Named yield, as in
 * Linux, because the host build links libc, whose sched_yield() is the
 * OS call.) */
void yield(void);
/* Make a blocked task runnable, on the CPU select_task_rq() picks; returns
 * false if it was not blocked. A task that has set TASK_BLOCKED but not yet
 * switched away (task_curr) is never moved: it never left its CPU. */
bool wake_up_task(struct task *t);

/* sched.migrate_on_wake=1: a woken task that is not pinned moves to the
 * next online CPU (default 0: it stays). Tests set it at run time. */
extern bool sched_migrate_on_wake;
/* The CPU a task woken now, last on cpu, will run on (Linux's
 * select_task_rq): cpu, or with sched.migrate_on_wake=1 and t not pinned
 * cpu_next_online(cpu). Shared by both schedulers; counts nothing. */
unsigned select_task_rq(const struct task *t, unsigned cpu);
/* Is t on a CPU: running, or blocked but not yet switched away (Linux's
 * task_curr)? A blocked task that is not is asleep for good until woken. */
bool task_curr(struct task *t);

/*
 * Move a task to another CPU. t == current: the task finishes its switch
 * away from the old CPU, then runs on cpu (on return it is there). Another
 * task may be moved only while it is blocked or queued, not while running.
 * Returns 0, -EINVAL (cpu offline) or -EBUSY (t running elsewhere).
 */
int task_migrate(struct task *t, unsigned cpu);

/* Tasks created and not yet freed (for leak tests). */
unsigned long sched_nr_tasks(void);
/* Context switches so far on all CPUs. */
u64 sched_context_switches(void);

/*
 * Diagnostics, for the hung-task watchdog (kernel/hung_task.c); kernel
 * only, arch/host/sched.c has no run queues to look into.
 *
 * Progress is a switch to a task that is neither an idle task nor a
 * watchdog: when the count stands still every CPU idles (or one task runs
 * without ever blocking). A watchdog marks itself so its own wake-ups do
 * not count.
 */
u64 sched_progress_switches(void);
void sched_mark_current_watchdog(void);

/*
 * Every task is on one list from creation to kthread_join (the boot and
 * idle tasks for good). sched_for_each_task() calls fn on each with the
 * list's spinlock held and interrupts off: fn must not sleep, and no task
 * it is given can be freed before it returns. fn may take a run-queue lock
 * (the order is task list -> run queue): sched_task_snapshot() does.
 */
/* Print each online CPU's running task, queue length, switches and ticks
 * (for hang reports). */
void sched_print_cpus(int level);
void sched_for_each_task(void (*fn)(struct task *t, void *arg), void *arg);

#define TASK_SNAPSHOT_DEPTH 16

struct task_snapshot {
	int state; /* enum task_state */
	unsigned cpu;
	bool on_cpu;	 /* running (or moving to another CPU): no trace */
	bool idle;	 /* a CPU's idle task */
	unsigned nr_pcs; /* entries in pcs */
	/* Where the task resumes, then its callers' return addresses. */
	unsigned long pcs[TASK_SNAPSHOT_DEPTH];
};

/* What t is doing now, with the stack trace of a task that is switched
 * out; t must be kept from being freed (sched_for_each_task). */
void sched_task_snapshot(struct task *t, struct task_snapshot *s);

#endif
