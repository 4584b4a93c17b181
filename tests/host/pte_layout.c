/*
 * hostpte.*: the host PTE layout differs from x86 on purpose, and leaves
 * room for out-of-range swap types and offsets, so the "bad page-table
 * entry" reasons for them can be exercised here.
 */
#include <asm/pgtable.h>
#include "kernel/ktest.h"
#include "kernel/stats.h"
#include "mm/mm.h"
#include "mm/pgtable.h"

KTEST(hostpte, layout_is_not_x86)
{
	/* x86 would give 0x07fffffffffffe00 and bit 0 for present. */
	KT_EXPECT(t, pte_val(swp_entry_to_pte(swp_entry(0, 0))) != 0x07fffffffffffe00ul);
	KT_EXPECT(t, !pte_present(__pte(1)));
	KT_EXPECT(t, pte_val(pfn_pte(0x12345, arch_vm_get_page_prot(PAGE_PROT_READ))) & 0xfff);
}

KTEST(hostpte, out_of_range_swap_fields_are_bad)
{
	u64 ok = pte_val(swp_entry_to_pte(swp_entry(MAX_SWAPFILES - 1, SWP_OFFSET_MAX)));
	KT_EXPECT(t, pte_bad_reason(__pte(ok)) == NULL);
	u64 type32 = (ok & ~_HSWP_TYPE_MASK) | MAX_SWAPFILES;
	KT_EXPECT(t, pte_bad_reason(__pte(type32)) != NULL);
	u64 big_offset = ok | (1ul << (50 + _HSWP_OFFSET_SHIFT));
	KT_EXPECT(t, pte_bad_reason(__pte(big_offset)) != NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(ok | (1ul << 60))) != NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(ok & ~_HSWP_MARKER)) != NULL);
	KT_EXPECT(t, pte_bad_reason(__pte(_HPTE_PRESENT | (1ul << 45))) != NULL);
}

DECLARE_STAT_COUNTER(pgtable_bad_pte);

KTEST(hostpte, bad_entry_is_reported_and_counted)
{
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	u64 before = stat_read(pgtable_bad_pte);
	pte_t good = pte_swp_mkexclusive(swp_entry_to_pte(swp_entry(4, 4096)));
	KT_EXPECT(t, !pte_report_if_bad(mm, 0x400000, good));
	KT_EXPECT(t, !pte_report_if_bad(mm, 0x400000, pte_empty()));
	KT_EXPECT_EQ(t, stat_read(pgtable_bad_pte), before);
	pte_t bad_type = __pte((pte_val(good) & ~_HSWP_TYPE_MASK) | 40);
	KT_EXPECT(t, pte_report_if_bad(mm, 0x400000, bad_type));
	KT_EXPECT_EQ(t, stat_read(pgtable_bad_pte), before + 1);
	mm_destroy(mm);
}
