/*
 * The hung-task watchdog (see hung_task.h).
 *
 * The kernel is cooperative, so a deadlock does not spin: two tasks each
 * waiting for a folio lock the other holds, a completion nobody will
 * complete, a writer waiting on an rwsem its own task holds for reading
 * all leave every task blocked and every CPU in hlt. Nothing crashes and
 * nothing prints; the host's timeout ends QEMU with no clue where the tasks
 * stopped. This thread notices the silence and prints every task with the
 * place it waits: a symbolic backtrace from the frame it was switched out
 * with (sched_task_snapshot).
 *
 * Progress is the scheduler's count of switches to tasks other than the
 * idle tasks and this one (sched_progress_switches). We wake every second
 * (more often under short test thresholds) and report when the count has
 * not moved for the threshold while some task is blocked; then not again
 * until it moves. A task that runs without ever switching (a long
 * computation, or a spin on something a blocked task holds) does not move
 * the count either: on another CPU it is listed as running next to the
 * blocked tasks; on our CPU it delays our wake-up, which we count as
 * progress (a computation and a spin look alike from here). A computation
 * that knows it is progressing says so (touch_hung_task_watchdog), which
 * also counts.
 */
#include <asm/cpu.h>
#include "cmdline.h"
#include "errno.h"
#include "hung_task.h"
#include "ktest.h"
#include "nmi_backtrace.h"
#include "percpu.h"
#include "printk.h"
#include "sched.h"
#include "stats.h"
#include "drivers/blockdev.h"
#include "wait.h"

#define HUNG_NS_PER_SEC 1000000000ull
#define HUNG_PERIOD_NS HUNG_NS_PER_SEC
#define HUNG_MIN_PERIOD_NS (10 * 1000 * 1000ull)
/* How much later than asked a wake-up may come on an idle CPU (ticks are
 * 10 ms; an emulated CPU may wait for a host core) before we take it as a
 * sign that a task held our CPU. */
#define HUNG_LATE_SLACK_NS (100 * 1000 * 1000ull)

static u64 hung_secs = 20;
KPARAM_U64(debug_hung, "debug.hung", &hung_secs, 0, 86400,
	   "report blocked tasks after this many seconds without progress (0: never)");

static u64 hung_threshold_ns;			  /* 0 = off; atomic */
static DECLARE_WAIT_QUEUE_HEAD(hung_watchdog_wq); /* the watchdog: threshold changed */
static DECLARE_WAIT_QUEUE_HEAD(hung_report_wq);	  /* hung_task_wait_for_report() */

DEFINE_STAT_COUNTER(hung_task_reports);
DEFINE_STAT_COUNTER(hung_task_backtraces);

/* Calls of touch_hung_task_watchdog(); atomic. */
static u64 hung_touches;

void touch_hung_task_watchdog(void)
{
	__atomic_add_fetch(&hung_touches, 1, __ATOMIC_RELAXED);
}

/* Progress: switches to tasks that do work, and touches. */
static u64 hung_progress(void)
{
	return sched_progress_switches() + __atomic_load_n(&hung_touches, __ATOMIC_RELAXED);
}

/* The watchdog's view of progress; its own stack, owner only. */
struct hung_watch {
	u64 switches;  /* hung_progress() when it last moved */
	u64 since_ns;  /* when that was */
	bool reported; /* this stall has been reported */
};

/* One report's pass over the task list. */
struct hung_report {
	unsigned blocked;	   /* tasks other than us waiting: blocked or queued */
	unsigned backtraces;	   /* tasks printed with a backtrace */
	struct task_snapshot snap; /* the task being printed */
};

static u64 hung_threshold(void)
{
	return __atomic_load_n(&hung_threshold_ns, __ATOMIC_ACQUIRE);
}

static u64 hung_period(u64 threshold)
{
	u64 period = threshold / 2 < HUNG_PERIOD_NS ? threshold / 2 : HUNG_PERIOD_NS;
	return period < HUNG_MIN_PERIOD_NS ? HUNG_MIN_PERIOD_NS : period;
}

static void hung_watch_restart(struct hung_watch *w)
{
	w->switches = hung_progress();
	w->since_ns = arch_time_ns();
	w->reported = false;
}

static const char *hung_state_name(const struct task_snapshot *s)
{
	if (s->on_cpu)
		return "running (no backtrace)";
	switch (s->state) {
	case TASK_BLOCKED:
		return "blocked";
	case TASK_DEAD:
		return "dead, not joined";
	default:
		return "runnable";
	}
}

/* Blocked, or runnable and queued on a CPU that never switches to it (a
 * CPU spinning with interrupts off leaves its queue waiting for good: the
 * blk-errors hang's rcu and kswapd were). */
static void hung_count_blocked(struct task *t, void *arg)
{
	struct hung_report *r = arg;
	int state = task_state(t);

	if (t != current &&
	    (state == TASK_BLOCKED || (state == TASK_RUNNING && READ_ONCE(t->on_rq))))
		r->blocked++;
}

/* Under the task-list lock; the snapshot dropped t's run-queue lock, so
 * printing holds up no CPU's scheduling. Idle tasks are left out. */
static void hung_print_task(struct task *t, void *arg)
{
	struct hung_report *r = arg;
	struct task_snapshot *s = &r->snap;

	if (t == current)
		return;
	sched_task_snapshot(t, s);
	if (s->idle)
		return;
	pr_err("hung:   %s (id %lu) cpu %u %s\n", t->name, (unsigned long)t->id, s->cpu,
	       hung_state_name(s));
	if (!s->nr_pcs)
		return;
	arch_backtrace_print(LOG_ERR, s->pcs, s->nr_pcs);
	r->backtraces++;
}

/* Every task (with a backtrace where it is switched out), every counter,
 * every block device's ring: the counters often say what everyone waits
 * for (I/O in flight, free pages, ...). */
static void hung_print_state(struct hung_report *r)
{
	sched_for_each_task(hung_print_task, r);
	sched_print_cpus(LOG_ERR);
	pr_err("hung: counters now:\n");
	stats_print();
	blockdev_report_all();
	stat_add(hung_task_backtraces, r->backtraces);
}

void hung_task_dump(const char *why)
{
	struct hung_report r;

	r.blocked = r.backtraces = 0;
	pr_err("hung: %s; tasks:\n", why);
	hung_print_state(&r);
}

/*
 * A stall at the boot's threshold (debug.hung=) ends the boot: the
 * running test fails and the machine powers off failing, instead of
 * waiting for the host's timeout. A test that sets its own threshold
 * (hung_task_set_threshold_ns) provokes stalls on purpose and gets its
 * reports without that.
 */
static bool hung_report_is_fatal(u64 threshold)
{
	return threshold == hung_secs * HUNG_NS_PER_SEC;
}

/* The end of a fatal report: CPUs that run (perhaps with interrupts off,
 * which no switched-out backtrace shows) print where they are, the
 * running test fails, and the machine powers off. */
static __noreturn void hung_fail_boot(const char *why)
{
	trigger_all_cpu_backtrace();
	ktest_report_dying(why);
	pr_err("hung: powering off (failure)\n");
	arch_poweroff(1);
}

/* Print the report; false (nothing printed) when no task is blocked. */
static bool hung_report(u64 stalled_ns, bool fatal)
{
	struct hung_report r;
	u64 tenths = stalled_ns / (HUNG_NS_PER_SEC / 10);
	char why[64];

	r.blocked = r.backtraces = 0;
	if (fatal)
		bust_spinlocks(1); /* a stuck CPU may hold the task list's or the console's lock */
	sched_for_each_task(hung_count_blocked, &r);
	if (!r.blocked) {
		if (fatal)
			bust_spinlocks(0);
		return false;
	}
	snprintk(why, sizeof(why), "hung: no task has run for %lu.%lu s",
		 (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
	pr_err("%s; tasks:\n", why);
	hung_print_state(&r);
	stat_inc(hung_task_reports);
	if (fatal)
		hung_fail_boot(why);
	wake_up_all(&hung_report_wq);
	return true;
}

/* One look, after a sleep of one period; late: it lasted much longer. */
static void hung_check(struct hung_watch *w, u64 threshold, bool late)
{
	u64 now = arch_time_ns();

	if (late || hung_progress() != w->switches) {
		hung_watch_restart(w);
		return;
	}
	if (w->reported || now - w->since_ns < threshold)
		return;
	w->reported = hung_report(now - w->since_ns, hung_report_is_fatal(threshold));
}

static int hung_watchdog(void *arg)
{
	struct hung_watch w;

	sched_mark_current_watchdog();
	hung_watch_restart(&w);
	for (;;) {
		u64 threshold = hung_threshold();
		if (!threshold) {
			wait_event(hung_watchdog_wq, hung_threshold() != 0);
			hung_watch_restart(&w);
			continue;
		}
		u64 period = hung_period(threshold), start = arch_time_ns();
		if (wait_event_timeout(hung_watchdog_wq, hung_threshold() != threshold, period))
			continue;
		hung_check(&w, threshold, arch_time_ns() - start > 2 * period + HUNG_LATE_SLACK_NS);
	}
	return 0;
}

/* The last online CPU: CPU 0 runs the boot task, rcu and kswapd, and a
 * long computation there would delay us for nothing. Never joined. */
int hung_task_start(void)
{
	unsigned last = 0;

	__atomic_store_n(&hung_threshold_ns, hung_secs * HUNG_NS_PER_SEC, __ATOMIC_RELEASE);
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		if (cpu_is_online(cpu))
			last = cpu;
	return kthread_create_on_cpu(hung_watchdog, NULL, last, "hung_task") ? 0 : -ENOMEM;
}

u64 hung_task_set_threshold_ns(u64 ns)
{
	u64 old = __atomic_exchange_n(&hung_threshold_ns, ns, __ATOMIC_ACQ_REL);
	wake_up_all(&hung_watchdog_wq);
	return old;
}

bool hung_task_wait_for_report(u64 seen, u64 timeout_ns)
{
	return wait_event_timeout(hung_report_wq, stat_read(hung_task_reports) > seen, timeout_ns);
}
