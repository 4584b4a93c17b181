/*
 * How spinlocks wait (see spinlock.h), chosen once at boot before the
 * other CPUs start: spinlock=auto (default), ticket or tas.
 *
 * auto takes test-and-set under a hypervisor and ticket order on bare
 * metal, as Linux's virt_spin_lock does. A ticket lock hands the lock to
 * the next waiter in line; when the host has descheduled that virtual CPU
 * every other waiter spins behind it (lock-waiter preemption). With 4
 * virtual CPUs on 2 host cores (TCG) test-and-set ran the 4-CPU demo in
 * 31 s instead of 57 s and the one-minute stress test at 2.5 times the
 * operations. Its unfairness does not matter at 4 to 8 CPUs.
 *
 * Test-and-set was once suspected of stopping QEMU 7.2 TCG for good (3 of
 * 13 stress runs, every vCPU idle or spinning). Those kernels still freed
 * a folio twice at the end of a swap write (fixed since; whether that was
 * the cause is not proven); after the fix, 10 of 10 stress runs, 8 of 8
 * demos and every make test passed with it. spinlock=ticket is one word
 * away if it shows again.
 */
#include <asm/cpu.h>
#include "cmdline.h"
#include "errno.h"
#include "lock_stat.h"
#include "nmi_backtrace.h"
#include "panic.h"
#include "percpu.h"
#include "printk.h"
#include "spinlock.h"
#include "string.h"

bool spin_lock_test_and_set;

enum spin_mode { SPIN_AUTO, SPIN_TICKET, SPIN_TAS };
static enum spin_mode spin_mode = SPIN_AUTO;
static const struct kparam_choice spin_mode_choices[] = {
	{ "auto", SPIN_AUTO },
	{ "ticket", SPIN_TICKET },
	{ "tas", SPIN_TAS },
};
KPARAM_ENUM(
	spinlock, "spinlock", &spin_mode, spin_mode_choices,
	"auto (default: tas under a hypervisor, else ticket), ticket (fair) or tas (test-and-set)");

void spinlock_choose(void)
{
	bool virt = arch_cpu_is_virtual();
	spin_lock_test_and_set = spin_mode == SPIN_TAS || (spin_mode == SPIN_AUTO && virt);
	pr_info("smp: spinlocks %s (spinlock=%s; %s)\n",
		spin_lock_test_and_set ? "test-and-set" : "ticket",
		kparam_choice_name(spin_mode_choices, ARRAY_SIZE(spin_mode_choices), spin_mode),
		virt ? "hypervisor present" : "no hypervisor");
}

/* For reports: a lock initialised without a name still prints. */
static const char *spin_lock_name(const spinlock_t *l)
{
	return l->name ? l->name : "?";
}

void spin_lock_recursion(spinlock_t *l)
{
	panic("spinlock: cpu %u takes lock '%s' it already holds: a deadlock (an interrupt "
	      "handler taking a lock its CPU holds without _irqsave, a recursion, or a task "
	      "that slept or ended holding it)",
	      arch_cpu_id(), spin_lock_name(l));
}

void spin_lock_not_held(spinlock_t *l, const char *file, int line)
{
	panic("spinlock: %s:%d needs lock '%s' held by this CPU (cpu %u); its holder word is %d",
	      file, line, spin_lock_name(l), arch_cpu_id(),
	      __atomic_load_n(&l->holder, __ATOMIC_RELAXED));
}

static u64 spin_lockup_secs = SPIN_LOCKUP_SECS;
KPARAM_U64(debug_spin_lockup, "debug.spin_lockup", &spin_lockup_secs, 0, 86400,
	   "seconds a CPU may spin on one lock before the lockup report and panic (default 10, 0 = "
	   "off)");

/*
 * The lockup report. The raw words come first, before anything that
 * trusts them. A lock whose holder CPU is elsewhere was left held by code
 * that went away (a task that ended or slept inside it); one that reads
 * as taken with no holder was unlocked twice or overwritten by a stray
 * write (a pointer's bytes in next/owner/holder say so).
 */
static __noreturn void spin_lock_lockup(spinlock_t *l, u64 waited_ns)
{
	union spin_tickets t = { .val = __atomic_load_n(&l->val, __ATOMIC_RELAXED) };
	s32 holder = __atomic_load_n(&l->holder, __ATOMIC_RELAXED);
	bust_spinlocks(1);
	pr_emerg("spinlock: lockup suspected on cpu %u: waited %lu ms for the lock at %p: "
		 "next %u, owner %u, holder word %d (name at %p)\n",
		 arch_cpu_id(), (unsigned long)(waited_ns / 1000000), (void *)l, t.next, t.owner,
		 holder, (const void *)l->name);
	if (holder > 0 && holder <= (s32)nr_cpus_online)
		pr_emerg("spinlock: the lock is '%s', taken on cpu %d (backtrace below): if that "
			 "CPU is not in the lock's code, code that ended or slept holding it left "
			 "it "
			 "held\n",
			 spin_lock_name(l), holder - 1);
	else
		pr_emerg("spinlock: the lock is '%s', and no CPU is its holder: unlocked twice, "
			 "or its word overwritten\n",
			 spin_lock_name(l));
	trigger_all_cpu_backtrace();
	panic("spinlock lockup on '%s'", spin_lock_name(l));
}

void spin_lock_check_lockup(spinlock_t *l, struct spin_wait *w)
{
	u64 now = arch_time_ns(), limit = spin_lockup_secs * 1000000000ull;
	w->loops = 0;
	if (!w->since) {
		w->since = now;
		return;
	}
	/* A report in progress may hold the console from a stuck CPU. */
	if (limit && now - w->since >= limit && !oops_in_progress)
		spin_lock_lockup(l, now - w->since);
}

/*
 * spin_lock's waiting half, out of line: the uncontended path stays a few
 * inline instructions, only a waiter pays for the time stamps of the lock
 * statistics, and a CPU spinning with interrupts on shows in a profile
 * as spin_lock_contended (with them off, the profile cannot see it: the
 * lock statistics are what counts that wait).
 */
void spin_lock_contended(spinlock_t *l, u16 ticket)
{
	struct spin_wait w = { 0, 0 };
	u64 start = lock_stat_on() ? arch_time_ns() : 0;

	if (spin_lock_test_and_set) {
		do {
			while (spin_is_locked(l))
				spin_wait_relax(l, &w);
		} while (!__spin_trylock(l));
	} else {
		while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
			spin_wait_relax(l, &w);
		__atomic_store_n(&l->holder, (s32)arch_cpu_id() + 1, __ATOMIC_RELAXED);
	}
	if (start)
		lock_stat_contended(l->name, LOCK_SPIN, arch_time_ns() - start);
}
