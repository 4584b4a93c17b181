/*
 * Kernel thread switch on arm64. arch_context_switch(from, to) is an
 * ordinary call, so only the AAPCS64 callee-saved registers need saving:
 * x19..x28, the frame pointer x29 and the return address x30, stored on
 * the old thread's stack (12 words, ARCH_CONTEXT_* in asm/context.h);
 * from->sp gets the stack pointer, to->sp is loaded, and "ret" returns
 * into the other thread's own call of arch_context_switch, or, for a new
 * thread, into the trampoline below.
 */
	.text
	.global arch_context_switch
arch_context_switch:
	sub sp, sp, #96
	stp x19, x20, [sp, #0]
	stp x21, x22, [sp, #16]
	stp x23, x24, [sp, #32]
	stp x25, x26, [sp, #48]
	stp x27, x28, [sp, #64]
	stp x29, x30, [sp, #80]
	mov x9, sp
	str x9, [x0]
	ldr x9, [x1]
	mov sp, x9
	ldp x19, x20, [sp, #0]
	ldp x21, x22, [sp, #16]
	ldp x23, x24, [sp, #32]
	ldp x25, x26, [sp, #48]
	ldp x27, x28, [sp, #64]
	ldp x29, x30, [sp, #80]
	add sp, sp, #96
	ret

/* First code of a new thread: arch_context_init put entry in x19 and its
 * argument in x20; x29 is zero so backtraces stop here. */
	.global arch_context_trampoline
arch_context_trampoline:
	mov x0, x20
	blr x19
	brk #0x800
