/*
 * The first frame of a new kernel thread on arm64: the stack looks as if
 * the thread had called arch_context_switch() from arch_context_trampoline,
 * so the first switch to it loads zeroed registers (entry and arg in x19
 * and x20) and returns into the trampoline. Also the boot stack's bounds.
 */
#include <asm/context.h>

void arch_context_trampoline(void);

void arch_context_init(struct arch_context *ctx, void *stack_top, void (*entry)(void *), void *arg)
{
	/* After the switch pops its 12 words, sp == top: 16-byte aligned. */
	u64 *top = (u64 *)((u64)stack_top & ~15ull);
	u64 *sp = top - ARCH_CONTEXT_WORDS;

	for (unsigned i = 0; i < ARCH_CONTEXT_WORDS; i++)
		sp[i] = 0;
	sp[0] = (u64)entry;				     /* x19 */
	sp[1] = (u64)arg;				     /* x20 */
	sp[ARCH_CONTEXT_FP] = 0;			     /* x29: ends backtraces */
	sp[ARCH_CONTEXT_RET] = (u64)arch_context_trampoline; /* x30 */
	ctx->sp = (u64)sp;
}

extern char boot_stack[], boot_stack_top[];

void arch_context_boot_stack(void **stack, size_t *stack_size)
{
	*stack = boot_stack;
	*stack_size = (size_t)(boot_stack_top - boot_stack);
}
