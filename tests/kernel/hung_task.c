/*
 * Kernel only: the hung-task watchdog. Tasks blocked on a completion that
 * nobody completes are the simplest deadlock: every CPU idles. The
 * watchdog must report it (with a threshold shortened from seconds to
 * 200 ms), and a blocked task's snapshot must walk its stack from where it
 * was switched out down to its thread function. A computation that never
 * switches is no progress, unless it says it is (touch_hung_task_watchdog).
 */
#include <asm/cpu.h>
#include "kernel/completion.h"
#include "kernel/hung_task.h"
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/nmi_backtrace.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "../test_cpus.h"
#include "../test_kit.h"

#define HUNG_TEST_THRESHOLD_NS (200 * TEST_MS)
#define HUNG_TEST_WAITERS 2

static int hung_waiter(void *arg)
{
	wait_for_completion(arg);
	return 0;
}

/* Start a waiter on the n-th CPU after ours. */
static struct task *hung_start_waiter(struct completion *gate, unsigned n)
{
	char name[TASK_NAME_LEN];

	snprintk(name, sizeof(name), "hung-waiter%u", n);
	return kthread_create_on_cpu(hung_waiter, gate, test_nth_cpu(arch_cpu_id() + 1 + n), name);
}

/* Let the waiters through and join them; how many returned 0. */
static unsigned hung_release_waiters(struct completion *gate, struct task **w, unsigned n)
{
	unsigned ok = 0;

	complete_all(gate);
	for (unsigned i = 0; i < n; i++)
		if (w[i] && kthread_join(w[i]) == 0)
			ok++;
	return ok;
}

/*
 * The test task sleeps in hung_task_wait_for_report, woken only by the
 * report or its timeout, so from the moment the waiters block nothing runs
 * but the watchdog: a report within a few periods, listing the waiters
 * (and the test task) with their backtraces. Without a report the wait
 * times out and the test fails.
 */
KTEST(hung_task, reports_blocked_tasks_when_nothing_runs)
{
	DECLARE_COMPLETION(gate);
	struct task *w[HUNG_TEST_WAITERS];
	u64 reports = test_stat("hung_task_reports");
	u64 backtraces = test_stat("hung_task_backtraces");

	u64 old = hung_task_set_threshold_ns(HUNG_TEST_THRESHOLD_NS);
	/* Before the waiters: their first runs are the last progress. */
	u64 start = arch_time_ns();
	for (unsigned i = 0; i < HUNG_TEST_WAITERS; i++)
		w[i] = hung_start_waiter(&gate, i);
	bool reported = hung_task_wait_for_report(reports, 5 * TEST_SEC);
	u64 waited = arch_time_ns() - start;
	unsigned joined = hung_release_waiters(&gate, w, HUNG_TEST_WAITERS);
	hung_task_set_threshold_ns(old);

	KT_EXPECT_EQ(t, joined, HUNG_TEST_WAITERS);
	KT_ASSERT(t, reported);
	ktest_diag(t, "report after %lu ms", (unsigned long)(waited / TEST_MS));
	KT_EXPECT(t, waited >= HUNG_TEST_THRESHOLD_NS);
	KT_EXPECT(t, test_stat("hung_task_reports") > reports);
	/* The two waiters at least; the test task and kswapd too. */
	KT_EXPECT(t, test_stat("hung_task_backtraces") >= backtraces + HUNG_TEST_WAITERS);
}

struct hung_spin {
	u64 ns;
	bool touch;
	u64 max_gap_ns; /* the longest time between two touches (out) */
};

/* Computes (spins) for s->ns without switching, touching the watchdog
 * every 10 ms if s->touch, and notes the longest gap between touches: a
 * vCPU the host did not run for a while shows up there. */
static int hung_spinner(void *arg)
{
	struct hung_spin *s = arg;
	u64 last = arch_time_ns(), end = last + s->ns;
	while (arch_time_ns() < end) {
		arch_udelay(10000);
		u64 now = arch_time_ns();
		s->max_gap_ns = now - last > s->max_gap_ns ? now - last : s->max_gap_ns;
		last = now;
		if (s->touch)
			touch_hung_task_watchdog();
	}
	return 0;
}

/* Runs a spinner on CPU 0 (not the watchdog's: it sits on the last CPU,
 * and a spinner there would delay its wake-ups, which counts as progress)
 * while this task sleeps until a report or 1.5 s; whether one came. */
static bool hung_reported_while_spinning(struct ktest *t, struct hung_spin *s)
{
	u64 reports = test_stat("hung_task_reports");
	s->max_gap_ns = 0;
	struct task *spinner = kthread_create_on_cpu(hung_spinner, s, 0, "hung-spinner");
	if (!KT_EXPECT(t, spinner != NULL))
		return false;
	bool reported = hung_task_wait_for_report(reports, s->ns);
	KT_EXPECT_EQ(t, kthread_join(spinner), 0);
	return reported;
}

/*
 * The block stress on a device with every completion ready at once never
 * switches tasks for as long as it runs: a computation, not a hang. With
 * the threshold at 200 ms, 1.5 s of spinning on another CPU than the
 * watchdog's is reported (the control: the watchdog sees no progress),
 * and the same spinning with touch_hung_task_watchdog() every 10 ms is
 * not.
 *
 * A loaded host can pause a vCPU for longer than the threshold: the
 * spinner's, so that no touch comes (its longest gap between touches
 * shows it), or the watchdog's, whose late wake-up counts as progress and
 * restarts its clock. So each half gets three tries, and a report during
 * the touched spin counts only when the touches really came every 10 ms
 * or so (a gap under half the threshold).
 */
KTEST(hung_task, a_computation_that_touches_the_watchdog_is_progress)
{
	if (!test_require_cpus(t, 2))
		return;
	u64 old = hung_task_set_threshold_ns(HUNG_TEST_THRESHOLD_NS);
	struct hung_spin s = { .ns = 1500 * TEST_MS };
	bool untouched = false, touched_wrongly = false, touched_clean = false;
	for (int try = 0; try < 3 && !untouched; try++)
		untouched = hung_reported_while_spinning(t, &s);
	s.touch = true;
	for (int try = 0; try < 3 && !touched_clean; try++) {
		bool reported = hung_reported_while_spinning(t, &s);
		if (s.max_gap_ns < HUNG_TEST_THRESHOLD_NS / 2) {
			touched_clean = true;
			touched_wrongly = reported;
		}
	}
	hung_task_set_threshold_ns(old);
	if (!KT_EXPECT(t, untouched))
		return;
	if (!touched_clean) {
		ktest_skip(t, "the host paused the spinning vCPU in each of three tries");
		return;
	}
	KT_EXPECT(t, !touched_wrongly);
}

static bool hung_trace_has(const struct task_snapshot *s, const char *sym)
{
	for (unsigned i = 0; i < s->nr_pcs; i++) {
		unsigned long off;
		if (strcmp(ksym_lookup(s->pcs[i], &off), sym) == 0)
			return true;
	}
	return false;
}

/* Wait (yielding) until w is blocked and off its CPU; false after 5 s. */
static bool hung_snapshot_when_blocked(struct task *w, struct task_snapshot *s)
{
	u64 start = arch_time_ns();

	do {
		sched_task_snapshot(w, s);
		if (!s->on_cpu && s->state == TASK_BLOCKED)
			return true;
		yield();
	} while (arch_time_ns() - start < 5 * TEST_SEC);
	return false;
}

KTEST(hung_task, blocked_task_backtrace_reaches_its_function)
{
	DECLARE_COMPLETION(gate);
	struct task_snapshot s;
	struct task *w = hung_start_waiter(&gate, 0);
	KT_ASSERT(t, w != NULL);

	bool blocked = hung_snapshot_when_blocked(w, &s);
	unsigned joined = hung_release_waiters(&gate, &w, 1);
	KT_EXPECT_EQ(t, joined, 1);
	KT_ASSERT(t, blocked);
	KT_EXPECT(t, !s.idle);
	KT_EXPECT(t, s.nr_pcs >= 3);
	KT_EXPECT(t, hung_trace_has(&s, "wait_for_completion"));
	KT_EXPECT(t, hung_trace_has(&s, "hung_waiter"));

	/* The task running this test is on its CPU: no trace of a live stack. */
	sched_task_snapshot(current, &s);
	KT_EXPECT(t, s.on_cpu);
	KT_EXPECT_EQ(t, s.nr_pcs, 0);
}

/*
 * The report walks stacks it does not own, so the walk must stop at any
 * frame pointer outside the stack (or too close to its end to hold a
 * frame) and at most after max frames however the frames loop.
 */
KTEST(hung_task, stack_walk_stays_inside_the_stack)
{
	unsigned long stack[32], pcs[8];
	unsigned long lo = (unsigned long)stack, hi = (unsigned long)(stack + 32);
	unsigned long text = (unsigned long)hung_waiter;

	stack[4] = (unsigned long)&stack[8]; /* frame: caller's fp, return address */
	stack[5] = text;
	stack[8] = 0xffff8000deadbee0ul; /* outside the stack */
	stack[9] = text + 1;
	KT_EXPECT_EQ(t, arch_stack_walk((unsigned long)&stack[4], lo, hi, pcs, 8), 2);
	KT_EXPECT_EQ(t, pcs[0], text);
	KT_EXPECT_EQ(t, pcs[1], text + 1);

	stack[12] = (unsigned long)&stack[12]; /* a frame that is its own caller */
	stack[13] = text;
	KT_EXPECT_EQ(t, arch_stack_walk((unsigned long)&stack[12], lo, hi, pcs, 8), 8);

	stack[31] = text; /* the last word: no room for a whole frame */
	KT_EXPECT_EQ(t, arch_stack_walk((unsigned long)&stack[31], lo, hi, pcs, 8), 0);
	stack[20] = (unsigned long)&stack[24];
	stack[21] = 0x1000; /* not kernel text: the chain ends */
	KT_EXPECT_EQ(t, arch_stack_walk((unsigned long)&stack[20], lo, hi, pcs, 8), 0);
	KT_EXPECT_EQ(t, arch_stack_walk(lo - 16, lo, hi, pcs, 8), 0);
}

/*
 * A CPU spinning with interrupts off is invisible to the switched-out
 * snapshots above and deaf to ordinary interrupts (the blk-errors hang:
 * CPU 0 stuck in an interrupt handler). An NMI still gets in: the spinner
 * must answer trigger_all_cpu_backtrace, and the test checks that it
 * answered while spinning (it leaves only when told, after the answer).
 */
static int hung_irqs_off_spinner(void *arg)
{
	int *state = arg; /* 0: start, 1: spinning, 2: leave */
	unsigned long flags = arch_irq_save();
	__atomic_store_n(state, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(state, __ATOMIC_ACQUIRE) != 2)
		arch_cpu_relax();
	arch_irq_restore(flags);
	return 0;
}

KTEST(hung_task, nmi_backtrace_reaches_a_cpu_spinning_with_interrupts_off)
{
	/* One CPU spins, another asks it for a backtrace. */
	if (!test_require_cpus(t, 2))
		return;
	if (!arch_has_nmi_ipi()) {
		ktest_skip(t, "no NMI on this arch: the backtrace IPI is an ordinary interrupt");
		return;
	}
	int state = 0;
	struct task *spinner = kthread_create_on_cpu(hung_irqs_off_spinner, &state,
						     test_other_cpu(), "irqs-off-spin");
	KT_ASSERT(t, spinner);
	while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 1)
		yield();
	u64 before = test_stat("nmi_backtraces");
	unsigned answered = trigger_all_cpu_backtrace();
	bool still_spinning = __atomic_load_n(&state, __ATOMIC_ACQUIRE) == 1;
	__atomic_store_n(&state, 2, __ATOMIC_RELEASE);
	KT_EXPECT_EQ(t, kthread_join(spinner), 0);
	KT_EXPECT(t, still_spinning);
	KT_EXPECT_EQ(t, answered, nr_cpus_online - 1);
	KT_EXPECT_EQ(t, test_stat("nmi_backtraces"), before + nr_cpus_online - 1);
}
