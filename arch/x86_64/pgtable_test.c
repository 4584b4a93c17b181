/*
 * x86pte.*: the exact bit positions of x86-64 PTEs, against the formulas
 * Linux uses (arch/x86/include/asm/pgtable_64.h): a swap PTE written here
 * must be the value Linux would write, exclusive bit and all (seed 001).
 */
#include <asm/mmu.h>
#include <asm/pgtable.h>
#include "kernel/ktest.h"
#include "kernel/stats.h"
#include "mm/mm.h"
#include "mm/pgtable.h"

/* Linux's __swp_entry(type, offset), written out independently. */
static u64 linux_swp_entry(u64 type, u64 offset)
{
	return (~offset << 14 >> 5) | (type << 59);
}

KTEST(x86pte, swap_entry_0_0_exclusive_is_exact)
{
	pte_t p = swp_entry_to_pte(swp_entry(0, 0));
	KT_EXPECT_EQ(t, pte_val(p), 0x07fffffffffffe00ul);
	KT_EXPECT_EQ(t, pte_val(pte_swp_mkexclusive(p)), 0x07fffffffffffe08ul);
	KT_EXPECT_EQ(t, pte_val(pte_swp_mksoft_dirty(p)), 0x07fffffffffffe02ul);
	KT_EXPECT_EQ(t, pte_val(pte_swp_mksoft_dirty(pte_swp_mkexclusive(p))),
		     0x07fffffffffffe0aul);
}

KTEST(x86pte, swap_entry_extremes_match_linux)
{
	KT_EXPECT_EQ(t, pte_val(swp_entry_to_pte(swp_entry(31, SWP_OFFSET_MAX))),
		     0xf800000000000000ul);
	KT_EXPECT_EQ(t, pte_val(swp_entry_to_pte(swp_entry(1, 1))), 0x0ffffffffffffc00ul);
	const u64 types[] = { 0, 1, 17, 31 };
	const u64 offsets[] = { 0, 1, 2, 0xdeadbeef, 1ul << 49, SWP_OFFSET_MAX };
	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(offsets); j++) {
			u64 v = pte_val(swp_entry_to_pte(swp_entry(types[i], offsets[j])));
			KT_EXPECT_EQ(t, v, linux_swp_entry(types[i], offsets[j]));
			KT_EXPECT_EQ(t, v >> 59, types[i]);
			KT_EXPECT_EQ(t, (~v >> 9) & SWP_OFFSET_MAX, offsets[j]);
			KT_EXPECT_EQ(t, v & 0x1ff, 0); /* present, PSE, flags clear */
		}
	}
}

/* Why SWP_OFFSET_USABLE_MAX exists: the inversion turns the very last
 * offset of type 0 into an empty PTE. */
KTEST(x86pte, type0_last_offset_would_be_pte_none)
{
	KT_EXPECT(t, pte_none(swp_entry_to_pte(swp_entry(0, SWP_OFFSET_MAX))));
	KT_EXPECT(t, pte_is_swap(swp_entry_to_pte(swp_entry(0, SWP_OFFSET_USABLE_MAX))));
	KT_EXPECT(t, pte_is_swap(swp_entry_to_pte(swp_entry(1, SWP_OFFSET_MAX))));
}

KTEST(x86pte, swap_flags_are_bits_1_and_3)
{
	pte_t p = swp_entry_to_pte(swp_entry(7, 12345));
	KT_EXPECT_EQ(t, pte_val(pte_swp_mkexclusive(p)) ^ pte_val(p), 1ul << 3);
	KT_EXPECT_EQ(t, pte_val(pte_swp_mksoft_dirty(p)) ^ pte_val(p), 1ul << 1);
	KT_EXPECT(t, pte_swp_exclusive(__pte(pte_val(p) | 8)));
	KT_EXPECT(t, pte_swp_soft_dirty(__pte(pte_val(p) | 2)));
}

KTEST(x86pte, present_bits_are_exact)
{
	unsigned prot = PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER;
	u64 nx = arch_mmu_has_nx() ? 1ul << 63 : 0;
	pte_t p = pfn_pte(0x12345, arch_vm_get_page_prot(prot));
	KT_EXPECT_EQ(t, pte_val(p), 0x12345007ul | nx);
	KT_EXPECT_EQ(t, pte_val(pfn_pte(0, arch_vm_get_page_prot(PAGE_PROT_READ | PAGE_PROT_EXEC))),
		     1);
	KT_EXPECT_EQ(t,
		     pte_val(pfn_pte(ARCH_MAX_PFN,
				     arch_vm_get_page_prot(PAGE_PROT_READ | PAGE_PROT_EXEC))),
		     0x000ffffffffff001ul);
	KT_EXPECT_EQ(t, pte_val(pte_mkyoung(p)) ^ pte_val(p), 1ul << 5);
	KT_EXPECT_EQ(t, pte_val(pte_mkdirty(p)) ^ pte_val(p), (1ul << 6) | (1ul << 11));
	KT_EXPECT_EQ(t, pte_val(pte_wrprotect(p)) ^ pte_val(p), 1ul << 1);
	KT_EXPECT(t, pte_young(__pte(0x21)) && pte_dirty(__pte(0x41)));
	KT_EXPECT_EQ(t, pte_pfn(__pte(0x8000000012345067ul)), 0x12345);
	KT_EXPECT(t, pte_nx(__pte(0x8000000000000001ul)));
}

KTEST(x86pte, table_entries_are_phys_present_write_user)
{
	KT_EXPECT_EQ(t, pmd_val(pmd_mk_table(0x1234000)), 0x1234007ul);
	KT_EXPECT_EQ(t, pud_val(pud_mk_table(0x1234000)), 0x1234007ul);
	KT_EXPECT_EQ(t, pgd_val(pgd_mk_table(0x1234000)), 0x1234007ul);
	KT_EXPECT(t, pmd_bad(__pmd(0x1234087ul)));  /* a 2 MiB page */
	KT_EXPECT(t, !pmd_bad(__pmd(0x1234067ul))); /* accessed/dirty set by the MMU */
	KT_EXPECT(t, pud_bad(__pud(0x1234003ul)));  /* not user */
}

KTEST(x86pte, bad_entries_are_reported_with_a_reason)
{
	u64 swp = pte_val(swp_entry_to_pte(swp_entry(3, 1000)));
	KT_EXPECT(t, pte_bad_reason(__pte(swp)) == NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(swp | 0x8 | 0x2)) == NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(swp | 0x80)) != NULL);  /* PSE */
	KT_EXPECT(t, pte_bad_reason(__pte(swp | 0x100)) != NULL); /* PROTNONE */
	KT_EXPECT(t, pte_bad_reason(__pte(swp | 0x4)) != NULL);	  /* uffd-wp: unsupported */
	KT_EXPECT(t, pte_bad_reason(__pte(0x12345007ul | (1ul << 52))) != NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(0x12345007ul | (1ul << 62))) != NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(0x8000000012345067ul)) == NULL);
}

DECLARE_STAT_COUNTER(pgtable_bad_pte);

KTEST(x86pte, bad_entry_is_reported_and_counted)
{
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	u64 before = stat_read(pgtable_bad_pte);
	pte_t good = pte_swp_mkexclusive(swp_entry_to_pte(swp_entry(4, 4096)));
	KT_EXPECT(t, !pte_report_if_bad(mm, 0x400000, good));
	KT_EXPECT_EQ(t, stat_read(pgtable_bad_pte), before);
	KT_EXPECT(t, pte_report_if_bad(mm, 0x400000, __pte(pte_val(good) | 0x80)));
	KT_EXPECT_EQ(t, stat_read(pgtable_bad_pte), before + 1);
	mm_destroy(mm);
}
