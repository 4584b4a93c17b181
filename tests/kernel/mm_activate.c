/*
 * mm_hw.*: the page tables the generic walker builds are the ones the MMU
 * walks. A fresh mm gets a real mapping, is loaded into CR3, and the CPU
 * touches the user address directly (no fault); the data is read back
 * through the direct map and the MMU's accessed/dirty bits through the
 * PTE; then the previous root is restored and everything is freed.
 */
#include <asm/cpu.h>
#include <asm/mmu.h>
#include "kernel/ktest.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "tests/test_kit.h"

#define USER_ADDR 0x0000123456789000ul /* pgd 36, deep in the user half */

static int map_page(struct mm *mm, unsigned long addr, struct page *page, unsigned prot)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_alloc_map_lock(mm, addr, &ptl);
	if (!ptep)
		return -1;
	set_pte_at(mm, addr, ptep, pfn_pte(page_to_pfn(page), arch_vm_get_page_prot(prot)));
	pte_unmap_unlock(ptep, ptl);
	return 0;
}

KTEST(mm_hw, cpu_uses_the_mapping_of_an_activated_mm)
{
	unsigned long before = test_drained_free_pages();
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KT_ASSERT(t, page);
	u64 *direct = page_address(page);
	direct[0] = 0x5a5a5a5a12345678ul;
	KT_ASSERT_EQ(
		t, map_page(mm, USER_ADDR, page, PAGE_PROT_READ | PAGE_PROT_WRITE | PAGE_PROT_USER),
		0);
	pte_t pte = pgtable_read_pte(mm, USER_ADDR);
	KT_EXPECT(t, !pte_young(pte) && !pte_dirty(pte));

	/* Interrupts off: nothing else runs on this CPU while it is on the
	 * test's root, and the kernel half is there in any case. */
	unsigned long flags = arch_irq_save();
	phys_addr_t prev = arch_mmu_current_root();
	mm_activate(mm);
	bool active = mm_is_active_here(mm);
	volatile u64 *user = (volatile u64 *)(USER_ADDR + 8);
	u64 seen = *(volatile u64 *)USER_ADDR;
	*user = 0xfeedfacecafebeeful;
	arch_mmu_activate(prev);
	arch_irq_restore(flags);

	KT_EXPECT(t, active);
	KT_EXPECT(t, !mm_is_active_here(mm));
	KT_EXPECT_EQ(t, seen, 0x5a5a5a5a12345678ul);
	KT_EXPECT_EQ(t, direct[1], 0xfeedfacecafebeeful);
	/* The MMU set accessed and dirty in the PTE the walker wrote. */
	pte = pgtable_read_pte(mm, USER_ADDR);
	KT_EXPECT(t, pte_young(pte));
	KT_EXPECT(t, pte_dirty(pte));
	KT_EXPECT_EQ(t, pte_pfn(pte), page_to_pfn(page));

	mm_destroy(mm);
	free_page(page);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

/* The kernel half is shared: a new root maps the kernel image and the
 * direct map exactly as the boot root does. Where the kernel has a root
 * of its own (arm64's TTBR1), ARCH_KERNEL_PGD_FIRST is PTRS_PER_TABLE:
 * a user root then has no kernel entries and must start empty. */
KTEST(mm_hw, new_root_shares_the_kernel_half)
{
	struct mm *mm = mm_create();
	KT_ASSERT(t, mm);
	const u64 *boot = phys_to_virt(arch_mmu_kernel_root());
	const u64 *root = (const u64 *)mm->pgd;
	unsigned same = 0, user_used = 0;
	for (unsigned i = ARCH_KERNEL_PGD_FIRST; i < PTRS_PER_TABLE; i++)
		same += root[i] == boot[i];
	for (unsigned i = 0; i < ARCH_KERNEL_PGD_FIRST; i++)
		user_used += root[i] != 0;
	KT_EXPECT_EQ(t, same, PTRS_PER_TABLE - ARCH_KERNEL_PGD_FIRST);
	KT_EXPECT_EQ(t, user_used, 0); /* no identity map in an mm */
	mm_destroy(mm);
}
