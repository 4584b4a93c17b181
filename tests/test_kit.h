/*
 * The small toolkit tests share (kernel and host):
 *   test_require_cpus / test_require_free_mib / test_require_disk: skip
 *     with the reason when the machine lacks what the test needs;
 *   test_stat: one counter by name;
 *   test_drained_free_pages: the free page count, per-CPU lists drained;
 *   test_rand: a small deterministic PRNG (xorshift64);
 *   test_sort_u32: sort an array in place (a benchmark's percentiles);
 *   test_put_u32: a word into a table or header a parser test builds;
 *   test_done_list_pop / test_done_list_any: a list completions fill;
 *   test_race_arm: arm a scenario's race points (a table of struct
 *     test_race_point), disarmed when the test ends however it ends;
 *   test_ramswap: a RAM block device of the test's own, switched off as
 *     swap and freed when the test ends.
 * Clean-ups go through ktest_defer, so a KT_ASSERT that returns early
 * leaves nothing behind for the runner's leak check to find.
 */
#ifndef TESTS_TEST_KIT_H
#define TESTS_TEST_KIT_H

#include "drivers/blockdev.h"
#include "drivers/ramswap.h"
#include "kernel/ktest.h"
#include "kernel/list.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/spinlock.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "mm/swap.h"
#include "tests/test_cpus.h"

/* Ready for a skip reason that names numbers. */
static inline void test_skip_fmt(struct ktest *t, char *buf, size_t size, const char *fmt,
				 unsigned long a, unsigned long b)
{
	snprintk(buf, size, fmt, a, b);
	ktest_skip(t, buf);
}

/* True when at least n CPUs are online; otherwise the test skips. The
 * reason must outlive the test: it lives in a static buffer per call site
 * (tests run one at a time). */
#define test_require_cpus(t, n)                                                                    \
	({                                                                                         \
		static char _why[64];                                                              \
		bool _ok = nr_cpus_online >= (unsigned)(n);                                        \
		if (!_ok)                                                                          \
			test_skip_fmt(t, _why, sizeof(_why), "needs %lu CPUs, %lu online",         \
				      (unsigned long)(n), (unsigned long)nr_cpus_online);          \
		_ok;                                                                               \
	})

/* True when mib MiB are free above the min watermark. */
#define test_require_free_mib(t, mib)                                                              \
	({                                                                                         \
		static char _why[80];                                                              \
		unsigned long _have =                                                              \
			nr_free_pages() > page_alloc_watermarks()->min                             \
				? (nr_free_pages() - page_alloc_watermarks()->min) >>              \
					  (20 - PAGE_SHIFT)                                        \
				: 0;                                                               \
		bool _ok = _have >= (unsigned long)(mib);                                          \
		if (!_ok)                                                                          \
			test_skip_fmt(t, _why, sizeof(_why), "needs %lu MiB free, %lu MiB free",   \
				      (unsigned long)(mib), _have);                                \
		_ok;                                                                               \
	})

/* The block device name, or NULL and the test skips. */
static inline struct blockdev *test_require_disk(struct ktest *t, const char *name, const char *why)
{
	struct blockdev *bd = blockdev_get(name);
	if (!bd)
		ktest_skip(t, why);
	return bd;
}

/* Free pages once every CPU's page lists went back to the allocator. */
static inline unsigned long test_drained_free_pages(void)
{
	page_alloc_drain_all();
	return nr_free_pages();
}

/* A small deterministic PRNG for the tests (xorshift64): the next value. */
static inline u64 test_rand(u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* Heapsort (no libc here): small, O(n log n), in place. */
static inline void test_sift_down_u32(u32 *a, unsigned long i, unsigned long n)
{
	for (;;) {
		unsigned long c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[i] >= a[c])
			return;
		u32 t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static inline void test_sort_u32(u32 *a, unsigned long n)
{
	for (unsigned long i = n / 2; i-- > 0;)
		test_sift_down_u32(a, i, n);
	for (unsigned long end = n; end-- > 1;) {
		u32 t = a[0];
		a[0] = a[end];
		a[end] = t;
		test_sift_down_u32(a, 0, end);
	}
}

/* v stored at buf + off, at any alignment, as the tables and headers the
 * parser tests build hold it (little-endian, as every target is). */
static inline void test_put_u32(void *buf, size_t off, u32 v)
{
	memcpy((u8 *)buf + off, &v, 4);
}

/* A list that I/O completions fill from interrupt context, under an
 * irq-safe lock: its first entry taken off (NULL when empty), and
 * whether it has one. */
static inline struct list_head *test_done_list_pop(spinlock_t *lock, struct list_head *list)
{
	struct list_head *first = NULL;
	unsigned long flags = spin_lock_irqsave(lock);
	if (!list_empty(list)) {
		first = list->next;
		list_del(first);
	}
	spin_unlock_irqrestore(lock, flags);
	return first;
}

static inline bool test_done_list_any(spinlock_t *lock, struct list_head *list)
{
	unsigned long flags = spin_lock_irqsave(lock);
	bool any = !list_empty(list);
	spin_unlock_irqrestore(lock, flags);
	return any;
}

/* A counter's value (0 for a name no counter has). */
static inline u64 test_stat(const char *name)
{
	u64 v = 0;
	stats_get(name, &v);
	return v;
}

static inline void test_race_disarm(void *arg)
{
	(void)arg;
	race_disarm_all();
}

/* Every race point disarmed when the test ends, however it ends (one
 * clean-up per test, however many points it arms). Call it before arming
 * points with race_arm directly; test_race_arm calls it itself. */
static inline bool test_race_disarm_at_end(struct ktest *t)
{
	for (unsigned i = 0; i < t->nr_deferred; i++)
		if (t->deferred[i].fn == test_race_disarm)
			return true;
	return ktest_defer(t, test_race_disarm, NULL);
}

/* One point of a scenario and how it is armed (kernel/race.h). */
struct test_race_point {
	const char *name;
	struct race_arming how;
};

/* Only count the point's hits. A point that another waits for counts its
 * hits anyway; arming it too says the scenario watches it. */
#define TEST_RACE_COUNT RACE_ARMING_DEFAULT
/* The point's first hit on cpu (-1: any) waits until point until has
 * been reached (for at most the default 5 s, or timeout_us). */
#define TEST_RACE_HOLD(until, on_cpu)                                                              \
	{                                                                                          \
		.wait_for = (until), .cpu = (on_cpu), .times = 1                                   \
	}
/* Like TEST_RACE_HOLD, but the task blocks while it waits (race.h,
 * sleep=), so the other tasks of its CPU run; only at a point where the
 * code may sleep. */
#define TEST_RACE_SLEEP(until, on_cpu)                                                             \
	{                                                                                          \
		.wait_for = (until), .cpu = (on_cpu), .times = 1, .sleep = true                    \
	}
#define TEST_RACE_HOLD_FOR(until, on_cpu, us)                                                      \
	{                                                                                          \
		.wait_for = (until), .timeout_us = (us), .cpu = (on_cpu), .times = 1               \
	}

/* Arm a scenario's points, disarmed when the test ends however it ends
 * (a KT_ASSERT return included). False, with the test failed, when one
 * cannot be armed. */
static inline bool test_race_arm(struct ktest *t, const struct test_race_point *points, size_t n)
{
	if (!test_race_disarm_at_end(t))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!KT_EXPECT_EQ(t, race_arm(points[i].name, &points[i].how), 0))
			return false;
	return true;
}

/* Switched off as swap if it still is, then freed. A device swapoff
 * refuses stays, on and allocated: freeing it would leave swap pointing
 * at freed memory; the runner's leak check then fails the test. */
static inline void test_ramswap_destroy(void *arg)
{
	struct blockdev *bd = arg;
	for (unsigned type = 0; type < MAX_SWAPFILES; type++) {
		if (swap_type_blockdev(type) != bd)
			continue;
		int err = swapoff(type);
		if (err) {
			pr_err("test: %s: swapoff failed (%d): the device is kept\n", bd->name,
			       err);
			return;
		}
	}
	ramswap_destroy(bd);
}

/* A fresh RAM device of the test's own (asynchronous, completing on cpu,
 * when async), gone when the test ends. NULL, with the test failed, when
 * the name is taken or memory is short. */
static inline struct blockdev *test_ramswap(struct ktest *t, const char *name, u64 bytes,
					    bool async, unsigned cpu)
{
	if (!KT_EXPECT(t, blockdev_get(name) == NULL))
		return NULL;
	struct blockdev *bd =
		async ? ramswap_create_async(name, bytes, cpu) : ramswap_create(name, bytes);
	if (!KT_EXPECT(t, bd != NULL))
		return NULL;
	return ktest_defer(t, test_ramswap_destroy, bd) ? bd : NULL;
}

#endif
