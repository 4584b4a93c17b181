/*
 * The AP trampoline. A started AP (after INIT-SIPI-SIPI) begins in 16-bit
 * real mode at CS:IP = (SIPI vector << 8):0000, so this code is copied to
 * TRAMPOLINE_PHYS (0x8000, vector 8) and must run from there: every address
 * below is computed relative to that copy (T()). It goes real mode ->
 * protected mode -> long mode, like boot.S but with the page tables, EFER
 * bits, stack and C entry point the boot CPU wrote into the data fields at
 * the end, then calls entry(cpu) in the higher half.
 */
#include "smp.h"

#define T(x) (TRAMPOLINE_PHYS + (x) - trampoline_start)

	.section .rodata.trampoline, "a"
	.code16
	.global trampoline_start
trampoline_start:
	cli
	cld
	ljmp $0, $T(1f)                 /* CS = 0 so that T() addresses work */
1:	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	lgdtl T(tr_gdt_ptr)
	mov %cr0, %eax
	and $~((1 << 30) | (1 << 29)), %eax /* caches on: INIT leaves CD, NW set */
	or $1, %eax                     /* PE */
	mov %eax, %cr0
	ljmpl $0x08, $T(tr_protected)

	.code32
tr_protected:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $(1 << 5), %eax              /* PAE */
	mov %eax, %cr4
	mov T(tr_cr3), %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx           /* EFER: LME and NXE as on the BSP */
	rdmsr
	or T(tr_efer), %eax
	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16)), %eax /* PG, WP */
	mov %eax, %cr0
	ljmp $0x18, $T(tr_long)

	.code64
tr_long:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	movq T(tr_stack), %rsp
	movq T(tr_cpu), %rdi
	movq T(tr_entry), %rax
	xor %ebp, %ebp                  /* terminates backtraces */
	call *%rax
2:	cli
	hlt
	jmp 2b

	.align 16
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_ptr:
	.short tr_gdt_end - tr_gdt - 1
	.long T(tr_gdt)

	/* Written by the boot CPU before each start (struct trampoline_data). */
	.align 8
	.global trampoline_data
trampoline_data:
tr_cr3:		.long 0
tr_efer:	.long 0
tr_stack:	.quad 0
tr_entry:	.quad 0
tr_cpu:		.quad 0
	.global trampoline_end
trampoline_end:
	.section .note.GNU-stack, "", @progbits
