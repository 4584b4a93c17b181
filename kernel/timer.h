/*
 * The periodic tick. The arch timer interrupt calls timer_interrupt() on
 * every CPU timer_interrupt_hz() times a second (TIMER_HZ unless the
 * profiler, kernel/profile.h, asked for more); that calls timer_tick()
 * TIMER_HZ times a second. Subsystems (scheduler, RCU) register a hook
 * that runs from the tick, in interrupt context, on the CPU that took it.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "types.h"

#define TIMER_HZ 100

typedef void (*tick_hook_fn)(unsigned cpu);

/* The arch timer interrupt, with the interrupted code's address (a
 * profiler sample); calls timer_tick() every TIMER_HZ-th of a second. */
void timer_interrupt(unsigned long pc);
/* The rate the arch programs its timer to: a multiple of TIMER_HZ, fixed
 * once the command line is parsed. */
unsigned timer_interrupt_hz(void);
void timer_tick(void);
/* Register a hook; up to 8. Call during boot, before interrupts matter. */
void timer_register_tick_hook(tick_hook_fn fn);
/* Ticks seen by this CPU since it started. */
u64 timer_ticks(unsigned cpu);

#endif
