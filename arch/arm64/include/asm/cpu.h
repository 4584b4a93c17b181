/*
 * The CPU operations generic code may use on arm64: interrupt control
 * (PSTATE.DAIF; only I is used, FIQs stay masked), idling, the current
 * CPU's number (TPIDR_EL1 holds it), time (the generic timer), and
 * powering the machine off (PSCI or semihosting).
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include "kernel/types.h"
#include "kernel/compiler.h"

#define ARCH_NAME "arm64"
#define NR_CPUS_MAX 8

#define DAIF_I (1ul << 7)

static inline void arch_cpu_relax(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}
/* Running under a hypervisor or emulator? (arm64 has no CPUID bit for it:
 * the device tree's model says, see setup.c.) */
bool arch_cpu_is_virtual(void);

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("mrs %0, daif\n\tmsr daifset, #2" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("msr daif, %0" : : "r"(flags) : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}
static inline void arch_irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}

static inline bool arch_irqs_enabled(void)
{
	unsigned long flags;
	__asm__ __volatile__("mrs %0, daif" : "=r"(flags));
	return !(flags & DAIF_I);
}

/* Wait for the next interrupt, then take it. WFI wakes on a pending
 * interrupt even while PSTATE.I masks it, so "wfi with interrupts off,
 * then unmask" has no lost-wakeup window (x86's "sti; hlt"). */
static inline void arch_cpu_idle(void)
{
	__asm__ __volatile__("msr daifset, #2\n\tdsb sy\n\twfi\n\tmsr daifclr, #2" ::: "memory");
}

/* TPIDR_EL1 holds the CPU number (set by setup.c / smp.c). */
static inline unsigned arch_cpu_id(void)
{
	unsigned long id;
	__asm__ __volatile__("mrs %0, tpidr_el1" : "=r"(id));
	return (unsigned)id;
}

static inline bool arch_cpu_id_is_exclusive(void)
{
	return true;
}

/* No NMI without the GICv3 pseudo-NMI (priority masking instead of
 * PSTATE.I, not done yet): IPI_NMI_BACKTRACE is an ordinary SGI, which a
 * CPU spinning with interrupts off does not take. */
static inline bool arch_has_nmi_ipi(void)
{
	return false;
}

u64 arch_time_ns(void);
void arch_udelay(u64 us);
__noreturn void arch_poweroff(int status);
__noreturn void arch_halt_forever(void);
void arch_dump_regs_here(void);
void arch_backtrace(unsigned long fp);
unsigned arch_stack_walk(unsigned long fp, unsigned long lo, unsigned long hi, unsigned long *pcs,
			 unsigned max);
void arch_backtrace_print(int level, const unsigned long *pcs, unsigned n);
unsigned long arch_frame_pointer(void);

#endif
