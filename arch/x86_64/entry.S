/*
 * Interrupt and exception entry. Every vector gets a stub that pushes an
 * error code (a zero where the CPU pushes none, so the frame has one shape)
 * and its vector number, then joins trap_common, which saves the general
 * registers as a struct trap_frame and calls trap_dispatch(frame).
 */
	.text
	.global trap_stubs_start
trap_stubs_start:
	.set vec, 0
	.rept 256
	.align 16
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	mov %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	add $16, %rsp          /* vector and error code */
	iretq

	.section .rodata
	.align 8
	.global trap_stub_table
trap_stub_table:
	.set vec, 0
	.rept 256
	.quad trap_stubs_start + vec * 16
	.set vec, vec + 1
	.endr
