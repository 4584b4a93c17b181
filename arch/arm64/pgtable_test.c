/*
 * arm64pte.*: the exact bit positions of arm64 PTEs, against Linux's
 * formulas (arch/arm64/include/asm/pgtable.h before 6.10): a swap PTE
 * written here is the value Linux would write, exclusive bit 2 and all
 * (seed 001), and present PTEs use Linux's DBM/RDONLY/AF dirty and young.
 */
#include <asm/mmu.h>
#include <asm/pgtable.h>
#include "kernel/ktest.h"
#include "kernel/stats.h"
#include "mm/mm.h"
#include "mm/pgtable.h"

/* Linux's __swp_entry(type, offset) on arm64, written out independently. */
static u64 linux_swp_entry(u64 type, u64 offset)
{
	return ((type & 0x3f) << 3) | (offset << 9);
}

KTEST(arm64pte, swap_entry_matches_linux)
{
	KT_EXPECT_EQ(t, pte_val(swp_entry_to_pte(swp_entry(1, 1))), 0x208ul);
	KT_EXPECT_EQ(t, pte_val(swp_entry_to_pte(swp_entry(31, SWP_OFFSET_MAX))),
		     0x07fffffffffffef8ul);
	const u64 types[] = { 0, 1, 17, 31 };
	const u64 offsets[] = { 1, 2, 0xdeadbeef, 1ul << 49, SWP_OFFSET_MAX };
	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(offsets); j++) {
			u64 v = pte_val(swp_entry_to_pte(swp_entry(types[i], offsets[j])));
			KT_EXPECT_EQ(t, v, linux_swp_entry(types[i], offsets[j]));
			KT_EXPECT_EQ(t, (v >> 3) & 0x3f, types[i]);
			KT_EXPECT_EQ(t, v >> 9, offsets[j]);
			KT_EXPECT_EQ(t, v & 0x7, 0); /* not valid, flags clear */
		}
	}
}

/* Why SWP_OFFSET_USABLE_MIN exists: type 0, offset 0 is an empty PTE. */
KTEST(arm64pte, type0_offset0_would_be_pte_none)
{
	KT_EXPECT(t, pte_none(swp_entry_to_pte(swp_entry(0, 0))));
	KT_EXPECT(t, pte_is_swap(swp_entry_to_pte(swp_entry(0, SWP_OFFSET_USABLE_MIN))));
	KT_EXPECT(t, pte_is_swap(pte_swp_mkexclusive(swp_entry_to_pte(swp_entry(0, 0)))));
}

KTEST(arm64pte, exclusive_is_bit_2)
{
	pte_t p = swp_entry_to_pte(swp_entry(7, 12345));
	KT_EXPECT_EQ(t, pte_val(pte_swp_mkexclusive(p)) ^ pte_val(p), 1ul << 2);
	KT_EXPECT_EQ(t, pte_val(pte_swp_mksoft_dirty(p)) ^ pte_val(p), 1ul << 59);
	KT_EXPECT(t, pte_swp_exclusive(__pte(pte_val(p) | 4)));
	KT_EXPECT(t, swp_entry_same(pte_to_swp_entry(pte_swp_mkexclusive(p)), swp_entry(7, 12345)));
}

KTEST(arm64pte, present_bits_are_linux_s)
{
	/* User, writable, clean, old: valid|page, SH inner, AP user + RDONLY,
	 * nG, DBM, PXN, UXN; AttrIndx 0 (Normal). */
	pte_t p = pfn_pte(0x12345,
			  arch_vm_get_page_prot(PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER));
	KT_EXPECT_EQ(t, pte_val(p), 0x0068000012345bc3ul);
	KT_EXPECT(t, pte_write(p) && !pte_dirty(p) && !pte_young(p) && pte_user(p));
	KT_EXPECT(t, !pte_exec(p));
	/* Hardware dirty: the MMU clears RDONLY (bit 7) of a DBM page. */
	KT_EXPECT(t, pte_dirty(__pte(pte_val(p) & ~(1ul << 7))));
	KT_EXPECT_EQ(t, pte_val(pte_mkyoung(p)) ^ pte_val(p), 1ul << 10);
	/* mkdirty: software dirty (55) and soft-dirty (57), RDONLY off. */
	KT_EXPECT_EQ(t, pte_val(pte_mkdirty(p)) ^ pte_val(p),
		     (1ul << 55) | (1ul << 57) | (1ul << 7));
	/* wrprotect of a hardware-dirty PTE keeps it dirty in software. */
	pte_t hw_dirty = __pte(pte_val(p) & ~(1ul << 7));
	pte_t ro = pte_wrprotect(hw_dirty);
	KT_EXPECT(t, !pte_write(ro) && pte_dirty(ro) && (pte_val(ro) & (1ul << 7)));
	KT_EXPECT_EQ(t, pte_val(ro) & (1ul << 51), 0);
	/* Kernel read-only executable: UXN only. */
	pte_t k = pfn_pte(1, arch_vm_get_page_prot(PAGE_PROT_READ | PAGE_PROT_EXEC));
	KT_EXPECT_EQ(t, pte_val(k), 0x0040000000001b83ul); /* nG too: TTBR0 */
	KT_EXPECT(t, pte_exec(k) && !pte_write(k));
	KT_EXPECT_EQ(t, pte_pfn(__pte(0x00e8000fedcba7c3ul)), 0xfedcbaul);
}

KTEST(arm64pte, table_entries_are_phys_table_valid)
{
	KT_EXPECT_EQ(t, pmd_val(pmd_mk_table(0x1234000)), 0x1234003ul);
	KT_EXPECT_EQ(t, pgd_val(pgd_mk_table(0x1234000)), 0x1234003ul);
	KT_EXPECT(t, pmd_bad(__pmd(0x1234001ul)));		 /* a 2 MiB block */
	KT_EXPECT(t, pud_bad(__pud(0x1234003ul | (1ul << 63)))); /* NSTable */
}

KTEST(arm64pte, bad_entries_are_reported_with_a_reason)
{
	u64 swp = pte_val(swp_entry_to_pte(swp_entry(3, 1000)));
	KT_EXPECT(t, pte_bad_reason(__pte(swp)) == NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(swp | (1ul << 2) | (1ul << 59))) == NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(swp | 0x2)) != NULL);		     /* bit 1 */
	KT_EXPECT(t, pte_bad_reason(__pte(swp | (1ul << 62))) != NULL);	     /* high bits */
	KT_EXPECT(t, pte_bad_reason(__pte(linux_swp_entry(40, 1))) != NULL); /* type 40 */
	KT_EXPECT(t, pte_bad_reason(__pte(0x12345001ul)) != NULL); /* valid, no page bit */
	KT_EXPECT(t, pte_bad_reason(__pte(0x12345003ul | (1ul << 49))) != NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(0x0068000012345bc3ul)) == NULL);
}
