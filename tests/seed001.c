/*
 * Seed 001 ("mm/swap: remember PG_anon_exclusive via a swp pte bit"), the
 * stable-writes check. A swap-in that finds its folio in the swap cache
 * still under writeback must not keep the exclusive marker when the device
 * needs stable pages (SWP_STABLE_WRITES): the page would be mapped
 * writable and a write would change it while the device is still reading
 * it. The v2 patch had the check the other way round, `!(flags &
 * SWP_STABLE_WRITES)`, as Miaohe Lin's review noticed; it runs here with
 * swap.stable_writes_check=inverted.
 *
 * The device is an asynchronous RAM device of the test's own, with stable
 * writes and an integrity check (drivers/ramswap.c): it computes a checksum
 * of a write's data at submission and checks the data against it when its
 * worker, on another CPU, copies it in; a mismatch is a torn write. The
 * same interleaving under both values of the switch:
 *   1. an exclusive page of mm a is paged out; the worker stops before it
 *      copies the data (ramswap:write-before-copy);
 *   2. a task of a writes the page: a swap-cache hit, folio under
 *      writeback;
 *   3. the worker goes on and stores the data.
 * Correct check: exclusivity dropped (swapin_stable_writeback +1), the
 * write copies (cow_copy +1), the device stores what was submitted. The
 * inverted check: mapped writable under writeback, the write lands in the
 * page being written and the device stores other data than was submitted:
 * a torn write (ramswap_torn_writes +1). mm b, forked from a, shares
 * another page and keeps its data either way.
 */
#include "drivers/ramswap.h"
#include "kernel/race.h"
#include "mm/swap_in.h"
#include "swap_path_test.h"
#include "tests/test_design.h"

#define SEED001_DEVICE "seed001-dif"
#define SEED001_BYTES (2ul << 20)
#define SEED001_PAGE 1		/* a's own page */
#define SEED001_SUBMITTED_TAG 2 /* its data when paged out */
#define SEED001_WRITTEN_TAG 9	/* the write under writeback */

static bool seed001_saved_inverted;

static void seed001_restore_check(void *arg)
{
	(void)arg;
	swapin_stable_writes_inverted = seed001_saved_inverted;
}

/* a's task writes word 0 of its page (a fault on the swap PTE), then
 * lets the device's worker go on. */
static int seed001_write_page(void *arg)
{
	struct mm *mm = arg;
	mm_test_write(mm, swap_path_addr(SEED001_PAGE, 0),
		      swap_path_value(SEED001_WRITTEN_TAG, SEED001_PAGE, 0));
	race_point("seed001:written");
	return 0;
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
	if (!KT_EXPECT(t, *b != NULL)) {
		mm_put(*a);
		return false;
	}
	KT_EXPECT_EQ(t, swap_path_write(*a, SEED001_PAGE, 1, SEED001_SUBMITTED_TAG), 0);
	return true;
}

/* Word 0 of a swap slot as the device stored it. */
static u64 seed001_stored_word(struct ktest *t, struct blockdev *bd, swp_entry_t entry)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!KT_EXPECT(t, pg != NULL))
		return 0;
	KT_EXPECT_EQ(
		t,
		blk_rw_sync(bd, BLK_READ, swp_offset(entry) << (PAGE_SHIFT - SECTOR_SHIFT), &pg, 1),
		0);
	u64 word = *(u64 *)page_address(pg);
	free_page(pg);
	return word;
}

struct seed001_result {
	u64 drops, writable, copies, torn; /* counter deltas over the interleaving */
	u64 stored;			   /* word 0 of the slot, as stored */
};

/*
 * The forced interleaving: page-out, the worker held before it takes the
 * data, a's task writes the page, the worker goes on. The write runs on
 * this CPU (the worker's is held); the page-out's write is in flight when
 * madvise_pageout returns. The slot written is *entry.
 */
static bool seed001_interleave(struct ktest *t, struct mm *a, unsigned io_cpu, swp_entry_t *entry)
{
	const struct test_race_point points[] = {
		{ "ramswap:write-before-copy",
		  TEST_RACE_HOLD_FOR("seed001:written", (int)io_cpu, 20 * 1000 * 1000) },
		{ "seed001:written", TEST_RACE_COUNT },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return false;
	unsigned long addr = swap_path_addr(SEED001_PAGE, 0);
	KT_EXPECT_EQ(t, madvise_pageout(a, addr, PAGE_SIZE, NULL), 0);
	pte_t pte = mm_test_pte(a, addr);
	if (!KT_EXPECT(t, pte_is_swap(pte) && pte_swp_exclusive(pte)))
		return false;
	*entry = pte_to_swp_entry(pte);
	u64 t0 = arch_time_ns();
	while (race_hits("ramswap:write-before-copy") == 0 && arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	if (!KT_EXPECT_EQ(t, race_hits("ramswap:write-before-copy"), 1))
		return false; /* the worker never took the write: nothing to race */
	KT_EXPECT_EQ(t, mm_test_run(a, arch_cpu_id(), seed001_write_page, a), 0);
	KT_EXPECT(t, swap_test_wait_io());
	return true;
}

/* False when the case cannot run here (skipped, or failed setting up). */
static bool seed001_run(struct ktest *t, bool inverted, struct seed001_result *r)
{
	if (!test_require_cpus(t, 2))
		return false;
	unsigned io_cpu = test_other_cpu(); /* the worker's; this task's is another */
	struct blockdev *bd = test_ramswap(t, SEED001_DEVICE, SEED001_BYTES, true, io_cpu);
	if (!bd)
		return false;
	KT_EXPECT(t, bd->stable_writes); /* ramswap is stable-writes, as zram */
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, SEED001_DEVICE, SEED001_BYTES, 0) || !test_design_defaults(t))
		return false;
	seed001_saved_inverted = swapin_stable_writes_inverted;
	if (!ktest_defer(t, seed001_restore_check, NULL))
		return false;
	swapin_stable_writes_inverted = inverted;
	struct mm *a, *b;
	if (!seed001_setup(t, &a, &b))
		return false;

	static const char *const counters[] = { "pswpout",
						"swapin_cache_hits",
						"swapin_stable_writeback",
						"swapin_writable_under_writeback",
						"swapin_exclusive",
						"swapin_shared",
						"cow_copy",
						"ramswap_torn_writes",
						NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	u64 timeouts = race_wait_timeouts(), hits = test_stat("swapin_cache_hits");
	u64 drops = test_stat("swapin_stable_writeback");
	u64 writable = test_stat("swapin_writable_under_writeback");
	u64 copies = test_stat("cow_copy"), torn = ramswap_torn_writes(bd);
	swp_entry_t entry = { 0 };
	bool ran = seed001_interleave(t, a, io_cpu, &entry);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* the forced order happened */
	race_disarm_all();
	swapin_stable_writes_inverted = seed001_saved_inverted;
	if (ran) {
		/* The fault found the folio in the swap cache, under writeback. */
		KT_EXPECT_EQ(t, test_stat("swapin_cache_hits"), hits + 1);
		r->drops = test_stat("swapin_stable_writeback") - drops;
		r->writable = test_stat("swapin_writable_under_writeback") - writable;
		r->copies = test_stat("cow_copy") - copies;
		r->torn = ramswap_torn_writes(bd) - torn;
		r->stored = seed001_stored_word(t, bd, entry);
		ktest_diag(t,
			   "swap.stable_writes_check=%s: exclusivity dropped %lu, mapped writable "
			   "under writeback %lu, COW copies %lu, torn writes %lu; the device "
			   "stored %s",
			   inverted ? "inverted" : "correct", (unsigned long)r->drops,
			   (unsigned long)r->writable, (unsigned long)r->copies,
			   (unsigned long)r->torn,
			   r->stored == swap_path_value(SEED001_SUBMITTED_TAG, SEED001_PAGE, 0)
				   ? "the data submitted"
				   : "other data than was submitted");
	}
	ktest_stats_print(t, &stats);

	/* Each mm reads its own data, in memory and after another round
	 * through the device (nothing held now), which stores it intact. */
	unsigned long addr = swap_path_addr(SEED001_PAGE, 0);
	u64 want =
		swap_path_value(ran ? SEED001_WRITTEN_TAG : SEED001_SUBMITTED_TAG, SEED001_PAGE, 0);
	KT_EXPECT_EQ(t, mm_test_read(a, addr), want);
	u64 reads = test_stat("pswpin");
	torn = ramswap_torn_writes(bd);
	KT_EXPECT_EQ(t, madvise_pageout(a, MM_TEST_REGION, 2 * PAGE_SIZE, NULL), 0);
	KT_EXPECT(t, swap_test_wait_io());
	pte_t pte = mm_test_pte(a, addr);
	if (KT_EXPECT(t, pte_is_swap(pte)))
		KT_EXPECT_EQ(t, seed001_stored_word(t, bd, pte_to_swp_entry(pte)), want);
	KT_EXPECT_EQ(t, ramswap_torn_writes(bd), torn);
	KT_EXPECT_EQ(t, mm_test_read(a, addr), want);
	ktest_diag(t, "read back after another page-out: right; pswpin +%lu",
		   (unsigned long)(test_stat("pswpin") - reads));
	KT_EXPECT_EQ(t, swap_path_check(b, 0, 2, 1), 0);
	mm_put(b);
	mm_put(a);
	swap_path_end(t, &e);
	return ran;
}

KTEST(seed001, stable_writes_swapin_under_writeback_copies_and_the_device_stores_intact_data)
{
	struct seed001_result r = { 0 };
	if (!seed001_run(t, false, &r))
		return;
	KT_EXPECT_EQ(t, r.drops, 1); /* the contended event: exclusivity dropped */
	KT_EXPECT_EQ(t, r.writable, 0);
	KT_EXPECT_EQ(t, r.copies, 1); /* the write copied the page */
	KT_EXPECT_EQ(t, r.torn, 0);
	KT_EXPECT_EQ(t, r.stored, swap_path_value(SEED001_SUBMITTED_TAG, SEED001_PAGE, 0));
}

/* The v2 patch's check: passes when the device sees the page change under
 * its write (a torn write, other data stored than was submitted). */
KTEST(seed001, inverted_check_tears_the_write_to_a_stable_writes_device)
{
	struct seed001_result r = { 0 };
	if (!seed001_run(t, true, &r))
		return;
	KT_EXPECT_EQ(t, r.drops, 0);
	KT_EXPECT_EQ(t, r.writable, 1); /* the contended event: writable under writeback */
	KT_EXPECT_EQ(t, r.copies, 0);
	KT_EXPECT_EQ(t, r.torn, 1);
	KT_EXPECT_EQ(t, r.stored, swap_path_value(SEED001_WRITTEN_TAG, SEED001_PAGE, 0));
}
