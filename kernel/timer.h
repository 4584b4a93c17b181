/*
 * The periodic tick (API pinned here; implemented with the SMP/LAPIC work).
 * The arch timer interrupt calls timer_tick() on every CPU TIMER_HZ times a
 * second; subsystems (scheduler, RCU) register a hook that runs from it,
 * in interrupt context, on the CPU that took the tick.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "types.h"

#define TIMER_HZ 100

typedef void (*tick_hook_fn)(unsigned cpu);

void timer_tick(void);
/* Register a hook; up to 8. Call during boot, before interrupts matter. */
void timer_register_tick_hook(tick_hook_fn fn);
/* Ticks seen by this CPU since it started. */
u64 timer_ticks(unsigned cpu);

#endif
