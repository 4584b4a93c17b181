/*
 * Where a woken task runs: Linux's select_task_rq, in its simplest form.
 * Both schedulers (kernel/sched.c and arch/host/sched.c) ask it in
 * wake_up_task() and count the moves in sched_wake_migrations.
 *
 * Linux weighs load and cache affinity and may wake a task on any CPU it
 * is allowed on. Here the default keeps every task on its CPU, which makes
 * the scenarios deterministic; sched.migrate_on_wake=1 moves every woken
 * task that is not pinned to the next online CPU. That is enough to show
 * code that sleeps in the middle of using per-CPU data what Linux's
 * migration does to it: it wakes up on another CPU, whose per-CPU data is
 * not what it read before the sleep (seed 002's sleeping table allocation).
 *
 * Locking: sched_migrate_on_wake is set on the command line or by a test
 * while no unpinned task sleeps; read without a lock. task->pinned is set
 * once, at creation.
 */
#include "cmdline.h"
#include "percpu.h"
#include "sched.h"
#include "stats.h"

bool sched_migrate_on_wake;
KPARAM_BOOL(sched_migrate_on_wake, "sched.migrate_on_wake", &sched_migrate_on_wake,
	    "a woken task that is not pinned moves to the next online CPU, as Linux's "
	    "select_task_rq may move it (default 0: it stays on its CPU)");

DEFINE_STAT_COUNTER(sched_wake_migrations);

unsigned select_task_rq(const struct task *t, unsigned cpu)
{
	if (!READ_ONCE(sched_migrate_on_wake) || t->pinned)
		return cpu;
	return cpu_next_online(cpu);
}
