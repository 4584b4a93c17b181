/*
 * Backtraces of every other CPU through non-maskable interrupts (Linux's
 * lib/nmi_backtrace.c, trigger_all_cpu_backtrace).
 *
 * A report of a stuck machine (the hung-task watchdog) sees the tasks that
 * were switched out, with the places they wait. A CPU that spins with
 * interrupts off, where a deadlock on a lock its own interrupted code holds
 * leaves it, shows nothing that way: its task is "running" and no ordinary
 * interrupt gets in. An NMI does. The asking CPU sets one bit per target
 * in backtrace_mask and sends the NMIs; each target's NMI handler prints
 * where it was interrupted and clears its bit; the asker waits for the
 * bits, a bounded time, and names the CPUs that did not answer.
 *
 * Printing happens with the console in oops mode (bust_spinlocks): the
 * interrupted code may hold the console lock itself.
 */
#include <asm/cpu.h>
#include "ipi.h"
#include "ksyms.h"
#include "nmi_backtrace.h"
#include "percpu.h"
#include "printk.h"
#include "stats.h"

#define NMI_BACKTRACE_WAIT_NS (2 * 1000 * 1000 * 1000ull)

static unsigned long backtrace_mask; /* CPUs asked and not done yet; atomic */

DEFINE_STAT_COUNTER(nmi_backtraces);

bool nmi_cpu_backtrace(unsigned long pc, unsigned long fp, bool irqs_were_on)
{
	unsigned cpu = arch_cpu_id();
	if (!(__atomic_load_n(&backtrace_mask, __ATOMIC_ACQUIRE) & (1ul << cpu)))
		return false;
	unsigned long off;
	const char *sym = ksym_lookup(pc, &off);
	pr_err("nmi: cpu %u was at %s+%#lx (rip %#lx), interrupts %s\n", cpu, sym, off, pc,
	       irqs_were_on ? "on" : "off");
	arch_backtrace(fp);
	stat_inc(nmi_backtraces);
	__atomic_fetch_and(&backtrace_mask, ~(1ul << cpu), __ATOMIC_RELEASE);
	return true;
}

unsigned trigger_all_cpu_backtrace(void)
{
	unsigned self = arch_cpu_id(), cpu, answered = 0;
	unsigned long want = 0;

	for_each_online_cpu(cpu)
		if (cpu != self)
			want |= 1ul << cpu;
	if (!want)
		return 0;
	bust_spinlocks(1); /* a target may be interrupted inside a console write */
	__atomic_fetch_or(&backtrace_mask, want, __ATOMIC_ACQ_REL);
	for_each_online_cpu(cpu) {
		if (cpu != self)
			arch_send_ipi(cpu, IPI_NMI_BACKTRACE);
	}
	u64 end = arch_time_ns() + NMI_BACKTRACE_WAIT_NS;
	while ((__atomic_load_n(&backtrace_mask, __ATOMIC_ACQUIRE) & want) &&
	       arch_time_ns() < end)
		arch_cpu_relax();
	unsigned long missing = __atomic_fetch_and(&backtrace_mask, ~want, __ATOMIC_ACQ_REL) & want;
	for_each_online_cpu(cpu) {
		if (missing & (1ul << cpu))
			pr_err("nmi: cpu %u did not answer the backtrace NMI\n", cpu);
		else if (want & (1ul << cpu))
			answered++;
	}
	bust_spinlocks(0);
	return answered;
}
