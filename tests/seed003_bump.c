/*
 * Seed 003's "bump the count" (swap.bypass_sync_cache=bump and
 * bump-checked): instead of pinning the slot, the bypassing fault takes a
 * swap count of its own while it reads. Kairui Song's objection in the
 * thread: "Increasing swap_count here will also race with another process
 * from releasing swap_count to 0 ... It will increase the swap count of an
 * already freed entry ... all result in random corruption of the swap
 * map." This file forces that race; the ABA of the fix's commit message
 * under the bump designs is in tests/seed003_aba.c.
 *
 * Two threads of one mm fault the same swap entry E (count 1) of a RAM
 * (synchronous) device of the test's own, every other slot of which the
 * test holds (so E's cluster cannot empty and lose its table):
 *
 *   T0 (another CPU) reads the swap PTE, passes the bypass's look (count
 *      1, not cached) and is held before its bump;
 *   T1 (this CPU) faults, bumps, reads, maps, drops its counts: E free;
 *   T0 is released and bumps E:
 *     bump          the unchecked bump makes the free slot "swapped out,
 *                   count 1" behind its cluster's back; T0 is held there
 *                   while swap_check looks (one cluster counts a slot
 *                   fewer than its table uses); then T0 reads, finds the
 *                   PTE present (refault) and drops its count: E is freed
 *                   a second time, the cluster now counts one slot fewer
 *                   than it holds: swap_check again. The test passes only
 *                   when both checks report the corruption, then repairs
 *                   the counts (swap_test_recount_clusters) so the device
 *                   goes clean.
 *     bump-checked  the checked bump finds E free and bails out; T0
 *                   refaults onto the present PTE; swap_check is clean.
 * Both count the contended event: a bump that found its slot free
 * (swap_bump_free_slot +1, asserted).
 */
#include "kernel/race.h"
#include "mm/swap_cluster.h"
#include "mm/swap_in_bypass.h"
#include "swap_path_test.h"
#include "tests/test_design.h"

#define BUMP_TAG 3
#define BUMP_DEVICE_BYTES (1ul << 20)
#define BUMP_HOLD_US (20 * 1000 * 1000ul) /* a slow shared host */

static struct swap_test_held_slots bump_fill;
static enum swap_bypass_mode seed003_bump_saved_mode;

static void seed003_bump_restore_mode(void *arg)
{
	(void)arg;
	swap_bypass_sync_cache = seed003_bump_saved_mode;
}

struct seed003_bump_result {
	u64 bumped_free;     /* swap_bump_free_slot: the contended event */
	int problems_bumped; /* swap_check while T0 holds its count (bump) */
	int problems_after;  /* swap_check once T0 is done */
	unsigned repaired;   /* clusters whose count had to be set back */
	u64 refaults, bad_entries;
	int t0_bad, t1_bad; /* 1 when a thread read a wrong value */
};

/* T0 held before its bump until T1 has freed E; under bump, held again
 * after it until the test has checked. */
static bool seed003_bump_arm(struct ktest *t, enum swap_bypass_mode mode, unsigned t0_cpu)
{
	const struct test_race_point points[] = {
		{ "seed003:bump-slot-freed", TEST_RACE_COUNT },
		{ "swapin:bypass-before-bump",
		  TEST_RACE_HOLD_FOR("seed003:bump-slot-freed", (int)t0_cpu, BUMP_HOLD_US) },
		{ "seed003:bump-looked", TEST_RACE_COUNT },
		{ "swapin:bypass-bumped",
		  TEST_RACE_HOLD_FOR("seed003:bump-looked", (int)t0_cpu, BUMP_HOLD_US) },
	};
	return test_race_arm(t, points, mode == SWAP_BYPASS_BUMP ? 4 : 2);
}

/* The steps of the top comment. */
static bool seed003_bump_interleave(struct ktest *t, enum swap_bypass_mode mode, struct mm *mm,
				    swp_entry_t entry, struct seed003_bump_result *r)
{
	unsigned t0_cpu = test_other_cpu();
	if (!seed003_bump_arm(t, mode, t0_cpu))
		return false;
	struct swap_path_reader t0r = { mm, 0, BUMP_TAG, 0 }, t1r = { mm, 0, BUMP_TAG, 0 };
	struct task *t0 = kthread_create_in_mm(swap_path_reader_run, &t0r, t0_cpu, "T0", mm);
	if (!KT_EXPECT(t, t0 != NULL))
		return false;
	while (race_hits("swapin:bypass-before-bump") == 0)
		yield();
	struct task *t1 = kthread_create_in_mm(swap_path_reader_run, &t1r, arch_cpu_id(), "T1", mm);
	if (KT_EXPECT(t, t1 != NULL))
		KT_EXPECT_EQ(t, kthread_join(t1), 0);
	KT_EXPECT(t, !swap_entry_valid(entry)); /* T1 mapped the page and freed E */
	race_point("seed003:bump-slot-freed");
	if (mode == SWAP_BYPASS_BUMP) {
		while (race_hits("swapin:bypass-bumped") < 2) /* T1's pass, then T0's */
			yield();
		r->problems_bumped = swap_check();
		race_point("seed003:bump-looked");
	}
	KT_EXPECT_EQ(t, kthread_join(t0), 0);
	r->problems_after = swap_check();
	r->t0_bad = t0r.bad;
	r->t1_bad = t1r.bad;
	return true;
}

static void seed003_bump_run(struct ktest *t, enum swap_bypass_mode mode,
			     struct seed003_bump_result *r)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-bump", BUMP_DEVICE_BYTES, 0) || !test_design_defaults(t))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, BUMP_TAG), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	pte_t orig = mm_test_pte(mm, MM_TEST_REGION);
	KT_ASSERT(t, pte_is_swap(orig));
	KT_ASSERT(t, swap_test_hold_free_slots(t, e.s.si, &bump_fill));

	seed003_bump_saved_mode = swap_bypass_sync_cache;
	KT_ASSERT(t, ktest_defer(t, seed003_bump_restore_mode, NULL));
	swap_bypass_sync_cache = mode;
	static const char *const counters[] = { "swap_bump_free_slot",
						"swap_check_problems",
						"swapin_bypass",
						"swapin_refaults",
						"swap_bad_entry",
						"pswpin",
						NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	u64 timeouts = race_wait_timeouts(), bumped = test_stat("swap_bump_free_slot");
	u64 refaults = test_stat("swapin_refaults"), bad = test_stat("swap_bad_entry");
	KT_ASSERT(t, seed003_bump_interleave(t, mode, mm, pte_to_swp_entry(orig), r));
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	race_disarm_all();
	swap_bypass_sync_cache = seed003_bump_saved_mode;
	r->bumped_free = test_stat("swap_bump_free_slot") - bumped;
	r->refaults = test_stat("swapin_refaults") - refaults;
	r->bad_entries = test_stat("swap_bad_entry") - bad;
	ktest_stats_print(t, &stats);

	/* Repair what bump broke, so that the device leaves clean. */
	r->repaired = swap_test_recount_clusters(e.s.si);
	if (mode == SWAP_BYPASS_BUMP)
		ktest_diag(t, "swap_check with T0's count on the free slot: %d problems",
			   r->problems_bumped);
	ktest_diag(t,
		   "swap.bypass_sync_cache=%s: bumps of a free slot %lu; swap_check once T0 was "
		   "done: %d problems; %u clusters recounted; T0 %s, T1 %s",
		   swap_bypass_mode_name(mode), (unsigned long)r->bumped_free, r->problems_after,
		   r->repaired, r->t0_bad ? "read a wrong value" : "read its value",
		   r->t1_bad ? "read a wrong value" : "read its value");
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, r->t0_bad + r->t1_bad, 0);
	KT_EXPECT_EQ(t, r->bad_entries, 0);
	swap_test_release_slots(&bump_fill);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* The design under test: passes when swap_check finds the swap map
 * corrupt, once with T0's count on the free slot and once after T0 freed
 * it again. */
KTEST(seed003, bump_of_a_freed_slot_corrupts_the_swap_map)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_bump_result r = { 0 };
	seed003_bump_run(t, SWAP_BYPASS_BUMP, &r);
	KT_EXPECT_EQ(t, r.bumped_free, 1);   /* T0 bumped E after T1 freed it */
	KT_EXPECT(t, r.problems_bumped > 0); /* a free slot with a count */
	KT_EXPECT(t, r.problems_after > 0);  /* E freed twice */
	KT_EXPECT_EQ(t, r.repaired, 1);
	KT_EXPECT_EQ(t, r.refaults, 1); /* T0: the PTE was present */
}

/* The thread's safe variant on the same interleaving: the bump sees E
 * free, bails out, and T0 refaults; the swap map stays whole. */
KTEST(seed003, bump_checked_bails_out_on_a_freed_slot)
{
	if (!test_require_cpus(t, 2))
		return;
	struct seed003_bump_result r = { 0 };
	seed003_bump_run(t, SWAP_BYPASS_BUMP_CHECKED, &r);
	KT_EXPECT_EQ(t, r.bumped_free, 1);    /* T0's bump found E free ... */
	KT_EXPECT_EQ(t, r.problems_after, 0); /* ... and left it alone */
	KT_EXPECT_EQ(t, r.repaired, 0);
	KT_EXPECT_EQ(t, r.refaults, 1); /* T0 refaulted onto the present PTE */
}
