/*
 * The periodic tick: the arch timer interrupt calls timer_interrupt() on
 * each CPU timer_interrupt_hz() times a second: TIMER_HZ, or faster when
 * the profiler asks for more samples (profile.hz=). Each interrupt is a
 * profiler sample (kernel/profile.c); every TIMER_HZ-th of a second is a
 * tick: we count ticks per CPU and call the registered hooks (scheduler,
 * RCU) with the CPU number, so the hooks see TIMER_HZ whatever the rate.
 *
 * Hooks are registered during boot; the array is filled before the count
 * that publishes it (release), so a tick on another CPU that sees the new
 * count also sees the hook.
 */
#include <asm/cpu.h>
#include "panic.h"
#include "percpu.h"
#include "profile.h"
#include "spinlock.h"
#include "timer.h"

#define TIMER_MAX_HOOKS 8

static DEFINE_PER_CPU(u64, tick_count);		  /* written only by its own CPU */
static DEFINE_PER_CPU(unsigned, irqs_since_tick); /* its own CPU's timer interrupt only */
static tick_hook_fn tick_hooks[TIMER_MAX_HOOKS];  /* append-only, hooks_lock */
static unsigned nr_tick_hooks;			  /* written under hooks_lock, read with acquire */
static DEFINE_SPINLOCK(hooks_lock);

void timer_tick(void)
{
	unsigned cpu = arch_cpu_id();
	unsigned n = __atomic_load_n(&nr_tick_hooks, __ATOMIC_ACQUIRE);

	__atomic_store_n(&per_cpu(tick_count, cpu), per_cpu(tick_count, cpu) + 1, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < n; i++)
		tick_hooks[i](cpu);
}

void timer_register_tick_hook(tick_hook_fn fn)
{
	unsigned long flags = spin_lock_irqsave(&hooks_lock);
	if (nr_tick_hooks == TIMER_MAX_HOOKS)
		panic("timer: more than %d tick hooks registered", TIMER_MAX_HOOKS);
	tick_hooks[nr_tick_hooks] = fn;
	__atomic_store_n(&nr_tick_hooks, nr_tick_hooks + 1, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&hooks_lock, flags);
}

unsigned timer_interrupt_hz(void)
{
	return profile_timer_hz();
}

void timer_interrupt(unsigned long pc)
{
	unsigned cpu = arch_cpu_id();
	unsigned per_tick = timer_interrupt_hz() / TIMER_HZ;

	profile_tick(pc);
	if (++per_cpu(irqs_since_tick, cpu) < per_tick)
		return;
	per_cpu(irqs_since_tick, cpu) = 0;
	timer_tick();
}

u64 timer_ticks(unsigned cpu)
{
	return __atomic_load_n(&per_cpu(tick_count, cpu), __ATOMIC_RELAXED);
}
