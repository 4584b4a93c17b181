/*
 * The CPU operations generic code may use on x86-64: interrupt control,
 * idling, the current CPU's number, time, and powering the machine off.
 * This header and its siblings in asm/ are the whole arch interface.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include "kernel/types.h"
#include "kernel/compiler.h"

#define ARCH_NAME "x86_64"
#define NR_CPUS_MAX 8

static inline void arch_cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}
/* Running under a hypervisor (CPUID leaf 1, ECX bit 31)? */
bool arch_cpu_is_virtual(void);

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9))
		__asm__ __volatile__("sti" ::: "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}
static inline void arch_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline bool arch_irqs_enabled(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

/* Wait for the next interrupt with interrupts enabled ("sti; hlt" closes the
 * window where a wakeup interrupt could arrive between the two). */
static inline void arch_cpu_idle(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

/* Per-CPU block at GS base: its first word is the CPU number. */
static inline unsigned arch_cpu_id(void)
{
	unsigned id;
	__asm__ __volatile__("movl %%gs:0, %0" : "=r"(id));
	return id;
}

/* Only one context runs on a CPU at a time (an interrupt nests inside
 * the code it interrupted): a lock held by this CPU is held by us. */
static inline bool arch_cpu_id_is_exclusive(void)
{
	return true;
}

/* IPI_NMI_BACKTRACE is a real NMI (the local APIC's NMI delivery): it
 * reaches a CPU that spins with interrupts off. */
static inline bool arch_has_nmi_ipi(void)
{
	return true;
}

u64 arch_time_ns(void);
void arch_udelay(u64 us);
__noreturn void arch_poweroff(int status);
__noreturn void arch_halt_forever(void);
void arch_dump_regs_here(void);
void arch_backtrace(unsigned long fp);
/* Up to max return addresses of the frame-pointer chain that starts at fp,
 * following frames only while they lie inside [lo, hi) (another thread's
 * stack); returns how many were stored. */
unsigned arch_stack_walk(unsigned long fp, unsigned long lo, unsigned long hi, unsigned long *pcs,
			 unsigned max);
/* "  backtrace:" and one symbolic line per address, at level. */
void arch_backtrace_print(int level, const unsigned long *pcs, unsigned n);
unsigned long arch_frame_pointer(void);

#endif
