/*
 * mm_kill.* and mm_tlb.*: a fault that cannot be resolved ends only the
 * faulting task (with an error status kthread_join sees) and the kernel,
 * the mm and its other tasks carry on; TLB shootdowns reach the CPUs that
 * have the mm loaded, once per operation.
 */
#include <asm/mmu.h>
#include "kernel/ktest.h"
#include "kernel/smp.h"
#include "mm/fault.h"
#include "mm/swap.h"
#include "mm_test.h"
#include "test_cpus.h"

#define KILL_REGION 0x50000000ul
#define KILL_PAGES 64ul
#define BAD_PAGE 40ul /* outside the folio the first fault maps, at any order */
#define RW (PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER)

struct kill_job {
	struct mm *mm;
	unsigned long addr;
	bool write;
	u64 seen;
};

static int job_access(void *arg)
{
	struct kill_job *j = arg;
	if (j->write)
		mm_test_write(j->mm, j->addr, 0x1234);
	else
		j->seen = mm_test_read(j->mm, j->addr);
	return 0;
}

static int mm_kill_access(struct mm *mm, unsigned long addr, bool write, u64 *seen)
{
	struct kill_job j = { mm, addr, write, 0 };
	int err = mm_test_run(mm, test_other_cpu(), job_access, &j);
	if (seen)
		*seen = j.seen;
	return err;
}

/* A swap PTE with a reserved bit set: found by trying bits on a valid one,
 * so the test holds on every PTE layout. */
static pte_t bad_swap_pte(void)
{
	pte_t good = swp_entry_to_pte(swp_entry(1, 77));
	for (unsigned b = 0; b < 64; b++) {
		pte_t p = __pte(pte_val(good) | (1ul << b));
		if (!pte_same(p, good) && pte_is_swap(p) && pte_bad_reason(p))
			return p;
	}
	return pte_empty();
}

static void install_pte(struct mm *mm, unsigned long addr, pte_t pte)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_alloc_map_lock(mm, addr, &ptl);
	ASSERT(ptep);
	ASSERT(pte_none(ptep_get(ptep))); /* never over a mapped page */
	set_pte_at(mm, addr, ptep, pte);
	pte_unmap_unlock(ptep, ptl);
}

KTEST(mm_kill, bad_swap_pte_kills_only_the_faulting_task)
{
	unsigned long before = test_drained_free_pages();
	long folios = folio_nr_live();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, mm_mmap(mm, KILL_REGION, KILL_PAGES * PAGE_SIZE, RW), 0);
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION, true, NULL), 0);
	pte_t bad = bad_swap_pte();
	KT_ASSERT(t, !pte_none(bad));
	install_pte(mm, KILL_REGION + BAD_PAGE * PAGE_SIZE, bad);
	u64 reports = test_stat("pgtable_bad_pte"), kills = test_stat("fault_task_kills");
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION + BAD_PAGE * PAGE_SIZE, false, NULL), -EIO);
	KT_EXPECT_EQ(t, test_stat("pgtable_bad_pte") - reports, 1);
	KT_EXPECT_EQ(t, test_stat("fault_task_kills") - kills, 1);
	/* The PTE is left for inspection; the mm and its other pages work. */
	KT_EXPECT(t, pte_same(mm_test_pte(mm, KILL_REGION + BAD_PAGE * PAGE_SIZE), bad));
	u64 seen = 0;
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION + 8, false, &seen), 0);
	KT_EXPECT_EQ(t, seen, 0);
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION, false, &seen), 0);
	KT_EXPECT_EQ(t, seen, 0x1234);
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION + 6 * PAGE_SIZE, true, NULL), 0);
	/* Teardown reports it again and gives no swap count back for it. */
	mm_put(mm);
	KT_EXPECT_EQ(t, test_stat("pgtable_bad_pte") - reports, 2);
	KT_EXPECT_EQ(t, folio_nr_live(), folios);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

KTEST(mm_kill, fault_outside_any_vma_kills_only_the_task)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, mm_mmap(mm, KILL_REGION, KILL_PAGES * PAGE_SIZE, RW), 0);
	u64 segv = test_stat("fault_segv");
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION + KILL_PAGES * PAGE_SIZE, false, NULL),
		     -EFAULT);
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION - PAGE_SIZE, true, NULL), -EFAULT);
	KT_EXPECT_EQ(t, test_stat("fault_segv") - segv, 2);
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION, true, NULL), 0);
	mm_put(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

KTEST(mm_kill, write_to_a_read_only_vma_kills_only_the_task)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, mm_mmap(mm, KILL_REGION, PAGE_SIZE, PAGE_PROT_READ | PAGE_PROT_USER), 0);
	u64 seen = 1;
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION, false, &seen), 0);
	KT_EXPECT_EQ(t, seen, 0);
	KT_EXPECT(t, !pte_write(mm_test_pte(mm, KILL_REGION)));
	KT_EXPECT_EQ(t, mm_kill_access(mm, KILL_REGION, true, NULL), -EFAULT);
	mm_put(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

/* Outside a user mm the handler refuses, and the arch handler panics. */
KTEST(mm_kill, fault_without_a_user_mm_is_not_handled)
{
	KT_EXPECT(t, current->mm == NULL);
	KT_EXPECT_EQ(t, mm_handle_page_fault(KILL_REGION, FAULT_FLAG_WRITE, 0), -EFAULT);
}

struct spin_job {
	struct mm *mm;
	int ready; /* atomic */
	int done;  /* atomic */
};

static int job_touch_and_spin(void *arg)
{
	struct spin_job *j = arg;
	mm_test_write(j->mm, KILL_REGION, 1);
	__atomic_store_n(&j->ready, 1, __ATOMIC_SEQ_CST);
	/* Keeps running (yield returns at once): the mm stays loaded here. */
	while (!__atomic_load_n(&j->done, __ATOMIC_SEQ_CST))
		yield();
	return 0;
}

KTEST(mm_tlb, shootdown_reaches_cpus_with_the_mm_loaded_once_per_operation)
{
	if (!test_require_cpus(t, 2))
		return;
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, mm_mmap(mm, KILL_REGION, KILL_PAGES * PAGE_SIZE, RW), 0);
	for (unsigned long i = 0; i < KILL_PAGES; i++)
		KT_ASSERT_EQ(t, mm_write_u64(mm, KILL_REGION + i * PAGE_SIZE, i), 0);
	unsigned other = test_other_cpu();
	struct spin_job j = { mm, 0, 0 };
	struct task *spinner = kthread_create_in_mm(job_touch_and_spin, &j, other, "tlb-spin", mm);
	KT_ASSERT(t, spinner);
	while (!__atomic_load_n(&j.ready, __ATOMIC_SEQ_CST))
		yield();
	KT_EXPECT(t, __atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST) & cpu_mask_of(other));
	KT_EXPECT(t,
		  !(__atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST) & cpu_mask_of(arch_cpu_id())));

	/* 8 pages, the page table stays: one batched shootdown, one IPI
	 * (none where the TLB flush is broadcast in hardware). */
	const u64 ipi = arch_tlb_flush_is_broadcast() ? 0 : 1;
	u64 ipis = test_stat("tlb_shootdown_ipis"), downs = test_stat("tlb_shootdowns");
	KT_EXPECT_EQ(t, mm_munmap(mm, KILL_REGION + PAGE_SIZE, 8 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, test_stat("tlb_shootdowns") - downs, 1);
	KT_EXPECT_EQ(t, test_stat("tlb_shootdown_ipis") - ipis, ipi);
	/* 40 pages: above the threshold, still one (full) flush. */
	ipis = test_stat("tlb_shootdown_ipis");
	downs = test_stat("tlb_shootdowns");
	KT_EXPECT_EQ(t, mm_munmap(mm, KILL_REGION + 16 * PAGE_SIZE, 40 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, test_stat("tlb_shootdowns") - downs, 1);
	KT_EXPECT_EQ(t, test_stat("tlb_shootdown_ipis") - ipis, ipi);
	/* fork write-protects the parent: one more. */
	downs = test_stat("tlb_shootdowns");
	struct mm *child = mm_fork(mm);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, test_stat("tlb_shootdowns") - downs, 1);
	mm_put(child);

	__atomic_store_n(&j.done, 1, __ATOMIC_SEQ_CST);
	KT_EXPECT_EQ(t, kthread_join(spinner), 0);
	KT_EXPECT_EQ(t, __atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST), 0);
	/* Nobody has it loaded now: unmapping needs no IPI. */
	ipis = test_stat("tlb_shootdown_ipis");
	KT_EXPECT_EQ(t, mm_munmap(mm, KILL_REGION, KILL_PAGES * PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, test_stat("tlb_shootdown_ipis") - ipis, 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->nr_pgtables), 1); /* tables freed */
	KT_EXPECT_EQ(t, mm->vmas.count, 0);
	mm_put(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}
