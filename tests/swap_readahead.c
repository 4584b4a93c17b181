/*
 * Swap readahead (issue 14, mm/swap_readahead.c), on a synchronous RAM
 * device of each test's own (host and kernel): cluster and vma modes read
 * the neighbours and a sequential re-read hits them; the vma window grows
 * on hits and shrinks on misses; a readahead page whose read fails is
 * dropped quietly while the faulting page's own failure kills; a large
 * folio swap-in reads no neighbours and never takes a slot a readahead
 * folio holds; reclaim drops an unused readahead folio; swapoff with
 * readahead folios in the cache. Each test sets the mode and window it
 * needs and puts the boot's back at its end.
 */
#include "drivers/blockdev.h"
#include "kernel/fault_inject.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/folio.h"
#include "mm/lru.h"
#include "mm/mthp.h"
#include "mm/swap.h"
#include "mm/swap_readahead.h"
#include "mm/vmscan.h"
#include "mm_test.h"
#include "swap_path_test.h"
#include "swap_test.h"

#define RA_BYTES (8ul << 20)

static struct {
	enum swap_readahead_mode mode;
	u64 page_cluster;
} ra_saved;

static void ra_restore(void *arg)
{
	(void)arg;
	WRITE_ONCE(swap_readahead_mode, ra_saved.mode);
	WRITE_ONCE(swap_page_cluster, ra_saved.page_cluster);
}

/* The test's readahead design, the boot's back when it ends. */
static bool ra_set(struct ktest *t, enum swap_readahead_mode mode, u64 page_cluster)
{
	ra_saved.mode = swap_readahead_mode;
	ra_saved.page_cluster = swap_page_cluster;
	if (!ktest_defer(t, ra_restore, NULL))
		return false;
	WRITE_ONCE(swap_readahead_mode, mode);
	WRITE_ONCE(swap_page_cluster, page_cluster);
	return true;
}

/* n pages with tag's pattern at MM_TEST_REGION, all swapped out and none
 * left in the swap cache. */
static struct mm *ra_swapped_mm(struct ktest *t, unsigned long n, u64 tag)
{
	struct mm *mm = mm_test_create(t, n);
	if (!mm)
		return NULL;
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, tag), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, n * PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	for (unsigned long p = 0; p < n; p++) {
		pte_t pte = mm_test_pte(mm, MM_TEST_REGION + p * PAGE_SIZE);
		KT_EXPECT(t, pte_is_swap(pte));
		if (pte_is_swap(pte))
			swap_cache_drop_clean(pte_to_swp_entry(pte));
	}
	return mm;
}

static swp_entry_t ra_entry(struct mm *mm, unsigned long page)
{
	return pte_to_swp_entry(mm_test_pte(mm, MM_TEST_REGION + page * PAGE_SIZE));
}

/* Pages touched one by one (word 0 read) in a task of the mm, with
 * swap_ra after each touch. */
#define RA_WALK_MAX 32
struct ra_walk {
	struct mm *mm;
	const unsigned long *pages;
	unsigned n;
	u64 tag;
	u64 ra_after[RA_WALK_MAX];
};

/* Exit status: pages that read wrong. */
static int ra_walk_run(void *arg)
{
	struct ra_walk *w = arg;
	int bad = 0;
	for (unsigned i = 0; i < w->n; i++) {
		unsigned long p = w->pages[i];
		bad += mm_test_read(w->mm, swap_path_addr(p, 0)) != swap_path_value(w->tag, p, 0);
		w->ra_after[i] = test_stat("swap_ra");
	}
	return bad;
}

/* The counters a case compares before and after. */
struct ra_stats {
	u64 ra, hit, unused, errors, misses, pswpin;
};

static void ra_stats_read(struct ra_stats *s)
{
	s->ra = test_stat("swap_ra");
	s->hit = test_stat("swap_ra_hit");
	s->unused = test_stat("swap_ra_unused");
	s->errors = test_stat("swap_ra_read_errors");
	s->misses = test_stat("swapin_cache_misses");
	s->pswpin = test_stat("pswpin");
}

/* Read n swapped-out pages back in order: each page read from the device
 * once, most of them ahead of their fault, and every one of those used. */
static void ra_sequential_reread_hits(struct ktest *t, enum swap_readahead_mode mode)
{
	const unsigned long n = 128;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 0) || !ra_set(t, mode, 3))
		return;
	struct mm *mm = ra_swapped_mm(t, n, 5);
	KT_ASSERT(t, mm);
	struct ra_stats a, b;
	struct blockdev *bd = swap_type_blockdev((unsigned)e.s.type);
	u64 requests = READ_ONCE(bd->nr_requests);
	ra_stats_read(&a);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 5), 0);
	ra_stats_read(&b);
	requests = READ_ONCE(bd->nr_requests) - requests;
	u64 ra = b.ra - a.ra, hit = b.hit - a.hit;
	KT_EXPECT_EQ(t, b.pswpin - a.pswpin, n); /* nothing read twice */
	/* A window of consecutive slots is one request (swap_read_folios):
	 * at most the miss's own read and one for its window. */
	KT_EXPECT(t, requests <= 2 * (n - hit));
	KT_EXPECT(t, requests < n);
	KT_EXPECT(t, ra >= n / 2); /* 7 of 8 once the window is full */
	KT_EXPECT_EQ(t, hit, ra);  /* and every one used */
	KT_EXPECT_EQ(t, b.misses - a.misses, n - hit);
	KT_EXPECT_EQ(t, b.unused, a.unused);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

KTEST(swap_readahead, cluster_mode_reads_the_neighbouring_slots_and_a_sequential_reread_hits)
{
	ra_sequential_reread_hits(t, SWAP_RA_CLUSTER);
}

KTEST(swap_readahead, vma_mode_reads_the_neighbouring_ptes_and_a_sequential_reread_hits)
{
	ra_sequential_reread_hits(t, SWAP_RA_VMA);
}

KTEST(swap_readahead, off_reads_only_the_faulting_page)
{
	const unsigned long n = 32;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 0) || !ra_set(t, SWAP_RA_OFF, 3))
		return;
	struct mm *mm = ra_swapped_mm(t, n, 6);
	KT_ASSERT(t, mm);
	struct ra_stats a, b;
	ra_stats_read(&a);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 6), 0);
	ra_stats_read(&b);
	KT_EXPECT_EQ(t, b.ra, a.ra);
	KT_EXPECT_EQ(t, b.misses - a.misses, n);
	mm_put(mm);
	swap_path_end(t, &e);
}

/*
 * The vma window, from a new VMA, page_cluster 3 (at most 8 pages). In
 * order: page 0 has no history (nothing read ahead); page 1 follows it
 * (2: page 2 ahead); page 2 hits; page 3 misses after 1 hit (4: pages
 * 4-6); three hits, page 7 (8: 8-14); seven hits, page 15 (8, the most:
 * 16-22). Then far-apart misses without hits halve it, centred on the
 * fault: page 100 (4: 99, 101, 102), 140 (2: 141), 180 and 220 (1:
 * nothing). What was read ahead and never touched is counted unused when
 * the mm goes.
 */
KTEST(swap_readahead, vma_window_grows_on_hits_and_shrinks_on_misses)
{
	const unsigned long n = 256;
	static const unsigned long pages[] = { 0,  1,  2,  3,  4,  5,  6,   7,	 8,   9,
					       10, 11, 12, 13, 14, 15, 100, 140, 180, 220 };
	static const u64 read_ahead[] = {
		0, 1, 0, 3, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 7, 3, 1, 0, 0
	};
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 0) || !ra_set(t, SWAP_RA_VMA, 3))
		return;
	struct mm *mm = ra_swapped_mm(t, n, 7);
	KT_ASSERT(t, mm);
	struct ra_stats a, b;
	ra_stats_read(&a);
	struct ra_walk w = { mm, pages, ARRAY_SIZE(pages), 7, { 0 } };
	KT_EXPECT_EQ(t, mm_test_run(mm, test_nth_cpu(0), ra_walk_run, &w), 0);
	u64 before = a.ra;
	for (unsigned i = 0; i < w.n; i++) {
		if (!KT_EXPECT_EQ(t, w.ra_after[i] - before, read_ahead[i]))
			ktest_diag(t, "page %lu read %lu ahead, expected %lu", pages[i],
				   (unsigned long)(w.ra_after[i] - before),
				   (unsigned long)read_ahead[i]);
		before = w.ra_after[i];
	}
	ra_stats_read(&b);
	KT_EXPECT_EQ(t, b.ra - a.ra, 22);
	KT_EXPECT_EQ(t, b.hit - a.hit, 11); /* 2, 4-6, 8-14 */
	mm_put(mm);
	KT_EXPECT_EQ(t, test_stat("swap_ra_unused") - a.unused, 11);
	swap_path_end(t, &e);
}

/*
 * fail.swap_read= with space=4096: the fault's own read of page 1 goes
 * through, its readahead read of page 2 fails. Page 2 is dropped from the
 * cache quietly (nobody killed), still swapped out, and its own fault
 * reads it. Then a fault whose own read fails is killed as ever.
 */
KTEST(swap_readahead, a_readahead_read_error_is_dropped_quietly_the_faulting_pages_kills)
{
	const unsigned long n = 8;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 0) || !ra_set(t, SWAP_RA_VMA, 3))
		return;
	struct mm *mm = ra_swapped_mm(t, n, 8);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 0, 8), 0); /* window 1 */
	u64 kills = test_stat("swapin_read_kills");
	struct ra_stats a, b;
	ra_stats_read(&a);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the device error is reported */
	KT_ASSERT_EQ(t, fault_attr_set(&fail_swap_read, "task=mm-test,space=4096,times=1"), 0);
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 1, 8), 0);
	fault_attr_disable(&fail_swap_read);
	ra_stats_read(&b);
	KT_EXPECT_EQ(t, b.ra - a.ra, 1);
	KT_EXPECT_EQ(t, b.errors - a.errors, 1);
	KT_EXPECT_EQ(t, test_stat("swapin_read_kills"), kills);
	KT_EXPECT(t, pte_is_swap(mm_test_pte(mm, MM_TEST_REGION + 2 * PAGE_SIZE)));
	KT_EXPECT(t, !swap_cache_peek(ra_entry(mm, 2)));
	KT_EXPECT_EQ(t, swap_count(ra_entry(mm, 2)), 1);
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 2, 8), 0); /* read itself */
	/* Page 5, far from the window: its own read fails, and it kills. */
	KT_ASSERT_EQ(t, fault_attr_set(&fail_swap_read, "task=mm-test,times=1"), 0);
	KT_EXPECT(t, swap_path_read_one(mm, test_nth_cpu(0), 5, 8) != 0);
	fault_attr_disable(&fail_swap_read);
	console_loglevel = saved;
	KT_EXPECT_EQ(t, test_stat("swapin_read_kills"), kills + 1);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 8), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/*
 * mTHP orders 0 and 4, three order-4 folios swapped out. With order 0 only,
 * pages 14 then 15 are faulted: 15 follows 14 and reads page 16 ahead, the
 * first slot of the second folio's range. With order 4 allowed again, a
 * fault on page 20 finds that range's PTEs contiguous but a slot cached:
 * it falls back to order 0 rather than fight the readahead folio for it.
 * A fault on page 32, whose range is untouched, reads it whole and reads
 * no neighbours.
 */
KTEST(swap_readahead, a_large_swapin_reads_no_neighbours_and_leaves_readahead_slots_alone)
{
	const unsigned long n = 48;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 4) || !ra_set(t, SWAP_RA_VMA, 3))
		return;
	struct mm *mm = ra_swapped_mm(t, n, 9);
	KT_ASSERT(t, mm);
	unsigned long orders = mthp_set_orders(1);
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 14, 9), 0);
	u64 ra = test_stat("swap_ra");
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 15, 9), 0);
	KT_EXPECT_EQ(t, test_stat("swap_ra"), ra + 1);
	KT_EXPECT(t, swap_cache_peek(ra_entry(mm, 16)));
	mthp_set_orders(orders);
	u64 mthp = test_stat("swapin_mthp"), fallback = test_stat("swapin_mthp_fallback");
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 20, 9), 0);
	KT_EXPECT_EQ(t, test_stat("swapin_mthp"), mthp);
	KT_EXPECT(t, test_stat("swapin_mthp_fallback") > fallback);
	ra = test_stat("swap_ra");
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 32, 9), 0);
	KT_EXPECT_EQ(t, test_stat("swapin_mthp"), mthp + 1);
	KT_EXPECT_EQ(t, test_stat("swap_ra"), ra);
	KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, MM_TEST_REGION + 32 * PAGE_SIZE)), 4);
	u64 hit = test_stat("swap_ra_hit");
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 9), 0);
	KT_EXPECT(t, test_stat("swap_ra_hit") > hit); /* page 16 among them */
	KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, MM_TEST_REGION + 16 * PAGE_SIZE)), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* A readahead folio waits on the inactive LRU, unmapped; reclaim takes it
 * out of the cache (it is clean) and it is counted unused; the page reads
 * back from the device. */
KTEST(swap_readahead, reclaim_drops_an_unused_readahead_folio)
{
	const unsigned long n = 8;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 0) || !ra_set(t, SWAP_RA_VMA, 3))
		return;
	struct mm *mm = ra_swapped_mm(t, n, 10);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 0, 10), 0);
	KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 1, 10), 0); /* page 2 ahead */
	struct folio *folio = swap_cache_get_folio(ra_entry(mm, 2));
	KT_ASSERT(t, folio);
	KT_EXPECT(t, folio_test_readahead(folio) && folio_test_uptodate(folio));
	lru_add_drain_all(); /* out of its CPU's add batch, onto the list */
	KT_EXPECT(t, folio_test_lru(folio) && !folio_test_active(folio) && !folio_mapped(folio));
	u64 unused = test_stat("swap_ra_unused");
	LIST_HEAD(list);
	bool isolated = lru_isolate_folio(folio);
	folio_put(folio); /* the isolation holds its own */
	KT_ASSERT(t, isolated);
	list_add_tail(&folio->page.folio_lru, &list);
	KT_EXPECT_EQ(t, reclaim_pages(&list), 1);
	KT_EXPECT_EQ(t, test_stat("swap_ra_unused"), unused + 1);
	KT_EXPECT(t, !swap_cache_peek(ra_entry(mm, 2)));
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 10), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* swapoff with readahead folios in the cache: the walk's faults map them
 * (hits) and read the rest; nothing is left on the device. */
KTEST(swap_readahead, swapoff_with_readahead_folios_in_the_cache)
{
	const unsigned long n = 64;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 0) || !ra_set(t, SWAP_RA_VMA, 3))
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	struct mm *mm = ra_swapped_mm(t, n, 11);
	KT_ASSERT(t, mm);
	for (unsigned long p = 0; p < 4; p++)
		KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), p, 11), 0);
	KT_EXPECT(t, swap_cache_peek(ra_entry(mm, 4))); /* read ahead at page 3 */
	struct blockdev *bd = swap_type_blockdev((unsigned)e.s.type);
	u64 hit = test_stat("swap_ra_hit");
	KT_EXPECT_EQ(t, swapoff((unsigned)e.s.type), 0);
	KT_EXPECT(t, test_stat("swap_ra_hit") > hit);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), 0);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 11), 0);
	mm_put(mm);
	e.s.type = swap_test_swapon(bd, NULL, 0, SWAP_TEST_PRIO); /* for swap_path_end */
	KT_ASSERT(t, e.s.type >= 0);
	e.s.si = swap_test_info(e.s.type);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}

/*
 * A readahead folio whose slot loses its last swap PTE other than by a
 * zap (here: a slot held with swap_alloc, freed with swap_free) leaves
 * the cache at once, not at the next reclaim. Cluster mode, page_cluster
 * 1: pages 0 and 1 on slots o-1 and o (o even), the slot o+1 held; the
 * fault on page 1 follows the one on page 0, so it reads its aligned pair
 * (o, o+1): the held slot, ahead.
 */
KTEST(swap_readahead, a_readahead_folio_whose_slot_is_freed_leaves_the_cache)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-ra", RA_BYTES, 0) || !ra_set(t, SWAP_RA_CLUSTER, 1))
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	struct mm *mm = ra_swapped_mm(t, 2, 12);
	KT_ASSERT(t, mm);
	swp_entry_t held;
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)e.s.type, 0, &held), 0);
	u64 o = swp_offset(ra_entry(mm, 1));
	bool laid_out =
		o % 2 == 0 && swp_offset(ra_entry(mm, 0)) == o - 1 && swp_offset(held) == o + 1;
	u64 ra = test_stat("swap_ra"), unused = test_stat("swap_ra_unused");
	if (laid_out) {
		KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 0, 12), 0);
		ra = test_stat("swap_ra");
		KT_EXPECT_EQ(t, swap_path_read_one(mm, test_nth_cpu(0), 1, 12), 0);
		KT_EXPECT_EQ(t, test_stat("swap_ra"), ra + 1);
		KT_EXPECT(t, swap_cache_peek(held));
	}
	KT_EXPECT_EQ(t, swap_free(held), 0);
	KT_EXPECT(t, !swap_cache_peek(held));
	KT_EXPECT(t, !swap_entry_valid(held));
	if (laid_out)
		KT_EXPECT_EQ(t, test_stat("swap_ra_unused"), unused + 1);
	mm_put(mm);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
	if (!laid_out)
		ktest_skip(t, "the slots were not laid out as the case needs");
}
