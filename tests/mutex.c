/* Mutex: mutual exclusion across CPUs with sleeping owners. */
#include "kernel/ktest.h"
#include "kernel/mutex.h"
#include "kernel/sched.h"
#include "test_cpus.h"

#define MUTEX_THREADS_PER_CPU 2
#define MUTEX_ITERATIONS 300

static struct {
	struct mutex lock;
	unsigned long counter; /* under lock */
	atomic_t holders;      /* tasks inside the critical section */
	atomic_t violations;
} mc;

static int mutex_incrementer(void *arg)
{
	for (int i = 0; i < MUTEX_ITERATIONS; i++) {
		mutex_lock(&mc.lock);
		if (atomic_add_return(&mc.holders, 1) != 1 || !mutex_held_by_me(&mc.lock))
			atomic_inc(&mc.violations);
		unsigned long v = mc.counter;
		if (i % 3 == 0)
			yield(); /* others run and must block on the mutex */
		mc.counter = v + 1;
		atomic_dec(&mc.holders);
		mutex_unlock(&mc.lock);
		if (i % 7 == 0)
			yield();
	}
	return 0;
}

KTEST(mutex, counter_from_all_cpus)
{
	unsigned n = MUTEX_THREADS_PER_CPU * nr_cpus_online;
	struct task *tasks[MUTEX_THREADS_PER_CPU * NR_CPUS_MAX];

	mutex_init(&mc.lock, "test_mutex");
	mc.counter = 0;
	atomic_set(&mc.holders, 0);
	atomic_set(&mc.violations, 0);
	for (unsigned i = 0; i < n; i++) {
		tasks[i] = kthread_create_on_cpu(mutex_incrementer, NULL, test_nth_cpu(i), "inc");
		KT_ASSERT(t, tasks[i] != NULL);
	}
	for (unsigned i = 0; i < n; i++)
		kthread_join(tasks[i]);
	KT_EXPECT_EQ(t, mc.counter, (unsigned long)n * MUTEX_ITERATIONS);
	KT_EXPECT_EQ(t, atomic_read(&mc.violations), 0);
	KT_EXPECT(t, !mutex_is_locked(&mc.lock));
}

KTEST(mutex, trylock_fails_when_held)
{
	DEFINE_MUTEX(m);
	KT_EXPECT(t, mutex_trylock(&m));
	KT_EXPECT(t, mutex_is_locked(&m));
	KT_EXPECT(t, mutex_held_by_me(&m));
	KT_EXPECT(t, !mutex_trylock(&m));
	mutex_unlock(&m);
	KT_EXPECT(t, !mutex_is_locked(&m));
}

#define FIFO_WAITERS 6

static struct {
	struct mutex lock;
	int order[FIFO_WAITERS]; /* under lock */
	int next;		 /* under lock */
} mf;

static int fifo_waiter(void *arg)
{
	mutex_lock(&mf.lock);
	mf.order[mf.next++] = (int)(long)arg;
	mutex_unlock(&mf.lock);
	return 0;
}

/* Waiters get the mutex in the order they queued, whatever their CPU. */
KTEST(mutex, waiters_served_in_fifo_order)
{
	struct task *tasks[FIFO_WAITERS];

	mutex_init(&mf.lock, "fifo_mutex");
	mf.next = 0;
	mutex_lock(&mf.lock);
	for (int i = 0; i < FIFO_WAITERS; i++) {
		tasks[i] = kthread_create_on_cpu(fifo_waiter, (void *)(long)i,
						 test_nth_cpu((unsigned)i), "fifo");
		KT_ASSERT(t, tasks[i] != NULL);
		u64 start = arch_time_ns();
		while (task_state(tasks[i]) != TASK_BLOCKED &&
		       arch_time_ns() - start < 5 * TEST_SEC)
			yield();
		KT_ASSERT_EQ(t, task_state(tasks[i]), TASK_BLOCKED);
	}
	mutex_unlock(&mf.lock);
	for (int i = 0; i < FIFO_WAITERS; i++)
		kthread_join(tasks[i]);
	KT_EXPECT_EQ(t, mf.next, FIFO_WAITERS);
	for (int i = 0; i < FIFO_WAITERS; i++)
		KT_EXPECT_EQ(t, mf.order[i], i);
}
