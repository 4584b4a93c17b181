/*
 * pte.*: the arch PTE interface, through its helpers only (these run on
 * both layouts: x86-64 bits in the kernel, the host's software bits).
 * Every field is round-tripped at its extremes, alone and combined with
 * the exclusive and soft-dirty flags; the exact x86 bit positions are
 * checked in arch/x86_64/pgtable_test.c.
 */
#include <asm/mmu.h>
#include <asm/pgtable.h>
#include "kernel/ktest.h"

static const unsigned swap_types[] = { 0, 1, 30, MAX_SWAPFILES - 1 };
static const u64 swap_offsets[] = {
	0, 1, 2, 0x123456789ul, (1ul << 49), SWP_OFFSET_USABLE_MAX, SWP_OFFSET_MAX
};

KTEST(pte, swp_entry_keeps_type_and_offset)
{
	for (unsigned i = 0; i < ARRAY_SIZE(swap_types); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(swap_offsets); j++) {
			swp_entry_t e = swp_entry(swap_types[i], swap_offsets[j]);
			KT_EXPECT_EQ(t, swp_type(e), swap_types[i]);
			KT_EXPECT_EQ(t, swp_offset(e), swap_offsets[j]);
		}
	}
	KT_EXPECT(t, !swp_entry_same(swp_entry(0, 1), swp_entry(1, 0)));
	KT_EXPECT(t, swp_entry_same(swp_entry(3, 7), swp_entry(3, 7)));
}

/* One swap PTE: type/offset survive, flags read back as set, and each
 * flag can be cleared without touching the entry or the other flag. */
static void check_swap_pte(struct ktest *t, unsigned type, u64 offset, bool excl, bool sd)
{
	pte_t p = swp_entry_to_pte(swp_entry(type, offset));
	if (excl)
		p = pte_swp_mkexclusive(p);
	if (sd)
		p = pte_swp_mksoft_dirty(p);
	KT_EXPECT(t, !pte_none(p));
	KT_EXPECT(t, !pte_present(p));
	KT_EXPECT(t, pte_is_swap(p));
	KT_EXPECT(t, pte_bad_reason(p) == NULL);
	swp_entry_t e = pte_to_swp_entry(p);
	KT_EXPECT_EQ(t, swp_type(e), type);
	KT_EXPECT_EQ(t, swp_offset(e), offset);
	KT_EXPECT_EQ(t, pte_swp_exclusive(p), excl);
	KT_EXPECT_EQ(t, pte_swp_soft_dirty(p), sd);

	pte_t c = pte_swp_clear_exclusive(p);
	KT_EXPECT(t, !pte_swp_exclusive(c));
	KT_EXPECT_EQ(t, pte_swp_soft_dirty(c), sd);
	KT_EXPECT(t, swp_entry_same(pte_to_swp_entry(c), e));
	KT_EXPECT(t, pte_is_swap(c));

	c = pte_swp_clear_soft_dirty(p);
	KT_EXPECT(t, !pte_swp_soft_dirty(c));
	KT_EXPECT_EQ(t, pte_swp_exclusive(c), excl);
	KT_EXPECT(t, swp_entry_same(pte_to_swp_entry(c), e));

	/* Setting a flag twice is the same as once. */
	KT_EXPECT(t, pte_same(pte_swp_mkexclusive(pte_swp_mkexclusive(p)), pte_swp_mkexclusive(p)));
}

KTEST(pte, swap_pte_roundtrip_at_extremes_with_flags)
{
	for (unsigned i = 0; i < ARRAY_SIZE(swap_types); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(swap_offsets); j++) {
			/* Type 0 at SWP_OFFSET_MAX is pte_none on x86, at
			 * offset 0 on arm64 (see SWP_OFFSET_USABLE_MIN/MAX):
			 * never handed out. */
			if (swap_types[i] == 0 && (swap_offsets[j] > SWP_OFFSET_USABLE_MAX ||
						   swap_offsets[j] < SWP_OFFSET_USABLE_MIN))
				continue;
			for (unsigned f = 0; f < 4; f++)
				check_swap_pte(t, swap_types[i], swap_offsets[j], f & 1, f & 2);
		}
	}
}

KTEST(pte, swap_pte_flags_do_not_leak_into_the_entry)
{
	/* Different flags, same entry; different entries stay different. */
	pte_t a = swp_entry_to_pte(swp_entry(5, 100));
	pte_t b = pte_swp_mksoft_dirty(pte_swp_mkexclusive(a));
	KT_EXPECT(t, !pte_same(a, b));
	KT_EXPECT(t, swp_entry_same(pte_to_swp_entry(a), pte_to_swp_entry(b)));
	KT_EXPECT(t, !pte_same(a, swp_entry_to_pte(swp_entry(5, 101))));
	KT_EXPECT(t, !pte_same(a, swp_entry_to_pte(swp_entry(6, 100))));
	/* A fresh swap PTE carries no flags. */
	KT_EXPECT(t, !pte_swp_exclusive(a));
	KT_EXPECT(t, !pte_swp_soft_dirty(a));
}

KTEST(pte, none_is_neither_present_nor_swap)
{
	pte_t p = pte_empty();
	KT_EXPECT(t, pte_none(p));
	KT_EXPECT(t, !pte_present(p));
	KT_EXPECT(t, !pte_is_swap(p));
	KT_EXPECT(t, pte_bad_reason(p) == NULL);
}

static const unsigned all_prots[] = {
	PAGE_PROT_READ,
	PAGE_PROT_READ | PAGE_PROT_WRITE,
	PAGE_PROT_READ | PAGE_PROT_EXEC,
	PAGE_PROT_READ | PAGE_PROT_USER,
	PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER,
	PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_EXEC | PAGE_PROT_USER,
};

static void check_present_pte(struct ktest *t, pfn_t pfn, unsigned prot)
{
	pte_t p = pfn_pte(pfn, arch_vm_get_page_prot(prot));
	KT_EXPECT(t, !pte_none(p));
	KT_EXPECT(t, pte_present(p));
	KT_EXPECT(t, !pte_is_swap(p));
	KT_EXPECT(t, pte_bad_reason(p) == NULL);
	KT_EXPECT_EQ(t, pte_pfn(p), pfn);
	KT_EXPECT_EQ(t, pte_write(p), !!(prot & PAGE_PROT_WRITE));
	KT_EXPECT_EQ(t, pte_user(p), !!(prot & PAGE_PROT_USER));
	if (arch_mmu_has_nx())
		KT_EXPECT_EQ(t, pte_exec(p), !!(prot & PAGE_PROT_EXEC));
	else
		KT_EXPECT(t, pte_exec(p));
	KT_EXPECT_EQ(t, pte_nx(p), !pte_exec(p));
	KT_EXPECT(t, !pte_young(p));
	KT_EXPECT(t, !pte_dirty(p));
	KT_EXPECT(t, !pte_soft_dirty(p));
}

KTEST(pte, present_pte_roundtrip_pfn_and_prot)
{
	const pfn_t pfns[] = { 0, 1, 0x12345, ARCH_MAX_PFN - 1, ARCH_MAX_PFN };
	for (unsigned i = 0; i < ARRAY_SIZE(pfns); i++)
		for (unsigned j = 0; j < ARRAY_SIZE(all_prots); j++)
			check_present_pte(t, pfns[i], all_prots[j]);
}

/* Each mk/clear pair flips its own flag and nothing else. */
struct flag_op {
	const char *name;
	pte_t (*set)(pte_t);
	pte_t (*clear)(pte_t);
	bool (*test)(pte_t);
};

static const struct flag_op flag_ops[] = {
	{ "write", pte_mkwrite, pte_wrprotect, pte_write },
	{ "young", pte_mkyoung, pte_mkold, pte_young },
	{ "dirty", pte_mkdirty, pte_mkclean, pte_dirty },
	{ "soft-dirty", pte_mksoft_dirty, pte_clear_soft_dirty, pte_soft_dirty },
};

static void check_flag_ops(struct ktest *t, pte_t base)
{
	for (unsigned i = 0; i < ARRAY_SIZE(flag_ops); i++) {
		const struct flag_op *op = &flag_ops[i];
		pte_t on = op->set(base), off = op->clear(base);
		if (!op->test(on) || op->test(off))
			ktest_fail(t, "flag %s does not set/clear (base %#lx)", op->name,
				   (unsigned long)pte_val(base));
		for (unsigned k = 0; k < ARRAY_SIZE(flag_ops); k++) {
			const struct flag_op *other = &flag_ops[k];
			/* pte_mkdirty also sets soft-dirty, as in Linux. */
			bool may_set = (i == 2 && k == 3);
			if (k == i)
				continue;
			if (other->test(on) != other->test(base) && !may_set)
				ktest_fail(t, "setting %s changed %s", op->name, other->name);
			if (other->test(off) != other->test(base))
				ktest_fail(t, "clearing %s changed %s", op->name, other->name);
		}
		KT_EXPECT_EQ(t, pte_pfn(on), pte_pfn(base));
		KT_EXPECT_EQ(t, pte_pfn(off), pte_pfn(base));
		KT_EXPECT(t, pte_present(on) && pte_present(off));
		KT_EXPECT_EQ(t, pte_user(on), pte_user(base));
		KT_EXPECT_EQ(t, pte_exec(off), pte_exec(base));
		KT_EXPECT(t, pte_bad_reason(on) == NULL && pte_bad_reason(off) == NULL);
	}
}

KTEST(pte, every_present_flag_sets_and_clears_alone)
{
	const pfn_t pfns[] = { 0, ARCH_MAX_PFN };
	for (unsigned i = 0; i < ARRAY_SIZE(pfns); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(all_prots); j++) {
			pte_t p = pfn_pte(pfns[i], arch_vm_get_page_prot(all_prots[j]));
			check_flag_ops(t, p);
			/* and from a PTE with every flag already on */
			check_flag_ops(t,
				       pte_mksoft_dirty(pte_mkdirty(pte_mkyoung(pte_mkwrite(p)))));
		}
	}
}

KTEST(pte, table_entries_point_at_their_table)
{
	const phys_addr_t tables[] = { 0, PAGE_SIZE, 0x12345000ul,
				       (phys_addr_t)ARCH_MAX_PFN << PAGE_SHIFT };
	for (unsigned i = 0; i < ARRAY_SIZE(tables); i++) {
		pgd_t g = pgd_mk_table(tables[i]);
		pud_t u = pud_mk_table(tables[i]);
		pmd_t m = pmd_mk_table(tables[i]);
		KT_EXPECT(t, !pgd_none(g) && pgd_present(g) && !pgd_bad(g));
		KT_EXPECT(t, !pud_none(u) && pud_present(u) && !pud_bad(u));
		KT_EXPECT(t, !pmd_none(m) && pmd_present(m) && !pmd_bad(m));
		KT_EXPECT_EQ(t, pgd_table_phys(g), tables[i]);
		KT_EXPECT_EQ(t, pud_table_phys(u), tables[i]);
		KT_EXPECT_EQ(t, pmd_table_phys(m), tables[i]);
	}
	KT_EXPECT(t, pgd_none(pgd_empty()) && !pgd_bad(pgd_empty()));
	KT_EXPECT(t, pmd_none(pmd_empty()) && !pmd_present(pmd_empty()));
}

KTEST(pte, address_indexes_split_the_address)
{
	unsigned long a = (5ul << PGDIR_SHIFT) | (6ul << PUD_SHIFT) | (7ul << PMD_SHIFT) |
			  (8ul << PAGE_SHIFT) | 0x123;
	KT_EXPECT_EQ(t, pgd_index(a), 5);
	KT_EXPECT_EQ(t, pud_index(a), 6);
	KT_EXPECT_EQ(t, pmd_index(a), 7);
	KT_EXPECT_EQ(t, pte_index(a), 8);
	KT_EXPECT_EQ(t, pgd_index(ARCH_USER_ADDR_END - 1), ARCH_KERNEL_PGD_FIRST - 1);
	KT_EXPECT_EQ(t, pte_index(PMD_SIZE - 1), PTRS_PER_TABLE - 1);
}
