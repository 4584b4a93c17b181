/* Wait queues: wake_up_all releases every waiter; wake_up one exclusive. */
#include "kernel/completion.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/wait.h"
#include "test_cpus.h"

#define WAITERS_PER_CPU 3

static struct {
	struct wait_queue_head wq;
	struct completion released;
	int go; /* the condition; atomic */
	atomic_t arrived, woke;
} ww;

static int waiter(void *arg)
{
	atomic_inc(&ww.arrived);
	wait_event(ww.wq, __atomic_load_n(&ww.go, __ATOMIC_ACQUIRE));
	atomic_inc(&ww.woke);
	complete(&ww.released);
	return 0;
}

KTEST(wait, wait_event_many_waiters)
{
	unsigned n = WAITERS_PER_CPU * nr_cpus_online;
	struct task *tasks[WAITERS_PER_CPU * NR_CPUS_MAX];

	wait_queue_head_init(&ww.wq, "test_wq");
	init_completion(&ww.released);
	ww.go = 0;
	atomic_set(&ww.arrived, 0);
	atomic_set(&ww.woke, 0);
	for (unsigned i = 0; i < n; i++) {
		tasks[i] = kthread_create_on_cpu(waiter, NULL, test_nth_cpu(i), "waiter");
		KT_ASSERT(t, tasks[i] != NULL);
	}
	/* Let them all reach the queue; none may pass while go == 0. */
	u64 start = arch_time_ns();
	while (atomic_read(&ww.arrived) < (int)n && arch_time_ns() - start < 5 * TEST_SEC)
		yield();
	for (int i = 0; i < 20; i++)
		yield();
	KT_EXPECT_EQ(t, atomic_read(&ww.arrived), n);
	KT_EXPECT_EQ(t, atomic_read(&ww.woke), 0);

	__atomic_store_n(&ww.go, 1, __ATOMIC_RELEASE);
	wake_up_all(&ww.wq);
	unsigned released = 0;
	for (unsigned i = 0; i < n; i++)
		if (wait_for_completion_timeout(&ww.released, 5 * TEST_SEC) == 0)
			released++;
	KT_EXPECT_EQ(t, released, n);
	KT_EXPECT_EQ(t, atomic_read(&ww.woke), n);
	KT_EXPECT(t, !wait_queue_active(&ww.wq));
	if (released != n)
		return; /* leave the stuck threads rather than hang in join */
	for (unsigned i = 0; i < n; i++)
		kthread_join(tasks[i]);
}

static struct wait_queue_head excl_wq;
static int excl_tokens; /* under excl_wq.lock */
static atomic_t excl_woke;

static bool take_token(void)
{
	unsigned long irq = spin_lock_irqsave(&excl_wq.lock);
	bool got = excl_tokens > 0;
	if (got)
		excl_tokens--;
	spin_unlock_irqrestore(&excl_wq.lock, irq);
	return got;
}

static int exclusive_waiter(void *arg)
{
	struct wait_queue_entry w;
	wait_entry_init(&w);
	for (;;) {
		prepare_to_wait_exclusive(&excl_wq, &w);
		if (take_token())
			break;
		schedule();
	}
	finish_wait(&excl_wq, &w);
	atomic_inc(&excl_woke);
	return 0;
}

/* wake_up() with exclusive waiters releases one per call. */
KTEST(wait, wake_up_releases_one_exclusive)
{
	struct task *tasks[4];
	wait_queue_head_init(&excl_wq, "excl_wq");
	excl_tokens = 0;
	atomic_set(&excl_woke, 0);
	for (unsigned i = 0; i < 4; i++)
		tasks[i] = kthread_create_on_cpu(exclusive_waiter, NULL, test_nth_cpu(i), "excl");
	for (int i = 0; i < 4; i++)
		KT_ASSERT(t, tasks[i] != NULL);
	for (int round = 1; round <= 4; round++) {
		u64 start = arch_time_ns();
		unsigned long irq = spin_lock_irqsave(&excl_wq.lock);
		excl_tokens++;
		__wake_up_locked(&excl_wq, 1);
		spin_unlock_irqrestore(&excl_wq.lock, irq);
		while (atomic_read(&excl_woke) < round && arch_time_ns() - start < 5 * TEST_SEC)
			yield();
		KT_EXPECT_EQ(t, atomic_read(&excl_woke), round);
	}
	for (int i = 0; i < 4; i++)
		kthread_join(tasks[i]);
}

static struct {
	struct wait_queue_head wq;
	int flag; /* atomic */
	int handler_cpu;
	int handler_irqs_on;
	int waiter_ok;
} wi;

static void ipi_wake(void *arg)
{
	wi.handler_cpu = (int)arch_cpu_id();
	wi.handler_irqs_on = arch_irqs_enabled();
	__atomic_store_n(&wi.flag, 1, __ATOMIC_RELEASE);
	wake_up(&wi.wq);
}

static int ipi_waiter(void *arg)
{
	wi.waiter_ok = wait_event_timeout(wi.wq, __atomic_load_n(&wi.flag, __ATOMIC_ACQUIRE),
					  10 * TEST_SEC);
	return 0;
}

/* A cross-CPU call (an IPI handler in the kernel) wakes a task sleeping on
 * the CPU it interrupts. */
KTEST(wait, wake_from_cross_cpu_call)
{
	unsigned other = test_other_cpu();
	if (other == arch_cpu_id()) {
		ktest_skip(t, "needs two CPUs");
		return;
	}
	wait_queue_head_init(&wi.wq, "ipi_wq");
	wi.flag = 0;
	wi.waiter_ok = 0;
	wi.handler_cpu = -1;
	struct task *tk = kthread_create_on_cpu(ipi_waiter, NULL, other, "ipi_waiter");
	KT_ASSERT(t, tk != NULL);
	u64 start = arch_time_ns();
	while (task_state(tk) != TASK_BLOCKED && arch_time_ns() - start < 5 * TEST_SEC)
		yield();
	KT_EXPECT_EQ(t, task_state(tk), TASK_BLOCKED);
	smp_call_on_cpus(cpu_mask_of(other), ipi_wake, NULL);
	kthread_join(tk);
	KT_EXPECT(t, wi.waiter_ok);
	KT_EXPECT_EQ(t, wi.handler_cpu, other);
	KT_EXPECT_EQ(t, wi.handler_irqs_on, 0);
}
