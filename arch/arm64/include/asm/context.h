/*
 * A kernel thread's saved CPU state on arm64. Threads switch only by
 * calling arch_context_switch() (cooperative kernel), so only what AAPCS64
 * says a callee must preserve is saved: x19..x28, the frame pointer x29
 * and the link register x30, pushed on the old thread's stack; the
 * context is just the saved sp. FP/SIMD registers are never used by the
 * kernel (-mgeneral-regs-only; CPACR_EL1 traps them), so none are saved.
 */
#ifndef ASM_CONTEXT_H
#define ASM_CONTEXT_H

#include "kernel/types.h"

struct arch_context {
	u64 sp; /* saved stack pointer; valid only while the thread is switched out */
};

/* The words arch_context_switch (switch.S) leaves at the saved sp, lowest
 * first: x19, x20, ..., x28, x29 (frame pointer), x30 (return address). */
enum {
	ARCH_CONTEXT_FP = 10,
	ARCH_CONTEXT_RET = 11,
	ARCH_CONTEXT_WORDS = 12,
};

/* Where a switched-out thread stands: the start of its frame-pointer chain
 * and the address it resumes at. Both 0 when unknown. */
struct arch_saved_frame {
	unsigned long fp;
	unsigned long pc;
};

/* Prepare ctx so that the first arch_context_switch() to it calls
 * entry(arg) on the stack ending at stack_top (16-byte aligned). entry
 * must never return. */
void arch_context_init(struct arch_context *ctx, void *stack_top, void (*entry)(void *), void *arg);

/* Save the callee-saved registers of the running thread in from, load to's.
 * Returns when something switches back to from. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* The saved frame of a switched-out thread (see the x86-64 header): x29
 * and x30 as arch_context_switch stored them; 0s when the saved sp lies
 * outside [stack, stack + stack_size). */
static inline struct arch_saved_frame arch_context_saved_frame(const struct arch_context *ctx,
							       const void *stack, size_t stack_size)
{
	struct arch_saved_frame f = { 0, 0 };
	u64 lo = (u64)stack, sp = ctx->sp;

	if (!stack || sp < lo || sp > lo + stack_size - ARCH_CONTEXT_WORDS * 8 || (sp & 15))
		return f;
	f.fp = ((const u64 *)sp)[ARCH_CONTEXT_FP];
	f.pc = ((const u64 *)sp)[ARCH_CONTEXT_RET];
	return f;
}

/* The stack start_kernel runs on (boot.S's), which the "boot" task keeps. */
void arch_context_boot_stack(void **stack, size_t *stack_size);

#endif
