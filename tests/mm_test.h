/*
 * Helpers for the mm tests: run work in a task inside an mm, and touch
 * its memory the way that task would. In the kernel a task running in the
 * mm uses real loads and stores (every fault is a hardware page fault);
 * on the host, and for an mm not loaded here, the software access path
 * (mm_read_u64 / mm_write_u64), where an unresolved fault ends the task
 * as the kernel's fault handler would.
 */
#ifndef TESTS_MM_TEST_H
#define TESTS_MM_TEST_H

#include "kernel/errno.h"
#include "kernel/sched.h"
#include "mm/fault.h"
#include "mm/folio.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "tests/test_kit.h"

static inline bool mmt_in_task_of(struct mm *mm)
{
	return current && current->mm == mm;
}

static inline u64 mmt_read(struct mm *mm, unsigned long addr)
{
	u64 v = 0;
#ifndef SWAPLAB_HOST
	if (mmt_in_task_of(mm))
		return *(volatile u64 *)addr;
#endif
	int err = mm_read_u64(mm, addr, &v);
	if (err && mmt_in_task_of(mm))
		mm_fault_kill_current(addr, 0, 0, err);
	return v;
}

static inline void mmt_write(struct mm *mm, unsigned long addr, u64 v)
{
#ifndef SWAPLAB_HOST
	if (mmt_in_task_of(mm)) {
		*(volatile u64 *)addr = v;
		return;
	}
#endif
	int err = mm_write_u64(mm, addr, v);
	if (err && mmt_in_task_of(mm))
		mm_fault_kill_current(addr, FAULT_FLAG_WRITE, 0, err);
}

/* Run fn(arg) in a new task inside mm on cpu; its exit status. */
static inline int mmt_run(struct mm *mm, unsigned cpu, int (*fn)(void *), void *arg)
{
	struct task *t = kthread_create_in_mm(fn, arg, cpu, "mm-test", mm);
	if (!t)
		return -ENOMEM;
	return kthread_join(t);
}

/* The PTE at addr (read under its PTL). */
static inline pte_t mmt_pte(struct mm *mm, unsigned long addr)
{
	return pgtable_read_pte(mm, addr);
}

static inline struct folio *mmt_folio_at(struct mm *mm, unsigned long addr)
{
	pte_t pte = mmt_pte(mm, addr);
	return pte_present(pte) ? page_folio(pfn_to_page(pte_pfn(pte))) : NULL;
}

#endif
