/*
 * Seed 003 ("mm/swap: fix race when skipping swapcache"): two CPUs fault
 * the same swap entry of a synchronous device (two threads of one mm).
 * (The ABA of the fix's commit message, under every design of
 * swap.bypass_sync_cache=, is tests/seed003_aba.c.)
 *
 * Default design (seed 000: never bypass the swap cache): the first puts
 * its folio in the cache and reads; the second finds it there and waits on
 * the folio lock. One read, one folio, no repeated fault, the slot freed.
 *
 * swap.bypass_sync_cache=pin-sleep (the design before 2025): the first pins the
 * slot (SWAP_HAS_CACHE as a lock, seed 003's fix) and reads into a private
 * folio; the second finds the pin, sleeps and faults again until the first
 * is done: the repeated faults the thread describes (and that seed 000
 * removed). The test of the old design passes when they show.
 */
#include "kernel/race.h"
#include "mm/swap_in_bypass.h"
#include "swap_path_test.h"
#include "tests/test_design.h"

struct seed003_counts {
	u64 reads, hits, retries, faults, refaults, backoff_ns;
};

/* Setup: one page of one mm, paged out. */
static struct mm *seed003_setup(struct ktest *t)
{
	struct mm *mm = mm_test_create(t, 1);
	if (!mm)
		return NULL;
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 3), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	KT_EXPECT(t, pte_is_swap(mm_test_pte(mm, MM_TEST_REGION)));
	return mm;
}

static enum swap_bypass_mode seed003_saved_mode;

static void seed003_restore_mode(void *arg)
{
	(void)arg;
	swap_bypass_sync_cache = seed003_saved_mode;
}

/* The forced interleaving: A (on another CPU: it spins in its race
 * point) goes first and is held where the second fault must find it;
 * then B faults. */
static bool seed003_interleave(struct ktest *t, bool bypass, struct swap_path_reader *ja,
			       struct swap_path_reader *jb)
{
	const char *hold = bypass ? "swapin:bypass-read" : "swapin:after-cache-add";
	const char *until = bypass ? "swapin:bypass-pinned" : "swapin:cache-hit";
	const struct test_race_point points[] = {
		{ until, TEST_RACE_COUNT },
		{ hold, TEST_RACE_HOLD(until, (int)test_other_cpu()) },
	};
	seed003_saved_mode = swap_bypass_sync_cache;
	if (!test_race_arm(t, points, ARRAY_SIZE(points)) ||
	    !ktest_defer(t, seed003_restore_mode, NULL))
		return false;
	swap_bypass_sync_cache = bypass ? SWAP_BYPASS_PIN_SLEEP : SWAP_BYPASS_OFF;
	struct task *a =
		kthread_create_in_mm(swap_path_reader_run, ja, test_other_cpu(), "A", ja->mm);
	if (!KT_EXPECT(t, a != NULL))
		return false;
	while (race_hits(hold) == 0)
		yield();
	struct task *b = kthread_create_in_mm(swap_path_reader_run, jb, arch_cpu_id(), "B", jb->mm);
	KT_EXPECT(t, b != NULL);
	KT_EXPECT_EQ(t, kthread_join(a), 0);
	if (b)
		KT_EXPECT_EQ(t, kthread_join(b), 0);
	swap_bypass_sync_cache = seed003_saved_mode;
	race_disarm_all();
	return true;
}

static bool seed003_run(struct ktest *t, bool bypass, struct seed003_counts *d)
{
	if (!test_require_cpus(t, 2))
		return false;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", 16ul << 20, 0) || !test_design_defaults(t))
		return false;
	struct mm *mm = seed003_setup(t);
	if (!mm)
		return false;

	u64 timeouts = race_wait_timeouts();
	static const char *const counters[] = { "pswpin",
						"swapin_faults",
						"swapin_cache_hits",
						"swapin_cache_misses",
						"swapin_bypass",
						"swapin_bypass_retries",
						"swapin_refaults",
						"swapin_bypass_backoff_ns",
						NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	struct seed003_counts before = { test_stat("pswpin"),
					 test_stat("swapin_cache_hits"),
					 test_stat("swapin_bypass_retries"),
					 test_stat("swapin_faults"),
					 test_stat("swapin_refaults"),
					 test_stat("swapin_bypass_backoff_ns") };
	struct swap_path_reader ja = { mm, 0, 3, 0 }, jb = { mm, 0, 3, 0 };
	if (!seed003_interleave(t, bypass, &ja, &jb))
		return false;

	/* The outcome: what the two faults cost, each counter since before. */
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	d->reads = test_stat("pswpin") - before.reads;
	d->hits = test_stat("swapin_cache_hits") - before.hits;
	d->retries = test_stat("swapin_bypass_retries") - before.retries;
	d->faults = test_stat("swapin_faults") - before.faults;
	d->refaults = test_stat("swapin_refaults") - before.refaults;
	d->backoff_ns = test_stat("swapin_bypass_backoff_ns") - before.backoff_ns;
	ktest_diag(
		t,
		"%s: %lu read, %lu cache hit, %lu pinned retries, %lu swap-in faults for one entry",
		bypass ? "swap.bypass_sync_cache=pin-sleep" : "swap cache always",
		(unsigned long)d->reads, (unsigned long)d->hits, (unsigned long)d->retries,
		(unsigned long)d->faults);
	ktest_stats_print(t, &stats);
	KT_EXPECT_EQ(t, ja.bad + jb.bad, 0);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0); /* the slot freed, once */
	mm_put(mm);
	swap_path_end(t, &e);
	return true;
}

KTEST(seed003, swap_cache_one_read_no_repeated_fault)
{
	struct seed003_counts d;
	if (!seed003_run(t, false, &d))
		return;
	KT_EXPECT_EQ(t, d.reads, 1);
	KT_EXPECT_EQ(t, d.hits, 1);	  /* the second fault found the folio */
	KT_EXPECT_EQ(t, d.faults, 2);	  /* one fault each, no retry */
	KT_EXPECT_EQ(t, d.retries, 0);	  /* no pin to find, */
	KT_EXPECT_EQ(t, d.backoff_ns, 0); /* no sleep: it waited on the folio lock */
}

/* The old design: passes when the repeated faults show. */
KTEST(seed003, bypass_sync_cache_repeats_faults)
{
	struct seed003_counts d;
	if (!seed003_run(t, true, &d))
		return;
	KT_EXPECT_EQ(t, d.reads, 1);
	KT_EXPECT(t, d.retries >= 1);	/* B found the pin, */
	KT_EXPECT(t, d.backoff_ns > 0); /* slept */
	KT_EXPECT(t, d.refaults >= 1);	/* and faulted again */
	KT_EXPECT_EQ(t, d.hits, 0);	/* nothing went through the cache */
}

/* The fault that came second: held after it read the swap PTE (and left
 * the PTL) until the first has mapped the page and freed the slot. */
static bool seed003_late_racer(struct ktest *t, struct mm *mm, struct swap_path_reader *jb)
{
	unsigned late_cpu = test_other_cpu();
	const struct test_race_point points[] = {
		{ "seed003:first-mapped", TEST_RACE_COUNT },
		{ "swapin:fault", TEST_RACE_HOLD("seed003:first-mapped", (int)late_cpu) },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return false;
	struct task *b = kthread_create_in_mm(swap_path_reader_run, jb, late_cpu, "B", mm);
	if (!KT_EXPECT(t, b != NULL))
		return false;
	while (race_hits("swapin:fault") == 0)
		yield();
	KT_EXPECT_EQ(t, swap_path_read_one(mm, arch_cpu_id(), 0, 3), 0);
	race_point("seed003:first-mapped");
	KT_EXPECT_EQ(t, kthread_join(b), 0); /* not killed for a "bad" entry */
	race_disarm_all();
	return true;
}

/*
 * Seen with swap.bypass_sync_cache=pin-spin, whose racer refaults
 * hundreds of times, but the window is in every design: a fault reads the
 * swap PTE, drops the PTL and calls do_swap_page; meanwhile the other
 * fault maps the page and frees the slot. The late fault must refault,
 * not report a bad swap entry and kill its task.
 */
KTEST(seed003, a_racer_finding_its_slot_freed_refaults)
{
	if (!test_require_cpus(t, 2))
		return;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", 16ul << 20, 0) || !test_design_defaults(t))
		return;
	struct mm *mm = seed003_setup(t);
	KT_ASSERT(t, mm);
	u64 timeouts = race_wait_timeouts(), bad = test_stat("swap_bad_entry");
	u64 refaults = test_stat("swapin_refaults");
	struct swap_path_reader jb = { mm, 0, 3, 0 };
	KT_ASSERT(t, seed003_late_racer(t, mm, &jb));
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	ktest_diag(t, "the late fault: %s, swapin_refaults +%lu, swap_bad_entry +%lu",
		   jb.bad ? "wrong value" : "read its value",
		   (unsigned long)(test_stat("swapin_refaults") - refaults),
		   (unsigned long)(test_stat("swap_bad_entry") - bad));
	KT_EXPECT_EQ(t, jb.bad, 0);
	KT_EXPECT_EQ(t, test_stat("swap_bad_entry"), bad);
	KT_EXPECT_EQ(t, test_stat("swapin_refaults"), refaults + 1);
	mm_put(mm);
	swap_path_end(t, &e);
}
