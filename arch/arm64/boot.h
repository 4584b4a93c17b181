/* Constants shared by boot.S, entry.S, the linker script and C (arm64). */
#ifndef ARCH_ARM64_BOOT_H
#define ARCH_ARM64_BOOT_H

/* The image is linked here and mapped (TTBR1) to wherever it was loaded:
 * the same top 2 GiB as x86-64 (PGD entry 511, PUD entry 510). */
#ifndef KERNEL_VMA
#define KERNEL_VMA 0xffffffff80000000
#endif
/* Where an ELF (not Image) boot of QEMU virt puts the image: 2 MiB above
 * the start of RAM, which is where QEMU leaves the DTB for ELF kernels. */
#define KERNEL_ELF_LMA 0x40200000

/* Start slots of secondary CPUs (smp.c), one spin-table entry each in
 * boot.S: at least NR_CPUS_MAX (asserted in smp.c), with spares for
 * starts that were abandoned. */
#define NR_START_SLOTS 16

/* MAIR_EL1 attribute indexes (AttrIndx of a descriptor). */
#define MT_NORMAL 0	  /* 0xff: Normal, inner/outer write-back, RW-allocate */
#define MT_DEVICE_nGnRE 1 /* 0x04 */
#define MT_NORMAL_NC 2	  /* 0x44: Normal, non-cacheable */
#define MAIR_VALUE 0x00000000004404ff

/* struct trap_frame (trap.h): x0..x30, sp, elr, spsr, esr, far, then a
 * frame record {x29, elr} that links backtraces through the exception. */
#define FRAME_X29 (29 * 8)
#define FRAME_SP (31 * 8)
#define FRAME_ELR (32 * 8)
#define FRAME_SPSR (33 * 8)
#define FRAME_ESR (34 * 8)
#define FRAME_FAR (35 * 8)
#define FRAME_RECORD (36 * 8)
#define FRAME_SIZE (38 * 8)

/* Vector kinds, passed to trap_dispatch. */
#define TRAP_SYNC 0
#define TRAP_IRQ 1
#define TRAP_FIQ 2
#define TRAP_SERROR 3
#define TRAP_FROM_SP0 0x10 /* taken with SP_EL0 selected: never expected */
#define TRAP_FROM_EL0 0x20 /* from EL0 AArch64 */
#define TRAP_FROM_AARCH32 0x40

#define BOOT_STACK_SIZE 16384

#endif
