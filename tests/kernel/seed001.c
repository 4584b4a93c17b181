/*
 * Seed 001 ("mm/swap: remember PG_anon_exclusive via a swp pte bit"), on
 * the boot's virtio-blk swap disk (writes complete asynchronously): a page
 * of one mm is exclusive, a forked mm shares the others. The exclusive page
 * is paged out; while its write is still in flight (the completion is held
 * at swapout:write-end-io) its task writes it again. The device is marked
 * stable_writes (Linux's SWP_STABLE_WRITES) for the test: swap-in must
 * then drop exclusivity, so the write copies instead of changing the page
 * under writeback. With the condition inverted (the review's concern: the build-time test hook
 * swapin_test_invert_stable_writes, in the default TEST_HOOKS=1 build)
 * the page is mapped writable and the write lands in the page being
 * written: the test of the broken design passes when that shows.
 */
#include "drivers/blockdev.h"
#include "kernel/race.h"
#include "mm/swap_in.h"
#include "tests/swap_path_test.h"

struct seed001_job {
	struct mm *mm;
};

/* Started before the page-out: waits until the write's completion has
 * begun (and is held), then writes the page. */
static int write_page1(void *arg)
{
	struct seed001_job *j = arg;
	race_point("seed001:go");
	mm_test_write(j->mm, swap_path_addr(1, 0), swap_path_value(9, 1, 0));
	race_point("seed001:written");
	return 0;
}

static int pageout_page1(void *arg)
{
	struct seed001_job *j = arg;
	return madvise_pageout(j->mm, swap_path_addr(1, 0), PAGE_SIZE, NULL);
}

static void seed001_invert(bool on)
{
#ifdef CONFIG_TEST_HOOKS
	swapin_test_invert_stable_writes = on;
#else
	ASSERT(!on);
#endif
}

static void seed001_invert_off(void *arg)
{
	(void)arg;
	seed001_invert(false);
}

/* The device marked stable_writes for the test, as it was after. */
static bool seed001_saved_stable_writes;

static void seed001_restore_stable_writes(void *bd)
{
	((struct blockdev *)bd)->stable_writes = seed001_saved_stable_writes;
}

/* Setup: page 1 of a is a's own (exclusive); b, forked from a, shares
 * page 0 with it. */
static bool seed001_setup(struct ktest *t, struct mm **a, struct mm **b)
{
	*a = mm_test_create(t, 2);
	if (!*a)
		return false;
	KT_EXPECT_EQ(t, swap_path_write(*a, 0, 2, 1), 0);
	*b = mm_fork(*a);
	if (!KT_EXPECT(t, *b != NULL))
		return false;
	KT_EXPECT_EQ(t, swap_path_write(*a, 1, 1, 2), 0); /* a's own copy of page 1: exclusive */
	return true;
}

/*
 * The forced interleaving: page 1 is paged out, and its completion held
 * until a's writer, released by it, has written the page. Interrupts go
 * to CPU 0, where the held completion spins with interrupts off, so
 * neither the writer nor the page-out runs there: a page-out interrupted
 * while it still held the folio lock would keep the writer from the
 * folio until the hold timed out (seen on a loaded host).
 */
static bool seed001_interleave(struct ktest *t, bool inverted, struct mm *a)
{
	const struct test_race_point points[] = {
		{ "swapout:write-end-io", TEST_RACE_HOLD("seed001:written", -1) },
		{ "seed001:written", TEST_RACE_COUNT },
		{ "seed001:go", TEST_RACE_HOLD_FOR("swapout:write-end-io", -1, 20 * 1000 * 1000) },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)) ||
	    !ktest_defer(t, seed001_invert_off, NULL))
		return false;
	seed001_invert(inverted);
	struct seed001_job j = { a };
	struct task *writer = kthread_create_in_mm(write_page1, &j, test_nth_cpu(1), "writer", a);
	if (!KT_EXPECT(t, writer != NULL))
		return false;
	struct task *pageout = kthread_create_on_cpu(pageout_page1, &j, test_nth_cpu(2), "pageout");
	KT_EXPECT(t, pageout != NULL);
	if (pageout)
		KT_EXPECT_EQ(t, kthread_join(pageout), 0);
	KT_EXPECT_EQ(t, kthread_join(writer), 0);
	swap_test_wait_io();
	seed001_invert(false);
	return true;
}

/* False when the case cannot run here (skipped, or failed setting up). */
static bool seed001_run(struct ktest *t, bool inverted, u64 *writable, u64 *copies)
{
	if (!test_require_cpus(t, 3))
		return false;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, NULL, 0, 0))
		return false;
	struct blockdev *bd = swap_type_blockdev((unsigned)e.s.type);
	seed001_saved_stable_writes = bd->stable_writes;
	if (!ktest_defer(t, seed001_restore_stable_writes, bd))
		return false;
	bd->stable_writes = true;
	struct mm *a, *b;
	if (!seed001_setup(t, &a, &b))
		return false;

	u64 timeouts = race_wait_timeouts();
	u64 w0 = test_stat("swapin_writable_under_writeback"), c0 = test_stat("cow_copy");
	static const char *const counters[] = { "pswpout",
						"pswpin",
						"swapin_stable_writeback",
						"swapin_writable_under_writeback",
						"swapin_exclusive",
						"swapin_shared",
						"cow_copy",
						NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	if (!seed001_interleave(t, inverted, a))
		return false;
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
	race_disarm_all();

	/* The outcome: was the page mapped writable under writeback? */
	*writable = test_stat("swapin_writable_under_writeback") - w0;
	*copies = test_stat("cow_copy") - c0;
	ktest_diag(t, "%s: mapped writable under writeback %lu, COW copies %lu",
		   inverted ? "inverted stable-writes check" : "stable-writes rule",
		   (unsigned long)*writable, (unsigned long)*copies);
	ktest_stats_print(t, &stats);
	/* Isolation holds either way: each mm reads its own data. */
	KT_EXPECT_EQ(t, mm_test_read(a, swap_path_addr(1, 0)), swap_path_value(9, 1, 0));
	KT_EXPECT_EQ(t, swap_path_check(b, 0, 2, 1), 0);
	mm_put(b);
	mm_put(a);
	bd->stable_writes = seed001_saved_stable_writes;
	swap_path_end(t, &e);
	return true;
}

KTEST(seed001, stable_writes_drop_exclusivity_under_writeback)
{
	u64 writable = 0, copies = 0;
	if (!seed001_run(t, false, &writable, &copies))
		return;
	KT_EXPECT_EQ(t, writable, 0);
	KT_EXPECT(t, copies >= 1); /* the write copied the page */
}

/* The broken design: passes when the write reaches the page under writeback. */
KTEST(seed001, inverted_check_writes_a_page_under_writeback)
{
#ifndef CONFIG_TEST_HOOKS
	ktest_skip(t, "built without test hooks (TEST_HOOKS=0)");
	return;
#endif
	u64 writable = 0, copies = 0;
	if (!seed001_run(t, true, &writable, &copies))
		return;
	KT_EXPECT_EQ(t, writable, 1);
	KT_EXPECT_EQ(t, copies, 0);
}
