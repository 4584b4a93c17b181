/*
 * arch/host CPUs, time and power-off. A host "CPU" is any pthread that has
 * host_cpu_id set; the main thread is CPU 0. smp_call_on_cpus() starts one
 * pthread per target CPU, so tests that run "on every CPU at once" really
 * run in parallel under the sanitizers.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <asm/cpu.h>
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"

__thread unsigned host_cpu_id;
__thread unsigned long host_irq_flag = 1;

unsigned nr_cpus_online = 4;
unsigned long cpu_online_mask = 0xf;

static u64 host_start_ns;

static u64 monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

void host_time_init(void)
{
	host_start_ns = monotonic_ns();
}

u64 arch_time_ns(void)
{
	return monotonic_ns() - host_start_ns;
}

void arch_udelay(u64 us)
{
	u64 end = monotonic_ns() + us * 1000;
	while (monotonic_ns() < end)
		sched_yield();
}

void arch_cpu_idle(void)
{
	sched_yield();
}

void arch_console_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
	fflush(stdout);
}

void arch_poweroff(int status)
{
	fflush(stdout);
	exit(status);
}

void arch_halt_forever(void)
{
	for (;;)
		pause();
}

unsigned long arch_frame_pointer(void)
{
	return (unsigned long)__builtin_frame_address(0);
}

void arch_dump_regs_here(void)
{
}

void arch_backtrace(unsigned long fp)
{
	(void)fp;
	fprintf(stderr, "  (host: see the sanitizer's or gdb's backtrace)\n");
}

/* Host tasks are pthreads: their stacks are not ours to walk. */
unsigned arch_stack_walk(unsigned long fp, unsigned long lo, unsigned long hi, unsigned long *pcs,
			 unsigned max)
{
	return 0;
}

void arch_backtrace_print(int level, const unsigned long *pcs, unsigned n)
{
}

void host_set_cpus(unsigned n)
{
	nr_cpus_online = n;
	cpu_online_mask = (n >= 64) ? ~0ul : (1ul << n) - 1;
}

struct host_call {
	unsigned cpu;
	smp_call_fn fn;
	void *arg;
};

static void *host_call_thread(void *p)
{
	struct host_call *c = p;
	host_cpu_id = c->cpu;
	host_irq_flag = 0;
	c->fn(c->arg);
	return NULL;
}

void smp_call_on_cpus(unsigned long mask, smp_call_fn fn, void *arg)
{
	pthread_t threads[NR_CPUS_MAX];
	struct host_call calls[NR_CPUS_MAX];
	bool started[NR_CPUS_MAX] = { 0 };

	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		if (!(mask & (1ul << cpu)) || !cpu_is_online(cpu))
			continue;
		calls[cpu] = (struct host_call){ cpu, fn, arg };
		if (pthread_create(&threads[cpu], NULL, host_call_thread, &calls[cpu]) != 0) {
			perror("host: pthread_create");
			exit(2);
		}
		started[cpu] = true;
	}
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		if (started[cpu])
			pthread_join(threads[cpu], NULL);
}

void smp_init(void)
{
}

/* No interrupts on the host: a resched IPI has nowhere to go. */
void smp_send_resched(unsigned cpu)
{
}
void smp_register_resched_hook(resched_hook_fn fn)
{
}
void smp_stop_other_cpus(void)
{
}
