/*
 * TEMPORARY: weak stand-ins for the SMP/timer work (kernel/timer.h,
 * kernel/smp.h) so the scheduler links and runs on CPU 0 before that work
 * is merged. Every real definition overrides these. Delete this file once
 * main has the LAPIC timer, the resched IPI and cpu_online_mask.
 */
#include "percpu.h"
#include "smp.h"
#include "timer.h"

__attribute__((weak)) void timer_register_tick_hook(tick_hook_fn fn) {}
__attribute__((weak)) u64 timer_ticks(unsigned cpu) { return 0; }
__attribute__((weak)) void smp_send_resched(unsigned cpu) {}
__attribute__((weak)) void smp_register_resched_hook(resched_hook_fn fn) {}
