/*
 * Direct reclaim throttling (mm/reclaim_throttle.c): up to
 * reclaim.direct_max reclaimers at once; a scan that may decide an OOM
 * kill runs alone, waits for the others to leave and keeps newcomers out.
 */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "mm/reclaim_throttle.h"
#include "test_kit.h"

static struct {
	int order[2]; /* who got in, in order: 'A' alone, 'S' shared */
	atomic_t next;
	bool slept[2];
} rt;

static void rt_record(int who, bool slept)
{
	int i = atomic_add_return(&rt.next, 1) - 1;
	rt.order[i] = who;
	rt.slept[i] = slept;
}

static int rt_alone(void *arg)
{
	(void)arg;
	bool slept = reclaim_throttle_enter(true);
	rt_record('A', slept);
	reclaim_throttle_exit();
	return 0;
}

static int rt_shared(void *arg)
{
	(void)arg;
	bool slept = reclaim_throttle_enter(false);
	rt_record('S', slept);
	reclaim_throttle_exit();
	return 0;
}

static void rt_restore_max(void *arg)
{
	reclaim_throttle_set_max((unsigned)(unsigned long)arg);
}

static bool rt_wait_blocked(struct task *task)
{
	u64 start = arch_time_ns();
	while (task_state(task) != TASK_BLOCKED && arch_time_ns() - start < 5 * TEST_SEC)
		yield();
	return task_state(task) == TASK_BLOCKED;
}

/* Let woken tasks run and look again (they must go back to sleep). */
static void rt_let_run(void)
{
	u64 start = arch_time_ns();
	while (arch_time_ns() - start < 20 * 1000 * 1000ull)
		yield();
}

KTEST(reclaim_throttle, up_to_the_limit_enter_and_a_lone_scan_waits_for_them_and_goes_first)
{
	KT_ASSERT_EQ(t, reclaim_throttle_nr_inside(), 0);
	unsigned old = reclaim_throttle_set_max(2);
	ktest_defer(t, rt_restore_max, (void *)(unsigned long)old);
	memset(&rt, 0, sizeof(rt));
	/* This task takes both places (entries are counted, not owned). */
	KT_EXPECT(t, !reclaim_throttle_enter(false));
	KT_EXPECT(t, !reclaim_throttle_enter(false));
	KT_EXPECT_EQ(t, reclaim_throttle_nr_inside(), 2);
	u64 waits = test_stat("reclaim_direct_waits");
	struct task *a = kthread_create_on_cpu(rt_alone, NULL, test_nth_cpu(1), "rt-alone");
	KT_ASSERT(t, a != NULL);
	KT_EXPECT(t, rt_wait_blocked(a));
	struct task *s = kthread_create_on_cpu(rt_shared, NULL, test_nth_cpu(2), "rt-shared");
	KT_ASSERT(t, s != NULL);
	KT_EXPECT(t, rt_wait_blocked(s));
	KT_EXPECT_EQ(t, test_stat("reclaim_direct_waits"), waits + 2);
	/* One place free: the shared one may not take it (a lone scan
	 * waits), and the lone scan waits for the last one to leave. */
	reclaim_throttle_exit();
	rt_let_run();
	KT_EXPECT_EQ(t, atomic_read(&rt.next), 0);
	KT_EXPECT_EQ(t, reclaim_throttle_nr_inside(), 1);
	reclaim_throttle_exit();
	kthread_join(a);
	kthread_join(s);
	KT_ASSERT_EQ(t, atomic_read(&rt.next), 2);
	KT_EXPECT_EQ(t, rt.order[0], 'A');
	KT_EXPECT_EQ(t, rt.order[1], 'S');
	KT_EXPECT(t, rt.slept[0] && rt.slept[1]);
	KT_EXPECT_EQ(t, reclaim_throttle_nr_inside(), 0);
}

/* reclaim.direct_max=1 is the old design: one direct reclaimer at a time. */
KTEST(reclaim_throttle, limit_one_lets_one_in_at_a_time)
{
	KT_ASSERT_EQ(t, reclaim_throttle_nr_inside(), 0);
	unsigned old = reclaim_throttle_set_max(1);
	ktest_defer(t, rt_restore_max, (void *)(unsigned long)old);
	memset(&rt, 0, sizeof(rt));
	KT_EXPECT(t, !reclaim_throttle_enter(false));
	struct task *s = kthread_create_on_cpu(rt_shared, NULL, test_nth_cpu(1), "rt-shared");
	KT_ASSERT(t, s != NULL);
	KT_EXPECT(t, rt_wait_blocked(s));
	KT_EXPECT_EQ(t, atomic_read(&rt.next), 0);
	reclaim_throttle_exit();
	kthread_join(s);
	KT_EXPECT_EQ(t, atomic_read(&rt.next), 1);
	KT_EXPECT(t, rt.slept[0]);
}
