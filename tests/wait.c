/* Wait queues: wake_up_all releases every waiter; wake_up one exclusive. */
#include "kernel/completion.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/wait.h"
#include "test_cpus.h"

#define WAITERS_PER_CPU 3

static struct {
	struct wait_queue_head wq;
	struct completion released;
	int go;            /* the condition; atomic */
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
