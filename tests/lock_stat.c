/*
 * Lock statistics (kernel/lock_stat.h): an uncontended lock counts its
 * acquisitions and no contention; a spinlock held by another CPU while
 * this one asks for it counts one contended acquisition with a wait; so
 * does a mutex. Each test starts and stops the statistics itself, so it
 * runs in every boot, and reads only its own lock's class.
 */
#include "kernel/ktest.h"
#include "kernel/lock_stat.h"
#include "kernel/mutex.h"
#include "kernel/sched.h"
#include "test_cpus.h"
#include "test_kit.h"

#define LOCK_STAT_TEST_ROUNDS 10
#define LOCK_STAT_TEST_HOLD_US 5000

static void lock_stat_test_stop(void *arg)
{
	lock_stat_stop();
}

/* Start counting, stopped when the test ends however it ends. */
static bool lock_stat_test_start(struct ktest *t)
{
	lock_stat_start();
	return ktest_defer(t, lock_stat_test_stop, NULL);
}

static struct lock_class_stats lock_stat_test_read(const char *name, enum lock_kind kind)
{
	struct lock_class_stats s = { 0, 0, 0, 0 };
	lock_stat_read(name, kind, &s);
	return s;
}

KTEST(lock_stat, an_uncontended_lock_counts_acquisitions_and_no_contention)
{
	static DEFINE_SPINLOCK(lock_stat_test_quiet);
	KT_ASSERT(t, lock_stat_test_start(t));
	struct lock_class_stats before = lock_stat_test_read("lock_stat_test_quiet", LOCK_SPIN);
	for (int i = 0; i < 100; i++) {
		spin_lock(&lock_stat_test_quiet);
		spin_unlock(&lock_stat_test_quiet);
	}
	KT_EXPECT(t, spin_trylock(&lock_stat_test_quiet));
	spin_unlock(&lock_stat_test_quiet);
	struct lock_class_stats after = lock_stat_test_read("lock_stat_test_quiet", LOCK_SPIN);
	KT_EXPECT_EQ(t, after.acquisitions - before.acquisitions, 101);
	KT_EXPECT_EQ(t, after.contended - before.contended, 0);
	KT_EXPECT_EQ(t, after.wait_ns - before.wait_ns, 0);
}

/*
 * The holder takes the lock on another CPU and lets go LOCK_STAT_TEST_HOLD_US
 * after the waiter says it is about to ask. A test-and-set lock shows no
 * waiter in its word, so the holder cannot wait for the spin itself: if
 * the waiter's CPU was held up longer than that (a busy host), the round
 * finds the lock free and is repeated.
 */
static struct {
	spinlock_t lock;
	int held;   /* the holder has the lock; atomic */
	int asking; /* the waiter is about to spin_lock; atomic */
} lst = { SPINLOCK_INIT("lock_stat_test_spin"), 0, 0 };

static int lock_stat_spin_holder(void *arg)
{
	spin_lock(&lst.lock);
	__atomic_store_n(&lst.held, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&lst.asking, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	arch_udelay(LOCK_STAT_TEST_HOLD_US);
	spin_unlock(&lst.lock);
	return 0;
}

/* One round: true when this CPU's acquisition had to wait. */
static bool lock_stat_spin_round(struct ktest *t, struct lock_class_stats *before)
{
	__atomic_store_n(&lst.held, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lst.asking, 0, __ATOMIC_RELAXED);
	struct task *holder =
		kthread_create_on_cpu(lock_stat_spin_holder, NULL, test_other_cpu(), "lst_holder");
	if (!KT_EXPECT(t, holder != NULL))
		return false;
	while (!__atomic_load_n(&lst.held, __ATOMIC_ACQUIRE))
		yield();
	*before = lock_stat_test_read("lock_stat_test_spin", LOCK_SPIN);
	__atomic_store_n(&lst.asking, 1, __ATOMIC_RELEASE);
	spin_lock(&lst.lock);
	spin_unlock(&lst.lock);
	kthread_join(holder);
	struct lock_class_stats after = lock_stat_test_read("lock_stat_test_spin", LOCK_SPIN);
	return after.contended > before->contended;
}

KTEST(lock_stat, a_spinlock_held_by_another_cpu_counts_a_contended_acquisition_and_its_wait)
{
	if (!test_require_cpus(t, 2))
		return;
	KT_ASSERT(t, lock_stat_test_start(t));
	struct lock_class_stats before, after;
	unsigned round = 1;
	while (!lock_stat_spin_round(t, &before) && round < LOCK_STAT_TEST_ROUNDS)
		round++;
	after = lock_stat_test_read("lock_stat_test_spin", LOCK_SPIN);
	ktest_diag(t, "round %u: acquisitions +%lu, contended +%lu, wait %lu us (max %lu us)",
		   round, (unsigned long)(after.acquisitions - before.acquisitions),
		   (unsigned long)(after.contended - before.contended),
		   (unsigned long)((after.wait_ns - before.wait_ns) / 1000),
		   (unsigned long)(after.wait_max_ns / 1000));
	KT_EXPECT_EQ(t, after.contended - before.contended, 1);
	KT_EXPECT(t, after.wait_ns > before.wait_ns);
	KT_EXPECT(t, after.wait_max_ns > 0);
	/* The waiter's acquisition; the holder's was counted before. */
	KT_EXPECT_EQ(t, after.acquisitions - before.acquisitions, 1);
}

/*
 * A mutex shows its waiter: the holder lets go only once the waiter is
 * queued, so one round is enough.
 */
static struct mutex lock_stat_test_mutex = MUTEX_INIT(lock_stat_test_mutex);
static int lsm_held; /* atomic */

static bool lock_stat_mutex_has_waiter(struct mutex *m)
{
	unsigned long irq = spin_lock_irqsave(&m->wait_lock);
	bool waiter = !list_empty(&m->waiters);
	spin_unlock_irqrestore(&m->wait_lock, irq);
	return waiter;
}

static int lock_stat_mutex_holder(void *arg)
{
	mutex_lock(&lock_stat_test_mutex);
	__atomic_store_n(&lsm_held, 1, __ATOMIC_RELEASE);
	/* Not too often: a test-and-set wait_lock would mostly go to us. */
	while (!lock_stat_mutex_has_waiter(&lock_stat_test_mutex))
		arch_udelay(100);
	mutex_unlock(&lock_stat_test_mutex);
	return 0;
}

KTEST(lock_stat, a_mutex_held_by_another_task_counts_a_contended_acquisition_and_its_wait)
{
	if (!test_require_cpus(t, 2))
		return;
	KT_ASSERT(t, lock_stat_test_start(t));
	__atomic_store_n(&lsm_held, 0, __ATOMIC_RELAXED);
	struct task *holder =
		kthread_create_on_cpu(lock_stat_mutex_holder, NULL, test_other_cpu(), "lsm_holder");
	KT_ASSERT(t, holder != NULL);
	while (!__atomic_load_n(&lsm_held, __ATOMIC_ACQUIRE))
		yield();
	struct lock_class_stats before = lock_stat_test_read("lock_stat_test_mutex", LOCK_MUTEX);
	mutex_lock(&lock_stat_test_mutex);
	mutex_unlock(&lock_stat_test_mutex);
	kthread_join(holder);
	struct lock_class_stats after = lock_stat_test_read("lock_stat_test_mutex", LOCK_MUTEX);
	KT_EXPECT_EQ(t, after.acquisitions - before.acquisitions, 1);
	KT_EXPECT_EQ(t, after.contended - before.contended, 1);
	KT_EXPECT(t, after.wait_ns > before.wait_ns);
}
