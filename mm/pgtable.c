/*
 * The page-table walker: on-demand allocation of levels, PTE lookup with
 * the PTL held, and unmapping that frees tables left empty. See
 * mm/pgtable.h for the locking rules.
 */
#include <asm/mmu.h>
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "mm.h"
#include "page_alloc.h"
#include "pgtable.h"

/* --- table pages --------------------------------------------------------- */

/* May reclaim: tables are allocated before any PTL is taken (the walk
 * installs them under the parent's lock afterwards), by faults and fork
 * under the mmap lock, which reclaim's rmap walks only trylock. Without
 * reclaim a fault under memory pressure failed at the min watermark with
 * the LRU full of pages (and the task was killed). mm->pgtable_gfp: a
 * fork's child may also dip into the reserve (see mm_fork). */
static struct page *pgtable_page_alloc(struct mm *mm)
{
	struct page *page = alloc_page(GFP_USER | __GFP_ZERO | mm->pgtable_gfp);
	if (!page)
		return NULL;
	page_flag_set(page, PG_pgtable);
	spin_lock_init(&page->ptl, "ptl");
	page->pt_used = 0;
	atomic_long_inc(&mm->nr_pgtables);
	return page;
}

static void pgtable_page_free(struct mm *mm, struct page *page)
{
	ASSERT(page_flags(page) & PG_pgtable);
	ASSERT_EQ(page->pt_used, 0);
	ASSERT(!spin_is_locked(&page->ptl));
	page_flag_clear(page, PG_pgtable);
	atomic_long_dec(&mm->nr_pgtables);
	free_page(page);
}

/* The page-table page that holds an entry (entries never cross pages). */
static struct page *table_page_of(const void *entryp)
{
	return virt_to_page((const void *)ALIGN_DOWN((unsigned long)entryp, PAGE_SIZE));
}

spinlock_t *pte_lockptr(const pte_t *ptep)
{
	return &table_page_of(ptep)->ptl;
}

/* Upper entries are only ever written by this file, so a bad one means
 * memory corruption: stop before following it. */
static void check_table_entry(bool bad, const char *level, unsigned long addr, u64 val)
{
	if (bad)
		panic("mm: bad %s entry %#lx for address %#lx", level, val, addr);
}

int pgtable_alloc_root(struct mm *mm)
{
	struct page *page = pgtable_page_alloc(mm);
	if (!page)
		return -ENOMEM;
	mm->pgd = page_address(page);
	mm->pgd_phys = page_to_phys(page);
	arch_mmu_init_root(mm->pgd);
	return 0;
}

void pgtable_free_root(struct mm *mm)
{
	ASSERT_EQ(atomic_long_read(&mm->nr_pgtables), 1);
	pgtable_page_free(mm, virt_to_page(mm->pgd));
	mm->pgd = NULL;
}

/* --- walking down ------------------------------------------------------------ */

/*
 * One level of the walk: the entry at parentp (type P) leads to a table
 * of C entries; return the entry for addr in it. With alloc, a missing
 * table is allocated and installed under the parent's PTL; without, a
 * missing table gives NULL. The three levels differ only in types, hence
 * the macro.
 */
#define DEFINE_WALK_LEVEL(P, C)                                                                    \
	static C##_t *P##_walk(struct mm *mm, P##_t *parentp, unsigned long addr, bool alloc)      \
	{                                                                                          \
		P##_t e = P##p_get(parentp);                                                       \
		if (P##_none(e)) {                                                                 \
			if (!alloc)                                                                \
				return NULL;                                                       \
			struct page *new = pgtable_page_alloc(mm);                                 \
			if (!new)                                                                  \
				return NULL;                                                       \
			struct page *parent = table_page_of(parentp);                              \
			spin_lock(&parent->ptl);                                                   \
			e = P##p_get(parentp);                                                     \
			if (P##_none(e)) {                                                         \
				e = P##_mk_table(page_to_phys(new));                               \
				arch_set_##P(parentp, e);                                          \
				parent->pt_used++;                                                 \
				new = NULL;                                                        \
			}                                                                          \
			spin_unlock(&parent->ptl);                                                 \
			if (new)                                                                   \
				pgtable_page_free(mm, new);                                        \
		}                                                                                  \
		check_table_entry(P##_bad(e), #P, addr, P##_val(e));                               \
		return (C##_t *)phys_to_virt(P##_table_phys(e)) + C##_index(addr);                 \
	}

DEFINE_WALK_LEVEL(pgd, pud)
DEFINE_WALK_LEVEL(pud, pmd)
DEFINE_WALK_LEVEL(pmd, pte)

static pte_t *pte_walk(struct mm *mm, unsigned long addr, bool alloc)
{
	ASSERT(addr < MM_USER_END);
	pud_t *pudp = pgd_walk(mm, mm->pgd + pgd_index(addr), addr, alloc);
	if (!pudp)
		return NULL;
	pmd_t *pmdp = pud_walk(mm, pudp, addr, alloc);
	if (!pmdp)
		return NULL;
	return pmd_walk(mm, pmdp, addr, alloc);
}

pte_t *pte_alloc_map_lock(struct mm *mm, unsigned long addr, spinlock_t **ptlp)
{
	pte_t *ptep = pte_walk(mm, addr, true);
	if (!ptep)
		return NULL;
	*ptlp = pte_lockptr(ptep);
	spin_lock(*ptlp);
	return ptep;
}

pte_t *pte_offset_map_lock(struct mm *mm, unsigned long addr, spinlock_t **ptlp)
{
	pte_t *ptep = pte_walk(mm, addr, false);
	if (!ptep)
		return NULL;
	*ptlp = pte_lockptr(ptep);
	spin_lock(*ptlp);
	return ptep;
}

pte_t *pte_offset_map(struct mm *mm, unsigned long addr)
{
	return pte_walk(mm, addr, false);
}

void pte_unmap_unlock(pte_t *ptep, spinlock_t *ptl)
{
	(void)ptep;
	spin_unlock(ptl);
}

pte_t pgtable_read_pte(struct mm *mm, unsigned long addr)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep)
		return pte_empty();
	pte_t pte = ptep_get(ptep);
	pte_unmap_unlock(ptep, ptl);
	return pte;
}

/* --- changing PTEs ----------------------------------------------------------- */

void set_pte_at(struct mm *mm, unsigned long addr, pte_t *ptep, pte_t pte)
{
	struct page *table = table_page_of(ptep);
	(void)mm;
	(void)addr;
	lockdep_assert_held(&table->ptl);
	pte_t old = ptep_get(ptep);
	if (pte_none(old) && !pte_none(pte))
		table->pt_used++;
	else if (!pte_none(old) && pte_none(pte))
		table->pt_used--;
	arch_set_pte(ptep, pte);
}

pte_t ptep_get_and_clear(struct mm *mm, unsigned long addr, pte_t *ptep)
{
	struct page *table = table_page_of(ptep);
	(void)mm;
	(void)addr;
	lockdep_assert_held(&table->ptl);
	pte_t old = arch_ptep_xchg(ptep, pte_empty());
	if (!pte_none(old)) {
		ASSERT(table->pt_used > 0);
		table->pt_used--;
	}
	return old;
}

DEFINE_STAT_COUNTER(pgtable_bad_pte);

bool pte_report_if_bad(struct mm *mm, unsigned long addr, pte_t pte)
{
	const char *reason = pte_bad_reason(pte);
	if (!reason)
		return false;
	stat_inc(pgtable_bad_pte);
	pr_err("mm: bad page-table entry at %#lx: %#lx (%s), mm root %#lx\n", addr,
	       (unsigned long)pte_val(pte), reason, (unsigned long)mm->pgd_phys);
	return true;
}

/* --- unmapping ------------------------------------------------------------------- */

static unsigned long level_end(unsigned long addr, unsigned long end, unsigned long size)
{
	unsigned long boundary = (addr + size) & ~(size - 1);
	return boundary - 1 < end - 1 ? boundary : end;
}

static void unmap_pte_range(struct mm *mm, pte_t *ptep, unsigned long addr, unsigned long end,
			    pte_zap_fn zap, void *arg)
{
	spinlock_t *ptl = pte_lockptr(ptep);
	spin_lock(ptl);
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		if (pte_none(ptep_get(ptep)))
			continue;
		pte_t old = ptep_get_and_clear(mm, addr, ptep);
		if (zap)
			zap(mm, addr, old, arg);
		else
			mm_tlb_flush_page(mm, addr);
	}
	spin_unlock(ptl);
}

/*
 * Free the child table behind *parentp if it has no entries left. Both
 * PTLs are held (parent first) while deciding, so an entry installed
 * into the child concurrently cannot be lost; the TLB is flushed before
 * the page goes back, because the CPU may cache upper-level entries.
 */
#define DEFINE_FREE_IF_EMPTY(P)                                                                    \
	static void P##_free_if_empty(struct mm *mm, P##_t *parentp)                               \
	{                                                                                          \
		struct page *parent = table_page_of(parentp);                                      \
		P##_t e = P##p_get(parentp);                                                       \
		if (P##_none(e))                                                                   \
			return;                                                                    \
		struct page *child = phys_to_page(P##_table_phys(e));                              \
		bool freed = false;                                                                \
		spin_lock(&parent->ptl);                                                           \
		spin_lock(&child->ptl);                                                            \
		if (child->pt_used == 0) {                                                         \
			arch_set_##P(parentp, P##_empty());                                        \
			parent->pt_used--;                                                         \
			freed = true;                                                              \
		}                                                                                  \
		spin_unlock(&child->ptl);                                                          \
		spin_unlock(&parent->ptl);                                                         \
		if (freed) {                                                                       \
			mm_tlb_flush_all(mm);                                                      \
			pgtable_page_free(mm, child);                                              \
		}                                                                                  \
	}

DEFINE_FREE_IF_EMPTY(pgd)
DEFINE_FREE_IF_EMPTY(pud)
DEFINE_FREE_IF_EMPTY(pmd)

static void unmap_pmd_range(struct mm *mm, pmd_t *pmdp, unsigned long addr, unsigned long end,
			    pte_zap_fn zap, void *arg)
{
	for (unsigned long next; addr < end; addr = next, pmdp++) {
		next = level_end(addr, end, PMD_SIZE);
		pte_t *ptep = pmd_walk(mm, pmdp, addr, false);
		if (!ptep)
			continue;
		unmap_pte_range(mm, ptep, addr, next, zap, arg);
		pmd_free_if_empty(mm, pmdp);
	}
}

static void unmap_pud_range(struct mm *mm, pud_t *pudp, unsigned long addr, unsigned long end,
			    pte_zap_fn zap, void *arg)
{
	for (unsigned long next; addr < end; addr = next, pudp++) {
		next = level_end(addr, end, PUD_SIZE);
		pmd_t *pmdp = pud_walk(mm, pudp, addr, false);
		if (!pmdp)
			continue;
		unmap_pmd_range(mm, pmdp, addr, next, zap, arg);
		pud_free_if_empty(mm, pudp);
	}
}

void pgtable_unmap_range(struct mm *mm, unsigned long start, unsigned long end, pte_zap_fn zap,
			 void *arg)
{
	ASSERT(IS_ALIGNED(start, PAGE_SIZE) && IS_ALIGNED(end, PAGE_SIZE));
	ASSERT(start <= end && end <= MM_USER_END);
	pgd_t *pgdp = mm->pgd + pgd_index(start);
	for (unsigned long next, addr = start; addr < end; addr = next, pgdp++) {
		next = level_end(addr, end, PGDIR_SIZE);
		pud_t *pudp = pgd_walk(mm, pgdp, addr, false);
		if (!pudp)
			continue;
		unmap_pud_range(mm, pudp, addr, next, zap, arg);
		pgd_free_if_empty(mm, pgdp);
	}
}
