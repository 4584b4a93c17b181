/*
 * arm64tlb.*: the TLB flush that mm/tlb.c sends no IPI for really reaches
 * the other CPUs. A task on another CPU keeps reading a page, so its TLB
 * holds the translation; this CPU then moves the address to a new page
 * (copy-on-write after fork: the old page stays, held by the child, with
 * the old value in it). With the broadcast TLBI the other CPU reads the
 * new page; with a local-only flush it would read the old one through
 * its stale entry. And no IPI went out for it.
 */
#include <asm/mmu.h>
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "mm/mm.h"
#include "tests/mm_test.h"
#include "tests/test_cpus.h"
#include "tests/test_kit.h"

#define OLD_VALUE 0x01d01d01d01dul
#define NEW_VALUE 0x0e30e30e30e3ul

struct reader {
	int ready; /* atomic: the translation is in this reader's TLB */
	int check; /* atomic: the mapping has changed; read once more */
	u64 seen;
};

/* Spins without yielding, so nothing switches this CPU's TTBR0 (which
 * could drop its TLB entries for reasons other than the flush). */
static int read_until_told(void *arg)
{
	struct reader *r = arg;
	volatile u64 *p = (volatile u64 *)MM_TEST_REGION;
	u64 v = *p;
	__atomic_store_n(&r->ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&r->check, __ATOMIC_SEQ_CST)) {
		v += *p;
		arch_cpu_relax();
	}
	r->seen = *p;
	return v == 0; /* keeps the loop's loads */
}

KTEST(arm64tlb, broadcast_flush_reaches_another_cpu_without_ipi)
{
	if (!test_require_cpus(t, 2))
		return;
	KT_ASSERT(t, arch_tlb_flush_is_broadcast());
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_ASSERT_EQ(t, mm_write_u64(mm, MM_TEST_REGION, OLD_VALUE), 0);
	struct mm *child = mm_fork(mm); /* shares the page: the next write copies */
	KT_ASSERT(t, child);

	struct reader r = { 0 };
	unsigned other = test_other_cpu();
	struct task *task = kthread_create_in_mm(read_until_told, &r, other, "tlb-reader", mm);
	KT_ASSERT(t, task);
	while (!__atomic_load_n(&r.ready, __ATOMIC_SEQ_CST))
		yield();
	KT_EXPECT(t, __atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST) & cpu_mask_of(other));

	u64 ipis = test_stat("tlb_shootdown_ipis"), downs = test_stat("tlb_shootdowns");
	u64 copies = test_stat("cow_copy");
	KT_EXPECT_EQ(t, mm_write_u64(mm, MM_TEST_REGION, NEW_VALUE), 0);
	KT_EXPECT_EQ(t, test_stat("cow_copy") - copies, 1); /* the address moved */
	KT_EXPECT(t, test_stat("tlb_shootdowns") - downs >= 1);
	KT_EXPECT_EQ(t, test_stat("tlb_shootdown_ipis") - ipis, 0);

	__atomic_store_n(&r.check, 1, __ATOMIC_SEQ_CST);
	KT_EXPECT_EQ(t, kthread_join(task), 0);
	KT_EXPECT_EQ(t, r.seen, NEW_VALUE);
	u64 v = 0;
	KT_EXPECT_EQ(t, mm_read_u64(child, MM_TEST_REGION, &v), 0);
	KT_EXPECT_EQ(t, v, OLD_VALUE); /* the old page: what a stale entry would read */
	mm_put(child);
	mm_put(mm);
}
