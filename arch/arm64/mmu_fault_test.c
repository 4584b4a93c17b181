/*
 * arm64mmu.*: the access flag and the dirty state the MMU keeps in a
 * PTE, set by the CPU itself with FEAT_HAFDBS (TCR_EL1.HA/HD: -cpu max)
 * and by mmu_fault_fixup() without it (-cpu cortex-a57). Either way the
 * mm sees what x86-64 shows it: a read of an old page makes it young, a
 * write to a clean writable one (DBM|RDONLY) makes it dirty, and neither
 * reaches the generic fault handler. Without FEAT_HAFDBS each is one
 * fault that the counters mmu_sw_access_flag / mmu_sw_dirty count.
 */
#include <asm/mmu.h>
#include "mmu_fault.h"
#include "kernel/ktest.h"
#include "mm/mm.h"
#include "mm/pgtable.h"
#include "mm/tlb.h"
#include "tests/mm_test.h"
#include "tests/test_kit.h"

struct touch {
	bool write;
	u64 value;
};

static int touch_page(void *arg)
{
	struct touch *t = arg;
	volatile u64 *p = (volatile u64 *)MM_TEST_REGION;
	if (t->write)
		*p = t->value;
	else
		t->value = *p;
	return 0;
}

/* The PTE made old and clean (writable stays), and every TLB told. */
static void make_old_and_clean(struct mm *mm)
{
	unsigned long addr = MM_TEST_REGION;
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	pte_t old = ptep_get_and_clear(mm, addr, ptep);
	set_pte_at(mm, addr, ptep, pte_mkold(pte_mkclean(old)));
	pte_unmap_unlock(ptep, ptl);
	tlb_shootdown(mm, &addr, 1, false);
}

struct counts {
	u64 sw_af, sw_dirty, anon, spurious;
};

static void counts_read(struct counts *c)
{
	c->sw_af = test_stat("mmu_sw_access_flag");
	c->sw_dirty = test_stat("mmu_sw_dirty");
	c->anon = test_stat("fault_anon");
	c->spurious = test_stat("fault_spurious");
}

KTEST(arm64mmu, read_sets_young_and_write_sets_dirty_without_the_mm)
{
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	struct touch w = { true, 0x5eed };
	KT_ASSERT_EQ(t, mm_test_run(mm, arch_cpu_id(), touch_page, &w), 0);
	make_old_and_clean(mm);
	pte_t p = mm_test_pte(mm, MM_TEST_REGION);
	KT_ASSERT(t, pte_present(p) && pte_write(p) && !pte_young(p) && !pte_dirty(p));
	const u64 sw_af = mmu_hw_access_flag() ? 0 : 1, sw_dirty = mmu_hw_dirty() ? 0 : 1;

	struct counts before, after;
	counts_read(&before);
	struct touch r = { false, 0 };
	KT_EXPECT_EQ(t, mm_test_run(mm, arch_cpu_id(), touch_page, &r), 0);
	counts_read(&after);
	KT_EXPECT_EQ(t, r.value, 0x5eed);
	p = mm_test_pte(mm, MM_TEST_REGION);
	KT_EXPECT(t, pte_young(p) && !pte_dirty(p) && pte_write(p));
	KT_EXPECT_EQ(t, after.sw_af - before.sw_af, sw_af);
	KT_EXPECT_EQ(t, after.sw_dirty - before.sw_dirty, 0);

	before = after;
	w.value = 0xd1e7;
	KT_EXPECT_EQ(t, mm_test_run(mm, arch_cpu_id(), touch_page, &w), 0);
	counts_read(&after);
	p = mm_test_pte(mm, MM_TEST_REGION);
	KT_EXPECT(t, pte_young(p) && pte_dirty(p) && pte_write(p));
	KT_EXPECT_EQ(t, after.sw_af - before.sw_af, 0);
	KT_EXPECT_EQ(t, after.sw_dirty - before.sw_dirty, sw_dirty);
	/* Neither went to mm_handle_page_fault. */
	KT_EXPECT_EQ(t, after.anon - before.anon, 0);
	KT_EXPECT_EQ(t, after.spurious - before.spurious, 0);
	u64 v = 0;
	KT_EXPECT_EQ(t, mm_read_u64(mm, MM_TEST_REGION, &v), 0);
	KT_EXPECT_EQ(t, v, 0xd1e7);
	mm_put(mm);
}
