/*
 * pgtable.*: the generic page-table walker on a fresh mm. Levels appear
 * on demand, tables left empty by an unmap go back to the allocator, and
 * every test ends with nr_free_pages() exactly where it started. The PTEs
 * written here point at made-up pfns: no mm here is ever loaded, so
 * nothing dereferences them.
 */
#include "kernel/ktest.h"
#include "kernel/smp.h"
#include "kernel/stats.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "tests/test_kit.h"

#define GiB (1ul << 30)

DECLARE_STAT_COUNTER(mm_zap_present);
DECLARE_STAT_COUNTER(mm_zap_swap);

static long nr_tables(struct mm *mm)
{
	return atomic_long_read(&mm->nr_pgtables);
}

static pte_t test_pte(unsigned long addr)
{
	/* A distinct, recognisable PTE per address. */
	return pfn_pte((addr >> PAGE_SHIFT) & 0xfffff,
		       arch_vm_get_page_prot(PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER));
}

static int map_one(struct mm *mm, unsigned long addr, pte_t pte)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_alloc_map_lock(mm, addr, &ptl);
	if (!ptep)
		return -1;
	set_pte_at(mm, addr, ptep, pte);
	pte_unmap_unlock(ptep, ptl);
	return 0;
}

static int map_range(struct mm *mm, unsigned long start, unsigned long end)
{
	for (unsigned long a = start; a < end; a += PAGE_SIZE)
		if (map_one(mm, a, test_pte(a)) < 0)
			return -1;
	return 0;
}

/* How many addresses in [start, end) read back their test_pte(). */
static unsigned long count_mapped(struct mm *mm, unsigned long start, unsigned long end)
{
	unsigned long n = 0;
	for (unsigned long a = start; a < end; a += PAGE_SIZE)
		if (pte_same(pgtable_read_pte(mm, a), test_pte(a)))
			n++;
	return n;
}

KTEST(pgtable, levels_are_allocated_on_demand)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, nr_tables(mm), 1); /* the root */
	unsigned long created = test_drained_free_pages();

	spinlock_t *ptl;
	KT_EXPECT(t, pte_offset_map_lock(mm, 0x400000, &ptl) == NULL);
	KT_EXPECT_EQ(t, nr_tables(mm), 1); /* lookup does not allocate */

	KT_ASSERT_EQ(t, map_one(mm, 0x400000, test_pte(0x400000)), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), 4); /* + pud, pmd, pte */
	KT_ASSERT_EQ(t, map_one(mm, 0x5ff000, test_pte(0x5ff000)), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), 4); /* same 2 MiB: same PTE table */
	KT_ASSERT_EQ(t, map_one(mm, 0x600000, test_pte(0x600000)), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), 5); /* next 2 MiB: a new PTE table */
	KT_ASSERT_EQ(t, map_one(mm, GiB, test_pte(GiB)), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), 7); /* next GiB: pmd + pte */
	KT_ASSERT_EQ(t, map_one(mm, PGDIR_SIZE, test_pte(PGDIR_SIZE)), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), 10); /* next 512 GiB: pud + pmd + pte */

	pte_t *ptep = pte_offset_map_lock(mm, 0x5ff000, &ptl);
	KT_ASSERT(t, ptep);
	KT_EXPECT(t, pte_same(ptep_get(ptep), test_pte(0x5ff000)));
	KT_EXPECT(t, spin_is_locked(ptl));
	KT_EXPECT(t, ptl == pte_lockptr(ptep));
	pte_unmap_unlock(ptep, ptl);
	KT_EXPECT(t, !spin_is_locked(ptl));
	KT_EXPECT(t, pte_none(pgtable_read_pte(mm, 0x401000)));

	KT_EXPECT_EQ(t, test_drained_free_pages(), created - 9); /* the tables, nothing else */
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

/* Map 4 pages either side of a boundary, check them, unmap exactly that
 * range: every table that was created for it is freed again. */
static void check_boundary(struct ktest *t, unsigned long boundary, long tables_expected)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	unsigned long start = boundary - 4 * PAGE_SIZE, end = boundary + 4 * PAGE_SIZE;
	KT_ASSERT_EQ(t, map_range(mm, start, end), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), tables_expected);
	KT_EXPECT_EQ(t, count_mapped(mm, start, end), 8);
	KT_EXPECT(t, pte_none(pgtable_read_pte(mm, start - PAGE_SIZE)));
	KT_EXPECT(t, pte_none(pgtable_read_pte(mm, end)));

	/* Unmapping one side frees only that side's tables. */
	pgtable_unmap_range(mm, start, boundary, NULL, NULL);
	KT_EXPECT_EQ(t, count_mapped(mm, start, end), 4);
	KT_EXPECT_EQ(t, count_mapped(mm, boundary, end), 4);
	KT_EXPECT(t, nr_tables(mm) < tables_expected);
	pgtable_unmap_range(mm, boundary, end, NULL, NULL);
	KT_EXPECT_EQ(t, count_mapped(mm, start, end), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), 1);
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

KTEST(pgtable, map_unmap_across_2mib_boundary)
{
	check_boundary(t, 4 * PMD_SIZE, 1 + 1 + 1 + 2);
}

KTEST(pgtable, map_unmap_across_1gib_boundary)
{
	check_boundary(t, 3 * PUD_SIZE, 1 + 1 + 2 + 2);
}

KTEST(pgtable, map_unmap_across_512gib_boundary)
{
	check_boundary(t, 2 * PGDIR_SIZE, 1 + 2 + 2 + 2);
}

KTEST(pgtable, map_unmap_at_the_top_of_user_space)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	unsigned long start = MM_USER_END - 8 * PAGE_SIZE;
	KT_ASSERT_EQ(t, map_range(mm, start, MM_USER_END), 0);
	KT_EXPECT_EQ(t, count_mapped(mm, start, MM_USER_END), 8);
	KT_EXPECT_EQ(t, nr_tables(mm), 4);
	pgtable_unmap_range(mm, start, MM_USER_END, NULL, NULL);
	KT_EXPECT_EQ(t, nr_tables(mm), 1);
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

KTEST(pgtable, partial_unmap_keeps_the_shared_table)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, map_range(mm, 0x10000, 0x20000), 0);
	KT_EXPECT_EQ(t, nr_tables(mm), 4);
	pgtable_unmap_range(mm, 0x10000, 0x18000, NULL, NULL);
	KT_EXPECT_EQ(t, nr_tables(mm), 4);
	KT_EXPECT_EQ(t, count_mapped(mm, 0x10000, 0x20000), 8);
	/* The table's count of used entries follows the PTEs. */
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, 0x18000, &ptl);
	KT_ASSERT(t, ptep);
	KT_EXPECT_EQ(t, virt_to_page(ptep)->pt_used, 8);
	pte_unmap_unlock(ptep, ptl);
	/* Unmapping a range with nothing in it changes nothing. */
	pgtable_unmap_range(mm, 0x200000, 0x400000, NULL, NULL);
	KT_EXPECT_EQ(t, nr_tables(mm), 4);
	pgtable_unmap_range(mm, 0x18000, 0x20000, NULL, NULL);
	KT_EXPECT_EQ(t, nr_tables(mm), 1);
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

/* A table emptied earlier through ptep_get_and_clear is freed by the next
 * unmap over it, even when that unmap finds no PTE left to clear. */
KTEST(pgtable, table_emptied_by_clears_is_freed_on_unmap)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, map_one(mm, 0x800000, test_pte(0x800000)), 0);
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, 0x800000, &ptl);
	KT_ASSERT(t, ptep);
	pte_t old = ptep_get_and_clear(mm, 0x800000, ptep);
	KT_EXPECT(t, pte_same(old, test_pte(0x800000)));
	KT_EXPECT_EQ(t, virt_to_page(ptep)->pt_used, 0);
	pte_unmap_unlock(ptep, ptl);
	KT_EXPECT_EQ(t, nr_tables(mm), 4);
	pgtable_unmap_range(mm, 0x800000, 0x801000, NULL, NULL);
	KT_EXPECT_EQ(t, nr_tables(mm), 1);
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

struct zap_log {
	unsigned n;
	unsigned long addr[8];
	pte_t pte[8];
};

static void log_zap(struct mm *mm, unsigned long addr, pte_t old, void *arg)
{
	struct zap_log *log = arg;
	if (log->n < ARRAY_SIZE(log->addr)) {
		log->addr[log->n] = addr;
		log->pte[log->n] = old;
	}
	log->n++;
	(void)mm;
}

KTEST(pgtable, unmap_hands_each_old_pte_to_the_zap_hook_in_order)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	pte_t swp = pte_swp_mkexclusive(swp_entry_to_pte(swp_entry(2, 77)));
	KT_ASSERT_EQ(t, map_one(mm, 0x1ff000, test_pte(0x1ff000)), 0);
	KT_ASSERT_EQ(t, map_one(mm, 0x200000, swp), 0);
	KT_ASSERT_EQ(t, map_one(mm, 0x40000000, test_pte(0x40000000)), 0);
	struct zap_log log = { 0 };
	pgtable_unmap_range(mm, 0x100000, 0x40001000, log_zap, &log);
	KT_ASSERT_EQ(t, log.n, 3);
	KT_EXPECT_EQ(t, log.addr[0], 0x1ff000);
	KT_EXPECT_EQ(t, log.addr[1], 0x200000);
	KT_EXPECT_EQ(t, log.addr[2], 0x40000000);
	KT_EXPECT(t, pte_same(log.pte[0], test_pte(0x1ff000)));
	/* the swap PTE comes back whole, exclusive bit included */
	KT_EXPECT(t, pte_same(log.pte[1], swp));
	KT_EXPECT(t, pte_swp_exclusive(log.pte[1]));
	KT_EXPECT_EQ(t, nr_tables(mm), 1);
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

KTEST(pgtable, destroy_frees_every_table_and_vma)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	/* Scattered over many tables at every level. */
	for (unsigned i = 0; i < 40; i++) {
		unsigned long a =
			MM_USER_START + i * (PGDIR_SIZE / 7 + 13 * PMD_SIZE + 5 * PAGE_SIZE);
		a = ALIGN_DOWN(a, PAGE_SIZE);
		if (a >= MM_USER_END)
			break;
		KT_ASSERT_EQ(t, map_one(mm, a, test_pte(a)), 0);
		KT_ASSERT_EQ(t, map_one(mm, a + PAGE_SIZE, swp_entry_to_pte(swp_entry(1, i))), 0);
	}
	KT_EXPECT(t, nr_tables(mm) > 40);
	u64 zap_present = stat_read(mm_zap_present), zap_swap = stat_read(mm_zap_swap);
	for (unsigned i = 0; i < 10; i++) {
		struct vma *v = vma_alloc(GiB * (i + 1), GiB * (i + 1) + PMD_SIZE, PAGE_PROT_READ,
					  VMA_ANON);
		KT_ASSERT(t, v);
		KT_ASSERT_EQ(t, vma_insert(&mm->vmas, v), 0);
	}
	KT_EXPECT(t, test_drained_free_pages() < before);
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
	/* Every PTE went through the teardown hook. */
	KT_EXPECT_EQ(t, stat_read(mm_zap_present) - zap_present, 40);
	KT_EXPECT_EQ(t, stat_read(mm_zap_swap) - zap_swap, 40);
}

/* Several CPUs race to populate the same empty region: each level must be
 * installed once, the losers' pages freed, and every PTE present. */
struct race_arg {
	struct mm *mm;
	unsigned long base;
	atomic_t failures;
};

static void race_fill(void *p)
{
	struct race_arg *ra = p;
	unsigned cpu = arch_cpu_id();
	for (unsigned i = 0; i < 64; i++) {
		unsigned long a = ra->base + (i * 8 + cpu) * PAGE_SIZE * 8;
		if (map_one(ra->mm, a, test_pte(a)) < 0)
			atomic_inc(&ra->failures);
	}
}

KTEST(pgtable, concurrent_population_installs_each_level_once)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	struct race_arg ra = { mm, 3 * PGDIR_SIZE - 2 * PMD_SIZE, ATOMIC_INIT(0) };
	smp_call_on_cpus(cpu_online_mask, race_fill, &ra);
	KT_EXPECT_EQ(t, atomic_read(&ra.failures), 0);
	unsigned long mapped = 0;
	for (unsigned cpu = 0; cpu < 8; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		for (unsigned i = 0; i < 64; i++) {
			unsigned long a = ra.base + (i * 8 + cpu) * PAGE_SIZE * 8;
			mapped += pte_same(pgtable_read_pte(mm, a), test_pte(a));
		}
	}
	KT_EXPECT_EQ(t, mapped, 64ul * nr_cpus_online);
	/* The span crosses one 512 GiB boundary: with all CPUs it needs
	 * root + 2 pud + 2 pmd + PTE tables for every 2 MiB touched. */
	unsigned long span_end = ra.base + 64 * 8 * PAGE_SIZE * 8;
	long pte_tables = 0;
	for (unsigned long a = ra.base; a < span_end; a += PMD_SIZE) {
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(mm, a, &ptl);
		if (ptep) {
			pte_tables++;
			pte_unmap_unlock(ptep, ptl);
		}
	}
	KT_EXPECT_EQ(t, nr_tables(mm), 1 + 2 + 2 + pte_tables);
	mm_destroy(mm);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}
