/*
 * A kernel thread's saved CPU state on x86-64. The scheduler switches
 * threads only by calling arch_context_switch() (the kernel is cooperative),
 * so only what the System V ABI says a callee must preserve needs saving:
 * rbx, rbp, r12-r15 and the stack pointer. They are pushed on the old
 * thread's own stack; the context itself is just the saved rsp.
 */
#ifndef ASM_CONTEXT_H
#define ASM_CONTEXT_H

#include "kernel/types.h"

struct arch_context {
	u64 rsp; /* saved stack pointer; valid only while the thread is switched out */
};

/*
 * Prepare ctx so that the first arch_context_switch() to it calls
 * entry(arg) on the stack ending at stack_top, with a 16-byte aligned stack
 * as the ABI wants. entry must never return.
 */
void arch_context_init(struct arch_context *ctx, void *stack_top, void (*entry)(void *),
		       void *arg);

/* Save the callee-saved registers of the running thread in from, load to's.
 * Returns when something switches back to from. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

#endif
