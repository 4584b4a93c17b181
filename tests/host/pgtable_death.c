/*
 * pgtable.death_* (host only): misuse of the walker that must panic, each
 * in a forked child (as tests/host/page_alloc_death.c does).
 */
#include "kernel/ktest.h"
#include "death.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"

static pte_t *some_pte(struct mm **mmp)
{
	spinlock_t *ptl;
	struct mm *mm = mm_create();
	pte_t *ptep = pte_alloc_map_lock(mm, 0x400000, &ptl);
	pte_unmap_unlock(ptep, ptl);
	*mmp = mm;
	return ptep;
}

static void free_live_table(void)
{
	struct mm *mm;
	pte_t *ptep = some_pte(&mm);
	free_page(virt_to_page(ptep));
}

static void set_pte_without_ptl(void)
{
	struct mm *mm;
	pte_t *ptep = some_pte(&mm);
	set_pte_at(mm, 0x400000, ptep, swp_entry_to_pte(swp_entry(1, 1)));
}

static void destroy_active_mm(void)
{
	struct mm *mm = mm_create();
	mm_activate(mm);
	mm_destroy(mm);
}

KTEST(pgtable, death_free_page_of_a_live_table)
{
	expect_panic_in_child(t, free_live_table, "a live page-table page");
}

KTEST(pgtable, death_set_pte_without_the_ptl)
{
	expect_panic_in_child(t, set_pte_without_ptl, "needs lock 'ptl' held by this CPU");
}

KTEST(pgtable, death_destroy_of_an_active_mm)
{
	expect_panic_in_child(t, destroy_active_mm, "mm_is_active_here");
}
