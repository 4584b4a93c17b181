/*
 * SMP bring-up and cross-CPU calls, on the real CPUs: every CPU the MADT
 * lists is online, calls run where they were sent and exactly as often as
 * sent (even when every CPU calls every other at once), the tick runs on
 * every CPU, and a reschedule IPI reaches its target.
 */
#include <asm/cpu.h>
#include "kernel/atomic.h"
#include "kernel/ipi.h"
#include "kernel/ktest.h"
#include "kernel/smp.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "tests/test_kit.h"
#ifdef ARCH_x86_64
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/gdt.h"
#endif

static unsigned long all_online_mask(void)
{
	return (nr_cpus_online >= 64) ? ~0ul : (1ul << nr_cpus_online) - 1;
}

KTEST(smp, cpus_online_matches_madt)
{
	u64 stat = 0;

	KT_EXPECT_EQ(t, cpu_online_mask, all_online_mask());
	KT_EXPECT(t, stats_get("cpus_online", &stat));
	KT_EXPECT_EQ(t, stat, nr_cpus_online);
#ifdef ARCH_x86_64
	if (!acpi_madt_found) {
		KT_EXPECT_EQ(t, nr_cpus_online, 1);
		return;
	}
	KT_EXPECT_EQ(t, nr_cpus_online, MIN(acpi_madt.nr_enabled, (unsigned)NR_CPUS_MAX));
	/* Each online CPU is a distinct MADT CPU. */
	unsigned cpu;
	for_each_online_cpu (cpu) {
		bool listed = false;
		for (unsigned i = 0; i < acpi_madt.nr_cpus; i++)
			listed |= acpi_madt.cpus[i].apic_id == cpu_local[cpu].apic_id;
		KT_EXPECT(t, listed);
		for (unsigned other = 0; other < cpu; other++)
			KT_EXPECT(t, cpu_local[other].apic_id != cpu_local[cpu].apic_id);
	}
#endif
}

static atomic_t ran_on[NR_CPUS_MAX];
static bool irqs_on_in_fn[NR_CPUS_MAX];
static void *arg_seen[NR_CPUS_MAX];

static void record_cpu(void *arg)
{
	unsigned cpu = arch_cpu_id();
	atomic_inc(&ran_on[cpu]);
	irqs_on_in_fn[cpu] = arch_irqs_enabled();
	arg_seen[cpu] = arg;
}

KTEST(smp, call_on_each_cpu_runs_there)
{
	unsigned cookie = 0, last = nr_cpus_online - 1;

	memset(ran_on, 0, sizeof(ran_on));
	memset(irqs_on_in_fn, 0, sizeof(irqs_on_in_fn));
	smp_call_on_cpus(~0ul, record_cpu, &cookie);
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		KT_EXPECT_EQ(t, atomic_read(&ran_on[cpu]), cpu_is_online(cpu) ? 1 : 0);
		KT_EXPECT(t, !irqs_on_in_fn[cpu]);
		KT_EXPECT(t, arg_seen[cpu] == (cpu_is_online(cpu) ? &cookie : NULL));
	}
	KT_EXPECT(t, arch_irqs_enabled());

	/* Only the CPUs in the mask run it. */
	smp_call_on_cpus(cpu_mask_of(last), record_cpu, &cookie);
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		KT_EXPECT_EQ(t, atomic_read(&ran_on[cpu]),
			     !cpu_is_online(cpu) ? 0
			     : cpu == last	 ? 2
						 : 1);
}

#define CROSS_CALLS 1000

/* hits[target][caller]: how often caller's function ran on target. */
static atomic_long_t hits[NR_CPUS_MAX][NR_CPUS_MAX];

static void count_hit(void *arg)
{
	atomic_long_inc(&hits[arch_cpu_id()][(unsigned long)arg]);
}

/*
 * Runs on every CPU at once, started by one smp_call_on_cpus(). It breaks
 * the "fn runs with interrupts off" rule on purpose: it is the load, not a
 * call, and it must take the other CPUs' call IPIs while it sends its own.
 * (The IPI was acknowledged before it ran, so nested IPIs do arrive.)
 */
static void cross_call_storm(void *arg)
{
	unsigned long self = arch_cpu_id();

	arch_irq_enable();
	for (int i = 0; i < CROSS_CALLS; i++)
		smp_call_on_cpus(all_online_mask(), count_hit, (void *)self);
	arch_irq_disable();
}

KTEST(smp, call_on_all_concurrently)
{
	u64 calls_before = 0, calls_after = 0;
	unsigned target, caller;

	memset(hits, 0, sizeof(hits));
	calls_before = test_stat("ipi_calls");
	u64 start = arch_time_ns();
	smp_call_on_cpus(all_online_mask(), cross_call_storm, NULL);
	u64 ms = (arch_time_ns() - start) / 1000000;
	calls_after = test_stat("ipi_calls");
	for_each_online_cpu (target)
		for_each_online_cpu (caller)
			KT_EXPECT_EQ(t, atomic_long_read(&hits[target][caller]), CROSS_CALLS);
	KT_EXPECT_EQ(t, calls_after - calls_before, 1 + (u64)nr_cpus_online * CROSS_CALLS);
	ktest_diag(t, "%u CPUs x %d calls to all CPUs in %lu ms", nr_cpus_online, CROSS_CALLS,
		   (unsigned long)ms);
}

/*
 * Two checks. Every online CPU ticks: wait (up to 2 s) until each has
 * taken two more ticks. The rate is right: over 200 ms of (calibrated) TSC
 * time this CPU takes about 20 ticks. Ticks cannot come early, so every
 * window's upper bound holds. A vCPU the host does not run for a while
 * loses ticks (QEMU merges a late tick with the next): under heavy host
 * load one window once saw fewer than a quarter. So the lower bound asks
 * for the best of up to five windows: a timer programmed too slow fails
 * all five, a starved vCPU is not starved in all of them.
 */
KTEST(smp, timer_ticks_on_every_cpu)
{
	u64 before[NR_CPUS_MAX], end = arch_time_ns() + 2000000000ull;
	unsigned cpu, self = arch_cpu_id();
	bool all_ticked;

	KT_ASSERT(t, arch_irqs_enabled());
	for_each_online_cpu (cpu)
		before[cpu] = timer_ticks(cpu);
	do {
		all_ticked = true;
		for_each_online_cpu (cpu)
			all_ticked &= timer_ticks(cpu) >= before[cpu] + 2;
	} while (!all_ticked && arch_time_ns() < end);
	for_each_online_cpu (cpu)
		if (timer_ticks(cpu) < before[cpu] + 2)
			ktest_fail(t, "cpu %u: %lu ticks in 2 s", cpu,
				   (unsigned long)(timer_ticks(cpu) - before[cpu]));

	u64 expect = 200 * TIMER_HZ / 1000, best = 0;
	for (int window = 0; window < 5 && best < expect / 4; window++) {
		u64 start = timer_ticks(self);
		arch_udelay(200000);
		u64 delta = timer_ticks(self) - start;
		if (delta > expect * 2 + 1)
			ktest_fail(t, "cpu %u: %lu ticks in 200 ms, expected about %lu", self,
				   (unsigned long)delta, (unsigned long)expect);
		best = delta > best ? delta : best;
	}
	if (best < expect / 4)
		ktest_fail(t,
			   "cpu %u: at most %lu ticks in any of five 200 ms windows, expected "
			   "about %lu",
			   self, (unsigned long)best, (unsigned long)expect);
}

static atomic_t resched_hook_calls[NR_CPUS_MAX];

static void count_resched(void)
{
	atomic_inc(&resched_hook_calls[arch_cpu_id()]);
}

static bool wait_for_resched(unsigned cpu, u64 before)
{
	u64 end = arch_time_ns() + 500000000ull;
	while (smp_resched_ipis_received(cpu) == before) {
		if (arch_time_ns() > end)
			return false;
		arch_cpu_relax();
	}
	return true;
}

KTEST(smp, resched_ipi_reaches_target)
{
	resched_hook_fn saved = smp_get_resched_hook();
	unsigned cpu;

	memset(resched_hook_calls, 0, sizeof(resched_hook_calls));
	smp_register_resched_hook(count_resched);
	for_each_online_cpu (cpu) { /* this CPU included: a self-IPI */
		u64 before = smp_resched_ipis_received(cpu);
		smp_send_resched(cpu);
		if (!wait_for_resched(cpu, before))
			ktest_fail(t, "cpu %u never took the reschedule IPI", cpu);
		else
			KT_EXPECT_EQ(t, atomic_read(&resched_hook_calls[cpu]), 1);
	}
	smp_register_resched_hook(saved);
}
