/*
 * Seed 001 ("mm/swap: remember PG_anon_exclusive via a swp pte bit"), the
 * fork rule: once parent and child share a swap entry, neither may treat
 * it as exclusive, so fork clears the bit in the parent's swap PTE (and
 * the child's copy never has it). Forget that (fork.clear_swp_exclusive=0,
 * the class of bug behind CVE-2020-29374: COW isolation lost) and the
 * first to swap the page in maps it writable in place, in the swap cache,
 * where the other finds it: the parent's write after fork shows in the
 * child.
 *
 * The same sequence under both switch values: write a page, swap it out
 * (its swap PTE exclusive), fork, the parent writes (swap-in, then the
 * write), the child reads. With the rule the child reads the value from
 * before the fork and the parent's write was a copy (cow_copy +1);
 * without it the child reads the parent's write.
 */
#include "mm/rmap.h"
#include "swap_path_test.h"
#include "tests/test_design.h"

#define SEED001_BEFORE 0x5eed0001beef0000ull
#define SEED001_AFTER 0x5eed0001afe70000ull

static bool seed001_fork_saved, seed001_fork_saved_bit;

static void seed001_fork_restore(void *arg)
{
	(void)arg;
	fork_clear_swp_exclusive = seed001_fork_saved;
	swap_exclusive_bit = seed001_fork_saved_bit;
}

/* What the child reads at the end (0 when the setup failed). */
static u64 seed001_fork_run(struct ktest *t, bool clear)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "seed001-fork", 2ul << 20, 0) || !test_design_defaults(t))
		return 0;
	seed001_fork_saved = fork_clear_swp_exclusive;
	seed001_fork_saved_bit = swap_exclusive_bit;
	if (!ktest_defer(t, seed001_fork_restore, NULL))
		return 0;
	fork_clear_swp_exclusive = clear;
	swap_exclusive_bit = true; /* the rule is about the bit: it must be written */
	static const char *const counters[] = { "fork_swap_dup", "swapin_exclusive", "cow_copy",
						"cow_reuse", NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	u64 copies = test_stat("cow_copy");

	/* Setup: one exclusive page, swapped out. */
	struct mm *parent = mm_test_create(t, 1);
	if (!KT_EXPECT(t, parent != NULL))
		return 0;
	mm_test_write(parent, MM_TEST_REGION, SEED001_BEFORE);
	KT_EXPECT_EQ(t, madvise_pageout(parent, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	pte_t pte = mm_test_pte(parent, MM_TEST_REGION);
	KT_EXPECT(t, pte_is_swap(pte) && pte_swp_exclusive(pte));

	/* fork, then the parent writes, then the child reads. */
	struct mm *child = mm_fork(parent);
	if (!KT_EXPECT(t, child != NULL)) {
		mm_put(parent);
		return 0;
	}
	KT_EXPECT_EQ(t, pte_swp_exclusive(mm_test_pte(parent, MM_TEST_REGION)), !clear);
	mm_test_write(parent, MM_TEST_REGION, SEED001_AFTER);
	u64 seen = mm_test_read(child, MM_TEST_REGION);
	KT_EXPECT_EQ(t, mm_test_read(parent, MM_TEST_REGION), SEED001_AFTER);
	ktest_diag(t, "fork.clear_swp_exclusive=%d: the child reads %#lx (%s); cow_copy +%lu",
		   clear, (unsigned long)seen,
		   seen == SEED001_BEFORE ? "its own, from before the fork" : "the parent's write",
		   (unsigned long)(test_stat("cow_copy") - copies));
	if (clear)
		KT_EXPECT_EQ(t, test_stat("cow_copy"), copies + 1);
	ktest_stats_print(t, &stats);
	mm_put(child);
	mm_put(parent);
	seed001_fork_restore(NULL);
	swap_path_end(t, &e);
	return seen;
}

KTEST(seed001_fork, fork_clears_swap_exclusive_and_child_keeps_its_data)
{
	KT_EXPECT_EQ(t, seed001_fork_run(t, true), SEED001_BEFORE);
}

/* The broken design: the test passes when the parent's write leaks. */
KTEST(seed001_fork, without_the_rule_parent_write_leaks_into_child)
{
	KT_EXPECT_EQ(t, seed001_fork_run(t, false), SEED001_AFTER);
}
