/*
 * Kernel thread switch. arch_context_switch(from, to) is an ordinary call,
 * so the caller-saved registers are already dead; we push the callee-saved
 * ones on the current stack, store rsp in from->rsp, load to->rsp and pop
 * the other thread's registers. Its "ret" returns into its own earlier call
 * of arch_context_switch, or, for a new thread, into the trampoline below.
 */
	.text
	.global arch_context_switch
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* First code of a new thread: arch_context_init put entry in r12 and its
 * argument in r13; rbp is zero so backtraces stop here. */
	.global arch_context_trampoline
arch_context_trampoline:
	movq %r13, %rdi
	callq *%r12
	ud2
	.section .note.GNU-stack,"",@progbits
