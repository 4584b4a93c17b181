/* Kernel only: an interrupt handler (the tick) wakes a sleeping task. */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "../test_cpus.h"

static DECLARE_WAIT_QUEUE_HEAD(irq_wq);
static int irq_armed; /* atomic: the next tick should wake */
static int irq_fired; /* atomic: condition for the waiter */
static int irq_fired_irqs_on;
static bool irq_hook_registered;

static void wake_from_tick(unsigned cpu)
{
	if (!__atomic_exchange_n(&irq_armed, 0, __ATOMIC_ACQ_REL))
		return;
	irq_fired_irqs_on = arch_irqs_enabled();
	__atomic_store_n(&irq_fired, 1, __ATOMIC_RELEASE);
	wake_up(&irq_wq);
}

KTEST(wait, wake_from_irq)
{
	u64 ticks = timer_ticks(arch_cpu_id()), start = arch_time_ns();
	while (timer_ticks(arch_cpu_id()) == ticks && arch_time_ns() - start < 200 * TEST_MS)
		yield();
	if (timer_ticks(arch_cpu_id()) == ticks) {
		ktest_skip(t, "no timer tick on this CPU");
		return;
	}
	if (!irq_hook_registered) {
		timer_register_tick_hook(wake_from_tick);
		irq_hook_registered = true;
	}
	for (int round = 0; round < 20; round++) {
		__atomic_store_n(&irq_fired, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&irq_armed, 1, __ATOMIC_RELEASE);
		bool ok = wait_event_timeout(irq_wq, __atomic_load_n(&irq_fired, __ATOMIC_ACQUIRE),
					     2 * TEST_SEC);
		KT_ASSERT(t, ok);
		KT_EXPECT_EQ(t, irq_fired_irqs_on, 0);
	}
}
