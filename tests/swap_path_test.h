/*
 * Shared by the swap-path tests (tests/swap_path.c on a RAM device, and
 * tests/kernel/swap_virtio.c on the boot's virtio-blk swap disk): an
 * address space with a pattern in it, and the cases that run on either
 * device.
 */
#ifndef TESTS_SWAP_PATH_TEST_H
#define TESTS_SWAP_PATH_TEST_H

#include "drivers/blockdev.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "mm/mthp.h"
#include "mm/page_io.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm_test.h"
#include "swap_test.h"
#include "test_design.h"
#include "test_cpus.h"

static inline u64 swap_path_value(u64 tag, unsigned long page, unsigned word)
{
	return (tag << 40) ^ (page << 12) ^ ((u64)word << 3) ^ 0x5a;
}

/* Three words per page: first, middle, last. */
static inline unsigned long swap_path_addr(unsigned long page, unsigned word)
{
	static const unsigned long off[3] = { 0, 2048, PAGE_SIZE - 8 };
	return MM_TEST_REGION + page * PAGE_SIZE + off[word];
}

struct swap_path_job {
	struct mm *mm;
	unsigned long first, n;
	u64 tag;
};

static inline int swap_path_job_write(void *arg)
{
	struct swap_path_job *j = arg;
	for (unsigned long p = j->first; p < j->first + j->n; p++)
		for (unsigned w = 0; w < 3; w++)
			mm_test_write(j->mm, swap_path_addr(p, w), swap_path_value(j->tag, p, w));
	return 0;
}

/* Exit status: words that differ. */
static inline int swap_path_job_check(void *arg)
{
	struct swap_path_job *j = arg;
	int bad = 0;
	for (unsigned long p = j->first; p < j->first + j->n; p++)
		for (unsigned w = 0; w < 3; w++)
			bad += mm_test_read(j->mm, swap_path_addr(p, w)) !=
			       swap_path_value(j->tag, p, w);
	return bad;
}

/* A task's read of word 0 of one page: one load, so one fault at most
 * (the seed scenarios count them). */
struct swap_path_reader {
	struct mm *mm;
	unsigned long page;
	u64 tag;
	int bad; /* 1 when the word is not the tag's value */
};

/* Exit status: r->bad. */
static inline int swap_path_reader_run(void *arg)
{
	struct swap_path_reader *r = arg;
	r->bad = mm_test_read(r->mm, swap_path_addr(r->page, 0)) !=
		 swap_path_value(r->tag, r->page, 0);
	return r->bad;
}

/* A task that reclaims the folios of a list (a struct list_head *);
 * exit status: how many it freed. */
static inline int swap_path_reclaim_list(void *list)
{
	return (int)reclaim_pages(list);
}

static inline int swap_path_write(struct mm *mm, unsigned long first, unsigned long n, u64 tag)
{
	struct swap_path_job j = { mm, first, n, tag };
	return mm_test_run(mm, test_nth_cpu(0), swap_path_job_write, &j);
}

static inline int swap_path_check(struct mm *mm, unsigned long first, unsigned long n, u64 tag)
{
	struct swap_path_job j = { mm, first, n, tag };
	return mm_test_run(mm, test_nth_cpu(1), swap_path_job_check, &j);
}

/* Word 0 of page read on cpu: 0 when it holds the tag's value. */
static inline int swap_path_read_one(struct mm *mm, unsigned cpu, unsigned long page, u64 tag)
{
	struct swap_path_reader r = { mm, page, tag, 0 };
	return mm_test_run(mm, cpu, swap_path_reader_run, &r);
}

/* A case's surroundings: its device (a RAM device of its own, or the
 * boot's swap disk when name is NULL), mTHP orders, folio baseline. */
struct swap_path_env {
	struct swap_test s;
	bool own_device;
	bool synchronous;
	unsigned long old_orders;
	long folios;
};

static inline bool swap_path_begin(struct ktest *t, struct swap_path_env *e, const char *name,
				   u64 bytes, unsigned mthp_order)
{
	/* The scenarios are written for the default designs: a boot's
	 * design switch (swap.bypass_sync_cache=...) is for the demo and the
	 * benchmarks; a seed twin flips its own after this. */
	if (!test_design_defaults(t))
		return false;
	e->own_device = name != NULL;
	if (name) {
		if (!swap_test_begin(t, &e->s, name, bytes, NULL, 0, SWAP_TEST_PRIO))
			return false;
	} else {
		e->s.type = swap_test_find_type("vda");
		if (e->s.type < 0) {
			ktest_skip(t, "no virtio-blk swap disk on (boot with a disk attached)");
			return false;
		}
		e->s.si = swap_test_info(e->s.type);
		e->s.loglevel = console_loglevel;
		swap_pcp_drain(e->s.si);
		e->s.base = swap_test_settled_free();
	}
	e->synchronous = swap_type_blockdev((unsigned)e->s.type)->synchronous_io;
	e->old_orders = mthp_set_orders(1ul | (1ul << mthp_order));
	e->folios = folio_nr_live();
	return true;
}

static inline void swap_path_end(struct ktest *t, struct swap_path_env *e)
{
	mthp_set_orders(e->old_orders);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, atomic_long_read(&e->s.si->inuse), 0);
	KT_EXPECT_EQ(t, folio_nr_live(), e->folios);
	if (e->own_device) {
		swap_test_end(t, &e->s);
	} else {
		/* Current clusters keep their tables even when emptied. */
		swap_pcp_drain(e->s.si);
		KT_EXPECT_EQ(t, swap_check(), 0);
		KT_EXPECT_EQ(t, swap_test_settled_free(), e->s.base);
	}
}

/*
 * Write a pattern, page the range out, read it back, write it again.
 * Exclusive pages come back exclusive (swapin_exclusive) and are written
 * without a copy (cow_copy unchanged; the read-mapped ones are reused).
 */
static inline void swap_path_pageout_then_fault_back(struct ktest *t, const char *dev, u64 bytes,
						     unsigned order)
{
	const unsigned long n = 64;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, dev, bytes, order))
		return;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 1), 0);
	KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, MM_TEST_REGION)), order);
	u64 out = test_stat("pswpout"), in = test_stat("pswpin"),
	    mthp_out = test_stat("swapout_mthp");
	u64 excl = test_stat("swapin_exclusive"), mthp_in = test_stat("swapin_mthp");
	unsigned long freed = 0;
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, n * PAGE_SIZE, &freed), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, test_stat("pswpout"), out + n);
	if (e.synchronous)
		KT_EXPECT_EQ(t, freed, n);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_anon), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), n);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), n);
	if (order)
		KT_EXPECT_EQ(t, test_stat("swapout_mthp"), mthp_out + n / (1ul << order));
	for (unsigned long p = 0; p < n; p++) {
		pte_t pte = mm_test_pte(mm, MM_TEST_REGION + p * PAGE_SIZE);
		KT_EXPECT(t, pte_is_swap(pte) && pte_swp_exclusive(pte)); /* seed 001 */
	}
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 1), 0);
	KT_EXPECT_EQ(t, test_stat("swapin_exclusive"), excl + n);
	if (e.synchronous) {
		KT_EXPECT_EQ(t, test_stat("pswpin"), in + n);
		if (order)
			KT_EXPECT_EQ(t, test_stat("swapin_mthp"), mthp_in + n / (1ul << order));
	}
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0); /* the cache let go */
	u64 copies = test_stat("cow_copy"), reuses = test_stat("cow_reuse");
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 2), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies);
	KT_EXPECT_EQ(t, test_stat("cow_reuse"), reuses + n);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 2), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/*
 * fork shares the pages; paging the parent's range out unmaps them from
 * both (non-exclusive swap PTEs). The child's writes after swap-in copy
 * (cow_copy + n); the parent still reads its data, then writes its own.
 */
static inline void swap_path_fork_shares_swap(struct ktest *t, const char *dev, u64 bytes,
					      unsigned order)
{
	const unsigned long n = 64;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, dev, bytes, order))
		return;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 1), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, n * PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	for (unsigned long p = 0; p < n; p++) {
		pte_t a = mm_test_pte(mm, MM_TEST_REGION + p * PAGE_SIZE);
		pte_t b = mm_test_pte(child, MM_TEST_REGION + p * PAGE_SIZE);
		KT_EXPECT(t, pte_is_swap(a) && pte_is_swap(b));
		KT_EXPECT(t, !pte_swp_exclusive(a) && !pte_swp_exclusive(b));
		KT_EXPECT(t, pte_same(a, b));
	}
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), n);
	u64 copies = test_stat("cow_copy"), shared = test_stat("swapin_shared");
	KT_EXPECT_EQ(t, swap_path_write(child, 0, n, 2), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies + n);
	KT_EXPECT_EQ(t, test_stat("swapin_shared"), shared + n);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 1), 0);
	KT_EXPECT_EQ(t, swap_path_check(child, 0, n, 2), 0);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 3), 0);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 3), 0);
	KT_EXPECT_EQ(t, swap_path_check(child, 0, n, 2), 0);
	mm_put(child);
	mm_put(mm);
	swap_path_end(t, &e);
}

#endif
