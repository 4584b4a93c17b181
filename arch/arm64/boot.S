/*
 * arm64 entry: the head of the Image (Documentation/arch/arm64/booting.rst).
 * The loader (QEMU -kernel, U-Boot booti) jumps to the first byte with the
 * MMU and data cache off, x0 = the DTB's physical address, at EL2 or EL1.
 * The Image may sit at any 2 MiB aligned address, so everything before the
 * MMU is on is PC-relative (adr/adrp): we compute where we were loaded.
 *
 * Steps: drop from EL2 to EL1 if needed; zero and fill the boot page
 * tables (4 levels, 4 KiB granule, 48-bit VAs); turn the MMU on with an
 * identity map in TTBR0 and the kernel half in TTBR1; jump to the linked
 * (high) address; switch TTBR0 to an empty root (from now on TTBR0 holds
 * only user mms); clear BSS; call kmain(dtb_phys, image_phys, entry_el).
 *
 * TTBR1 (the kernel half, never switched):
 *   PGD 511 -> PUD 510 -> 2 MiB blocks: the image at KERNEL_VMA
 *   PGD 256 -> 1 GiB blocks: the direct map at PHYS_MAP_BASE, here only the
 *              GiB(s) holding the image and the GiB holding the DTB's
 *              start; C maps the rest of RAM from the DTB's /memory
 *              (mmu.c)
 *   PGD 510 -> ioremap space (mmu.c)
 */
#include "boot.h"

#define DESC_TABLE 0x3
#define DESC_BLOCK 0x1
#define DESC_AF (1 << 10)
#define DESC_SH_INNER (3 << 8)
#define DESC_PXN (1 << 53)
#define DESC_UXN (1 << 54)
#define DESC_NORMAL ((MT_NORMAL << 2) | DESC_SH_INNER | DESC_AF | DESC_BLOCK)

/* TCR_EL1: T0SZ = T1SZ = 16 (48-bit VAs), 4 KiB granules (TG0 0, TG1 2),
 * walks inner-shareable and write-back cacheable; IPS, HA, HD added below. */
#define TCR_BASE 0xb5103510
#define TCR_HA (1 << 39)
#define TCR_HD (1 << 40)
/* SCTLR_EL1: M, C, SA, I and the RES1 bits (EOS, TSCXT, EIS, SPAN,
 * nTLSMD, LSMAOE). SPAN=1: PSTATE.PAN stays 0 on exception entry, so
 * EL1 reaches user (TTBR0) addresses like x86 with SMAP off. WXN off. */
#define SCTLR_EL1_MMU_ON 0x30d0180d
#define SCTLR_EL1_MMU_OFF 0x30d00800

	.section .head.text, "ax"
	.global _start
_start:
	b primary_entry                 /* code0 */
	.long 0                         /* code1 */
	.quad 0                         /* text_offset: load at a 2 MiB boundary */
	.quad __image_size              /* image_size, BSS included */
	.quad 0xa                       /* flags: little-endian, 4K pages, anywhere */
	.quad 0, 0, 0                   /* res2..res4 */
	.ascii "ARM\x64"                /* magic */
	.long 0                         /* res5 (PE header offset: none) */

	.section .boot.text, "ax"
primary_entry:
	mov x19, x0                     /* DTB physical address */
	adrp x20, _start                /* where the Image was loaded */
	msr daifset, #0xf
	mrs x21, CurrentEL              /* the EL we were entered at, for kmain */
	lsr x21, x21, #2
	mrs x9, CurrentEL
	cmp x9, #(2 << 2)
	b.ne 1f
	bl el2_to_el1
1:	bl boot_build_tables
	bl boot_mmu_on
	ldr x9, =primary_high           /* the linked (virtual) address */
	br x9

/*
 * A secondary CPU, started by PSCI CPU_ON (smp.c) with x0 = its start
 * slot (the context id), MMU off, at the EL the boot CPU came in at.
 * The boot page tables are still there (the identity map in boot_pgd_id
 * included), so it only needs its own EL1 setup and MMU on, then its
 * stack (secondary_stack_top[slot]) and secondary_start_kernel(slot),
 * which learns its CPU number from the slot (arm64/smp.c).
 */
	.global secondary_entry
secondary_entry:
	mov x19, x0
	msr daifset, #0xf
	mrs x9, CurrentEL
	cmp x9, #(2 << 2)
	b.ne 11f
	bl el2_to_el1
11:	bl boot_mmu_on
	ldr x9, =secondary_high
	br x9

/*
 * A secondary CPU released from a spin table (spin_table.c) gets no
 * argument in x0, so it is released to the entry of its start slot: one
 * pair of instructions per slot, 8 bytes apart, each loading its slot
 * number. (A shared word holding the slot would be read wrong by a CPU
 * that comes late, after the word moved on to the next CPU.)
 */
	.global spin_table_entries
	.balign 8
spin_table_entries:
	.set slot, 0
	.rept NR_START_SLOTS
	mov x0, #slot
	b secondary_entry
	.set slot, slot + 1
	.endr

/*
 * EL2 (QEMU with virtualization=on, U-Boot on many boards): EL1 is
 * AArch64 (HCR_EL2.RW) and nothing of EL1's traps to EL2: no HCR traps,
 * timer and counter usable (CNTHCTL_EL2.EL1PCTEN|EL1PCEN), no virtual
 * offset, no FP/SIMD traps (CPTR_EL2), GICv3 system registers allowed
 * at EL1 (ICC_SRE_EL2.Enable|SRE). Then ERET to EL1h with DAIF masked.
 */
el2_to_el1:
	mov x9, #(1 << 31)              /* HCR_EL2.RW */
	msr hcr_el2, x9
	mrs x9, cnthctl_el2
	orr x9, x9, #3
	msr cnthctl_el2, x9
	msr cntvoff_el2, xzr
	mov x9, #0x33ff                 /* CPTR_EL2 RES1 bits, no traps */
	msr cptr_el2, x9
	msr hstr_el2, xzr
	mrs x9, id_aa64pfr0_el1
	ubfx x9, x9, #24, #4            /* GIC system register interface? */
	cbz x9, 2f
	mrs x9, s3_4_c12_c9_5           /* ICC_SRE_EL2 */
	mov x10, #0x9                   /* SRE | Enable */
	orr x9, x9, x10
	msr s3_4_c12_c9_5, x9
	isb
2:	mrs x9, midr_el1
	msr vpidr_el2, x9
	mrs x9, mpidr_el1
	msr vmpidr_el2, x9
	ldr x9, =SCTLR_EL1_MMU_OFF
	msr sctlr_el1, x9
	mov x9, #0x3c5                  /* SPSR: EL1h, D A I F masked */
	msr spsr_el2, x9
	msr elr_el2, x30
	isb
	eret

/* Zero the boot tables (MMU off: straight to memory), fill them, then
 * invalidate their lines so no stale cache line hides what we wrote. */
boot_build_tables:
	adrp x0, __bss_start
	adrp x1, __boot_pgtables_end
3:	stp xzr, xzr, [x0], #16
	cmp x0, x1
	b.lo 3b

	/* the image: PGD 511 -> PUD 510 -> PMD, 2 MiB blocks from x20 */
	adrp x0, boot_pgd_k
	adrp x1, boot_pud_k
	orr x2, x1, #DESC_TABLE
	str x2, [x0, #511 * 8]
	adrp x2, boot_pmd_k
	orr x3, x2, #DESC_TABLE
	str x3, [x1, #510 * 8]
	ldr x3, =__image_size
	add x3, x3, #0x200000
	sub x3, x3, #1
	lsr x3, x3, #21                 /* 2 MiB blocks to map */
	ldr x4, =(DESC_NORMAL | DESC_UXN)
	orr x4, x4, x20
4:	str x4, [x2], #8
	add x4, x4, #0x200000
	subs x3, x3, #1
	b.ne 4b

	/* the direct map: PGD 256 -> PUD of 1 GiB blocks. The image may
	 * straddle a GiB boundary (it sits at any 2 MiB one): map the GiB
	 * of its first and of its last byte (its BSS holds the early page
	 * tables mmu.c reaches through the direct map). The DTB's GiB only
	 * when it lies in the direct map's 512 GiB (x0 is the loader's
	 * word: setup.c's dtb_open checks it, and maps the rest of a tree
	 * that crosses into the next GiB). */
	adrp x1, boot_pud_d
	orr x2, x1, #DESC_TABLE
	str x2, [x0, #256 * 8]
	ldr x4, =(DESC_NORMAL | DESC_UXN | DESC_PXN)
	lsr x3, x20, #30
	orr x5, x4, x3, lsl #30
	str x5, [x1, x3, lsl #3]
	ldr x3, =__image_size
	add x3, x3, x20
	sub x3, x3, #1
	lsr x3, x3, #30
	orr x5, x4, x3, lsl #30
	str x5, [x1, x3, lsl #3]
	cbz x19, 5f
	lsr x3, x19, #30
	cmp x3, #512
	b.hs 5f
	orr x5, x4, x3, lsl #30
	str x5, [x1, x3, lsl #3]

	/* the identity map, for the instructions that turn the MMU on */
5:	adrp x0, boot_pgd_id
	adrp x1, boot_pud_id
	lsr x3, x20, #39
	orr x2, x1, #DESC_TABLE
	str x2, [x0, x3, lsl #3]
	ldr x4, =DESC_NORMAL
	ubfx x3, x20, #30, #9
	lsr x5, x20, #30
	lsl x5, x5, #30
	orr x5, x5, x4
	str x5, [x1, x3, lsl #3]

	adrp x0, __bss_start
	adrp x1, __boot_pgtables_end
	b dcache_inval_range

/* dc ivac over [x0, x1): lines of CTR_EL0.DminLine words. */
dcache_inval_range:
	mrs x3, ctr_el0
	ubfx x3, x3, #16, #4
	mov x2, #4
	lsl x2, x2, x3
	sub x3, x2, #1
	bic x0, x0, x3
6:	dc ivac, x0
	add x0, x0, x2
	cmp x0, x1
	b.lo 6b
	dsb sy
	ret

boot_mmu_on:
	ldr x9, =MAIR_VALUE
	msr mair_el1, x9
	ldr x10, =TCR_BASE
	mrs x9, id_aa64mmfr0_el1
	and x9, x9, #0x7                /* PARange */
	cmp x9, #5
	mov x11, #5
	csel x9, x9, x11, ls            /* at most 48 bits */
	orr x10, x10, x9, lsl #32       /* IPS */
	mrs x9, id_aa64mmfr1_el1
	and x9, x9, #0xf                /* HAFDBS: 1 = AF, 2 = AF + dirty */
	cbz x9, 7f
	orr x10, x10, #TCR_HA
	cmp x9, #2
	b.lo 7f
	orr x10, x10, #TCR_HD
7:	msr tcr_el1, x10
	adrp x9, boot_pgd_id
	msr ttbr0_el1, x9
	adrp x9, boot_pgd_k
	msr ttbr1_el1, x9
	msr cpacr_el1, xzr              /* FP/SIMD traps: see setup.c */
	isb
	tlbi vmalle1
	dsb nsh
	isb
	ldr x9, =SCTLR_EL1_MMU_ON
	msr sctlr_el1, x9
	isb
	ic iallu
	dsb nsh
	isb
	ret

	.text
primary_high:
	adrp x9, boot_stack_top
	add x9, x9, :lo12:boot_stack_top
	mov sp, x9
	adrp x9, vectors
	add x9, x9, :lo12:vectors
	msr vbar_el1, x9
	/* TTBR0 now holds no mappings until an mm is activated */
	adrp x9, empty_pgd
	add x9, x9, :lo12:empty_pgd
	ldr x10, =KERNEL_VMA
	sub x9, x9, x10
	add x9, x9, x20
	msr ttbr0_el1, x9
	isb
	tlbi vmalle1
	dsb nsh
	isb
	/* BSS after the boot tables, with caches on */
	adrp x0, __boot_pgtables_end
	add x0, x0, :lo12:__boot_pgtables_end
	adrp x1, __bss_end
	add x1, x1, :lo12:__bss_end
8:	cmp x0, x1
	b.hs 9f
	stp xzr, xzr, [x0], #16
	b 8b
9:	mov x0, x19
	mov x1, x20
	mov x2, x21
	mov x29, xzr                    /* ends backtraces */
	mov x30, xzr
	bl kmain
10:	wfi
	b 10b

secondary_high:
	ldr x9, =secondary_stack_top
	ldr x9, [x9, x19, lsl #3]
	mov sp, x9
	adrp x9, vectors
	add x9, x9, :lo12:vectors
	msr vbar_el1, x9
	isb
	mov x0, x19
	mov x29, xzr
	mov x30, xzr
	bl secondary_start_kernel
12:	wfi
	b 12b

	.section .bss.boot_pgtables, "aw", %nobits
	.align 12
	.global boot_pgd_k, boot_pud_d, boot_pgd_id, empty_pgd
boot_pgd_k:	.skip 4096
boot_pud_k:	.skip 4096
boot_pmd_k:	.skip 4096
boot_pud_d:	.skip 4096
boot_pgd_id:	.skip 4096
boot_pud_id:	.skip 4096
empty_pgd:	.skip 4096

	.bss
	.align 12
	.global boot_stack, boot_stack_top
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:
