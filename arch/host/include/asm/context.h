/*
 * arch/host: a kernel thread is a pthread, so its "saved context" is the
 * pthread itself plus the condition variable it sleeps on while blocked
 * (arch/host/sched.c). There is no stack switching on the host.
 */
#ifndef ASM_CONTEXT_H
#define ASM_CONTEXT_H

#include <pthread.h>
#include "kernel/types.h"

struct arch_context {
	pthread_t thread;    /* set at creation, joined by kthread_join */
	pthread_cond_t wake; /* signalled under host_sched_lock when the task becomes runnable */
	unsigned held_cpu;   /* CPU whose token the task holds or last held; owner only */
	bool off_cpu;	     /* blocked with its token given back: a wakeup may move it
			      * (host_sched_lock) */
};

/* The interface of arch/x86_64's context.h for diagnostics. A pthread's
 * registers are not ours to read, so there is no saved frame to report. */
struct arch_saved_frame {
	unsigned long fp;
	unsigned long pc;
};

static inline struct arch_saved_frame arch_context_saved_frame(const struct arch_context *ctx,
							       const void *stack, size_t stack_size)
{
	return (struct arch_saved_frame){ 0, 0 };
}

static inline void arch_context_boot_stack(void **stack, size_t *stack_size)
{
	*stack = NULL;
	*stack_size = 0;
}

#endif
