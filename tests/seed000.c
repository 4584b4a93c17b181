/*
 * Seed 000 ("mm, swap: never bypass the swap cache even for
 * SWP_SYNCHRONOUS_IO", the second process). Process P swaps in a 16-page
 * folio (mTHP) whose entries process C, forked from it, maps only in part
 * (C unmapped page 0). P reads page 0, C page 5: P puts the folio in the
 * swap cache and reads it, and C's lookup finds it there (C holds a
 * reference). Who takes the folio lock first decides the rest; the three
 * orders the thread discusses are a test each, forced with race points on
 * a RAM device:
 *
 * 1. C first (Barry: "p2 grabs the folio lock before p1"). C cannot map
 *    the whole folio and nobody has mapped it (it is not anon), so C gives
 *    it up (out of the cache) and refaults at order 0; P, taking the lock
 *    second, finds it gone and refaults too.
 * 2. P first (Kairui: "after P1 finishes the rmap installation, P2 wakes
 *    up and tries to map the folio"). P maps the whole folio, which
 *    becomes anon; C, taking the lock second, maps its page of the anon
 *    folio alone (a partial map) and does not refault.
 * 3. P's map fails (Kairui: "a concurrent partial unmap made part of the
 *    page table invalidated ... it will remove the folio from swap cache
 *    then unlock it. P2 also wakes up by then, and sees the invalid folio
 *    will then fallback to order 0"). While P holds the folio lock,
 *    another task zaps one page of P's range: MADV_DONTNEED, under the
 *    mmap lock for read as P's fault holds it (a munmap takes it for
 *    write, so it would wait for P's fault to end). P can no longer map
 *    the whole folio and gives it up; C, waiting on the lock, wakes to a
 *    folio out of the cache and refaults at order 0.
 *
 * Each test asserts the event it forces (the lock taken second, the
 * partial map, the failed map), so none passes by missing its window.
 *
 * The broken design (swap.keep_partial_folio=1, a command-line switch): a
 * fault that can map only part of a folio nobody mapped leaves it in the
 * cache and refaults. Order 1's twin holds P (the thread's "p1 on a small
 * core"): C faults 50 times and more, a livelock that ends only when P
 * runs. Order 3's twin: nobody can map the folio any more, so P and C
 * both refault until the switch is turned off. Order 2 has no twin: the
 * folio is anon by then, and the switch is about folios that are not.
 */
#include "kernel/race.h"
#include "kernel/string.h"
#include "mm/mm.h"
#include "mm/swap_in.h"
#include "swap_path_test.h"
#include "tests/test_design.h"

#define NPAGES 16
#define P_PAGE 0   /* P's read */
#define C_PAGE 5   /* C's read; C maps pages 1..15 */
#define ZAP_PAGE 9 /* order 3: the page of P's range zapped under P's fault */
#define TAG 5	   /* the pattern's tag (swap_path_value) */
/* The twins: partial refaults before the releaser ends the livelock. */
#define SEED000_HELD_REFAULTS 50

/*
 * One scenario's actors and counters: P on another CPU, C and the test
 * on this one, a twin's releaser on a third. Static, because a clean-up
 * runs after the test function returned (tests run one at a time).
 */
static struct seed000_run {
	struct mm *p, *c;
	unsigned cpu_p, cpu_c, cpu_r;
	struct swap_path_reader jp, jc;
	struct ktest_stats stats;
	u64 timeouts;
} run;

static const char *const seed000_counters[] = { "swapin_faults",
						"swapin_cache_hits",
						"swapin_lock_waits",
						"swapin_refaults",
						"swapin_partial_maps",
						"swapin_mthp",
						"pswpin",
						NULL };

/* What a counter of seed000_counters did since the scenario began. */
static u64 seed000_delta(const char *name)
{
	for (unsigned i = 0; run.stats.names[i]; i++)
		if (strcmp(run.stats.names[i], name) == 0)
			return test_stat(name) - run.stats.before[i];
	return 0;
}

static void seed000_put_mms(void *arg)
{
	(void)arg;
	if (run.c)
		mm_put(run.c);
	if (run.p)
		mm_put(run.p);
	run.c = run.p = NULL;
}

/* Setup: P's 16-page folio paged out; C, forked from P before, maps 15
 * of its pages. The mms go when the test ends, however it ends. */
static bool seed000_setup(struct ktest *t)
{
	run.p = run.c = NULL;
	if (!ktest_defer(t, seed000_put_mms, NULL) || !test_design_defaults(t))
		return false;
	run.p = mm_test_create(t, NPAGES);
	if (!run.p)
		return false;
	KT_EXPECT_EQ(t, swap_path_write(run.p, 0, NPAGES, TAG), 0);
	if (!KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(run.p, MM_TEST_REGION)), 4))
		return false;
	run.c = mm_fork(run.p);
	if (!KT_EXPECT(t, run.c != NULL))
		return false;
	KT_EXPECT_EQ(t, mm_munmap(run.c, MM_TEST_REGION, PAGE_SIZE), 0); /* C maps 15 of 16 */
	KT_EXPECT_EQ(t, madvise_pageout(run.p, MM_TEST_REGION, NPAGES * PAGE_SIZE, NULL), 0);
	KT_EXPECT(t, pte_is_swap(mm_test_pte(run.p, MM_TEST_REGION + P_PAGE * PAGE_SIZE)));
	KT_EXPECT(t, pte_is_swap(mm_test_pte(run.c, MM_TEST_REGION + C_PAGE * PAGE_SIZE)));
	return true;
}

/* The device, the mms, the CPUs and the counters' start; false when the
 * test cannot run (skipped for want of CPUs, or failed). */
static bool seed000_begin(struct ktest *t, struct swap_path_env *e, unsigned cpus)
{
	if (!test_require_cpus(t, cpus) || !swap_path_begin(t, e, "swt-io", 16ul << 20, 4) ||
	    !seed000_setup(t))
		return false;
	run.cpu_c = arch_cpu_id();
	run.cpu_p = test_other_cpu();
	run.cpu_r = run.cpu_c;
	for (unsigned i = 0; i < nr_cpus_online; i++)
		if (test_nth_cpu(i) != run.cpu_c && test_nth_cpu(i) != run.cpu_p)
			run.cpu_r = test_nth_cpu(i);
	run.jp = (struct swap_path_reader){ run.p, P_PAGE, TAG, 0 };
	run.jc = (struct swap_path_reader){ run.c, C_PAGE, TAG, 0 };
	run.timeouts = race_wait_timeouts();
	ktest_stats_begin(&run.stats, seed000_counters);
	return true;
}

/*
 * Start P, then C once P's folio is in the swap cache: every scenario
 * holds P there (swapin:after-cache-add) until C's lookup has found it
 * (swapin:cache-hit). broken: swap.keep_partial_folio=1.
 */
static bool seed000_start(struct ktest *t, bool broken, struct task **tp, struct task **tc)
{
	WRITE_ONCE(swapin_keep_partial_folio, broken);
	*tp = kthread_create_in_mm(swap_path_reader_run, &run.jp, run.cpu_p, "P", run.p);
	if (!KT_EXPECT(t, *tp != NULL))
		return false;
	while (race_hits("swapin:after-cache-add") == 0)
		yield();
	*tc = kthread_create_in_mm(swap_path_reader_run, &run.jc, run.cpu_c, "C", run.c);
	if (!KT_EXPECT(t, *tc != NULL)) {
		kthread_join(*tp);
		return false;
	}
	return true;
}

/* Both read their word right (a reader's exit status is its bad count),
 * and no forced wait timed out: the order happened as armed. */
static void seed000_join(struct ktest *t, struct task *tp, struct task *tc, struct task *tr)
{
	KT_EXPECT_EQ(t, kthread_join(tp), 0);
	KT_EXPECT_EQ(t, kthread_join(tc), 0);
	if (tr)
		KT_EXPECT_EQ(t, kthread_join(tr), 0);
	WRITE_ONCE(swapin_keep_partial_folio, false);
	KT_EXPECT_EQ(t, race_wait_timeouts(), run.timeouts);
}

/* The counters printed, the points disarmed, every page read back in both
 * (P's zapped page, when zapped, reads zero), the mms and device gone. */
static void seed000_end(struct ktest *t, struct swap_path_env *e, bool zapped)
{
	race_disarm_all();
	ktest_stats_print(t, &run.stats);
	if (zapped) {
		KT_EXPECT_EQ(t, swap_path_check(run.p, 0, ZAP_PAGE, TAG), 0);
		KT_EXPECT_EQ(t, swap_path_check(run.p, ZAP_PAGE + 1, NPAGES - ZAP_PAGE - 1, TAG),
			     0);
		KT_EXPECT_EQ(t, mm_test_read(run.p, swap_path_addr(ZAP_PAGE, 0)), 0);
	} else {
		KT_EXPECT_EQ(t, swap_path_check(run.p, 0, NPAGES, TAG), 0);
	}
	KT_EXPECT_EQ(t, swap_path_check(run.c, 1, NPAGES - 1, TAG), 0);
	seed000_put_mms(NULL);
	swap_path_end(t, e);
}

/* A twin's releaser: after SEED000_HELD_REFAULTS partial refaults, turn
 * off switch_off when given (order 3: the next partial refault gives the
 * folio up), and pass seed000:release (order 1: P waits for it there).
 * 1 when the refaults did not come within 10 s (the test fails, but
 * ends). */
static int seed000_release(void *switch_off)
{
	u64 deadline = arch_time_ns() + 10ull * 1000 * 1000 * 1000;
	while (race_hits("swapin:partial-refault") < SEED000_HELD_REFAULTS &&
	       arch_time_ns() < deadline)
		yield();
	if (switch_off)
		WRITE_ONCE(*(bool *)switch_off, false);
	race_point("seed000:release");
	return race_hits("swapin:partial-refault") < SEED000_HELD_REFAULTS;
}

static struct task *seed000_start_releaser(struct ktest *t, bool *switch_off)
{
	struct task *tr = kthread_create_on_cpu(seed000_release, switch_off, run.cpu_r, "release");
	KT_EXPECT(t, tr != NULL);
	return tr;
}

/* --- order 1: C takes the folio lock first ------------------------------------- */

/*
 * P waits before its folio_lock until C holds the lock; C keeps it (just
 * before its unlock) until P waits for it. With the rejected design P is
 * instead held until C's 50th partial refault.
 */
static bool seed000_c_first(struct ktest *t, bool broken)
{
	int p = (int)run.cpu_p, c = (int)run.cpu_c;
	const char *p_waits_for = broken ? "seed000:release" : "swapin:folio-locked";
	const struct test_race_point points[] = {
		{ "swapin:after-cache-add", TEST_RACE_HOLD("swapin:cache-hit", p) },
		{ "swapin:before-lock", TEST_RACE_HOLD_FOR(p_waits_for, p, 20 * 1000 * 1000) },
		{ "swapin:before-unlock",
		  broken ? (struct race_arming)RACE_ARMING_DEFAULT
			 : (struct race_arming)TEST_RACE_HOLD("swapin:lock-wait", c) },
		{ "swapin:cache-hit", TEST_RACE_COUNT },
		{ "swapin:folio-locked", TEST_RACE_COUNT },
		{ "swapin:lock-wait", TEST_RACE_COUNT },
		{ "swapin:partial-refault", TEST_RACE_COUNT },
		{ "swapin:not-cached", TEST_RACE_COUNT },
		{ "seed000:release", TEST_RACE_COUNT },
	};
	struct task *tp, *tc, *tr = NULL;
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return false;
	if (broken && !(tr = seed000_start_releaser(t, NULL)))
		return false;
	if (!seed000_start(t, broken, &tp, &tc))
		return false;
	seed000_join(t, tp, tc, tr);
	return true;
}

KTEST(seed000, partly_mapped_large_folio_falls_back_without_livelock)
{
	struct swap_path_env e;
	if (!seed000_begin(t, &e, 2) || !seed000_c_first(t, false))
		return;
	u64 given_up = race_hits("swapin:partial-refault");
	u64 repeated = seed000_delta("swapin_refaults");
	ktest_diag(t,
		   "C first: %lu refaults (C gave the folio up %lu times; P found it gone "
		   "%lu times after waiting for the lock)",
		   (unsigned long)repeated, (unsigned long)given_up,
		   (unsigned long)race_hits("swapin:not-cached"));
	/* The contended event: P took the lock second, and found the folio
	 * C gave up out of the cache. */
	KT_EXPECT(t, race_hits("swapin:lock-wait") >= 1);
	KT_EXPECT(t, given_up >= 1);
	KT_EXPECT(t, race_hits("swapin:not-cached") >= 1);
	/* Both refaulted: a few repeated faults, not a livelock. */
	KT_EXPECT(t, repeated >= 2 && repeated <= 4);
	seed000_end(t, &e, false);
}

/* The broken design: passes when C keeps faulting while P is held. */
KTEST(seed000, keeping_the_partial_folio_refaults_until_its_reader_maps_it)
{
	struct swap_path_env e;
	if (!seed000_begin(t, &e, 3) || !seed000_c_first(t, true))
		return;
	u64 given_up = race_hits("swapin:partial-refault");
	ktest_diag(t,
		   "swap.keep_partial_folio=1, C first, P held: %lu refaults (%lu by C finding "
		   "the folio it cannot map), %lu partial maps",
		   (unsigned long)seed000_delta("swapin_refaults"), (unsigned long)given_up,
		   (unsigned long)seed000_delta("swapin_partial_maps"));
	KT_EXPECT(t, given_up >= SEED000_HELD_REFAULTS);
	/* ...until its reader ran: P mapped the folio whole, and C's next
	 * fault mapped its page of it in part. */
	KT_EXPECT_EQ(t, seed000_delta("swapin_partial_maps"), 1);
	seed000_end(t, &e, false);
}

/* --- order 2: P maps the folio first, C maps part of it ----------------------- */

/*
 * C waits before its folio_lock until P has mapped the folio (P's hit
 * just before its unlock); P keeps the lock until C waits for it. C,
 * holding its reference since the lookup, then maps its one page of the
 * anon folio, and does not refault.
 */
KTEST(seed000, partly_mapped_process_maps_its_page_of_the_anon_folio_without_refault)
{
	struct swap_path_env e;
	if (!seed000_begin(t, &e, 2))
		return;
	int p = (int)run.cpu_p, c = (int)run.cpu_c;
	const struct test_race_point points[] = {
		{ "swapin:after-cache-add", TEST_RACE_HOLD("swapin:cache-hit", p) },
		{ "swapin:before-lock", TEST_RACE_HOLD("swapin:before-unlock", c) },
		{ "swapin:before-unlock", TEST_RACE_HOLD("swapin:lock-wait", p) },
		{ "swapin:cache-hit", TEST_RACE_COUNT },
		{ "swapin:lock-wait", TEST_RACE_COUNT },
		{ "swapin:partial-refault", TEST_RACE_COUNT },
	};
	struct task *tp, *tc;
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)) &&
			     seed000_start(t, false, &tp, &tc));
	seed000_join(t, tp, tc, NULL);

	struct folio *folio = mm_test_folio_at(run.p, MM_TEST_REGION);
	pte_t pte = mm_test_pte(run.c, MM_TEST_REGION + C_PAGE * PAGE_SIZE);
	ktest_diag(t,
		   "P first: C waited for the lock %lu times, mapped %lu page(s) in part, %lu "
		   "refaults",
		   (unsigned long)race_hits("swapin:lock-wait"),
		   (unsigned long)seed000_delta("swapin_partial_maps"),
		   (unsigned long)seed000_delta("swapin_refaults"));
	/* The contended event: C took the lock second and mapped part of
	 * the anon folio, its page of P's folio, without a refault. */
	KT_EXPECT_EQ(t, race_hits("swapin:lock-wait"), 1); /* C, the forced wait */
	KT_EXPECT_EQ(t, seed000_delta("swapin_partial_maps"), 1);
	KT_EXPECT_EQ(t, seed000_delta("swapin_refaults"), 0);
	KT_EXPECT_EQ(t, race_hits("swapin:partial-refault"), 0);
	KT_EXPECT_EQ(t, seed000_delta("swapin_faults"), 2); /* one each */
	KT_EXPECT_EQ(t, seed000_delta("swapin_mthp"), 1);
	KT_ASSERT(t, folio != NULL);
	KT_EXPECT_EQ(t, folio_order(folio), 4);
	KT_EXPECT(t, folio_test_anon(folio));
	KT_EXPECT(t, pte_present(pte));
	KT_EXPECT_EQ(t, pte_pfn(pte), folio_pfn(folio) + C_PAGE);
	seed000_end(t, &e, false);
}

/* --- order 3: P's map fails against a concurrent partial unmap --------------- */

/* The other task's partial unmap: once C waits for the folio lock P
 * holds, zap one page of P's range (P's fault and this hold P's mmap
 * lock for read), then let P go on. */
static void seed000_zap_under_p(struct ktest *t)
{
	while (race_hits("swapin:lock-wait") == 0)
		yield();
	KT_EXPECT_EQ(t, madvise_dontneed(run.p, MM_TEST_REGION + ZAP_PAGE * PAGE_SIZE, PAGE_SIZE),
		     0);
	race_point("seed000:zapped");
}

/*
 * C waits before its folio_lock until P holds the lock; P, holding it,
 * waits for the zap. P then fails to map the whole folio (a PTE of its
 * range is none), gives it up and refaults; C wakes to a folio out of the
 * cache. With the rejected design P leaves the folio in the cache, and
 * nobody can map it: both refault until the releaser turns the switch
 * off.
 */
static bool seed000_p_map_fails(struct ktest *t, bool broken)
{
	int p = (int)run.cpu_p, c = (int)run.cpu_c;
	const struct test_race_point points[] = {
		{ "swapin:after-cache-add", TEST_RACE_HOLD("swapin:cache-hit", p) },
		{ "swapin:before-lock", TEST_RACE_HOLD("swapin:folio-locked", c) },
		{ "swapin:folio-locked", TEST_RACE_HOLD("seed000:zapped", p) },
		{ "swapin:cache-hit", TEST_RACE_COUNT },
		{ "swapin:lock-wait", TEST_RACE_COUNT },
		{ "swapin:partial-refault", TEST_RACE_COUNT },
		{ "swapin:not-cached", TEST_RACE_COUNT },
		{ "seed000:zapped", TEST_RACE_COUNT },
		{ "seed000:release", TEST_RACE_COUNT },
	};
	struct task *tp, *tc, *tr = NULL;
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return false;
	if (broken && !(tr = seed000_start_releaser(t, &swapin_keep_partial_folio)))
		return false;
	if (!seed000_start(t, broken, &tp, &tc))
		return false;
	seed000_zap_under_p(t);
	seed000_join(t, tp, tc, tr);
	return true;
}

KTEST(seed000, reader_map_failing_on_a_concurrent_unmap_gives_the_folio_up)
{
	struct swap_path_env e;
	if (!seed000_begin(t, &e, 2) || !seed000_p_map_fails(t, false))
		return;
	ktest_diag(t,
		   "P's map failed: P gave the folio up %lu times, C found it gone %lu times "
		   "after waiting for the lock; %lu refaults, %lu partial maps",
		   (unsigned long)race_hits("swapin:partial-refault"),
		   (unsigned long)race_hits("swapin:not-cached"),
		   (unsigned long)seed000_delta("swapin_refaults"),
		   (unsigned long)seed000_delta("swapin_partial_maps"));
	/* The contended event: P's map failed after the zap (P's folio, one
	 * failure), while C waited for the lock. */
	KT_EXPECT_EQ(t, race_hits("seed000:zapped"), 1);
	KT_EXPECT_EQ(t, race_hits("swapin:lock-wait"), 1); /* C, the forced wait */
	KT_EXPECT_EQ(t, race_hits("swapin:partial-refault"), 1);
	/* C woke to the folio gone and fell back to order 0: one refault
	 * each, nothing mapped in part, P's and C's pages read once more. */
	KT_EXPECT_EQ(t, race_hits("swapin:not-cached"), 1);
	KT_EXPECT_EQ(t, seed000_delta("swapin_refaults"), 2);
	KT_EXPECT_EQ(t, seed000_delta("swapin_partial_maps"), 0);
	KT_EXPECT_EQ(t, seed000_delta("swapin_mthp"), 1);
	KT_EXPECT_EQ(t, seed000_delta("pswpin"), NPAGES + 2);
	seed000_end(t, &e, true);
}

/* The broken design: passes when P and C both keep faulting on the
 * folio neither can map, until the switch is turned off. */
KTEST(seed000, keeping_the_folio_after_a_failed_map_refaults_both_until_the_switch_ends)
{
	struct swap_path_env e;
	if (!seed000_begin(t, &e, 3) || !seed000_p_map_fails(t, true))
		return;
	u64 kept = race_hits("swapin:partial-refault");
	ktest_diag(t,
		   "swap.keep_partial_folio=1, P's map failed: %lu refaults (%lu by P or C "
		   "finding the folio neither can map), %lu partial maps",
		   (unsigned long)seed000_delta("swapin_refaults"), (unsigned long)kept,
		   (unsigned long)seed000_delta("swapin_partial_maps"));
	KT_EXPECT_EQ(t, race_hits("seed000:zapped"), 1);
	KT_EXPECT(t, kept >= SEED000_HELD_REFAULTS);
	KT_EXPECT_EQ(t, seed000_delta("swapin_partial_maps"), 0);
	seed000_end(t, &e, true);
}
