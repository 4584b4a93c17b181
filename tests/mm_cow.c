/*
 * mm_cow.*: anonymous faults, copy on write and fork, each case on base
 * pages (_base) and with mTHP orders 0,2,4 (_mthp). Work on an mm runs in
 * tasks inside it (real loads and stores in the kernel, the software
 * access path on the host; see mm_test.h). Every case ends with the free
 * page count and the live folio count exactly where they started.
 */
#include "kernel/ktest.h"
#include "mm/mthp.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "kernel/printk.h"
#include "mm_test.h"
#include "swap_test.h"
#include "test_cpus.h"

#define NPAGES 64ul
#define MTHP_TEST_ORDERS ((1ul << 0) | (1ul << 2) | (1ul << 4))

struct mm_cow_job {
	struct mm *mm;
	unsigned long first, npages; /* pages MM_TEST_REGION + first .. + npages */
	unsigned slot;		     /* which u64 of the page */
	u64 tag;
	unsigned rounds;
};

static u64 mm_cow_value(u64 tag, unsigned long page, unsigned slot)
{
	return (tag << 40) ^ (page << 12) ^ ((u64)slot << 4) ^ 0xa5;
}

static unsigned long mm_cow_addr(unsigned long page, unsigned slot)
{
	return MM_TEST_REGION + page * PAGE_SIZE + slot * sizeof(u64);
}

static int job_write(void *arg)
{
	struct mm_cow_job *j = arg;
	for (unsigned r = 0; r < (j->rounds ? j->rounds : 1); r++) {
		for (unsigned long n = 0; n < j->npages; n++) {
			/* Each slot starts at a different page, so tasks of
			 * different slots meet on the same PTEs. */
			unsigned long i = j->first + (n + j->slot * 7) % j->npages;
			mm_test_write(j->mm, mm_cow_addr(i, j->slot),
				      mm_cow_value(j->tag, i, j->slot));
			if (n % 8 == 0)
				yield();
		}
	}
	return 0;
}

/* Exit status: how many words differ from the tag's values. */
static int job_check(void *arg)
{
	struct mm_cow_job *j = arg;
	int bad = 0;
	for (unsigned long i = j->first; i < j->first + j->npages; i++)
		bad += mm_test_read(j->mm, mm_cow_addr(i, j->slot)) !=
		       mm_cow_value(j->tag, i, j->slot);
	return bad;
}

static int mm_cow_write_range(struct mm *mm, unsigned cpu, unsigned long first, unsigned long n,
			      u64 tag)
{
	struct mm_cow_job j = { mm, first, n, 0, tag, 1 };
	return mm_test_run(mm, cpu, job_write, &j);
}

static int mm_cow_check_range(struct mm *mm, unsigned cpu, unsigned long first, unsigned long n,
			      u64 tag)
{
	struct mm_cow_job j = { mm, first, n, 0, tag, 1 };
	return mm_test_run(mm, cpu, job_check, &j);
}

struct mm_cow_baseline {
	unsigned long free;
	long folios;
};

static void mm_cow_begin(struct mm_cow_baseline *b)
{
	b->free = test_drained_free_pages();
	b->folios = folio_nr_live();
}

static void mm_cow_end(struct ktest *t, const struct mm_cow_baseline *b)
{
	KT_EXPECT_EQ(t, folio_nr_live(), b->folios);
	KT_EXPECT_EQ(t, test_drained_free_pages(), b->free);
}

#define MM_COW_BOTH(name)                                                                          \
	static void name##_body(struct ktest *t, bool mthp);                                       \
	KTEST(mm_cow, name##_base)                                                                 \
	{                                                                                          \
		unsigned long old = mthp_set_orders(1);                                            \
		name##_body(t, false);                                                             \
		mthp_set_orders(old);                                                              \
	}                                                                                          \
	KTEST(mm_cow, name##_mthp)                                                                 \
	{                                                                                          \
		unsigned long old = mthp_set_orders(MTHP_TEST_ORDERS);                             \
		name##_body(t, true);                                                              \
		mthp_set_orders(old);                                                              \
	}                                                                                          \
	static void name##_body(struct ktest *t, bool mthp)

MM_COW_BOTH(fault_maps_folio_of_largest_fitting_order)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	/* 21 pages: orders 4 (pages 0..15), 2 (16..19) and 0 (20) fit. */
	struct mm *mm = mm_test_create(t, 21);
	KT_ASSERT(t, mm);
	u64 mthp0 = test_stat("fault_anon_mthp");
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, 21, 1), 0);
	KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, mm_cow_addr(0, 0))), mthp ? 4 : 0);
	KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, mm_cow_addr(17, 0))), mthp ? 2 : 0);
	KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, mm_cow_addr(20, 0))), 0);
	KT_EXPECT_EQ(t, test_stat("fault_anon_mthp") - mthp0, mthp ? 2 : 0);
	KT_EXPECT_EQ(t, folio_nr_live() - b.folios, mthp ? 3 : 21);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_anon), 21);
	struct folio *f = mm_test_folio_at(mm, mm_cow_addr(3, 0));
	KT_EXPECT(t, folio_test_anon(f) && page_anon_exclusive(folio_page(f, 0)));
	KT_EXPECT_EQ(t, folio_mapcount(f), (long)folio_nr_pages(f));
	KT_EXPECT_EQ(t, folio_ref_count(f), (long)folio_nr_pages(f));
	/* Zeroed: the second word of every page was never written. */
	KT_EXPECT_EQ(t, mm_test_read(mm, mm_cow_addr(5, 1)), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, 1 % nr_cpus_online, 0, 21, 1), 0);
	mm_put(mm);
	mm_cow_end(t, &b);
}

MM_COW_BOTH(fork_parent_and_child_see_only_their_own_writes)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, test_nth_cpu(0), 0, NPAGES, 1), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, mm_cow_write_range(child, test_nth_cpu(1), 0, NPAGES / 2, 2), 0);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, test_nth_cpu(2), NPAGES / 2, NPAGES / 2, 3), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, test_nth_cpu(3), 0, NPAGES / 2, 1), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, test_nth_cpu(0), NPAGES / 2, NPAGES / 2, 3), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(child, test_nth_cpu(1), 0, NPAGES / 2, 2), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(child, test_nth_cpu(2), NPAGES / 2, NPAGES / 2, 1), 0);
	mm_put(child);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, test_nth_cpu(1), 0, NPAGES / 2, 1), 0);
	mm_put(mm);
	mm_cow_end(t, &b);
}

MM_COW_BOTH(read_faults_after_fork_map_the_shared_page_without_copy)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, NPAGES, 1), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	u64 copies = test_stat("cow_copy"), faults = test_stat("fault_anon");
	KT_EXPECT_EQ(t, mm_cow_check_range(child, test_nth_cpu(1), 0, NPAGES, 1), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, test_nth_cpu(2), 0, NPAGES, 1), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies);
	KT_EXPECT_EQ(t, test_stat("fault_anon"), faults);
	unsigned same = 0, readonly = 0, shared = 0;
	for (unsigned long i = 0; i < NPAGES; i++) {
		pte_t p = mm_test_pte(mm, mm_cow_addr(i, 0)),
		      c = mm_test_pte(child, mm_cow_addr(i, 0));
		struct page *page = pfn_to_page(pte_pfn(p));
		same += pte_present(c) && pte_pfn(p) == pte_pfn(c);
		readonly += !pte_write(p) && !pte_write(c);
		shared += page_mapcount(page) == 2 && !page_anon_exclusive(page);
	}
	KT_EXPECT_EQ(t, same, NPAGES);
	KT_EXPECT_EQ(t, readonly, NPAGES);
	KT_EXPECT_EQ(t, shared, NPAGES);
	mm_put(child);
	mm_put(mm);
	mm_cow_end(t, &b);
}

MM_COW_BOTH(exclusive_page_is_reused_on_write_without_copy)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, NPAGES, 1), 0);
	pfn_t pfn5 = pte_pfn(mm_test_pte(mm, mm_cow_addr(5, 0)));
	KT_EXPECT_EQ(t, mm_wrprotect(mm, MM_TEST_REGION, NPAGES * PAGE_SIZE), 0);
	KT_EXPECT(t, !pte_write(mm_test_pte(mm, mm_cow_addr(5, 0))));
	KT_EXPECT(t, page_anon_exclusive(pfn_to_page(pfn5)));
	u64 reuse = test_stat("cow_reuse"), copy = test_stat("cow_copy");
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, test_nth_cpu(1), 0, NPAGES, 2), 0);
	KT_EXPECT_EQ(t, test_stat("cow_reuse") - reuse, NPAGES);
	KT_EXPECT_EQ(t, test_stat("cow_copy") - copy, 0);
	KT_EXPECT_EQ(t, pte_pfn(mm_test_pte(mm, mm_cow_addr(5, 0))), pfn5);
	KT_EXPECT(t, pte_write(mm_test_pte(mm, mm_cow_addr(5, 0))));
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, 0, 0, NPAGES, 2), 0);
	mm_put(mm);
	mm_cow_end(t, &b);
}

MM_COW_BOTH(shared_page_is_copied_on_write)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, NPAGES, 1), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	pfn_t child_pfn = pte_pfn(mm_test_pte(child, mm_cow_addr(9, 0)));
	u64 reuse = test_stat("cow_reuse"), copy = test_stat("cow_copy");
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, test_nth_cpu(1), 0, NPAGES, 2), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy") - copy, NPAGES);
	KT_EXPECT_EQ(t, test_stat("cow_reuse") - reuse, 0);
	KT_EXPECT(t, pte_pfn(mm_test_pte(mm, mm_cow_addr(9, 0))) != child_pfn);
	KT_EXPECT(t, page_anon_exclusive(pfn_to_page(pte_pfn(mm_test_pte(mm, mm_cow_addr(9, 0))))));
	/* The child is now the only mapper of the old pages: it reuses them. */
	reuse = test_stat("cow_reuse");
	copy = test_stat("cow_copy");
	KT_EXPECT_EQ(t, mm_cow_write_range(child, test_nth_cpu(2), 0, NPAGES, 3), 0);
	KT_EXPECT_EQ(t, test_stat("cow_reuse") - reuse, NPAGES);
	KT_EXPECT_EQ(t, test_stat("cow_copy") - copy, 0);
	KT_EXPECT_EQ(t, pte_pfn(mm_test_pte(child, mm_cow_addr(9, 0))), child_pfn);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, 0, 0, NPAGES, 2), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(child, 0, 0, NPAGES, 3), 0);
	mm_put(child);
	mm_put(mm);
	mm_cow_end(t, &b);
}

MM_COW_BOTH(previously_shared_page_is_reused_once_the_other_mapper_went_away)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, NPAGES, 1), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, mm_cow_check_range(child, test_nth_cpu(1), 0, NPAGES, 1), 0);
	mm_put(child);
	struct page *page = pfn_to_page(pte_pfn(mm_test_pte(mm, mm_cow_addr(3, 0))));
	KT_EXPECT(t, !page_anon_exclusive(page)); /* fork cleared it for good */
	u64 reuse = test_stat("cow_reuse"), copy = test_stat("cow_copy");
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, test_nth_cpu(1), 0, NPAGES, 2), 0);
	KT_EXPECT_EQ(t, test_stat("cow_reuse") - reuse, NPAGES);
	KT_EXPECT_EQ(t, test_stat("cow_copy") - copy, 0);
	KT_EXPECT(t, page_anon_exclusive(page));
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, 0, 0, NPAGES, 2), 0);
	mm_put(mm);
	mm_cow_end(t, &b);
}

MM_COW_BOTH(partial_munmap_of_a_folio_leaves_it_partly_mapped_and_correct)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, 32);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, 32, 1), 0);
	struct folio *f = mm_test_folio_at(mm, mm_cow_addr(0, 0));
	KT_ASSERT(t, f);
	long live = folio_nr_live();
	KT_EXPECT_EQ(t, mm_munmap(mm, MM_TEST_REGION + 4 * PAGE_SIZE, 8 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, mm->vmas.count, 2);
	KT_EXPECT_EQ(t, vma_set_verify(&mm->vmas), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_anon), 24);
	if (mthp) {
		KT_EXPECT_EQ(t, folio_order(f), 4);
		KT_EXPECT_EQ(t, folio_nr_live(), live); /* still there, partly mapped */
		KT_EXPECT_EQ(t, folio_mapcount(f), 8);
		KT_EXPECT_EQ(t, folio_ref_count(f), 8);
		KT_EXPECT_EQ(t, page_mapcount(folio_page(f, 5)), 0);
		KT_EXPECT_EQ(t, page_mapcount(folio_page(f, 12)), 1);
	} else {
		KT_EXPECT_EQ(t, folio_nr_live(), live - 8);
	}
	KT_EXPECT(t, pte_none(mm_test_pte(mm, mm_cow_addr(6, 0))));
	u64 v;
	KT_EXPECT_EQ(t, mm_read_u64(mm, mm_cow_addr(6, 0), &v), -EFAULT);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, test_nth_cpu(1), 0, 4, 1), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, test_nth_cpu(1), 12, 20, 1), 0);
	/* Still correct across a fork and writes on both sides. */
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, mm_cow_write_range(child, test_nth_cpu(2), 12, 4, 2), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, 0, 12, 4, 1), 0);
	KT_EXPECT_EQ(t, mm_cow_check_range(child, 0, 12, 4, 2), 0);
	mm_put(child);
	/* Unmapping the rest of it frees the folio. */
	KT_EXPECT_EQ(t, mm_munmap(mm, MM_TEST_REGION, 4 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, mm_munmap(mm, MM_TEST_REGION + 12 * PAGE_SIZE, 4 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, folio_nr_live(), mthp ? live - 1 : live - 16);
	KT_EXPECT_EQ(t, mm_cow_check_range(mm, 0, 16, 16, 1), 0);
	mm_put(mm);
	mm_cow_end(t, &b);
}

struct rmap_count {
	struct mm *a, *b;
	unsigned in_a, in_b;
};

static bool rmap_count_one(struct folio *folio, struct page *page, struct mm *mm,
			   unsigned long addr, void *arg)
{
	struct rmap_count *c = arg;
	c->in_a += mm == c->a;
	c->in_b += mm == c->b;
	return true;
}

MM_COW_BOTH(rmap_walk_finds_every_mm_mapping_the_folio)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, NPAGES, 1), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	struct folio *f = mm_test_folio_at(mm, mm_cow_addr(0, 0));
	unsigned long nr = folio_nr_pages(f);
	struct rmap_count c = { mm, child, 0, 0 };
	struct rmap_walk_control rwc = { .fn = rmap_count_one, .arg = &c };
	KT_EXPECT_EQ(t, rmap_walk(f, &rwc), 2 * nr);
	KT_EXPECT_EQ(t, rwc.skipped, 0);
	KT_EXPECT_EQ(t, c.in_a, nr);
	KT_EXPECT_EQ(t, c.in_b, nr);
	/* After the child copies page 0, it no longer maps that page. */
	KT_EXPECT_EQ(t, mm_cow_write_range(child, 0, 0, 1, 2), 0);
	c = (struct rmap_count){ mm, child, 0, 0 };
	KT_EXPECT_EQ(t, rmap_walk(f, &rwc), 2 * nr - 1);
	KT_EXPECT_EQ(t, c.in_b, nr - 1);
	mm_put(child);
	c = (struct rmap_count){ mm, child, 0, 0 };
	KT_EXPECT_EQ(t, rmap_walk(f, &rwc), nr);
	/* An mm whose mmap lock is held for write is skipped, not walked. */
	down_write(&mm->mmap_lock);
	c = (struct rmap_count){ mm, child, 0, 0 };
	KT_EXPECT_EQ(t, rmap_walk(f, &rwc), 0);
	KT_EXPECT_EQ(t, rwc.skipped, 1);
	up_write(&mm->mmap_lock);
	mm_put(mm);
	mm_cow_end(t, &b);
}

/* A swap PTE for a fake entry of the swap-count table. */
static void install_swap_pte(struct mm *mm, unsigned long addr, pte_t pte)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_alloc_map_lock(mm, addr, &ptl);
	ASSERT(ptep);
	set_pte_at(mm, addr, ptep, pte);
	atomic_long_inc(&mm->rss_swap);
	pte_unmap_unlock(ptep, ptl);
}

MM_COW_BOTH(fork_with_swap_ptes_clears_exclusive_in_parent_and_dups_counts)
{
	/* The device before the baseline: it is freed after the test ends. */
	KT_ASSERT(t, swap_test_device(t, "swt-cow", 2ul << 20));
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-cow", 2ul << 20, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, mm_cow_write_range(mm, 0, 0, 16, 1), 0); /* some present pages too */
	swp_entry_t e[4];
	for (unsigned k = 0; k < 4; k++) {
		KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 0, &e[k]),
			     0); /* count 1: this swap PTE */
		pte_t pte = swp_entry_to_pte(e[k]);
		if (k % 2 == 0)
			pte = pte_swp_mkexclusive(pte);
		install_swap_pte(mm, mm_cow_addr(32 + k, 0), pte);
	}
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	for (unsigned k = 0; k < 4; k++) {
		pte_t p = mm_test_pte(mm, mm_cow_addr(32 + k, 0)),
		      c = mm_test_pte(child, mm_cow_addr(32 + k, 0));
		KT_EXPECT(t, pte_is_swap(p) && pte_is_swap(c));
		KT_EXPECT(t, swp_entry_same(pte_to_swp_entry(p), e[k]));
		KT_EXPECT(t, swp_entry_same(pte_to_swp_entry(c), e[k]));
		KT_EXPECT(t, !pte_swp_exclusive(p)); /* seed 001 */
		KT_EXPECT(t, !pte_swp_exclusive(c));
		KT_EXPECT_EQ(t, swap_count(e[k]), 2);
	}
	KT_EXPECT_EQ(t, atomic_long_read(&child->rss_swap), 4);
	KT_EXPECT_EQ(t, mm_cow_check_range(child, test_nth_cpu(1), 0, 16, 1), 0);
	mm_put(child);
	for (unsigned k = 0; k < 4; k++)
		KT_EXPECT_EQ(t, swap_count(e[k]), 1);
	KT_EXPECT_EQ(t, mm_munmap(mm, mm_cow_addr(32, 0), PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, swap_count(e[0]), 0);
	KT_EXPECT(t, !swap_entry_valid(e[0]));
	mm_put(mm);
	KT_EXPECT_EQ(t, atomic_long_read(&s.si->inuse), 0);
	swap_test_end(t, &s);
	mm_cow_end(t, &b);
}

#define CONCURRENT_TASKS 4

MM_COW_BOTH(four_cpus_faulting_and_writing_the_same_region_end_correct)
{
	struct mm_cow_baseline b;
	mm_cow_begin(&b);
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	struct mm_cow_job jobs[CONCURRENT_TASKS];
	struct task *tasks[CONCURRENT_TASKS];
	/* Phase 1: every task faults in and writes its slot of every page. */
	for (unsigned i = 0; i < CONCURRENT_TASKS; i++) {
		jobs[i] = (struct mm_cow_job){ mm, 0, NPAGES, i, 1, 3 };
		tasks[i] =
			kthread_create_in_mm(job_write, &jobs[i], test_nth_cpu(i), "mm-conc", mm);
		KT_ASSERT(t, tasks[i]);
	}
	for (unsigned i = 0; i < CONCURRENT_TASKS; i++)
		KT_EXPECT_EQ(t, kthread_join(tasks[i]), 0);
	/* Phase 2: after a fork, all of them write again: concurrent COW. */
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	for (unsigned i = 0; i < CONCURRENT_TASKS; i++) {
		jobs[i] = (struct mm_cow_job){ mm, 0, NPAGES, i, 2, 2 };
		tasks[i] =
			kthread_create_in_mm(job_write, &jobs[i], test_nth_cpu(i), "mm-conc", mm);
		KT_ASSERT(t, tasks[i]);
	}
	for (unsigned i = 0; i < CONCURRENT_TASKS; i++)
		KT_EXPECT_EQ(t, kthread_join(tasks[i]), 0);
	for (unsigned i = 0; i < CONCURRENT_TASKS; i++) {
		struct mm_cow_job pj = { mm, 0, NPAGES, i, 2, 1 },
				  cj = { child, 0, NPAGES, i, 1, 1 };
		KT_EXPECT_EQ(t, mm_test_run(mm, test_nth_cpu(i), job_check, &pj), 0);
		KT_EXPECT_EQ(t, mm_test_run(child, test_nth_cpu(i + 1), job_check, &cj), 0);
	}
	mm_put(child);
	mm_put(mm);
	mm_cow_end(t, &b);
}

KTEST(mm_cow, mthp_orders_parse)
{
	unsigned long m = 0;
	KT_EXPECT_EQ(t, mthp_parse_orders("0,2,4", 5, &m), 0);
	KT_EXPECT_EQ(t, m, 0x15);
	KT_EXPECT_EQ(t, mthp_parse_orders("9", 1, &m), 0);
	KT_EXPECT_EQ(t, m, 0x200);
	KT_EXPECT_EQ(t, mthp_parse_orders("10", 2, &m), -EINVAL);
	KT_EXPECT_EQ(t, mthp_parse_orders("2,", 2, &m), -EINVAL);
	KT_EXPECT_EQ(t, mthp_parse_orders("a", 1, &m), -EINVAL);
	KT_EXPECT_EQ(t, mthp_parse_orders("", 0, &m), -EINVAL);
	KT_EXPECT_EQ(t, mthp_parse_orders("1,,2", 4, &m), -EINVAL);
}
