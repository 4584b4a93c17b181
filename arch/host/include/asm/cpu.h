/*
 * arch/host: the arch interface for Linux user space. Each "CPU" is a
 * pthread that called host_cpu_enter(); interrupts do not exist, so the
 * irq functions only track a flag; time is CLOCK_MONOTONIC.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include "kernel/types.h"
#include "kernel/compiler.h"

#define ARCH_NAME "host"
#define NR_CPUS_MAX 8

extern __thread unsigned host_cpu_id;
extern __thread unsigned long host_irq_flag;

static inline void arch_cpu_relax(void)
{
	__builtin_ia32_pause();
}
/* Host threads run on the host's own CPUs: ticket locks. */
static inline bool arch_cpu_is_virtual(void)
{
	return false;
}
static inline unsigned long arch_irq_save(void)
{
	unsigned long f = host_irq_flag;
	host_irq_flag = 0;
	return f;
}
static inline void arch_irq_restore(unsigned long f)
{
	host_irq_flag = f;
}
static inline void arch_irq_enable(void)
{
	host_irq_flag = 1;
}
static inline void arch_irq_disable(void)
{
	host_irq_flag = 0;
}
static inline bool arch_irqs_enabled(void)
{
	return host_irq_flag;
}
static inline unsigned arch_cpu_id(void)
{
	return host_cpu_id;
}
/* Several pthreads may run as one CPU at the same time (a cross-CPU call
 * runs on a thread of its own beside the CPU's task, where the kernel
 * would interrupt the task), so a lock held by "this CPU" may be another
 * thread's: spin_lock cannot call that a self-deadlock. */
static inline bool arch_cpu_id_is_exclusive(void)
{
	return false;
}
void arch_cpu_idle(void);

/* No interrupts to mask on the host: nothing is an NMI. */
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
/* Up to max return addresses of the frame-pointer chain that starts at fp,
 * following frames only while they lie inside [lo, hi) (another thread's
 * stack); returns how many were stored. */
unsigned arch_stack_walk(unsigned long fp, unsigned long lo, unsigned long hi, unsigned long *pcs,
			 unsigned max);
/* "  backtrace:" and one symbolic line per address, at level. */
void arch_backtrace_print(int level, const unsigned long *pcs, unsigned n);
unsigned long arch_frame_pointer(void);

#endif
