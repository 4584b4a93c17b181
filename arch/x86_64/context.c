/*
 * Building the first frame of a new kernel thread: the stack looks as if
 * the thread had called arch_context_switch() from arch_context_trampoline,
 * so the first switch to it pops zeroed registers (entry and arg in r12 and
 * r13) and returns into the trampoline. Also the boot stack's bounds, so
 * the "boot" task's stack is checked and walked like any other.
 */
#include <asm/context.h>

void arch_context_trampoline(void);

void arch_context_init(struct arch_context *ctx, void *stack_top, void (*entry)(void *), void *arg)
{
	/* After the "ret" pops the trampoline address, rsp == top, 16-byte
	 * aligned, so the trampoline's call leaves entry's frame aligned. */
	u64 *top = (u64 *)((u64)stack_top & ~15ull);
	u64 *sp = top - ARCH_CONTEXT_WORDS;

	sp[0] = 0;					     /* r15 */
	sp[1] = 0;					     /* r14 */
	sp[2] = (u64)arg;				     /* r13 */
	sp[3] = (u64)entry;				     /* r12 */
	sp[4] = 0;					     /* rbx */
	sp[ARCH_CONTEXT_RBP] = 0;			     /* rbp: ends backtraces */
	sp[ARCH_CONTEXT_RET] = (u64)arch_context_trampoline; /* return address */
	ctx->rsp = (u64)sp;
}

extern char boot_stack[], boot_stack_top[];

void arch_context_boot_stack(void **stack, size_t *stack_size)
{
	*stack = boot_stack;
	*stack_size = (size_t)(boot_stack_top - boot_stack);
}
