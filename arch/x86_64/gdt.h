/* Segment selectors, IST slots and the per-CPU block at GS base. */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#include <asm/cpu.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA 0x18
#define GDT_USER_CODE 0x20
#define GDT_TSS 0x28
#define GDT_ENTRIES 7

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_STACK_SIZE 8192

/* The block GS points at. arch_cpu_id() reads "id" with one instruction,
 * so it must stay the first field. */
struct cpu_local {
	u32 id;
	u32 apic_id;
	struct cpu_local *self;
};

extern struct cpu_local cpu_local[NR_CPUS_MAX];

void gdt_init_cpu(unsigned cpu);

#endif
