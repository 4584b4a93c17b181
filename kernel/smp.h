/*
 * Cross-CPU calls: run a function on a set of CPUs and wait until every one
 * has run it. TLB shootdown is built on this. In the kernel it is an IPI
 * (arch/x86_64/smp.c); on the host each CPU is a pthread.
 *
 * fn runs with interrupts disabled on the target CPUs; on the calling CPU
 * (when it is in the mask) it runs directly, also with interrupts disabled.
 * The caller must not hold a lock that fn takes, and must have interrupts
 * enabled (two CPUs cross-calling each other with interrupts off would
 * deadlock).
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "percpu.h"
#include "types.h"

typedef void (*smp_call_fn)(void *arg);

void smp_call_on_cpus(unsigned long mask, smp_call_fn fn, void *arg);

static inline unsigned long cpu_mask_of(unsigned cpu)
{
	return 1ul << cpu;
}

/* Bring up the other CPUs (arch). Called once by start_kernel. */
void smp_init(void);

/*
 * Reschedule IPI (API pinned here): smp_send_resched(cpu) interrupts that
 * CPU, whose IPI handler calls the hook the scheduler registered, so a task
 * woken for another CPU runs there promptly.
 */
void smp_send_resched(unsigned cpu);
typedef void (*resched_hook_fn)(void);
void smp_register_resched_hook(resched_hook_fn fn);
/* On panic: stop every other CPU (an IPI that halts it) so the report is
 * not interleaved; waits briefly for them. Host: nothing to do. */
void smp_stop_other_cpus(void);

/* Generic C entry of an application processor once its arch bring-up is
 * done (kernel/main.c); never returns. */
__noreturn void secondary_cpu_main(unsigned cpu);

#endif
