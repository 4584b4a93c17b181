/*
 * Per-CPU GDT and TSS. Long mode ignores segmentation except for the code
 * segment's mode bits, but each CPU still needs a TSS: its IST stacks give
 * the double-fault and NMI handlers a known-good stack even when the
 * kernel stack is what broke. The GS base points at the CPU's cpu_local
 * block, whose first word is the CPU number (arch_cpu_id()).
 */
#include "gdt.h"
#include "io.h"
#include "kernel/string.h"

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct cpu_gdt {
	u64 entries[GDT_ENTRIES];
	struct tss tss;
	u8 ist_stacks[2][IST_STACK_SIZE] __aligned(16);
} __aligned(64);

static struct cpu_gdt cpu_gdts[NR_CPUS_MAX];
struct cpu_local cpu_local[NR_CPUS_MAX];

static void tss_descriptor(u64 *slot, struct tss *tss)
{
	u64 base = (u64)tss, limit = sizeof(*tss) - 1;
	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

/* Load this CPU's GDT, TSS and GS base. Called once per CPU at bring-up. */
void gdt_init_cpu(unsigned cpu)
{
	struct cpu_gdt *g = &cpu_gdts[cpu];
	struct {
		u16 limit;
		u64 base;
	} __packed ptr = { sizeof(g->entries) - 1, (u64)g->entries };

	memset(g, 0, sizeof(*g));
	g->entries[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffffull;
	g->entries[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffffull;
	g->entries[GDT_USER_DATA / 8] = 0x00cff2000000ffffull;
	g->entries[GDT_USER_CODE / 8] = 0x00affa000000ffffull;
	tss_descriptor(&g->entries[GDT_TSS / 8], &g->tss);
	g->tss.ist[IST_DOUBLE_FAULT - 1] = (u64)(g->ist_stacks[0] + IST_STACK_SIZE);
	g->tss.ist[IST_NMI - 1] = (u64)(g->ist_stacks[1] + IST_STACK_SIZE);
	g->tss.iomap_base = sizeof(struct tss);

	__asm__ __volatile__("lgdt %0" : : "m"(ptr));
	__asm__ __volatile__("mov %0, %%ds; mov %0, %%es; mov %0, %%ss\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:"
			     :
			     : "r"((u64)GDT_KERNEL_DATA), "i"(GDT_KERNEL_CODE)
			     : "rax", "memory");
	__asm__ __volatile__("ltr %w0" : : "r"((u16)GDT_TSS));

	cpu_local[cpu].id = cpu;
	cpu_local[cpu].self = &cpu_local[cpu];
	wrmsr(MSR_GS_BASE, (u64)&cpu_local[cpu]);
}
