/*
 * Race points: disarmed points do nothing; armed points count, wait for
 * each other and so force one interleaving of two CPUs, every time; a
 * point that sleeps lets the other task of its CPU run.
 */
#include "kernel/completion.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "test_cpus.h"
#include "test_kit.h"

static void hit_a(void)
{
	race_point("test:a");
}
static void hit_b(void)
{
	race_point("test:b");
}

KTEST(race, disarmed_point_counts_nothing)
{
	race_disarm_all();
	for (int i = 0; i < 100; i++)
		hit_a();
	KT_EXPECT_EQ(t, race_hits("test:a"), 0);
	KT_EXPECT(t, race_point_exists("test:a"));
	KT_EXPECT(t, !race_point_exists("test:none"));
}

KTEST(race, count_counts_every_hit)
{
	KT_ASSERT(t, test_race_disarm_at_end(t));
	struct race_arming how = RACE_ARMING_DEFAULT;
	KT_ASSERT_EQ(t, race_arm("test:a", &how), 0);
	for (int i = 0; i < 10; i++)
		hit_a();
	KT_EXPECT_EQ(t, race_hits("test:a"), 10);
	race_disarm_all();
	hit_a();
	KT_EXPECT_EQ(t, race_hits("test:a"), 0);
}

KTEST(race, unknown_points_are_refused)
{
	KT_ASSERT(t, test_race_disarm_at_end(t));
	struct race_arming how = RACE_ARMING_DEFAULT;
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, race_arm("test:none", &how), -ENOENT);
	how.wait_for = "test:none";
	KT_EXPECT_EQ(t, race_arm("test:a", &how), -ENOENT);
	console_loglevel = saved;
	race_disarm_all();
}

/* "a waits for b": the n-th action of a needs the n-th hit of b. With
 * times=1 only the first hit of a waits; without it the second one waits
 * for a second b, which never comes, and times out (counted). */
KTEST(race, wait_pairs_hits_and_times_out_cleanly)
{
	KT_ASSERT(t, test_race_disarm_at_end(t));
	u64 timeouts = race_wait_timeouts();
	KT_ASSERT_EQ(t, race_arm_from_string("test:a/wait=test:b/times=1/timeout=1000", 39), 0);
	hit_b();
	hit_a(); /* b reached once: passes */
	hit_a(); /* beyond times=1: passes without waiting */
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
	KT_EXPECT_EQ(t, race_hits("test:a"), 2);
	race_disarm_all();

	KT_ASSERT_EQ(t, race_arm_from_string("test:a/wait=test:b/timeout=1000", 31), 0);
	hit_b();
	hit_a();
	hit_a(); /* waits for a second b: times out after 1 ms */
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts + 1);
	race_disarm_all();
}

KTEST(race, command_line_syntax)
{
	KT_ASSERT(t, test_race_disarm_at_end(t));
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	const char *good = "test:a/delay=1/cpu=0/times=3,test:b/count,test:t1.1/sleep=test:t2.end";
	KT_EXPECT_EQ(t, race_arm_from_string(good, strlen(good)), 0);
	race_disarm_all();
	const char *bad[] = { "test:a/delay=x", "test:a/bogus=1", "/delay=1", "test:a/cpu=99",
			      "no:such:point/count" };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		KT_EXPECT(t, race_arm_from_string(bad[i], strlen(bad[i])) != 0);
	race_disarm_all();
	console_loglevel = saved;
}

/* --- two CPUs in a forced order ------------------------------------------ */

struct order_log {
	spinlock_t lock;
	char seq[8];
	unsigned n;
};

static void log_step(struct order_log *log, char c)
{
	spin_lock(&log->lock);
	log->seq[log->n++] = c;
	spin_unlock(&log->lock);
}

static int thread_one(void *arg)
{
	race_point("test:t1.1");
	log_step(arg, 'a');
	race_point("test:t1.2");
	log_step(arg, 'b');
	race_point("test:t1.end");
	return 0;
}

static int thread_two(void *arg)
{
	race_point("test:t2.1");
	log_step(arg, 'X');
	race_point("test:t2.2");
	log_step(arg, 'Y');
	race_point("test:t2.end");
	return 0;
}

/* Arming for X a Y b: t1 starts after X, t2 continues after a, t1
 * continues after Y. */
static const char *const scenario =
	"test:t1.1/wait=test:t2.2,test:t2.2/wait=test:t1.2,test:t1.2/wait=test:t2.end";

KTEST(race, rendezvous_forces_one_interleaving)
{
	/* Race waits spin: each thread needs a CPU of its own. */
	if (!test_require_cpus(t, 2))
		return;
	KT_ASSERT(t, test_race_disarm_at_end(t));
	u64 timeouts = race_wait_timeouts();
	for (int round = 0; round < 50; round++) {
		struct order_log log = { SPINLOCK_INIT("order_log"), { 0 }, 0 };
		KT_ASSERT_EQ(t, race_arm_from_string(scenario, strlen(scenario)), 0);
		/* t1 starts first: unforced, it would log a and b before X. */
		struct task *one =
			kthread_create_on_cpu(thread_one, &log, test_nth_cpu(0), "race1");
		struct task *two =
			kthread_create_on_cpu(thread_two, &log, test_nth_cpu(1), "race2");
		KT_ASSERT(t, one && two);
		kthread_join(one);
		kthread_join(two);
		race_disarm_all();
		if (!KT_EXPECT(t, log.n == 4 && memcmp(log.seq, "XaYb", 4) == 0)) {
			ktest_diag(t, "round %d: order %.4s", round, log.seq);
			break;
		}
	}
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
}

/* A point armed with sleep= blocks its task, so the other task of the same
 * CPU runs (a spinning wait would hold the CPU until it timed out), and the
 * awaited point's hit wakes it: X Y a b on one CPU. */
KTEST(race, sleep_lets_the_other_task_of_its_cpu_run)
{
	KT_ASSERT(t, test_race_disarm_at_end(t));
	u64 timeouts = race_wait_timeouts();
	unsigned cpu = test_other_cpu();
	for (int round = 0; round < 20; round++) {
		struct order_log log = { SPINLOCK_INIT("order_log"), { 0 }, 0 };
		const struct test_race_point points[] = {
			{ "test:t1.1", TEST_RACE_SLEEP("test:t2.end", -1) },
		};
		KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
		struct task *one = kthread_create_on_cpu(thread_one, &log, cpu, "race1");
		struct task *two = kthread_create_on_cpu(thread_two, &log, cpu, "race2");
		KT_ASSERT(t, one && two);
		kthread_join(one);
		kthread_join(two);
		race_disarm_all();
		if (!KT_EXPECT(t, log.n == 4 && memcmp(log.seq, "XYab", 4) == 0)) {
			ktest_diag(t, "round %d: order %.4s", round, log.seq);
			break;
		}
	}
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
}
