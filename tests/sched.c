/* Scheduler: threads on their CPUs, switching, join and freeing, moves
 * (task_migrate, and a wakeup with sched.migrate_on_wake=1). */
#include "kernel/completion.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "mm/page_alloc.h"
#include "test_kit.h"

struct where {
	struct task *self;
	unsigned cpu_at_start, cpu_after_yields, task_cpu;
};

static int record_cpu(void *arg)
{
	struct where *w = arg;
	w->self = current;
	w->cpu_at_start = arch_cpu_id();
	for (int i = 0; i < 10; i++)
		yield();
	w->cpu_after_yields = arch_cpu_id();
	w->task_cpu = current->cpu;
	return 42;
}

KTEST(sched, kthread_runs_on_its_cpu)
{
	unsigned cpu;
	for_each_online_cpu (cpu) {
		struct where w = { 0 };
		struct task *tk = kthread_create_on_cpu(record_cpu, &w, cpu, "where");
		KT_ASSERT(t, tk != NULL);
		KT_EXPECT_EQ(t, kthread_join(tk), 42);
		KT_EXPECT(t, w.self == tk);
		KT_EXPECT_EQ(t, w.cpu_at_start, cpu);
		KT_EXPECT_EQ(t, w.cpu_after_yields, cpu);
		KT_EXPECT_EQ(t, w.task_cpu, cpu);
	}
}

#define PING_PONG_ROUNDS 10000

struct ping_pong {
	struct completion ping, pong;
	unsigned long ping_count, pong_count;
};

static int pinger(void *arg)
{
	struct ping_pong *pp = arg;
	for (int i = 0; i < PING_PONG_ROUNDS; i++) {
		wait_for_completion(&pp->ping);
		pp->ping_count++;
		complete(&pp->pong);
	}
	return 0;
}

static int ponger(void *arg)
{
	struct ping_pong *pp = arg;
	for (int i = 0; i < PING_PONG_ROUNDS; i++) {
		complete(&pp->ping);
		wait_for_completion(&pp->pong);
		pp->pong_count++;
	}
	return 0;
}

KTEST(sched, ping_pong_completions)
{
	static struct ping_pong pp;
	init_completion(&pp.ping);
	init_completion(&pp.pong);
	pp.ping_count = pp.pong_count = 0;
	u64 switches = sched_context_switches();

	struct task *a = kthread_create_on_cpu(pinger, &pp, test_nth_cpu(0), "ping");
	struct task *b = kthread_create_on_cpu(ponger, &pp, test_nth_cpu(1), "pong");
	KT_ASSERT(t, a && b);
	kthread_join(a);
	kthread_join(b);
	KT_EXPECT_EQ(t, pp.ping_count, PING_PONG_ROUNDS);
	KT_EXPECT_EQ(t, pp.pong_count, PING_PONG_ROUNDS);
	KT_EXPECT(t, !completion_done(&pp.ping));
	KT_EXPECT(t, !completion_done(&pp.pong));
	/* Every round blocks at least one side. */
	KT_EXPECT(t, sched_context_switches() - switches >= PING_PONG_ROUNDS);
}

static int return_index(void *arg)
{
	for (int i = 0; i < 3; i++)
		yield();
	return (int)(long)arg;
}

#define MANY_THREADS 40

KTEST(sched, many_threads_join_frees_all)
{
	struct task *tasks[MANY_THREADS];
	unsigned long before = sched_nr_tasks();
	unsigned long free_before = nr_free_pages();

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < MANY_THREADS; i++) {
			tasks[i] = kthread_create_on_cpu(return_index, (void *)(long)(i + 1),
							 test_nth_cpu((unsigned)i), "many");
			KT_ASSERT(t, tasks[i] != NULL);
		}
		KT_EXPECT_EQ(t, sched_nr_tasks(), before + MANY_THREADS);
		for (int i = 0; i < MANY_THREADS; i++)
			KT_EXPECT_EQ(t, kthread_join(tasks[i]), i + 1);
		KT_EXPECT_EQ(t, sched_nr_tasks(), before);
	}
	/* Stacks and task structs went back to the page allocator. */
	KT_EXPECT_EQ(t, nr_free_pages(), free_before);
}

struct migrate_arg {
	unsigned cpus_seen[16];
	int errors;
};

static int migrator(void *arg)
{
	struct migrate_arg *m = arg;
	for (unsigned i = 0; i < 16; i++) {
		unsigned to = test_nth_cpu(i);
		if (task_migrate(current, to) != 0)
			m->errors++;
		yield();
		m->cpus_seen[i] = arch_cpu_id();
		if (current->cpu != to)
			m->errors++;
	}
	return 0;
}

KTEST(sched, task_migrate_moves_current)
{
	static struct migrate_arg m;
	struct task *tk = kthread_create_on_cpu(migrator, &m, test_nth_cpu(0), "migrator");
	KT_ASSERT(t, tk != NULL);
	kthread_join(tk);
	KT_EXPECT_EQ(t, m.errors, 0);
	for (unsigned i = 0; i < 16; i++)
		KT_EXPECT_EQ(t, m.cpus_seen[i], test_nth_cpu(i));
	KT_EXPECT_EQ(t, task_migrate(current, NR_CPUS_MAX), -EINVAL);
}

struct blocked_move {
	struct completion go, waiting;
	unsigned cpu_after;
};

static int wait_then_record(void *arg)
{
	struct blocked_move *b = arg;
	complete(&b->waiting);
	wait_for_completion(&b->go);
	b->cpu_after = arch_cpu_id();
	return 0;
}

/* A blocked task can be moved; it wakes up on its new CPU. */
KTEST(sched, task_migrate_moves_blocked_task)
{
	static struct blocked_move b;
	unsigned from = test_nth_cpu(1), to = test_nth_cpu(2);

	init_completion(&b.go);
	init_completion(&b.waiting);
	b.cpu_after = NR_CPUS_MAX;
	struct task *tk = kthread_create_on_cpu(wait_then_record, &b, from, "blocked");
	KT_ASSERT(t, tk != NULL);
	wait_for_completion(&b.waiting);
	/* It may not have blocked yet: then it is running and cannot move. */
	int err;
	u64 start = arch_time_ns();
	while ((err = task_migrate(tk, to)) == -EBUSY && arch_time_ns() - start < 5 * TEST_SEC)
		yield();
	KT_EXPECT_EQ(t, err, 0);
	complete(&b.go);
	kthread_join(tk);
	KT_EXPECT_EQ(t, b.cpu_after, to);
}

/*
 * sched.migrate_on_wake (select_task_rq, kernel/sched_wake.c): a task
 * blocks on a completion on CPU from; once it is asleep and switched out,
 * the test completes it. Where did it run after the wakeup?
 */
static bool sched_saved_migrate_on_wake;

static void restore_migrate_on_wake(void *arg)
{
	(void)arg;
	sched_migrate_on_wake = sched_saved_migrate_on_wake;
}

static bool set_migrate_on_wake(struct ktest *t, bool on)
{
	sched_saved_migrate_on_wake = sched_migrate_on_wake;
	if (!ktest_defer(t, restore_migrate_on_wake, NULL))
		return false;
	sched_migrate_on_wake = on;
	return true;
}

static unsigned cpu_after_wakeup(struct ktest *t, bool pinned, unsigned from)
{
	static struct blocked_move b;
	init_completion(&b.go);
	init_completion(&b.waiting);
	b.cpu_after = NR_CPUS_MAX;
	struct task *tk = pinned ? kthread_create_on_cpu(wait_then_record, &b, from, "pinned")
				 : kthread_create_unbound(wait_then_record, &b, from, "unbound");
	if (!KT_EXPECT(t, tk != NULL))
		return NR_CPUS_MAX;
	wait_for_completion(&b.waiting);
	/* A task that has not switched away yet is never moved: wait. */
	u64 start = arch_time_ns();
	while ((task_state(tk) != TASK_BLOCKED || task_curr(tk)) &&
	       arch_time_ns() - start < 5 * TEST_SEC)
		yield();
	KT_EXPECT_EQ(t, task_state(tk), TASK_BLOCKED);
	complete(&b.go);
	kthread_join(tk);
	return b.cpu_after;
}

KTEST(sched, migrate_on_wake_moves_a_woken_unpinned_task_to_the_next_cpu)
{
	if (!test_require_cpus(t, 2) || !set_migrate_on_wake(t, true))
		return;
	unsigned cpu;
	for_each_online_cpu (cpu) {
		u64 moves = test_stat("sched_wake_migrations");
		KT_EXPECT_EQ(t, cpu_after_wakeup(t, false, cpu), cpu_next_online(cpu));
		KT_EXPECT_EQ(t, test_stat("sched_wake_migrations"), moves + 1);
	}
}

KTEST(sched, migrate_on_wake_never_moves_a_pinned_task)
{
	if (!test_require_cpus(t, 2) || !set_migrate_on_wake(t, true))
		return;
	u64 moves = test_stat("sched_wake_migrations");
	unsigned cpu;
	for_each_online_cpu (cpu)
		KT_EXPECT_EQ(t, cpu_after_wakeup(t, true, cpu), cpu);
	KT_EXPECT_EQ(t, test_stat("sched_wake_migrations"), moves);
}

KTEST(sched, woken_task_stays_on_its_cpu_by_default)
{
	if (!set_migrate_on_wake(t, false))
		return;
	u64 moves = test_stat("sched_wake_migrations");
	unsigned cpu;
	for_each_online_cpu (cpu)
		KT_EXPECT_EQ(t, cpu_after_wakeup(t, false, cpu), cpu);
	KT_EXPECT_EQ(t, test_stat("sched_wake_migrations"), moves);
}
