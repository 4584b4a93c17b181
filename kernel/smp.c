/*
 * Cross-CPU function calls, reschedule IPIs and stopping CPUs on panic:
 * the generic half. The arch sends IPIs (arch_send_ipi) and calls the
 * handlers below from its interrupt code.
 *
 * smp_call_on_cpus() design: every CPU owns a call queue, a lock-free stack
 * of call nodes. A caller builds one struct call_data on its own stack
 * (fn, arg, how many CPUs still have to run it, one node per target),
 * pushes a node onto each target's queue with compare-and-swap and sends
 * that target an IPI when its queue was empty (a non-empty queue already
 * has an IPI on the way). The target's handler takes its whole queue with
 * one exchange, runs the calls in arrival order and decrements each call's
 * pending count; after that decrement it never touches the node again, so
 * the caller may return and reuse its stack. Any number of CPUs may call
 * at once, and calls may nest (a CPU waiting for its own call still runs
 * the calls it receives) with no global lock.
 *
 * The deadlock rule: a CPU waiting for its call must keep running calls
 * sent to it, or two CPUs calling each other would wait forever. Callers
 * keep interrupts enabled (kernel/smp.h requires it) so call IPIs arrive
 * while they wait; the wait loop additionally polls its own queue, so a
 * caller that broke the rule and disabled interrupts still makes progress.
 * fn always runs with interrupts disabled.
 */
#include <asm/cpu.h>
#include "ipi.h"
#include "panic.h"
#include "percpu.h"
#include "printk.h"
#include "smp.h"
#include "stats.h"

/* The boot CPU (0) is online from the start, so cross-CPU calls made
 * before smp_init() run on it. Both grow during bring-up only (atomic). */
unsigned nr_cpus_online = 1;
unsigned long cpu_online_mask = 1;

static DEFINE_STAT_COUNTER(ipis_sent);
static DEFINE_STAT_COUNTER(ipi_calls); /* smp_call_on_cpus() invocations */
static u64 read_cpus_online(void)
{
	return nr_cpus_online;
}
DEFINE_STAT_FN(cpus_online, read_cpus_online);

struct call_data;

struct call_node {
	struct call_node *next; /* queue link; owned by the target once pushed */
	struct call_data *data;
};

struct call_data {
	smp_call_fn fn;
	void *arg;
	unsigned caller;  /* CPU to wake when the last target is done */
	atomic_t pending; /* targets that have not finished fn yet */
	struct call_node nodes[NR_CPUS_MAX];
};

/* Spins before a waiting caller halts (about 100 us on hardware). */
#define CALL_SPINS_BEFORE_HALT 2000

/* Head of each CPU's queue: pushed by any CPU (CAS), emptied by its owner. */
static DEFINE_PER_CPU(struct call_node *, call_queue);
/* Set while this CPU halts in call_wait(): the target that finishes its
 * call sends a wake-up IPI. Written by its own CPU, read by any (seq_cst). */
static DEFINE_PER_CPU(int, call_halted);
static DEFINE_PER_CPU(u64, resched_received); /* written by its own CPU */
static resched_hook_fn resched_hook;	      /* release/acquire */
static atomic_t stop_requested;
static atomic_t cpus_stopped;

void smp_set_cpu_online(unsigned cpu)
{
	unsigned long old = __atomic_fetch_or(&cpu_online_mask, 1ul << cpu, __ATOMIC_SEQ_CST);
	if (!(old & (1ul << cpu)))
		__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
}

static void send_ipi(unsigned cpu, enum ipi_kind kind)
{
	stat_inc(ipis_sent);
	arch_send_ipi(cpu, kind);
}

/* Returns true when the queue was empty, i.e. the target needs an IPI. */
static bool call_queue_push(unsigned cpu, struct call_node *n)
{
	struct call_node **head = &per_cpu(call_queue, cpu);
	struct call_node *old = __atomic_load_n(head, __ATOMIC_RELAXED);

	do {
		n->next = old;
	} while (!__atomic_compare_exchange_n(head, &old, n, true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	return old == NULL;
}

static bool call_queue_empty(unsigned cpu)
{
	return __atomic_load_n(&per_cpu(call_queue, cpu), __ATOMIC_RELAXED) == NULL;
}

/* Run every call queued for this CPU. Interrupts are off. */
void smp_handle_call_ipi(void)
{
	unsigned cpu = arch_cpu_id();
	struct call_node *list, *ordered = NULL;

	list = __atomic_exchange_n(&per_cpu(call_queue, cpu), NULL, __ATOMIC_ACQUIRE);
	while (list) { /* the stack is newest-first: reverse it */
		struct call_node *next = list->next;
		list->next = ordered;
		ordered = list;
		list = next;
	}
	while (ordered) {
		struct call_node *n = ordered;
		struct call_data *d = n->data;
		unsigned caller = d->caller;
		ordered = n->next;
		d->fn(d->arg);
		/* The decrement is the last touch of the caller's stack. */
		if (__atomic_sub_fetch(&d->pending.v, 1, __ATOMIC_SEQ_CST) == 0 &&
		    __atomic_load_n(&per_cpu(call_halted, caller), __ATOMIC_SEQ_CST))
			send_ipi(caller, IPI_CALL); /* an empty queue: just a wake-up */
	}
}

/*
 * Wait for the targets: spin a little (an IPI round trip is a few
 * microseconds), then halt until an interrupt. Halting matters when CPUs
 * are virtual and outnumber the host's: a spinning vCPU takes host time
 * from the very vCPUs it waits for. The halted flag is set before the last
 * look at pending and the target decrements pending before it reads the
 * flag (both seq_cst), so one of the two always sees the other: no lost
 * wake-up. A caller with interrupts off cannot halt; it polls instead.
 */
static void call_wait(struct call_data *d)
{
	bool may_halt = arch_irqs_enabled();

	for (int spins = 0; __atomic_load_n(&d->pending.v, __ATOMIC_ACQUIRE) != 0; spins++) {
		unsigned long flags = arch_irq_save();
		unsigned cpu = arch_cpu_id();
		if (!call_queue_empty(cpu))
			smp_handle_call_ipi();
		if (may_halt && spins >= CALL_SPINS_BEFORE_HALT) {
			__atomic_store_n(&per_cpu(call_halted, cpu), 1, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&d->pending.v, __ATOMIC_SEQ_CST) != 0 &&
			    call_queue_empty(cpu))
				arch_cpu_idle(); /* sti; hlt: returns after an interrupt */
			__atomic_store_n(&per_cpu(call_halted, cpu), 0, __ATOMIC_RELAXED);
		}
		arch_irq_restore(flags);
		arch_cpu_relax();
	}
}

void smp_call_on_cpus(unsigned long mask, smp_call_fn fn, void *arg)
{
	struct call_data d = { .fn = fn, .arg = arg };
	unsigned long flags = arch_irq_save(); /* stay on this CPU while queuing */
	unsigned self = arch_cpu_id(), cpu;

	d.caller = self;
	stat_inc(ipi_calls);
	mask &= __atomic_load_n(&cpu_online_mask, __ATOMIC_ACQUIRE);
	for_each_online_cpu (cpu)
		if (cpu != self && (mask & cpu_mask_of(cpu)))
			d.pending.v++;
	for_each_online_cpu (cpu) {
		if (cpu == self || !(mask & cpu_mask_of(cpu)))
			continue;
		d.nodes[cpu].data = &d;
		if (call_queue_push(cpu, &d.nodes[cpu]))
			send_ipi(cpu, IPI_CALL);
	}
	if (mask & cpu_mask_of(self))
		fn(arg);
	arch_irq_restore(flags);
	call_wait(&d);
}

void smp_send_resched(unsigned cpu)
{
	if (cpu < NR_CPUS_MAX && cpu_is_online(cpu))
		send_ipi(cpu, IPI_RESCHED);
}

void smp_register_resched_hook(resched_hook_fn fn)
{
	__atomic_store_n(&resched_hook, fn, __ATOMIC_RELEASE);
}

resched_hook_fn smp_get_resched_hook(void)
{
	return __atomic_load_n(&resched_hook, __ATOMIC_ACQUIRE);
}

void smp_handle_resched_ipi(void)
{
	unsigned cpu = arch_cpu_id();
	resched_hook_fn fn = __atomic_load_n(&resched_hook, __ATOMIC_ACQUIRE);

	if (fn)
		fn();
	/* Counted after the hook, so a watcher of the count sees its effects. */
	__atomic_store_n(&per_cpu(resched_received, cpu), per_cpu(resched_received, cpu) + 1,
			 __ATOMIC_RELEASE);
}

u64 smp_resched_ipis_received(unsigned cpu)
{
	return __atomic_load_n(&per_cpu(resched_received, cpu), __ATOMIC_ACQUIRE);
}

/*
 * Panic: interrupt every other CPU, whose handler counts itself stopped
 * and halts with interrupts off. A normal IPI rather than an NMI: a CPU
 * is never stopped inside an irqsave section such as printk's console
 * lock, which the panicking CPU is about to take.
 */
void smp_stop_other_cpus(void)
{
	unsigned self = arch_cpu_id(), cpu, others = 0;

	if (atomic_add_return(&stop_requested, 1) != 1)
		return;
	for_each_online_cpu (cpu) {
		if (cpu == self)
			continue;
		others++;
		send_ipi(cpu, IPI_STOP);
	}
	for (int ms = 0; ms < 100 && (unsigned)atomic_read(&cpus_stopped) < others; ms++)
		arch_udelay(1000);
}

/* This CPU was asked to stop: count it and halt with interrupts off. */
void smp_handle_stop_ipi(void)
{
	atomic_inc(&cpus_stopped);
	arch_halt_forever();
}
