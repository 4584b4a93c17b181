/*
 * folio_irq.*: the folio wait queues used from an interrupt while the task
 * it interrupted is inside them (issue 11's blk-errors hang).
 *
 * The hang: the first folio_unlock of a boot set the wait table up under a
 * plain spinlock. In the blk-errors boot that first unlock came right after
 * reclaim submitted a swap write, and once in ~20 runs the write's
 * completion interrupt arrived on the same CPU inside the set-up: its
 * folio_end_writeback spun on the lock its own CPU held, with interrupts
 * off, for ever (the hung-task report showed the boot task "running" and
 * CPU 0 without ticks). The table is set up at boot now and looked up
 * without a lock.
 *
 * The scenario forces that interleaving: a race point holds the task
 * inside folio_waitqueue (folio_unlock's lookup) until an interrupt on its
 * CPU (a reschedule IPI from a helper on another CPU) has done what a
 * swap write completion does: end writeback on one folio, trylock and
 * unlock another. With the old set-up (its race point inside the locked
 * section, the test first in its boot) the interrupt takes the lock the
 * task holds: spin_lock_recursion panics naming it.
 */
#include "kernel/ipi.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "mm/folio.h"
#include "tests/test_cpus.h"
#include "tests/test_kit.h"

static struct {
	unsigned cpu;		  /* the task's CPU, where the interrupt must run */
	struct folio *writeback;  /* ended from the interrupt */
	struct folio *other;	  /* locked and unlocked from the interrupt */
	resched_hook_fn old_hook; /* the scheduler's, still called */
	bool armed;
	bool other_locked; /* the interrupt got the other folio's lock */
} fi;

/* In interrupt context on fi.cpu: a swap write completion's folio work. */
static void folio_irq_hook(void)
{
	if (__atomic_load_n(&fi.armed, __ATOMIC_ACQUIRE) && arch_cpu_id() == fi.cpu) {
		__atomic_store_n(&fi.armed, false, __ATOMIC_RELAXED);
		folio_end_writeback(fi.writeback);
		fi.other_locked = folio_trylock(fi.other);
		if (fi.other_locked)
			folio_unlock(fi.other);
		race_point("test:folio-irq-done");
	}
	if (fi.old_hook)
		fi.old_hook();
}

/* On another CPU: interrupt fi.cpu once its task is inside the lookup. */
static int folio_irq_sender(void *arg)
{
	race_point("test:folio-irq-send"); /* waits for folio:waitqueue */
	smp_send_resched(fi.cpu);
	return 0;
}

static void folio_irq_restore_hook(void *arg)
{
	__atomic_store_n(&fi.armed, false, __ATOMIC_RELEASE);
	smp_register_resched_hook(fi.old_hook);
}

static void folio_irq_put(void *arg)
{
	struct folio *f = arg;
	if (folio_test_writeback(f))
		folio_end_writeback(f);
	if (folio_test_locked(f))
		folio_unlock(f);
	folio_put(f);
}

KTEST(folio_irq, end_writeback_from_interrupt_inside_task_lookup)
{
	if (!test_require_cpus(t, 2)) /* one sends the interrupt */
		return;
	fi.cpu = arch_cpu_id();
	fi.writeback = folio_alloc(GFP_KERNEL, 0);
	fi.other = folio_alloc(GFP_KERNEL, 0);
	struct folio *mine = folio_alloc(GFP_KERNEL, 0);
	struct folio *all[] = { fi.writeback, fi.other, mine };
	for (unsigned i = 0; i < 3; i++)
		if (all[i])
			ktest_defer(t, folio_irq_put, all[i]);
	KT_ASSERT(t, fi.writeback && fi.other && mine);
	folio_set_writeback(fi.writeback);
	folio_lock(mine);
	u64 timeouts = race_wait_timeouts();
	const struct test_race_point points[] = {
		{ "folio:waitqueue",
		  TEST_RACE_HOLD_FOR("test:folio-irq-done", (int)fi.cpu, 5000000) },
		{ "test:folio-irq-send", TEST_RACE_HOLD("folio:waitqueue", -1) },
	};
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
	fi.old_hook = smp_get_resched_hook();
	smp_register_resched_hook(folio_irq_hook);
	__atomic_store_n(&fi.armed, true, __ATOMIC_RELEASE);
	ktest_defer(t, folio_irq_restore_hook, NULL);
	struct task *sender =
		kthread_create_on_cpu(folio_irq_sender, NULL, test_other_cpu(), "folio-irq");
	if (sender) {
		folio_unlock(mine); /* held inside the lookup until the interrupt ran */
		kthread_join(sender);
	}
	folio_irq_restore_hook(NULL);
	KT_EXPECT(t, sender != NULL);
	KT_EXPECT_EQ(t, race_hits("test:folio-irq-done"), 1);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
	/* The task's own lookup and at least the interrupt's. */
	KT_EXPECT(t, race_hits("folio:waitqueue") >= 2);
	KT_EXPECT(t, !folio_test_writeback(fi.writeback));
	KT_EXPECT(t, fi.other_locked && !folio_test_locked(fi.other));
	KT_EXPECT(t, !folio_test_locked(mine));
}
