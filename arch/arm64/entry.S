/*
 * The exception vector table (VBAR_EL1): 16 entries of 0x80 bytes, four
 * groups (current EL with SP_EL0, current EL with SP_ELx, lower EL
 * AArch64, lower EL AArch32) of four kinds (synchronous, IRQ, FIQ,
 * SError). Every entry saves a full struct trap_frame (boot.h, trap.h)
 * on the current stack and calls trap_dispatch(frame, kind); returning
 * restores the frame (ELR and SPSR included) and ERETs.
 *
 * The frame ends with a frame record {x29, elr}, and x29 points at it
 * while the handler runs, so a backtrace walks from the handler through
 * the interrupted function into its callers.
 */
#include "boot.h"

.macro vector kind
	.align 7
	sub sp, sp, #FRAME_SIZE
	stp x0, x1, [sp, #0]
	mov x1, #(\kind)
	b trap_entry
.endm

	.text
	.align 11
	.global vectors
vectors:
	vector TRAP_FROM_SP0 | TRAP_SYNC
	vector TRAP_FROM_SP0 | TRAP_IRQ
	vector TRAP_FROM_SP0 | TRAP_FIQ
	vector TRAP_FROM_SP0 | TRAP_SERROR
	vector TRAP_SYNC
	vector TRAP_IRQ
	vector TRAP_FIQ
	vector TRAP_SERROR
	vector TRAP_FROM_EL0 | TRAP_SYNC
	vector TRAP_FROM_EL0 | TRAP_IRQ
	vector TRAP_FROM_EL0 | TRAP_FIQ
	vector TRAP_FROM_EL0 | TRAP_SERROR
	vector TRAP_FROM_AARCH32 | TRAP_SYNC
	vector TRAP_FROM_AARCH32 | TRAP_IRQ
	vector TRAP_FROM_AARCH32 | TRAP_FIQ
	vector TRAP_FROM_AARCH32 | TRAP_SERROR

trap_entry:
	stp x2, x3, [sp, #16]
	stp x4, x5, [sp, #32]
	stp x6, x7, [sp, #48]
	stp x8, x9, [sp, #64]
	stp x10, x11, [sp, #80]
	stp x12, x13, [sp, #96]
	stp x14, x15, [sp, #112]
	stp x16, x17, [sp, #128]
	stp x18, x19, [sp, #144]
	stp x20, x21, [sp, #160]
	stp x22, x23, [sp, #176]
	stp x24, x25, [sp, #192]
	stp x26, x27, [sp, #208]
	stp x28, x29, [sp, #224]
	add x2, sp, #FRAME_SIZE         /* sp before the exception (EL1h) */
	stp x30, x2, [sp, #240]
	mrs x2, elr_el1
	mrs x3, spsr_el1
	stp x2, x3, [sp, #FRAME_ELR]
	mrs x3, esr_el1
	mrs x4, far_el1
	stp x3, x4, [sp, #FRAME_ESR]
	stp x29, x2, [sp, #FRAME_RECORD]
	add x29, sp, #FRAME_RECORD
	mov x0, sp
	bl trap_dispatch

	ldp x2, x3, [sp, #FRAME_ELR]
	msr elr_el1, x2
	msr spsr_el1, x3
	ldp x0, x1, [sp, #0]
	ldp x2, x3, [sp, #16]
	ldp x4, x5, [sp, #32]
	ldp x6, x7, [sp, #48]
	ldp x8, x9, [sp, #64]
	ldp x10, x11, [sp, #80]
	ldp x12, x13, [sp, #96]
	ldp x14, x15, [sp, #112]
	ldp x16, x17, [sp, #128]
	ldp x18, x19, [sp, #144]
	ldp x20, x21, [sp, #160]
	ldp x22, x23, [sp, #176]
	ldp x24, x25, [sp, #192]
	ldp x26, x27, [sp, #208]
	ldp x28, x29, [sp, #224]
	ldr x30, [sp, #240]
	add sp, sp, #FRAME_SIZE
	eret
