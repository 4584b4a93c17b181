/*
 * Seed 001 ("mm/swap: remember PG_anon_exclusive via a swp pte bit", the
 * first patch of "COW fixes part 2: reliable GUP pins of anonymous
 * pages"): the swapped-out cases of Linux's selftest
 * tools/testing/selftests/mm/cow.c, and the case the patch's commit
 * message gives, each on a base page and on a 16-page mTHP folio, each
 * under both designs:
 *
 *   swap.exclusive_bit=1 (default): try_to_unmap records in the swap PTE
 *     that the page was anon-exclusive, and swap-in believes it;
 *   swap.exclusive_bit=0 (the design before): swap-in guesses from
 *     references (mm/swap_in.c, swapin_exclusive_by_refs), and any
 *     reference it cannot explain makes the page "maybe shared".
 *
 * The cases (cow.c's names in quotes; "swapped out" is its
 * run_with_base_page_swap / run_with_pte_mapped_thp_swap):
 *   fork:    "Basic COW after fork()": the parent writes, the child keeps
 *            its data. Same under both: fork clears the bit anyway.
 *   shared:  "R/O GUP pin on R/O-mapped shared page": after a fork, a
 *            read-only pin unshares (copies) and sees the owner's write.
 *            Same under both.
 *   excl:    "R/O GUP pin on R/O-mapped exclusive page": the pin faults
 *            the page in. With the bit it is exclusive at once; without,
 *            every page needs an unshare fault, and on an mTHP folio the
 *            first pin's reference makes the other pages' unshares copy.
 *            The pins see the owner's writes under both.
 *   get:     the commit message: a get_user_pages reference (FOLL_GET, an
 *            O_DIRECT read in flight) does not stop reclaim, which unmaps
 *            the page and keeps it in the swap cache. With the bit the
 *            owner's write reuses it: owner and device see each other's
 *            writes. Without, the extra reference makes it shared, the
 *            owner's write copies, and the device's write is lost.
 *   pinned:  a pinned page is not swapped out (reclaim_pinned): a pin is
 *            what makes the get case safe, under both designs; and
 *            try_to_unmap itself refuses it (ttu_pinned).
 *
 * The switch is flipped at run time and put back by a ktest_defer
 * clean-up; every case prints the counters that explain it.
 */
#include "mm/gup.h"
#include "mm/rmap.h"
#include "swap_path_test.h"
#include "tests/test_design.h"

#define SEED001_COW_MAX_PAGES 16
#define SEED001_COW_BEFORE 0xc0e0000100000000ull
#define SEED001_COW_AFTER 0xc0e0000200000000ull
#define SEED001_COW_DEVICE 0xc0e0000d00000000ull

/* One case's state, static: clean-ups run after the test returned. */
struct seed001_cow {
	struct swap_path_env e;
	unsigned long n; /* pages: 1, or the 16 of an order-4 folio */
	struct mm *mm, *child;
	struct page *held[SEED001_COW_MAX_PAGES];
	long nr_held;
	bool pinned; /* held by pin_user_pages, else by get_user_pages */
	bool saved_bit;
	struct ktest_stats stats;
};

static struct seed001_cow seed001_cow_case;

static const char *const seed001_cow_counters[] = {
	"cow_copy", "cow_reuse", "swapin_exclusive", "swapin_shared", "gup_unshares",
	"gup_pins", "gup_gets",	 "reclaim_pinned",   "ttu_pinned",    NULL
};

static u64 seed001_cow_value(u64 tag, unsigned long page)
{
	return tag | (page << 8) | 0x5a;
}

/* Word 0 is the owner's, word 1 the device's. */
static unsigned long seed001_cow_addr(unsigned long page, unsigned word)
{
	return MM_TEST_REGION + page * PAGE_SIZE + word * sizeof(u64);
}

static volatile u64 *seed001_cow_device_word(struct page *page, unsigned word)
{
	return (volatile u64 *)page_address(page) + word;
}

static void seed001_cow_write(struct mm *mm, unsigned long n, unsigned word, u64 tag)
{
	for (unsigned long i = 0; i < n; i++)
		mm_test_write(mm, seed001_cow_addr(i, word), seed001_cow_value(tag, i));
}

/* Pages of mm whose word reads tag's value. */
static unsigned long seed001_cow_count(struct mm *mm, unsigned long n, unsigned word, u64 tag)
{
	unsigned long same = 0;
	for (unsigned long i = 0; i < n; i++)
		same += mm_test_read(mm, seed001_cow_addr(i, word)) == seed001_cow_value(tag, i);
	return same;
}

/* Held pages whose word, read by the "device", holds tag's value. */
static unsigned long seed001_cow_device_count(struct seed001_cow *c, unsigned word, u64 tag)
{
	unsigned long same = 0;
	for (long i = 0; i < c->nr_held; i++)
		same += *seed001_cow_device_word(c->held[i], word) ==
			seed001_cow_value(tag, (unsigned long)i);
	return same;
}

/* Held pages that the owner's PTE maps. */
static unsigned long seed001_cow_still_mapped(struct seed001_cow *c)
{
	unsigned long same = 0;
	for (long i = 0; i < c->nr_held; i++) {
		pte_t pte = mm_test_pte(c->mm, seed001_cow_addr((unsigned long)i, 0));
		same += pte_present(pte) && pte_pfn(pte) == page_to_pfn(c->held[i]);
	}
	return same;
}

/* Holds dropped, mms put, the switch and mTHP orders back: by the case
 * itself before its leak checks, and again (nothing left) after a failed
 * KT_ASSERT. */
static void seed001_cow_release(void *arg)
{
	struct seed001_cow *c = arg;
	for (long i = 0; i < c->nr_held; i++) {
		if (c->pinned)
			unpin_user_page(c->held[i]);
		else
			folio_put(page_folio(c->held[i]));
	}
	c->nr_held = 0;
	if (c->child)
		mm_put(c->child);
	if (c->mm)
		mm_put(c->mm);
	c->child = c->mm = NULL;
	swap_exclusive_bit = c->saved_bit;
	mthp_set_orders(c->e.old_orders);
}

/* A RAM swap device of the case's own, the design chosen, and an mm
 * whose n pages hold BEFORE in word 0 (one folio of order 4 for mTHP). */
static struct seed001_cow *seed001_cow_begin(struct ktest *t, bool mthp, bool bit)
{
	struct seed001_cow *c = &seed001_cow_case;
	if (!test_design_defaults(t))
		return false;
	*c = (struct seed001_cow){ .n = mthp ? 16 : 1, .saved_bit = swap_exclusive_bit };
	if (!swap_path_begin(t, &c->e, "seed001-cow", 2ul << 20, mthp ? 4 : 0) ||
	    !ktest_defer(t, seed001_cow_release, c))
		return NULL;
	swap_exclusive_bit = bit;
	ktest_stats_begin(&c->stats, seed001_cow_counters);
	c->mm = mm_test_create(t, c->n);
	if (!c->mm)
		return NULL;
	seed001_cow_write(c->mm, c->n, 0, SEED001_COW_BEFORE);
	struct folio *folio = mm_test_folio_at(c->mm, MM_TEST_REGION);
	if (!KT_EXPECT(t, folio && folio_order(folio) == (mthp ? 4u : 0u)))
		return NULL;
	return c;
}

static void seed001_cow_end(struct ktest *t, struct seed001_cow *c)
{
	ktest_stats_print(t, &c->stats);
	seed001_cow_release(c);
	swap_path_end(t, &c->e);
}

/* Page mm's range out: true when every PTE is a swap PTE whose
 * exclusive bit is what the design writes (set with the bit, never
 * without). */
static bool seed001_cow_swap_out(struct ktest *t, struct seed001_cow *c)
{
	KT_EXPECT_EQ(t, madvise_pageout(c->mm, MM_TEST_REGION, c->n * PAGE_SIZE, NULL), 0);
	unsigned long as_designed = 0;
	for (unsigned long i = 0; i < c->n; i++) {
		pte_t pte = mm_test_pte(c->mm, seed001_cow_addr(i, 0));
		as_designed += pte_is_swap(pte) && pte_swp_exclusive(pte) == swap_exclusive_bit;
	}
	return KT_EXPECT_EQ(t, as_designed, c->n);
}

static bool seed001_cow_hold(struct ktest *t, struct seed001_cow *c, bool pin, unsigned flags)
{
	c->pinned = pin;
	c->nr_held = pin ? pin_user_pages(c->mm, MM_TEST_REGION, c->n, flags, c->held)
			 : get_user_pages(c->mm, MM_TEST_REGION, c->n, flags, c->held);
	if (c->nr_held < 0)
		c->nr_held = 0;
	return KT_EXPECT_EQ(t, c->nr_held, c->n);
}

/* cow.c "Basic COW after fork()", swapped out: fork, the child reads, the
 * parent writes, the child reads again. Every page is shared after the
 * fork, so the parent's writes copy, under both designs. */
static void seed001_cow_fork(struct ktest *t, bool mthp, bool bit)
{
	struct seed001_cow *c = seed001_cow_begin(t, mthp, bit);
	KT_ASSERT(t, c && seed001_cow_swap_out(t, c));
	c->child = mm_fork(c->mm);
	KT_ASSERT(t, c->child);
	KT_EXPECT_EQ(t, seed001_cow_count(c->child, c->n, 0, SEED001_COW_BEFORE), c->n);
	u64 copies = test_stat("cow_copy");
	seed001_cow_write(c->mm, c->n, 0, SEED001_COW_AFTER);
	copies = test_stat("cow_copy") - copies;
	unsigned long kept = seed001_cow_count(c->child, c->n, 0, SEED001_COW_BEFORE);
	ktest_diag(t,
		   "swap.exclusive_bit=%d, %lu pages: the child kept %lu, the parent's writes "
		   "copied %lu",
		   bit, c->n, kept, (unsigned long)copies);
	KT_EXPECT_EQ(t, kept, c->n);
	KT_EXPECT_EQ(t, copies, c->n);
	KT_EXPECT_EQ(t, seed001_cow_count(c->mm, c->n, 0, SEED001_COW_AFTER), c->n);
	seed001_cow_end(t, c);
}

/* cow.c "R/O GUP pin on R/O-mapped shared page", swapped out: after a
 * fork, a read-only pin faults the page in and unshares it: the child's
 * swap PTEs still hold the swap cache, so every unshare copies. The pin
 * then sees the owner's write; the child keeps its data. Both designs. */
static void seed001_cow_ro_pin_shared(struct ktest *t, bool mthp, bool bit)
{
	struct seed001_cow *c = seed001_cow_begin(t, mthp, bit);
	KT_ASSERT(t, c && seed001_cow_swap_out(t, c));
	c->child = mm_fork(c->mm);
	KT_ASSERT(t, c->child);
	u64 copies = test_stat("cow_copy"), unshares = test_stat("gup_unshares");
	KT_ASSERT(t, seed001_cow_hold(t, c, true, FOLL_LONGTERM));
	seed001_cow_write(c->mm, c->n, 0, SEED001_COW_AFTER);
	copies = test_stat("cow_copy") - copies;
	unshares = test_stat("gup_unshares") - unshares;
	unsigned long seen = seed001_cow_device_count(c, 0, SEED001_COW_AFTER);
	ktest_diag(t,
		   "swap.exclusive_bit=%d, %lu pages: %lu unshares, %lu copies; the pin sees "
		   "the owner's write on %lu",
		   bit, c->n, (unsigned long)unshares, (unsigned long)copies, seen);
	KT_EXPECT_EQ(t, seen, c->n);
	KT_EXPECT_EQ(t, seed001_cow_still_mapped(c), c->n);
	KT_EXPECT_EQ(t, unshares, c->n);
	KT_EXPECT_EQ(t, copies, c->n);
	KT_EXPECT_EQ(t, seed001_cow_count(c->child, c->n, 0, SEED001_COW_BEFORE), c->n);
	seed001_cow_end(t, c);
}

/*
 * cow.c "R/O GUP pin on R/O-mapped exclusive page", swapped out: the pin
 * faults the pages in (read faults), the owner writes, the device reads
 * through the pins. With the bit the pages come back exclusive: no
 * unshare, no copy. Without, a read fault never proves exclusivity (the
 * old code kept the swap cache on a read fault): each page needs an
 * unshare fault. A base page is then proved alone by its count and
 * reused; on an mTHP folio the first page's pin is a reference the
 * others' reuse check cannot explain, so the other 15 are copied (each
 * pin on its copy). The pins see the owner's writes either way.
 */
static void seed001_cow_ro_pin_exclusive(struct ktest *t, bool mthp, bool bit)
{
	struct seed001_cow *c = seed001_cow_begin(t, mthp, bit);
	KT_ASSERT(t, c && seed001_cow_swap_out(t, c));
	u64 copies = test_stat("cow_copy"), unshares = test_stat("gup_unshares");
	KT_ASSERT(t, seed001_cow_hold(t, c, true, FOLL_LONGTERM));
	seed001_cow_write(c->mm, c->n, 0, SEED001_COW_AFTER);
	copies = test_stat("cow_copy") - copies;
	unshares = test_stat("gup_unshares") - unshares;
	unsigned long seen = seed001_cow_device_count(c, 0, SEED001_COW_AFTER);
	ktest_diag(t,
		   "swap.exclusive_bit=%d, %lu pages: %lu unshares, %lu copies; the pin sees "
		   "the owner's write on %lu",
		   bit, c->n, (unsigned long)unshares, (unsigned long)copies, seen);
	KT_EXPECT_EQ(t, seen, c->n);
	KT_EXPECT_EQ(t, seed001_cow_still_mapped(c), c->n);
	KT_EXPECT_EQ(t, unshares, bit ? 0 : c->n);
	KT_EXPECT_EQ(t, copies, bit ? 0 : c->n - 1);
	seed001_cow_end(t, c);
}

/*
 * The commit message's case: a get_user_pages(FOLL_WRITE) reference, an
 * O_DIRECT read into the page still in flight. Reclaim does not see it:
 * it unmaps the page, writes it, and leaves it in the swap cache (the
 * reference). The owner writes word 0, the device writes word 1 through
 * its reference. With the bit the owner's fault maps the cached page
 * exclusive and writes it in place: each sees the other's write. Without,
 * the reference makes the page maybe shared, the owner's write copies:
 * the device's write is lost to the owner and the device reads stale data.
 */
static void seed001_cow_get_across_swapout(struct ktest *t, bool mthp, bool bit)
{
	struct seed001_cow *c = seed001_cow_begin(t, mthp, bit);
	KT_ASSERT(t, c && seed001_cow_hold(t, c, false, FOLL_WRITE));
	KT_ASSERT(t, seed001_cow_swap_out(t, c));
	KT_EXPECT(t, folio_test_swapcache(page_folio(c->held[0])));
	u64 copies = test_stat("cow_copy");
	seed001_cow_write(c->mm, c->n, 0, SEED001_COW_AFTER);
	for (long i = 0; i < c->nr_held; i++)
		*seed001_cow_device_word(c->held[i], 1) =
			seed001_cow_value(SEED001_COW_DEVICE, (unsigned long)i);
	copies = test_stat("cow_copy") - copies;
	unsigned long owner_sees = seed001_cow_count(c->mm, c->n, 1, SEED001_COW_DEVICE);
	unsigned long device_sees = seed001_cow_device_count(c, 0, SEED001_COW_AFTER);
	ktest_diag(t,
		   "swap.exclusive_bit=%d, %lu pages: %lu copies; the owner sees the device's "
		   "write on %lu, the device the owner's on %lu",
		   bit, c->n, (unsigned long)copies, owner_sees, device_sees);
	unsigned long coherent = bit ? c->n : 0;
	KT_EXPECT_EQ(t, owner_sees, coherent);
	KT_EXPECT_EQ(t, device_sees, coherent);
	KT_EXPECT_EQ(t, seed001_cow_still_mapped(c), coherent);
	KT_EXPECT_EQ(t, copies, c->n - coherent);
	seed001_cow_end(t, c);
}

/* A read-only pin, then reclaim of the range: the pinned folio keeps its
 * PTEs and gets no swap slots (reclaim_pinned); the owner's write is seen
 * through the pin. What the get case lacks, under both designs. */
static void seed001_cow_pinned_stays(struct ktest *t, bool mthp, bool bit)
{
	struct seed001_cow *c = seed001_cow_begin(t, mthp, bit);
	KT_ASSERT(t, c && seed001_cow_hold(t, c, true, FOLL_LONGTERM));
	u64 kept = test_stat("reclaim_pinned"), out = test_stat("pswpout");
	KT_EXPECT_EQ(t, madvise_pageout(c->mm, MM_TEST_REGION, c->n * PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	kept = test_stat("reclaim_pinned") - kept;
	out = test_stat("pswpout") - out;
	u64 copies = test_stat("cow_copy");
	seed001_cow_write(c->mm, c->n, 0, SEED001_COW_AFTER);
	copies = test_stat("cow_copy") - copies;
	unsigned long seen = seed001_cow_device_count(c, 0, SEED001_COW_AFTER);
	ktest_diag(t,
		   "swap.exclusive_bit=%d, %lu pages: reclaim kept %lu pinned folios, wrote "
		   "%lu pages; %lu copies; the pin sees the owner's write on %lu",
		   bit, c->n, (unsigned long)kept, (unsigned long)out, (unsigned long)copies, seen);
	KT_EXPECT_EQ(t, kept, 1);
	KT_EXPECT_EQ(t, out, 0);
	KT_EXPECT_EQ(t, atomic_long_read(&c->e.s.si->inuse), 0);
	KT_EXPECT_EQ(t, seed001_cow_still_mapped(c), c->n);
	KT_EXPECT_EQ(t, copies, 0);
	KT_EXPECT_EQ(t, seen, c->n);
	seed001_cow_end(t, c);
}

/* The check reclaim relies on when a pin comes after its early look:
 * try_to_unmap itself refuses a pinned exclusive page (ttu_pinned), under
 * the PTL the pin was taken under, and leaves it mapped. */
KTEST(seed001_cow, try_to_unmap_refuses_a_pinned_exclusive_page)
{
	struct seed001_cow *c = seed001_cow_begin(t, false, true);
	KT_ASSERT(t, c && seed001_cow_hold(t, c, true, FOLL_LONGTERM));
	struct folio *folio = page_folio(c->held[0]);
	u64 refused = test_stat("ttu_pinned");
	folio_lock(folio);
	bool in_swap_cache = KT_EXPECT_EQ(t, folio_alloc_swap(folio), 0);
	if (in_swap_cache) {
		KT_EXPECT(t, !try_to_unmap(folio, NULL));
		KT_EXPECT(t, folio_free_swap(folio)); /* no swap PTE took a count */
	}
	folio_unlock(folio);
	KT_EXPECT_EQ(t, test_stat("ttu_pinned") - refused, 1);
	KT_EXPECT_EQ(t, seed001_cow_still_mapped(c), 1);
	seed001_cow_end(t, c);
}

/* Each case four times: base page and mTHP, with the bit and without. */
#define SEED001_COW_CASE(fn, with_bit, without_bit)                                                \
	KTEST(seed001_cow, with_bit##_base)                                                        \
	{                                                                                          \
		fn(t, false, true);                                                                \
	}                                                                                          \
	KTEST(seed001_cow, with_bit##_mthp)                                                        \
	{                                                                                          \
		fn(t, true, true);                                                                 \
	}                                                                                          \
	KTEST(seed001_cow, without_bit##_base)                                                     \
	{                                                                                          \
		fn(t, false, false);                                                               \
	}                                                                                          \
	KTEST(seed001_cow, without_bit##_mthp)                                                     \
	{                                                                                          \
		fn(t, true, false);                                                                \
	}

SEED001_COW_CASE(seed001_cow_fork, fork_of_swapped_out_page_parent_write_leaves_child_data,
		 without_exclusive_bit_fork_of_swapped_out_page_is_the_same)
SEED001_COW_CASE(seed001_cow_ro_pin_shared, ro_pin_on_swapped_out_shared_page_sees_owner_write,
		 without_exclusive_bit_ro_pin_on_shared_page_is_the_same)
SEED001_COW_CASE(seed001_cow_ro_pin_exclusive, ro_pin_after_swapin_sees_owner_write_no_unshare,
		 without_exclusive_bit_ro_pin_after_swapin_unshares_and_large_folio_copies)
SEED001_COW_CASE(seed001_cow_get_across_swapout, get_user_pages_across_swapout_stays_coherent,
		 without_exclusive_bit_owner_write_copies_away_from_get_user_pages)
SEED001_COW_CASE(seed001_cow_pinned_stays, ro_pinned_page_is_not_swapped_out,
		 without_exclusive_bit_pinned_page_is_not_swapped_out_either)
