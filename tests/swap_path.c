/*
 * Swap-out and swap-in (issue 6), on a synchronous RAM device (host and
 * kernel) and, in the kernel, on virtio-blk when the boot's swap disk is
 * on (tests/kernel/swap_virtio.c): pageout of a range, faults that bring
 * it back, exclusivity without copies, fork sharing with copies on either
 * side, mTHP swap-out and swap-in, the split when no run of the order is
 * left, a full device, munmap of swapped memory. Each case ends with every
 * page, folio, slot and table returned.
 */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "mm/mthp.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm_test.h"
#include "swap_path_test.h"
#include "swap_test.h"
#include "test_cpus.h"

#define IO_BYTES (16ul << 20)
#define NPAGES 64ul

KTEST(swap_path, pageout_then_fault_back_base)
{
	swap_path_pageout_then_fault_back(t, "swt-io", IO_BYTES, 0);
}

KTEST(swap_path, pageout_then_fault_back_mthp)
{
	swap_path_pageout_then_fault_back(t, "swt-io", IO_BYTES, 4);
}

KTEST(swap_path, fork_shares_swap_each_side_copies_base)
{
	swap_path_fork_shares_swap(t, "swt-io", IO_BYTES, 0);
}

KTEST(swap_path, fork_shares_swap_each_side_copies_mthp)
{
	swap_path_fork_shares_swap(t, "swt-io", IO_BYTES, 4);
}

/* A device too small for the range: what fits goes, the rest stays in
 * memory (counted as reclaim_no_swap), and every byte reads back. */
KTEST(swap_path, full_device_keeps_the_rest_in_memory)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-tiny", 2ul << 20, 0)) /* 511 slots */
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	const unsigned long n = 600;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 7), 0);
	u64 no_swap = test_stat("reclaim_no_swap");
	unsigned long freed = 0;
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, n * PAGE_SIZE, &freed), 0);
	KT_EXPECT_EQ(t, freed, 511);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), 511);
	KT_EXPECT_EQ(t, test_stat("reclaim_no_swap"), no_swap + n - 511);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 7), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), 0);
	mm_put(mm);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}

/*
 * No run of 16 slots is left (every other slot is taken): a 16-page folio
 * is split and its pages go out one by one, and come back right.
 */
KTEST(swap_path, mthp_split_when_no_run_of_its_order)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-tiny", 2ul << 20, 4))
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	swp_entry_t all[512];
	unsigned nall = 0, nheld = 0;
	while (nall < 512 && swap_alloc_type((unsigned)e.s.type, 0, &all[nall]) == 0)
		nall++;
	KT_EXPECT_EQ(t, nall, 511);
	swp_entry_t *held = all;
	for (unsigned i = 0; i < nall; i++) {
		if (swp_offset(all[i]) % 2 == 0)
			held[nheld++] = all[i]; /* keep the even slots */
		else
			swap_free(all[i]);
	}
	struct mm *mm = mm_test_create(t, 16);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 16, 9), 0);
	KT_EXPECT_EQ(t, folio_order(mm_test_folio_at(mm, MM_TEST_REGION)), 4);
	u64 splits = test_stat("swapout_mthp_split"), fails = test_stat("swap_alloc_order_fail");
	unsigned long freed = 0;
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, 16 * PAGE_SIZE, &freed), 0);
	KT_EXPECT_EQ(t, freed, 16);
	KT_EXPECT_EQ(t, test_stat("swapout_mthp_split"), splits + 1);
	KT_EXPECT(t, test_stat("swap_alloc_order_fail") > fails);
	for (unsigned long i = 0; i < 16; i++)
		KT_EXPECT(t, pte_is_swap(mm_test_pte(mm, MM_TEST_REGION + i * PAGE_SIZE)));
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 16, 9), 0);
	mm_put(mm);
	for (unsigned i = 0; i < nheld; i++)
		swap_free(held[i]);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}

/* munmap of swapped-out memory gives back its slots at once. */
KTEST(swap_path, munmap_of_swapped_memory_frees_its_slots)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", IO_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, NPAGES, 3), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, NPAGES * PAGE_SIZE, NULL), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), NPAGES);
	/* Half of them back in, then everything unmapped. */
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, NPAGES / 2, 3), 0);
	KT_EXPECT_EQ(t, mm_munmap(mm, MM_TEST_REGION, NPAGES * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* MADV_DONTNEED of half present, half swapped-out memory: the pages and
 * the slots go back, the range stays mapped and reads zero. */
KTEST(swap_path, madvise_dontneed_frees_pages_and_slots_and_reads_zero)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", IO_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, NPAGES);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, NPAGES, 3), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, NPAGES * PAGE_SIZE, NULL), 0);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, NPAGES / 2, 3), 0);
	KT_EXPECT_EQ(t, madvise_dontneed(mm, MM_TEST_REGION, NPAGES * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_anon), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), 0);
	for (unsigned long p = 0; p < NPAGES; p++)
		KT_EXPECT_EQ(t, mm_test_read(mm, swap_path_addr(p, 0)), 0);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* Two CPUs fault the same shared swap entry: one read, one folio. */
KTEST(swap_path, two_cpus_fault_one_entry_one_read)
{
	if (!test_require_cpus(t, 2))
		return;
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", IO_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 5), 0);
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	KT_EXPECT(t, pte_is_swap(mm_test_pte(child, MM_TEST_REGION)));
	u64 reads = test_stat("pswpin");
	struct swap_path_reader ra = { mm, 0, 5, 0 }, rb = { child, 0, 5, 0 };
	struct task *a =
		kthread_create_in_mm(swap_path_reader_run, &ra, test_nth_cpu(0), "reader", mm);
	struct task *b =
		kthread_create_in_mm(swap_path_reader_run, &rb, test_nth_cpu(1), "reader", child);
	KT_ASSERT(t, a && b);
	KT_EXPECT_EQ(t, kthread_join(a), 0);
	KT_EXPECT_EQ(t, kthread_join(b), 0);
	KT_EXPECT_EQ(t, test_stat("pswpin"), reads + 1);
	KT_EXPECT(t,
		  mm_test_folio_at(mm, MM_TEST_REGION) == mm_test_folio_at(child, MM_TEST_REGION));
	mm_put(child);
	mm_put(mm);
	swap_path_end(t, &e);
}

/*
 * swapoff with live mappings in two forked mms: everything comes back, and
 * seed 001's exclusivity is honoured: pages only one mm held exclusively
 * come back exclusive (written without a copy), shared ones come back
 * shared in both.
 */
KTEST(swap_path, swapoff_brings_back_forked_mms_keeping_exclusivity)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", IO_BYTES, 0))
		return;
	const unsigned long n = 32;
	struct mm *a = mm_test_create(t, n);
	KT_ASSERT(t, a);
	KT_EXPECT_EQ(t, swap_path_write(a, 0, n, 1), 0);
	struct mm *b = mm_fork(a);
	KT_ASSERT(t, b);
	KT_EXPECT_EQ(t, swap_path_write(a, n / 2, n / 2, 2), 0); /* a's own copies: exclusive */
	KT_EXPECT_EQ(t, madvise_pageout(a, MM_TEST_REGION, n * PAGE_SIZE, NULL), 0);
	KT_EXPECT_EQ(t, madvise_pageout(b, MM_TEST_REGION, n * PAGE_SIZE, NULL), 0);
	for (unsigned long p = 0; p < n; p++) {
		pte_t pa = mm_test_pte(a, MM_TEST_REGION + p * PAGE_SIZE);
		pte_t pb = mm_test_pte(b, MM_TEST_REGION + p * PAGE_SIZE);
		KT_EXPECT(t, pte_is_swap(pa) && pte_is_swap(pb));
		KT_EXPECT_EQ(t, pte_swp_exclusive(pa), p >= n / 2);
		KT_EXPECT(t, !pte_swp_exclusive(pb));
	}
	struct blockdev *bd = swap_type_blockdev((unsigned)e.s.type);
	u64 in = test_stat("swapoff_pages_in");
	KT_ASSERT_EQ(t, swapoff((unsigned)e.s.type), 0);
	KT_EXPECT(t, swap_type_blockdev((unsigned)e.s.type) == NULL);
	KT_EXPECT(t, test_stat("swapoff_pages_in") > in);
	for (unsigned long p = 0; p < n; p++) {
		pte_t pa = mm_test_pte(a, MM_TEST_REGION + p * PAGE_SIZE);
		pte_t pb = mm_test_pte(b, MM_TEST_REGION + p * PAGE_SIZE);
		KT_ASSERT(t, pte_present(pa) && pte_present(pb));
		KT_EXPECT_EQ(t, page_anon_exclusive(pfn_to_page(pte_pfn(pa))), p >= n / 2);
		KT_EXPECT(t, !page_anon_exclusive(pfn_to_page(pte_pfn(pb))));
		KT_EXPECT_EQ(t, pte_pfn(pa) == pte_pfn(pb), p < n / 2);
	}
	KT_EXPECT_EQ(t, atomic_long_read(&a->rss_swap) + atomic_long_read(&b->rss_swap), 0);
	KT_EXPECT_EQ(t, swap_path_check(a, 0, n / 2, 1), 0);
	KT_EXPECT_EQ(t, swap_path_check(a, n / 2, n / 2, 2), 0);
	KT_EXPECT_EQ(t, swap_path_check(b, 0, n, 1), 0);
	u64 copies = test_stat("cow_copy");
	KT_EXPECT_EQ(t, swap_path_write(a, n / 2, n / 2, 3), 0); /* exclusive: no copy */
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies);
	KT_EXPECT_EQ(t, swap_path_write(b, 0, n / 2, 4), 0); /* shared with a: copies */
	KT_EXPECT_EQ(t, test_stat("cow_copy"), copies + n / 2);
	KT_EXPECT_EQ(t, swap_path_check(a, 0, n / 2, 1), 0);
	KT_EXPECT_EQ(t, swap_path_check(b, 0, n / 2, 4), 0);
	mm_put(b);
	mm_put(a);
	/* Back on, for swap_path_end's checks (and its swapoff). */
	e.s.type = swap_test_swapon(bd, NULL, 0, SWAP_TEST_PRIO);
	KT_ASSERT(t, e.s.type >= 0);
	e.s.si = swap_test_info(e.s.type);
	swap_path_end(t, &e);
}

/* swapoff without the memory to bring everything back: -ENOMEM, the device
 * stays on, and the data is all there once memory is back. */
KTEST(swap_path, swapoff_fails_cleanly_when_memory_is_short)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", IO_BYTES, 0))
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	const unsigned long n = 256;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 6), 0);
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, n * PAGE_SIZE, NULL), 0);
	LIST_HEAD(held);
	mm_test_eat_memory(&held, 0);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	int err = swapoff((unsigned)e.s.type);
	console_loglevel = saved;
	KT_EXPECT_EQ(t, err, -ENOMEM);
	KT_EXPECT(t, swap_type_blockdev((unsigned)e.s.type) != NULL);
	KT_EXPECT(t, atomic_long_read(&mm->rss_swap) > 0);
	mm_test_give_back(&held);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 6), 0);
	mm_put(mm);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}

/* A swap PTE naming a free slot (or a device that is not on) is a bad swap
 * entry: the task touching it is killed, the count rises, nothing else. */
static int touch_page0(void *arg)
{
	struct mm *mm = arg;
	return (int)(mm_test_read(mm, MM_TEST_REGION) & 0);
}

KTEST(swap_path, bad_swap_entry_kills_only_the_task)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-io", IO_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, 2);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 1, 1, 4), 0); /* page 1: real data */
	swp_entry_t x;
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)e.s.type, 0, &x), 0);
	KT_EXPECT_EQ(t, swap_free(x), 0); /* x is a free slot now */
	spinlock_t *ptl;
	pte_t *ptep = pte_alloc_map_lock(mm, MM_TEST_REGION, &ptl);
	KT_ASSERT(t, ptep);
	set_pte_at(mm, MM_TEST_REGION, ptep, swp_entry_to_pte(x));
	pte_unmap_unlock(ptep, ptl);
	u64 bad = test_stat("swap_bad_entry"), kills = test_stat("fault_task_kills");
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, mm_test_run(mm, test_nth_cpu(1), touch_page0, mm), -EIO);
	console_loglevel = saved;
	KT_EXPECT_EQ(t, test_stat("swap_bad_entry"), bad + 1);
	KT_EXPECT_EQ(t, test_stat("fault_task_kills"), kills + 1);
	KT_EXPECT_EQ(t, swap_path_check(mm, 1, 1, 4), 0); /* the rest of the mm is fine */
	/* Clear it by hand: zapping it would report it again. */
	ptep = pte_offset_map_lock(mm, MM_TEST_REGION, &ptl);
	ptep_get_and_clear(mm, MM_TEST_REGION, ptep);
	pte_unmap_unlock(ptep, ptl);
	mm_put(mm);
	swap_path_end(t, &e);
}
