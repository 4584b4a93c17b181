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
static int backtrace_busy;	     /* one asker at a time (Linux's backtrace_flag) */
static int backtrace_in_handler;     /* targets printing now; atomic */
static bool backtrace_ever_asked;    /* a late NMI is one we sent, not a fault */

DEFINE_STAT_COUNTER(nmi_backtraces);
DEFINE_STAT_COUNTER(nmi_late); /* backtrace NMIs that came after the asker gave up */

/* The count goes up before the mask is looked at and the asker clears the
 * mask before it waits for the count: a target either sees its bit cleared
 * (and prints nothing) or is waited for (seq_cst on both sides). */
bool nmi_cpu_backtrace(unsigned long pc, unsigned long fp, bool irqs_were_on)
{
	unsigned cpu = arch_cpu_id();
	__atomic_add_fetch(&backtrace_in_handler, 1, __ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&backtrace_mask, __ATOMIC_SEQ_CST) & (1ul << cpu))) {
		__atomic_sub_fetch(&backtrace_in_handler, 1, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&backtrace_ever_asked, __ATOMIC_ACQUIRE))
			return false; /* not ours: the arch reports it */
		stat_inc(nmi_late);   /* the asker stopped waiting for this CPU */
		return true;
	}
	unsigned long off;
	const char *sym = ksym_lookup(pc, &off);
	pr_err("nmi: cpu %u was at %s+%#lx (rip %#lx), interrupts %s\n", cpu, sym, off, pc,
	       irqs_were_on ? "on" : "off");
	arch_backtrace(fp);
	stat_inc(nmi_backtraces);
	__atomic_fetch_and(&backtrace_mask, ~(1ul << cpu), __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&backtrace_in_handler, 1, __ATOMIC_SEQ_CST);
	return true;
}

static bool wait_until(const unsigned long *word, unsigned long mask, u64 end)
{
	while ((__atomic_load_n(word, __ATOMIC_ACQUIRE) & mask) && arch_time_ns() < end)
		arch_cpu_relax();
	return !(__atomic_load_n(word, __ATOMIC_ACQUIRE) & mask);
}

unsigned trigger_all_cpu_backtrace(void)
{
	unsigned self = arch_cpu_id(), cpu, answered = 0;
	unsigned long want = 0;

	if (__atomic_exchange_n(&backtrace_busy, 1, __ATOMIC_ACQUIRE))
		return 0; /* another CPU is asking: its report covers this one */
	for_each_online_cpu (cpu)
		if (cpu != self)
			want |= 1ul << cpu;
	if (!want) {
		__atomic_store_n(&backtrace_busy, 0, __ATOMIC_RELEASE);
		return 0;
	}
	bust_spinlocks(1); /* a target may be interrupted inside a console write */
	__atomic_store_n(&backtrace_ever_asked, true, __ATOMIC_RELEASE);
	__atomic_fetch_or(&backtrace_mask, want, __ATOMIC_ACQ_REL);
	for_each_online_cpu (cpu) {
		if (cpu != self)
			arch_send_ipi(cpu, IPI_NMI_BACKTRACE);
	}
	u64 end = arch_time_ns() + NMI_BACKTRACE_WAIT_NS;
	wait_until(&backtrace_mask, want, end);
	unsigned long missing = __atomic_fetch_and(&backtrace_mask, ~want, __ATOMIC_SEQ_CST) & want;
	for_each_online_cpu (cpu) {
		if (missing & (1ul << cpu))
			pr_err("nmi: cpu %u did not answer the backtrace NMI\n", cpu);
		else if (want & (1ul << cpu))
			answered++;
	}
	/* A target that took its bit just before we gave up is still
	 * printing: the console stays in oops mode until it is done. */
	u64 leave = arch_time_ns() + NMI_BACKTRACE_WAIT_NS;
	while (__atomic_load_n(&backtrace_in_handler, __ATOMIC_SEQ_CST) && arch_time_ns() < leave)
		arch_cpu_relax();
	bust_spinlocks(0);
	__atomic_store_n(&backtrace_busy, 0, __ATOMIC_RELEASE);
	return answered;
}
