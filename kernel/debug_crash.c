/*
 * debug.crash=panic|fault|ud|assert: crash on purpose right after boot, to
 * see (and test) what a failure report looks like: the reason, the
 * registers, a symbolic backtrace, and a power-off with a failure status.
 * debug.crash=stuck: a CPU takes the console lock and spins with
 * interrupts off for good, while the boot task waits for it: the hung-task
 * report must still get out (bust_spinlocks), show that CPU through its
 * NMI backtrace, and power off failing (tests/boot/bad-input.t).
 * debug.crash=lockup: a task takes a spinlock and ends without letting go
 * of it; the boot task then waits for it: the spinlock lockup report must
 * name the lock, say no CPU holds it, and panic (debug.spin_lockup=).
 */
#include "cmdline.h"
#include "errno.h"
#include "panic.h"
#include "printk.h"
#include "percpu.h"
#include "sched.h"
#include "spinlock.h"
#include "string.h"

enum crash_kind {
	CRASH_NONE,
	CRASH_PANIC,
	CRASH_FAULT,
	CRASH_UD,
	CRASH_ASSERT,
	CRASH_STUCK,
	CRASH_LOCKUP
};
static enum crash_kind crash_kind;

static const struct kparam_choice crash_kind_choices[] = {
	{ "panic", CRASH_PANIC },   { "fault", CRASH_FAULT }, { "ud", CRASH_UD },
	{ "assert", CRASH_ASSERT }, { "stuck", CRASH_STUCK }, { "lockup", CRASH_LOCKUP },
};
KPARAM_ENUM(debug_crash, "debug.crash", &crash_kind, crash_kind_choices,
	    "crash on purpose after boot: panic|fault|ud|assert|stuck|lockup (to see a failure "
	    "report)");

static __attribute__((noinline)) int debug_stuck_fn(void *arg)
{
	arch_irq_disable();
	console_lock_forever();
	for (;;)
		arch_cpu_relax();
	return 0;
}

/* On CPU 0: the hung-task watchdog runs on the last CPU. */
static void debug_crash_stuck(void)
{
	if (nr_cpus_online < 2)
		panic("debug.crash=stuck needs 2 CPUs (the watchdog runs on the last one)");
	pr_info("debug: cpu 0 takes the console lock and spins with interrupts off; the boot task "
		"waits for it (debug.hung= seconds until the report)\n");
	struct task *t = kthread_create_on_cpu(debug_stuck_fn, NULL, 0, "stuck");
	if (t)
		kthread_join(t);
	panic("debug.crash=stuck: could not start the stuck task");
}

static DEFINE_SPINLOCK(debug_lost_lock);

/* The bug the lockup report is for: a lock left held by code that ended. */
static int debug_lose_lock_fn(void *arg)
{
	spin_lock(&debug_lost_lock);
	return 0;
}

static void debug_crash_lockup(void)
{
	pr_info("debug: a task takes 'debug_lost_lock' and ends holding it; the boot task waits "
		"for it (debug.spin_lockup= seconds until the report)\n");
	/* On another CPU: on this one, the recursion check would see it. */
	unsigned cpu = nr_cpus_online > 1 ? 1 : 0;
	struct task *t = kthread_create_on_cpu(debug_lose_lock_fn, NULL, cpu, "lose-lock");
	if (!t)
		panic("debug.crash=lockup: could not start the task");
	kthread_join(t);
	spin_lock(&debug_lost_lock);
	panic("debug.crash=lockup: took a lock that should never be free");
}

/* noinline so the backtrace shows a frame of its own. */
static __attribute__((noinline)) void debug_crash_now(void)
{
	switch (crash_kind) {
	case CRASH_PANIC:
		panic("debug.crash=panic asked for it");
	case CRASH_FAULT: {
		/* Through a volatile pointer so the compiler cannot see the
		 * constant and refuse (or drop) the access. */
		volatile unsigned long *volatile bad = (unsigned long *)0x10;
		pr_info("debug: reading address 0x10 (nothing is mapped there)\n");
		(void)*bad;
		break;
	}
	case CRASH_UD:
		__builtin_trap();
	case CRASH_ASSERT:
		ASSERT_EQ(crash_kind, CRASH_NONE);
		break;
	case CRASH_STUCK:
		debug_crash_stuck();
		break;
	case CRASH_LOCKUP:
		debug_crash_lockup();
		break;
	case CRASH_NONE:
		break;
	}
}

void debug_crash_if_asked(void)
{
	if (crash_kind != CRASH_NONE)
		debug_crash_now();
}
