/* RCU: grace periods wait for readers on other CPUs; callbacks after them. */
#include "kernel/completion.h"
#include "kernel/ktest.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "test_cpus.h"
#include "test_kit.h"

#define OBJ_LIVE 0x11fe11fe11fe11feull
#define OBJ_POISON 0xdeaddeaddeaddeadull

struct obj {
	u64 magic;
	u64 seq;
	struct rcu_head rcu;
	struct obj *next_free; /* pool free list; under the pool lock */
};

static struct obj *global_obj; /* RCU-protected */

/* --- a reader holds an old pointer across synchronize_rcu --- */

static struct {
	struct completion inside;
	u64 left_ns; /* time the reader left its section; atomic */
	int left;    /* atomic */
	int saw_poison;
} sr;

static int long_reader(void *arg)
{
	rcu_read_lock();
	struct obj *p = rcu_dereference(global_obj);
	complete(&sr.inside);
	u64 start = arch_time_ns();
	while (arch_time_ns() - start < 50 * TEST_MS)
		arch_cpu_relax();
	if (p->magic != OBJ_LIVE)
		sr.saw_poison = 1;
	__atomic_store_n(&sr.left_ns, arch_time_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&sr.left, 1, __ATOMIC_RELEASE);
	rcu_read_unlock();
	return 0;
}

KTEST(rcu, synchronize_waits_for_reader)
{
	static struct obj a = { .magic = OBJ_LIVE }, b = { .magic = OBJ_LIVE };
	init_completion(&sr.inside);
	sr.left = 0;
	sr.saw_poison = 0;
	rcu_assign_pointer(global_obj, &a);

	struct task *r = kthread_create_on_cpu(long_reader, NULL, test_other_cpu(), "reader");
	KT_ASSERT(t, r != NULL);
	wait_for_completion(&sr.inside);
	rcu_assign_pointer(global_obj, &b);
	KT_EXPECT_EQ(t, __atomic_load_n(&sr.left, __ATOMIC_ACQUIRE), nr_cpus_online > 1 ? 0 : 1);
	synchronize_rcu();
	u64 done = arch_time_ns();
	KT_EXPECT_EQ(t, __atomic_load_n(&sr.left, __ATOMIC_ACQUIRE), 1);
	KT_EXPECT(t, done >= __atomic_load_n(&sr.left_ns, __ATOMIC_RELAXED));
	a.magic = OBJ_POISON; /* what a free would do: the reader must be gone */
	kthread_join(r);
	KT_EXPECT_EQ(t, sr.saw_poison, 0);
	rcu_assign_pointer(global_obj, NULL);
}

/* --- call_rcu runs its callback only after a grace period --- */

static struct {
	struct rcu_head head;
	struct completion ran, inside;
	u64 gp_at_call, gp_at_run;
	int reader_left; /* atomic */
	int reader_left_at_run;
} cr;

static void cr_callback(struct rcu_head *head)
{
	cr.gp_at_run = rcu_completed_grace_periods();
	cr.reader_left_at_run = __atomic_load_n(&cr.reader_left, __ATOMIC_ACQUIRE);
	complete(&cr.ran);
}

static int cr_reader(void *arg)
{
	rcu_read_lock();
	complete(&cr.inside);
	u64 start = arch_time_ns();
	while (arch_time_ns() - start < 30 * TEST_MS)
		arch_cpu_relax();
	__atomic_store_n(&cr.reader_left, 1, __ATOMIC_RELEASE);
	rcu_read_unlock();
	return 0;
}

KTEST(rcu, call_rcu_runs_after_grace_period)
{
	init_completion(&cr.ran);
	init_completion(&cr.inside);
	cr.reader_left = 0;
	u64 callbacks = test_stat("rcu_callbacks");

	struct task *r = kthread_create_on_cpu(cr_reader, NULL, test_other_cpu(), "reader");
	KT_ASSERT(t, r != NULL);
	wait_for_completion(&cr.inside);
	cr.gp_at_call = rcu_completed_grace_periods();
	call_rcu(&cr.head, cr_callback);
	KT_ASSERT_EQ(t, wait_for_completion_timeout(&cr.ran, 10 * TEST_SEC), 0);
	KT_EXPECT(t, cr.gp_at_run > cr.gp_at_call);
	KT_EXPECT_EQ(t, cr.reader_left_at_run, 1);
	kthread_join(r);
	u64 after = test_stat("rcu_callbacks");
	KT_EXPECT(t, after > callbacks);
}

/* --- stress: readers everywhere, a writer replacing and freeing --- */

#define STRESS_POOL 128
#define STRESS_WRITES 3000
#define STRESS_READERS_MAX NR_CPUS_MAX

static struct {
	struct obj pool[STRESS_POOL];
	spinlock_t pool_lock;
	struct obj *free_list; /* under pool_lock */
	int stop;	       /* atomic */
	atomic_long_t reads;
	atomic_t bad;
	atomic_t freed;
} rs;

static struct obj *stress_alloc(void)
{
	unsigned long irq = spin_lock_irqsave(&rs.pool_lock);
	struct obj *o = rs.free_list;
	if (o)
		rs.free_list = o->next_free;
	spin_unlock_irqrestore(&rs.pool_lock, irq);
	return o;
}

/* The "free": poison, then return to the pool for reuse. */
static void stress_free(struct rcu_head *head)
{
	struct obj *o = container_of(head, struct obj, rcu);
	o->magic = OBJ_POISON;
	o->seq = ~0ull;
	unsigned long irq = spin_lock_irqsave(&rs.pool_lock);
	o->next_free = rs.free_list;
	rs.free_list = o;
	spin_unlock_irqrestore(&rs.pool_lock, irq);
	atomic_inc(&rs.freed);
}

static int stress_reader(void *arg)
{
	u64 last_seq = 0;
	unsigned n = 0;

	while (!__atomic_load_n(&rs.stop, __ATOMIC_ACQUIRE)) {
		rcu_read_lock();
		struct obj *p = rcu_dereference(global_obj);
		u64 magic = READ_ONCE(p->magic), seq = READ_ONCE(p->seq);
		for (int i = 0; i < 20; i++)
			arch_cpu_relax();
		/* Freed (poisoned) or recycled under us: the bug RCU prevents. */
		if (magic != OBJ_LIVE || READ_ONCE(p->magic) != OBJ_LIVE ||
		    READ_ONCE(p->seq) != seq || seq < last_seq)
			atomic_inc(&rs.bad);
		last_seq = seq;
		rcu_read_unlock();
		atomic_long_inc(&rs.reads);
		if (++n % 16 == 0)
			yield();
	}
	return 0;
}

KTEST(rcu, stress)
{
	struct task *readers[STRESS_READERS_MAX];
	unsigned nr = nr_cpus_online, cpu, i = 0;
	u64 gps = rcu_completed_grace_periods();

	spin_lock_init(&rs.pool_lock, "rcu_stress_pool");
	rs.free_list = NULL;
	for (int k = 0; k < STRESS_POOL; k++)
		stress_free(&rs.pool[k].rcu);
	atomic_set(&rs.freed, 0);
	atomic_set(&rs.bad, 0);
	atomic_long_set(&rs.reads, 0);
	rs.stop = 0;
	struct obj *first = stress_alloc();
	first->seq = 1;
	first->magic = OBJ_LIVE;
	rcu_assign_pointer(global_obj, first);

	for_each_online_cpu (cpu) {
		readers[i] = kthread_create_on_cpu(stress_reader, NULL, cpu, "rcu_reader");
		KT_ASSERT(t, readers[i] != NULL);
		i++;
	}
	for (u64 seq = 2; seq <= STRESS_WRITES; seq++) {
		struct obj *o;
		while (!(o = stress_alloc()))
			rcu_barrier(); /* pool empty: wait for the frees */
		o->seq = seq;
		o->magic = OBJ_LIVE;
		struct obj *old = global_obj;
		rcu_assign_pointer(global_obj, o);
		call_rcu(&old->rcu, stress_free);
		if (seq % 8 == 0)
			yield();
	}
	__atomic_store_n(&rs.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nr; i++)
		kthread_join(readers[i]);
	rcu_barrier();
	KT_EXPECT_EQ(t, atomic_read(&rs.bad), 0);
	KT_EXPECT_EQ(t, atomic_read(&rs.freed), STRESS_WRITES - 1);
	KT_EXPECT(t, atomic_long_read(&rs.reads) > 0);
	KT_EXPECT(t, rcu_completed_grace_periods() > gps);
	ktest_diag(t, "%ld reads, %lu grace periods", atomic_long_read(&rs.reads),
		   (unsigned long)(rcu_completed_grace_periods() - gps));
	rcu_assign_pointer(global_obj, NULL);
}

#define BARRIER_CALLBACKS_PER_CPU 50

static struct rcu_head barrier_heads[NR_CPUS_MAX][BARRIER_CALLBACKS_PER_CPU];
static atomic_t barrier_ran;

static void barrier_cb(struct rcu_head *head)
{
	atomic_inc(&barrier_ran);
}

static int queue_barrier_callbacks(void *arg)
{
	unsigned cpu = arch_cpu_id();
	for (int i = 0; i < BARRIER_CALLBACKS_PER_CPU; i++)
		call_rcu(&barrier_heads[cpu][i], barrier_cb);
	return 0;
}

/* rcu_barrier() returns only after every callback queued before it ran,
 * whichever CPU queued it. */
KTEST(rcu, barrier_waits_for_all_callbacks)
{
	struct task *tasks[NR_CPUS_MAX];
	unsigned cpu, n = 0;

	atomic_set(&barrier_ran, 0);
	for_each_online_cpu (cpu) {
		tasks[n] = kthread_create_on_cpu(queue_barrier_callbacks, NULL, cpu, "queue_cb");
		KT_ASSERT(t, tasks[n] != NULL);
		n++;
	}
	for (unsigned i = 0; i < n; i++)
		kthread_join(tasks[i]);
	rcu_barrier();
	KT_EXPECT_EQ(t, atomic_read(&barrier_ran), n * BARRIER_CALLBACKS_PER_CPU);
}
