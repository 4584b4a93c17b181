/* x86-64 SMP bring-up: the trampoline's place and its parameter block. */
#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

/* Below 1 MiB (an AP starts in real mode), page aligned (the SIPI vector
 * is the page number); setup.c keeps low memory out of the allocator. */
#define TRAMPOLINE_PHYS 0x8000

#ifndef __ASSEMBLY__
#include "kernel/types.h"

/* Mirrors the data fields at the end of trampoline.S. */
struct trampoline_data {
	u32 cr3;   /* boot_pml4's physical address (maps the trampoline 1:1) */
	u32 efer;  /* EFER bits to set: LME, NXE */
	u64 stack; /* top of this AP's stack */
	u64 entry; /* C entry, called with the CPU number */
	u64 cpu;
};

extern const char trampoline_start[], trampoline_end[];
extern const struct trampoline_data trampoline_data;
#endif

#endif
