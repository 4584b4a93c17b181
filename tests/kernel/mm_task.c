/*
 * mm_task.*: a kernel thread started inside an mm runs on that mm's root
 * (the scheduler loaded it into CR3), and its touches of user addresses
 * are real hardware page faults resolved by mm_handle_page_fault.
 */
#include <asm/mmu.h>
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "tests/test_cpus.h"
#include "tests/test_kit.h"

#define TASK_REGION 0x60000000ul

struct mm_task_seen {
	struct mm *mm;
	bool root_loaded, tracked;
	u64 faults_before, faults_after;
	u64 value;
};

static int task_in_mm(void *arg)
{
	struct mm_task_seen *s = arg;
	s->root_loaded = arch_mmu_current_root() == s->mm->pgd_phys;
	s->tracked = mm_loaded_here() == s->mm &&
		     (__atomic_load_n(&s->mm->cpu_mask, __ATOMIC_SEQ_CST) & (1ul << arch_cpu_id()));
	s->faults_before = test_stat("page_faults");
	volatile u64 *p = (volatile u64 *)(TASK_REGION + 0x18);
	*p = 0x600dcafe; /* not present: a hardware fault maps a zeroed page */
	s->value = p[1]; /* present now: no fault */
	s->faults_after = test_stat("page_faults");
	return 0;
}

static int task_without_mm(void *arg)
{
	*(bool *)arg = arch_mmu_current_root() == arch_mmu_kernel_root() && !mm_loaded_here();
	return 0;
}

KTEST(mm_task, thread_in_an_mm_runs_on_its_root_and_faults_for_real)
{
	page_alloc_drain_all();
	unsigned long before = nr_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t,
		     mm_mmap(mm, TASK_REGION, 16 * PAGE_SIZE,
			     PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER),
		     0);
	struct mm_task_seen s = { .mm = mm };
	struct task *task = kthread_create_in_mm(task_in_mm, &s, test_other_cpu(), "in-mm", mm);
	KT_ASSERT(t, task);
	KT_EXPECT_EQ(t, kthread_join(task), 0);
	KT_EXPECT(t, s.root_loaded);
	KT_EXPECT(t, s.tracked);
	KT_EXPECT(t, s.faults_after - s.faults_before >= 1); /* other CPUs may fault too */
	KT_EXPECT_EQ(t, s.value, 0);
	pte_t pte = pgtable_read_pte(mm, TASK_REGION);
	KT_EXPECT(t, pte_present(pte) && pte_write(pte) && pte_dirty(pte));
	u64 v = 0;
	KT_EXPECT_EQ(t, mm_read_u64(mm, TASK_REGION + 0x18, &v), 0);
	KT_EXPECT_EQ(t, v, 0x600dcafe);
	KT_EXPECT_EQ(t, __atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST), 0);

	bool kernel_root = false;
	task = kthread_create_on_cpu(task_without_mm, &kernel_root, test_other_cpu(), "no-mm");
	KT_ASSERT(t, task);
	KT_EXPECT_EQ(t, kthread_join(task), 0);
	KT_EXPECT(t, kernel_root);
	mm_put(mm);
	page_alloc_drain_all();
	KT_EXPECT_EQ(t, nr_free_pages(), before);
}
