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
	pthread_t thread;     /* set at creation, joined by kthread_join */
	pthread_cond_t wake;  /* signalled under host_sched_lock when the task becomes runnable */
	unsigned held_cpu;    /* CPU whose token the task holds or last held; owner only */
};

#endif
