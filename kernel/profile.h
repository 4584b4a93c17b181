/*
 * The sampling profiler (kernel/profile.c; Linux's kernel/profile.c,
 * booted with profile=). While it is on, every timer interrupt on every
 * CPU is one sample: the address the interrupt came in at, counted
 * against the text symbol (kernel/ksyms.h) that contains it, or against
 * "idle" when the CPU was running its idle task. At the end of the boot
 * profile=1 prints the functions with the most samples.
 *
 * What it cannot see: code that runs with interrupts off. The timer
 * interrupt waits until they come back on, so that time is charged to
 * the instruction after the sti (the caller of spin_unlock_irqrestore,
 * say), not to the code that ran; a spin on an irqsave lock shows up
 * there too. The lock statistics (kernel/lock_stat.h) count those waits.
 *
 * The counts are per CPU and written only by that CPU's timer interrupt:
 * no lock in the interrupt path. Readers (the report, tests) read them
 * with relaxed loads while they may still change.
 */
#ifndef KERNEL_PROFILE_H
#define KERNEL_PROFILE_H

#include "types.h"

/* One sample of this CPU at pc (the timer interrupt; interrupts off). */
void profile_tick(unsigned long pc);
/* The rate timer_interrupt_hz() runs at: profile.hz= with profile=1,
 * else TIMER_HZ. Fixed once the command line is parsed. */
unsigned profile_timer_hz(void);

/* Sample while at least one start is not yet stopped (tests start and
 * stop it around their own work; profile=1 around the boot's job).
 * Samples add up across windows. */
void profile_start(void);
void profile_stop(void);

/* Samples so far, on every CPU, of the symbol containing addr. */
u64 profile_hits(unsigned long addr);
/* Samples so far on cpu, outside and inside its idle task. */
void profile_cpu_samples(unsigned cpu, u64 *busy, u64 *idle);

/* Print the idle and busy share and the top functions by samples. */
void profile_report(unsigned top);
/* profile=1: start before the boot's job, stop and report after it. */
void profile_boot_start(void);
void profile_boot_end(void);

#endif
