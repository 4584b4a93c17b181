/* rwsem: readers share, a writer excludes everyone, writers are not starved. */
#include "kernel/ktest.h"
#include "kernel/rwsem.h"
#include "kernel/sched.h"
#include "test_cpus.h"

#define RWSEM_ITERATIONS 200

static struct {
	struct rw_semaphore sem;
	atomic_t readers_in;  /* readers inside */
	atomic_t writers_in;  /* writers inside */
	atomic_t max_readers; /* most readers seen inside at once */
	atomic_t violations;
	unsigned long counter; /* written under the write lock */
} rw;

static int rwsem_reader(void *arg)
{
	for (int i = 0; i < RWSEM_ITERATIONS; i++) {
		down_read(&rw.sem);
		int n = atomic_add_return(&rw.readers_in, 1);
		if (atomic_read(&rw.writers_in) != 0)
			atomic_inc(&rw.violations);
		int m = atomic_read(&rw.max_readers);
		if (n > m)
			atomic_cmpxchg(&rw.max_readers, m, n);
		yield();
		atomic_dec(&rw.readers_in);
		up_read(&rw.sem);
		if (i % 5 == 0)
			yield();
	}
	return 0;
}

static int rwsem_writer(void *arg)
{
	for (int i = 0; i < RWSEM_ITERATIONS; i++) {
		down_write(&rw.sem);
		if (atomic_add_return(&rw.writers_in, 1) != 1 || atomic_read(&rw.readers_in))
			atomic_inc(&rw.violations);
		unsigned long v = rw.counter;
		if (i % 3 == 0)
			yield();
		rw.counter = v + 1;
		atomic_dec(&rw.writers_in);
		up_write(&rw.sem);
		yield();
	}
	return 0;
}

KTEST(rwsem, writers_exclude_readers_share)
{
	struct task *tasks[2 * NR_CPUS_MAX];
	unsigned n = 2 * nr_cpus_online;

	init_rwsem(&rw.sem, "test_rwsem");
	atomic_set(&rw.readers_in, 0);
	atomic_set(&rw.writers_in, 0);
	atomic_set(&rw.max_readers, 0);
	atomic_set(&rw.violations, 0);
	rw.counter = 0;
	for (unsigned i = 0; i < n; i++) {
		tasks[i] = kthread_create_on_cpu(i % 2 ? rwsem_writer : rwsem_reader, NULL,
						 test_nth_cpu(i / 2), i % 2 ? "rw-w" : "rw-r");
		KT_ASSERT(t, tasks[i] != NULL);
	}
	for (unsigned i = 0; i < n; i++)
		kthread_join(tasks[i]);
	KT_EXPECT_EQ(t, atomic_read(&rw.violations), 0);
	KT_EXPECT_EQ(t, rw.counter, (unsigned long)(n / 2) * RWSEM_ITERATIONS);
	KT_EXPECT(t, !rwsem_is_read_locked(&rw.sem));
}

KTEST(rwsem, readers_share_and_trylock_respects_holders)
{
	struct rw_semaphore s;
	init_rwsem(&s, "s");
	down_read(&s);
	KT_EXPECT(t, down_read_trylock(&s)); /* a second reader enters */
	KT_EXPECT(t, !down_write_trylock(&s));
	up_read(&s);
	up_read(&s);
	KT_EXPECT(t, down_write_trylock(&s));
	KT_EXPECT(t, rwsem_is_write_locked_by_me(&s));
	KT_EXPECT(t, !down_read_trylock(&s));
	up_write(&s);
	KT_EXPECT(t, down_read_trylock(&s));
	up_read(&s);
}

static int rwsem_late_writer(void *arg)
{
	down_write(&rw.sem);
	rw.counter = 42;
	up_write(&rw.sem);
	return 0;
}

/* A waiting writer blocks new readers, so it gets in before them. */
KTEST(rwsem, waiting_writer_blocks_new_readers)
{
	init_rwsem(&rw.sem, "test_rwsem");
	rw.counter = 0;
	down_read(&rw.sem);
	struct task *w = kthread_create_on_cpu(rwsem_late_writer, NULL, test_other_cpu(), "late-w");
	KT_ASSERT(t, w != NULL);
	u64 end = arch_time_ns() + 2 * TEST_SEC;
	bool waiting = false;
	while (!waiting && arch_time_ns() < end) {
		spin_lock(&rw.sem.lock);
		waiting = rw.sem.writers_waiting > 0;
		spin_unlock(&rw.sem.lock);
		yield();
	}
	KT_EXPECT(t, waiting);
	KT_EXPECT(t, !down_read_trylock(&rw.sem));
	up_read(&rw.sem);
	kthread_join(w);
	KT_EXPECT_EQ(t, rw.counter, 42);
}
