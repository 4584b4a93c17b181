/*
 * Reclaim under real memory pressure: the test holds all memory but a
 * little, and a task writes four times that. With enough swap, reclaim in
 * the faulting task (direct) and in kswapd swaps its pages out and every
 * byte reads back; with a swap device too small, the OOM killer kills the
 * task's mm (the only one) and reaps it at once, and the kernel carries on.
 */
#include "kernel/printk.h"
#include "swap_path_test.h"

#define LEAVE 1024ul /* pages left free above the min watermark */

KTEST(swap_pressure, reclaim_swaps_out_and_every_byte_reads_back)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-press", 32ul << 20, 0))
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	const unsigned long n = 4 * LEAVE;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	u64 direct = test_stat("reclaim_direct_runs"), out = test_stat("pswpout");
	LIST_HEAD(held);
	mm_test_eat_memory(&held, LEAVE);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 11), 0);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 11), 0);
	KT_EXPECT(t, test_stat("reclaim_direct_runs") > direct);
	KT_EXPECT(t, test_stat("pswpout") >= out + n - LEAVE);
	ktest_diag(t,
		   "%lu pages written with %lu free: %lu swapped out, %lu read back, %lu direct "
		   "reclaims",
		   n, LEAVE, (unsigned long)(test_stat("pswpout") - out),
		   (unsigned long)test_stat("pswpin"),
		   (unsigned long)(test_stat("reclaim_direct_runs") - direct));
	mm_test_give_back(&held);
	mm_put(mm);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}

KTEST(swap_pressure, too_small_swap_ends_in_a_clean_oom_kill)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-tiny", 2ul << 20, 0)) /* 511 slots */
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	const unsigned long n = 4 * LEAVE;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	u64 ooms = test_stat("oom_kills"), reaped = test_stat("oom_reaped_swap");
	LIST_HEAD(held);
	mm_test_eat_memory(&held, LEAVE);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the report is expected */
	int err = swap_path_write(mm, 0, n, 12);
	console_loglevel = saved;
	KT_EXPECT_EQ(t, err, -ENOMEM);
	KT_EXPECT_EQ(t, test_stat("oom_kills"), ooms + 1);
	/* Swap was full (511 slots); the reap gave every slot back before
	 * the task's join, not at the mm's last put. */
	KT_EXPECT_EQ(t, test_stat("oom_reaped_swap"), reaped + 511);
	KT_EXPECT_EQ(t, atomic_long_read(&e.s.si->inuse), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_anon) + atomic_long_read(&mm->rss_swap), 0);
	mm_test_give_back(&held);
	mm_put(mm);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}
