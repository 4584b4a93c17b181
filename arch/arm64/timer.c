/*
 * The per-CPU tick: the generic timer's virtual timer (CNTV_*_EL0), a PPI
 * (INTID 27 on QEMU virt; the third interrupt of the device tree's
 * "arm,armv8-timer" node), programmed one period ahead on every interrupt
 * at timer_interrupt_hz() (TIMER_HZ, or the profiler's rate), as x86-64's
 * local APIC timer drives timer_interrupt() (kernel/timer.c).
 */
#include <asm/cpu.h>
#include "arm64.h"
#include "trap.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1)

static u64 ticks_per_irq; /* set once by the boot CPU */

static void timer_program_next(void)
{
	u64 cval;
	__asm__ __volatile__("mrs %0, cntv_cval_el0" : "=r"(cval));
	u64 now = arm64_counter();
	/* Keep the period exact, but never schedule into the past (a CPU
	 * that was stopped in a debugger, or a slow host). */
	cval += ticks_per_irq;
	if (cval <= now)
		cval = now + ticks_per_irq;
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\tisb" ::"r"(cval) : "memory");
}

static void timer_irq(struct trap_frame *f, void *arg)
{
	(void)arg;
	timer_program_next();
	timer_interrupt(f->elr);
}

void timer_init_cpu(void)
{
	if (!ticks_per_irq) {
		ticks_per_irq = arm64_counter_freq() / timer_interrupt_hz();
		gic_set_percpu_handler(platform.timer_intid, timer_irq, NULL);
		pr_info("timer: generic timer at %lu kHz, INTID %u, %u Hz (tick %u Hz)\n",
			(unsigned long)(arm64_counter_freq() / 1000), platform.timer_intid,
			timer_interrupt_hz(), TIMER_HZ);
	}
	u64 cval = arm64_counter() + ticks_per_irq;
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
			     "msr cntv_ctl_el0, %1\n\t"
			     "isb" ::"r"(cval),
			     "r"((u64)CNTV_CTL_ENABLE)
			     : "memory");
	gic_enable_percpu(platform.timer_intid, true);
}
