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

/* The words arch_context_switch (switch.S) leaves at the saved rsp, lowest
 * first: r15, r14, r13, r12, rbx, rbp, then its return address. */
enum {
	ARCH_CONTEXT_RBP = 5,
	ARCH_CONTEXT_RET = 6,
	ARCH_CONTEXT_WORDS = 7,
};

/* Where a switched-out thread stands: the start of its frame-pointer chain
 * and the address it resumes at. Both 0 when unknown. */
struct arch_saved_frame {
	unsigned long fp;
	unsigned long pc;
};

/*
 * Prepare ctx so that the first arch_context_switch() to it calls
 * entry(arg) on the stack ending at stack_top, with a 16-byte aligned stack
 * as the ABI wants. entry must never return.
 */
void arch_context_init(struct arch_context *ctx, void *stack_top, void (*entry)(void *), void *arg);

/* Save the callee-saved registers of the running thread in from, load to's.
 * Returns when something switches back to from. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/*
 * The saved frame of a thread that is switched out and stays so while we
 * read it (kernel/hung_task.c holds its run-queue lock): rbp and the return
 * address into its call of arch_context_switch. stack and stack_size bound
 * the thread's stack: a saved rsp outside it (no known stack, a corrupted
 * task) gives 0s rather than a read of whatever rsp points at.
 */
static inline struct arch_saved_frame arch_context_saved_frame(const struct arch_context *ctx,
							       const void *stack, size_t stack_size)
{
	struct arch_saved_frame f = { 0, 0 };
	u64 lo = (u64)stack, sp = ctx->rsp;

	if (!stack || sp < lo || sp > lo + stack_size - ARCH_CONTEXT_WORDS * 8 || (sp & 7))
		return f;
	f.fp = ((const u64 *)sp)[ARCH_CONTEXT_RBP];
	f.pc = ((const u64 *)sp)[ARCH_CONTEXT_RET];
	return f;
}

/* The stack start_kernel runs on (boot.S's), which the "boot" task keeps. */
void arch_context_boot_stack(void **stack, size_t *stack_size);

#endif
