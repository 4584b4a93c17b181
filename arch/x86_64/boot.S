/*
 * x86-64 entry. Both loaders enter here in 32-bit protected mode with
 * paging off: QEMU's -kernel through the multiboot1 header (whose address
 * fields make it load this ELF64 file as a flat image), GRUB through the
 * multiboot2 header. EAX holds the loader's magic, EBX its info structure.
 *
 * We build boot page tables that map the first 4 GiB three times with
 * 2 MiB pages: identity (to survive enabling paging), the direct map at
 * PHYS_MAP_BASE and the kernel image at KERNEL_VMA; switch to long mode;
 * jump to the higher half and call kmain(magic, info).
 */
#include "boot.h"

#define V2P(x) ((x) - KERNEL_VMA)

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long V2P(mb1_header)           /* header_addr */
	.long V2P(__image_start)        /* load_addr */
	.long V2P(__data_end)           /* load_end_addr */
	.long V2P(__bss_end)            /* bss_end_addr */
	.long V2P(_start32)             /* entry_addr */

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0                         /* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	/* entry address tag: enter at the physical address of _start32 */
	.align 8
	.short 3, 0
	.long 12
	.long V2P(_start32)
	.align 8
	.short 0, 0                     /* end tag */
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.global _start32
_start32:
	cli
	cld
	mov %eax, %edi                  /* magic: first argument of kmain */
	mov %ebx, %esi                  /* info: second argument */

	/* Zero .bss (boot page tables and stack live there). */
	mov $V2P(__bss_start), %ebx
1:	cmp $V2P(__bss_end), %ebx
	jae 2f
	movl $0, (%ebx)
	add $4, %ebx
	jmp 1b
2:
	mov $V2P(boot_stack_top), %esp

	/* Long mode needs CPUID leaf 0x80000001 EDX bit 29. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	jnc no_long_mode
	mov %edx, %ebp                  /* keep NX support bit (20) */

	/* Four page directories: 4 GiB of 2 MiB pages. */
	mov $V2P(boot_pd), %ebx
	xor %ecx, %ecx
3:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax                  /* present, writable, 2 MiB page */
	mov %eax, (%ebx, %ecx, 8)
	mov %ecx, %eax
	shr $11, %eax                   /* high bits of the 64-bit address */
	mov %eax, 4(%ebx, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jb 3b

	/* PDPTs: identity and direct map share one; the kernel one maps
	 * 0xffffffff80000000 (PDPT index 510) onto the first 2 GiB. */
	mov $V2P(boot_pdpt_low), %ebx
	mov $V2P(boot_pdpt_kernel), %edx
	mov $V2P(boot_pd), %eax
	or $0x3, %eax
	mov %eax, 0(%ebx)
	mov %eax, 8*510(%edx)
	add $0x1000, %eax
	mov %eax, 8(%ebx)
	mov %eax, 8*511(%edx)
	add $0x1000, %eax
	mov %eax, 16(%ebx)
	add $0x1000, %eax
	mov %eax, 24(%ebx)

	mov $V2P(boot_pml4), %ebx
	mov $V2P(boot_pdpt_low), %eax
	or $0x3, %eax
	mov %eax, 0(%ebx)               /* identity */
	mov %eax, 8*256(%ebx)           /* PHYS_MAP_BASE */
	mov $V2P(boot_pdpt_kernel), %eax
	or $0x3, %eax
	mov %eax, 8*511(%ebx)           /* KERNEL_VMA */

	mov %cr4, %eax
	or $(1 << 5), %eax              /* PAE */
	mov %eax, %cr4
	mov $V2P(boot_pml4), %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx           /* EFER */
	rdmsr
	or $(1 << 8), %eax              /* LME */
	bt $20, %ebp
	jnc 4f
	or $(1 << 11), %eax             /* NXE, when the CPU has NX */
4:	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
	mov %eax, %cr0

	lgdt V2P(boot_gdt_ptr)
	ljmp $0x08, $V2P(long_mode_low)

no_long_mode:
	/* Say why on COM1, then exit through isa-debug-exit or halt. */
	mov $V2P(msg_no_long_mode), %esi
5:	lodsb
	test %al, %al
	jz 6f
	mov $0x3f8, %dx
	out %al, %dx
	jmp 5b
6:	mov $0xf4, %dx
	mov $2, %eax                    /* status 2: refused at boot (cpu.c) */
	out %eax, %dx
7:	hlt
	jmp 7b

	.code64
long_mode_low:
	movabs $long_mode_high, %rax
	jmp *%rax

	.text
long_mode_high:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	movabs $boot_stack_top, %rsp
	xor %ebp, %ebp                  /* terminates backtraces */
	/* edi = magic, esi = info (zero-extended by the 32-bit moves) */
	mov %esi, %esi
	call kmain
8:	cli
	hlt
	jmp 8b

	.section .rodata
msg_no_long_mode:
	.asciz "swaplab: this CPU has no long mode (x86-64); cannot boot\r\n"

	.align 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long V2P(boot_gdt)

	.bss
	.align 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_kernel: .skip 4096
boot_pd:	.skip 4096 * 4
	.global boot_stack, boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
