/*
 * Helpers for the mm tests: an mm with memory at MM_TEST_REGION, work run
 * in a task inside it, its memory touched the way that task would, and
 * free memory eaten to put reclaim under pressure. In the kernel a task
 * running in the mm uses real loads and stores (every fault is a hardware
 * page fault); on the host, and for an mm not loaded here, the software
 * access path (mm_read_u64 / mm_write_u64), where an unresolved fault ends
 * the task as the kernel's fault handler would.
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

/* Where the tests map their memory: aligned for every folio order. */
#define MM_TEST_REGION 0x40000000ul
#define MM_TEST_RW (PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER)

/* A new mm with npages mapped read-write at MM_TEST_REGION, or NULL with
 * the test failed. */
static inline struct mm *mm_test_create(struct ktest *t, unsigned long npages)
{
	struct mm *mm = mm_create();
	if (mm && mm_mmap(mm, MM_TEST_REGION, npages * PAGE_SIZE, MM_TEST_RW) != 0) {
		mm_put(mm);
		mm = NULL;
	}
	KT_EXPECT(t, mm != NULL);
	return mm;
}

static inline bool mm_test_in_task_of(struct mm *mm)
{
	return current && current->mm == mm;
}

static inline u64 mm_test_read(struct mm *mm, unsigned long addr)
{
	u64 v = 0;
#ifndef SWAPLAB_HOST
	if (mm_test_in_task_of(mm))
		return *(volatile u64 *)addr;
#endif
	int err = mm_read_u64(mm, addr, &v);
	if (err && mm_test_in_task_of(mm))
		mm_fault_kill_current(addr, 0, 0, err);
	return v;
}

static inline void mm_test_write(struct mm *mm, unsigned long addr, u64 v)
{
#ifndef SWAPLAB_HOST
	if (mm_test_in_task_of(mm)) {
		*(volatile u64 *)addr = v;
		return;
	}
#endif
	int err = mm_write_u64(mm, addr, v);
	if (err && mm_test_in_task_of(mm))
		mm_fault_kill_current(addr, FAULT_FLAG_WRITE, 0, err);
}

/* Run fn(arg) in a new task inside mm on cpu; its exit status. */
static inline int mm_test_run(struct mm *mm, unsigned cpu, int (*fn)(void *), void *arg)
{
	struct task *t = kthread_create_in_mm(fn, arg, cpu, "mm-test", mm);
	if (!t)
		return -ENOMEM;
	return kthread_join(t);
}

/* The PTE at addr (read under its PTL). */
static inline pte_t mm_test_pte(struct mm *mm, unsigned long addr)
{
	return pgtable_read_pte(mm, addr);
}

static inline struct folio *mm_test_folio_at(struct mm *mm, unsigned long addr)
{
	pte_t pte = mm_test_pte(mm, addr);
	return pte_present(pte) ? page_folio(pfn_to_page(pte_pfn(pte))) : NULL;
}

/* Memory held by a test, page by page, until free pages are down to the
 * min watermark plus leave (or allocations fail). */
static inline unsigned long mm_test_eat_memory(struct list_head *held, unsigned long leave)
{
	unsigned long n = 0;
	while (nr_free_pages() > page_alloc_watermarks()->min + leave) {
		struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!p)
			break;
		list_add(&p->lru, held);
		n++;
	}
	return n;
}

static inline void mm_test_give_back(struct list_head *held)
{
	while (!list_empty(held)) {
		struct page *p = list_first_entry(held, struct page, lru);
		list_del(&p->lru);
		free_page(p);
	}
}

#endif
