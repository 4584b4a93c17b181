/*
 * Seed 003's ABA, the race its fix's commit message describes ("mm/swap:
 * fix race when skipping swapcache"), run under every design of
 * swap.bypass_sync_cache=. Two threads of one mm, T0 and T1 on different
 * CPUs, fault the same swap entry E of a synchronous RAM device; T1 then
 * writes a new value to the page, and reclaim swaps the page out again to
 * E itself (the device has no other free slot: the test holds all the
 * rest). At the end the page is read back: T1's write must be there.
 *
 * The same steps for every design; T0 is held (race points) after its
 * read, before it takes the PTL, until T1 has met the design's contended
 * event, which each test counts and asserts so it cannot pass by missing
 * the window:
 *
 *   nopin           T0 reads E into a private folio and is held. T1
 *                   reads E too (nothing stops it), maps its copy, frees
 *                   E, writes; reclaim swaps the page out to E: T0's
 *                   swap PTE is back (ABA). T0 is released once that is
 *                   done: pte_same passes, T0 maps its stale copy and
 *                   frees E, which held T1's write. Two device reads; the
 *                   page reads the old value: the lost write, the test
 *                   passes only when it shows.
 *   off (default)   T0 puts its folio in the swap cache, reads, takes the
 *                   folio lock and is held. T1 finds the folio
 *                   (swapin_cache_hits) and T0 goes on: maps, frees E,
 *                   unlocks; T1 finds the PTE present and writes.
 *   pin-sleep       T0 pins E, reads, is held. T1 finds the pin
 *                   (swapin_bypass_retries), and sleeps 1 ms while T0
 *                   maps and unpins; T1 refaults onto the present PTE.
 *   pin-spin        the same, T1 yielding instead of sleeping: it may
 *                   refault many times before T0 is done.
 *   fallback-cache  T0 pins E, reads, is held. T1 finds the pin, takes
 *                   the cache path (swapin_bypass_fallbacks), meets the
 *                   pin at the cache insertion and waits for the unpin;
 *                   T0 maps and unpins; T1's insertion finds E free and
 *                   it refaults onto the present PTE.
 *   bump            T0 adds a count of its own to E (count 2), reads,
 *   bump-checked    is held. T1 finds count 2, so it does not bypass: it
 *                   reads E through the swap cache (swapin_cache_misses),
 *                   maps, drops its PTE's count (E stays allocated: T0's
 *                   count), writes; reclaim swaps the page out to E, the
 *                   slot the folio already has: T0's swap PTE is back.
 *                   As nopin from there: two device reads, T1's write
 *                   lost. The count keeps E allocated, which makes the
 *                   reuse certain instead of preventing it; checking the
 *                   count (bump-checked) changes nothing here, T0's bump
 *                   came first and was sound.
 * In the four correct designs T1 cannot map before T0 (the pin or the
 * cached folio keeps E from being freed and handed out again), so the
 * reuse of E happens after both are done and is harmless.
 */
#include "kernel/race.h"
#include "mm/swap_in_bypass.h"
#include "swap_path_test.h"
#include "tests/test_design.h"

#define ABA_OLD 3 /* the value swapped out first, and T0's */
#define ABA_NEW 4 /* T1's write */
#define ABA_DEVICE_BYTES (1ul << 20)
#define ABA_HOLD_US (20 * 1000 * 1000ul) /* a slow shared host */

/* Every free slot of the device but E, held so that E is the only slot
 * the next swap-out can get. */
static struct swap_test_held_slots aba_fill;

static enum swap_bypass_mode seed003_aba_saved_mode;

static void seed003_aba_restore_mode(void *arg)
{
	(void)arg;
	swap_bypass_sync_cache = seed003_aba_saved_mode;
}

/* T0: read the page (one load, so one fault), keep what it saw. */
struct seed003_aba_reader {
	struct mm *mm;
	u64 seen;
};

static int seed003_aba_read(void *arg)
{
	struct seed003_aba_reader *r = arg;
	r->seen = mm_test_read(r->mm, swap_path_addr(0, 0));
	return 0;
}

/* T1: write the new value (one store, so one fault at most), timed: what
 * the design made the second fault wait. */
struct seed003_aba_writer {
	struct mm *mm;
	u64 ns;
};

static int seed003_aba_write(void *arg)
{
	struct seed003_aba_writer *w = arg;
	u64 t0 = arch_time_ns();
	mm_test_write(w->mm, swap_path_addr(0, 0), swap_path_value(ABA_NEW, 0, 0));
	w->ns = arch_time_ns() - t0;
	return 0;
}

/* Does T0 stay held until the page went out to E again? Where nothing
 * stops T1 (nopin; bump*, which send it through the cache). */
static bool seed003_aba_t1_runs_free(enum swap_bypass_mode mode)
{
	return mode == SWAP_BYPASS_NOPIN || mode == SWAP_BYPASS_BUMP ||
	       mode == SWAP_BYPASS_BUMP_CHECKED;
}

/* Where T0 is held and what releases it, per design (the top comment). */
static void seed003_aba_points(enum swap_bypass_mode mode, const char **hold, const char **until)
{
	*hold = mode == SWAP_BYPASS_OFF ? "swapin:folio-locked" : "swapin:bypass-read-done";
	switch (mode) {
	case SWAP_BYPASS_OFF:
		*until = "swapin:cache-hit";
		break;
	case SWAP_BYPASS_NOPIN:
	case SWAP_BYPASS_BUMP:
	case SWAP_BYPASS_BUMP_CHECKED:
		*until = "seed003:entry-reused";
		break;
	case SWAP_BYPASS_FALLBACK_CACHE:
		*until = "swapin:bypass-wait-pin";
		break;
	default:
		*until = "swapin:bypass-pinned";
		break;
	}
}

struct seed003_aba_result {
	u64 value;   /* the page's word 0 at the end */
	u64 t0_seen; /* what T0's load returned */
	u64 t1_ns;   /* T1's store, its fault included */
	bool reused; /* the second swap-out got E and T0's swap PTE back */
	u64 reads, hits, refaults, retries, fallbacks, backoff_ns;
	u64 misses, bypasses; /* reads through the cache; reads around it */
};

static const char *const seed003_aba_counters[] = { "pswpin",
						    "swapin_faults",
						    "swapin_refaults",
						    "swapin_cache_hits",
						    "swapin_bypass_retries",
						    "swapin_bypass_fallbacks",
						    "swapin_bypass_backoff_ns",
						    "swapin_bypass",
						    "swapin_cache_misses",
						    NULL };

/* The page swapped out again after T1's write: E must come back, with the
 * very PTE T0 faulted on. */
static bool seed003_aba_swap_out_again(struct ktest *t, struct mm *mm, pte_t orig)
{
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	pte_t now = mm_test_pte(mm, MM_TEST_REGION);
	ktest_diag(t, "swap PTE before %#lx, after T1's write and the second swap-out %#lx",
		   (unsigned long)pte_val(orig), (unsigned long)pte_val(now));
	return pte_is_swap(now) && pte_same(now, orig);
}

/* The steps of the top comment, T0 held as seed003_aba_points says. */
static bool seed003_aba_interleave(struct ktest *t, enum swap_bypass_mode mode, struct mm *mm,
				   pte_t orig, struct seed003_aba_result *r)
{
	const char *hold, *until;
	seed003_aba_points(mode, &hold, &until);
	unsigned t0_cpu = test_other_cpu();
	const struct test_race_point points[] = {
		{ until, TEST_RACE_COUNT },
		{ hold, TEST_RACE_HOLD_FOR(until, (int)t0_cpu, ABA_HOLD_US) },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return false;
	struct seed003_aba_reader reader = { mm, 0 };
	struct task *t0 = kthread_create_in_mm(seed003_aba_read, &reader, t0_cpu, "T0", mm);
	if (!KT_EXPECT(t, t0 != NULL))
		return false;
	while (race_hits(hold) == 0)
		yield();
	struct seed003_aba_writer writer = { mm, 0 };
	struct task *t1 = kthread_create_in_mm(seed003_aba_write, &writer, arch_cpu_id(), "T1", mm);
	if (KT_EXPECT(t, t1 != NULL))
		KT_EXPECT_EQ(t, kthread_join(t1), 0);
	/* Only nopin and bump* let T1 finish while T0 is held; elsewhere T0
	 * went on at T1's contended event and is done before the swap-out. */
	if (!seed003_aba_t1_runs_free(mode))
		KT_EXPECT_EQ(t, kthread_join(t0), 0);
	r->reused = seed003_aba_swap_out_again(t, mm, orig);
	race_point("seed003:entry-reused");
	if (seed003_aba_t1_runs_free(mode))
		KT_EXPECT_EQ(t, kthread_join(t0), 0);
	r->t0_seen = reader.seen;
	r->t1_ns = writer.ns;
	return true;
}

static void seed003_aba_run(struct ktest *t, enum swap_bypass_mode mode,
			    struct seed003_aba_result *r)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-aba", ABA_DEVICE_BYTES, 0) || !test_design_defaults(t))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, ABA_OLD), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	pte_t orig = mm_test_pte(mm, MM_TEST_REGION);
	KT_ASSERT(t, pte_is_swap(orig));
	KT_ASSERT(t, swap_test_hold_free_slots(t, e.s.si, &aba_fill));

	seed003_aba_saved_mode = swap_bypass_sync_cache;
	KT_ASSERT(t, ktest_defer(t, seed003_aba_restore_mode, NULL));
	swap_bypass_sync_cache = mode;
	u64 timeouts = race_wait_timeouts();
	struct ktest_stats stats;
	ktest_stats_begin(&stats, seed003_aba_counters);
	u64 before[9];
	for (unsigned i = 0; i < 9; i++)
		before[i] = test_stat(seed003_aba_counters[i]);
	KT_ASSERT(t, seed003_aba_interleave(t, mode, mm, orig, r));
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	race_disarm_all();
	r->reads = test_stat("pswpin") - before[0];
	r->refaults = test_stat("swapin_refaults") - before[2];
	r->hits = test_stat("swapin_cache_hits") - before[3];
	r->retries = test_stat("swapin_bypass_retries") - before[4];
	r->fallbacks = test_stat("swapin_bypass_fallbacks") - before[5];
	r->backoff_ns = test_stat("swapin_bypass_backoff_ns") - before[6];
	r->bypasses = test_stat("swapin_bypass") - before[7];
	r->misses = test_stat("swapin_cache_misses") - before[8];
	ktest_stats_print(t, &stats);

	/* The outcome, in the bytes: read the page back. */
	r->value = mm_test_read(mm, swap_path_addr(0, 0));
	bool kept = r->value == swap_path_value(ABA_NEW, 0, 0);
	ktest_diag(t,
		   "swap.bypass_sync_cache=%s: %lu device reads (%lu around the cache, %lu "
		   "through it), %lu refaults, %lu pinned retries, %lu fallbacks, %lu us backing "
		   "off, T1's store %lu us; E reused %s; T1's write %s",
		   swap_bypass_mode_name(mode), (unsigned long)r->reads, (unsigned long)r->bypasses,
		   (unsigned long)r->misses, (unsigned long)r->refaults, (unsigned long)r->retries,
		   (unsigned long)r->fallbacks, (unsigned long)(r->backoff_ns / 1000),
		   (unsigned long)(r->t1_ns / 1000), r->reused ? "yes" : "no",
		   kept ? "kept" : "LOST");
	KT_EXPECT(t, r->reused); /* every design ran the ABA's swap-out */
	swap_bypass_sync_cache = seed003_aba_saved_mode;
	swap_test_release_slots(&aba_fill);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* The code before seed 003's fix: passes when T1's write is lost. */
KTEST(seed003, nopin_aba_maps_a_stale_page_and_loses_the_write)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_aba_result r = { 0 };
	seed003_aba_run(t, SWAP_BYPASS_NOPIN, &r);
	KT_EXPECT_EQ(t, r.reads, 2);				  /* both read E */
	KT_EXPECT_EQ(t, r.value, swap_path_value(ABA_OLD, 0, 0)); /* T0's stale copy */
	KT_EXPECT_EQ(t, r.t0_seen, swap_path_value(ABA_OLD, 0, 0));
}

KTEST(seed003, swap_cache_keeps_the_write_through_the_aba)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_aba_result r = { 0 };
	seed003_aba_run(t, SWAP_BYPASS_OFF, &r);
	KT_EXPECT_EQ(t, r.hits, 1); /* T1 found T0's folio */
	KT_EXPECT_EQ(t, r.reads, 1);
	KT_EXPECT_EQ(t, r.value, swap_path_value(ABA_NEW, 0, 0));
}

KTEST(seed003, pin_sleep_keeps_the_write_through_the_aba)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_aba_result r = { 0 };
	seed003_aba_run(t, SWAP_BYPASS_PIN_SLEEP, &r);
	KT_EXPECT(t, r.retries >= 1); /* T1 found the pin, slept and refaulted */
	KT_EXPECT(t, r.backoff_ns > 0);
	KT_EXPECT_EQ(t, r.reads, 1);
	KT_EXPECT_EQ(t, r.value, swap_path_value(ABA_NEW, 0, 0));
}

KTEST(seed003, pin_spin_keeps_the_write_through_the_aba)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_aba_result r = { 0 };
	seed003_aba_run(t, SWAP_BYPASS_PIN_SPIN, &r);
	KT_EXPECT(t, r.retries >= 1); /* T1 found the pin, yielded and refaulted */
	KT_EXPECT_EQ(t, r.reads, 1);
	KT_EXPECT_EQ(t, r.value, swap_path_value(ABA_NEW, 0, 0));
}

KTEST(seed003, fallback_cache_keeps_the_write_through_the_aba)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_aba_result r = { 0 };
	seed003_aba_run(t, SWAP_BYPASS_FALLBACK_CACHE, &r);
	KT_EXPECT_EQ(t, r.fallbacks, 1); /* T1 found the pin and took the cache path */
	KT_EXPECT_EQ(t, r.retries, 0);	 /* it waited for the unpin: no timed back-off */
	KT_EXPECT_EQ(t, r.reads, 1);
	KT_EXPECT_EQ(t, r.value, swap_path_value(ABA_NEW, 0, 0));
}

/* The thread's "increase the swap count", unchecked: T0's count sends T1
 * through the cache, and the page goes out to E again; passes when T1's
 * write is lost. */
KTEST(seed003, bump_aba_maps_a_stale_page_and_loses_the_write)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_aba_result r = { 0 };
	seed003_aba_run(t, SWAP_BYPASS_BUMP, &r);
	KT_EXPECT_EQ(t, r.bypasses, 1); /* T0 only: its count made T1 ... */
	KT_EXPECT_EQ(t, r.misses, 1);	/* ... read E through the cache */
	KT_EXPECT_EQ(t, r.reads, 2);
	KT_EXPECT_EQ(t, r.value, swap_path_value(ABA_OLD, 0, 0)); /* T0's stale copy */
}

/* The thread's safe variant: checking count == 1 guards the free race
 * (tests/seed003_bump.c), not this one; passes when T1's write is lost. */
KTEST(seed003, bump_checked_aba_maps_a_stale_page_and_loses_the_write)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_aba_result r = { 0 };
	seed003_aba_run(t, SWAP_BYPASS_BUMP_CHECKED, &r);
	KT_EXPECT_EQ(t, r.bypasses, 1);
	KT_EXPECT_EQ(t, r.misses, 1);
	KT_EXPECT_EQ(t, r.reads, 2);
	KT_EXPECT_EQ(t, r.value, swap_path_value(ABA_OLD, 0, 0));
}
