/*
 * TEMPORARY, until arch/x86_64/smp.c lands: the kernel runs on CPU 0 only,
 * and smp_call_on_cpus() runs fn there when the mask includes CPU 0. All
 * weak, so the real SMP code replaces it at link time; the lead removes
 * this file when merging the SMP branch.
 */
#include <asm/cpu.h>
#include "kernel/smp.h"

__attribute__((weak)) unsigned nr_cpus_online = 1;
__attribute__((weak)) unsigned long cpu_online_mask = 1;

__attribute__((weak)) void smp_call_on_cpus(unsigned long mask, smp_call_fn fn, void *arg)
{
	if (!(mask & 1))
		return;
	unsigned long flags = arch_irq_save();
	fn(arg);
	arch_irq_restore(flags);
}
