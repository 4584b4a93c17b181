/*
 * swap_lock.death_* (host only): the lock assertions are on. A function
 * documented "ci->lock held" called without it panics naming the lock,
 * in a forked child (tests/host/death.h), as Linux's lockdep_assert_held
 * warns.
 */
#include "death.h"
#include "kernel/ktest.h"
#include "mm/swap_cluster.h"

static u64 death_table[4096];

/* A cluster of our own, its lock named as swapon names them. */
static void death_cluster(struct swap_cluster *ci)
{
	memset(ci, 0, sizeof(*ci));
	spin_lock_init(&ci->lock, "swap_cluster");
	ci->table = death_table;
}

static void set_word_without_cluster_lock(void)
{
	struct swap_cluster ci;
	death_cluster(&ci);
	__swap_table_set(&ci, 1, 0);
}

KTEST(swap_lock, death_table_word_set_without_the_cluster_lock)
{
	expect_panic_in_child(t, set_word_without_cluster_lock,
			      "needs lock 'swap_cluster' held by this CPU");
}

/* The same call with the lock held goes through (the check is not
 * simply always failing). */
KTEST(swap_lock, table_word_set_with_the_cluster_lock)
{
	struct swap_cluster ci;
	death_cluster(&ci);
	unsigned long irq = swap_cluster_lock(&ci);
	__swap_table_set(&ci, 1, 0x1234);
	swap_cluster_unlock(&ci, irq);
	KT_EXPECT_EQ(t, death_table[1], 0x1234);
	death_table[1] = 0;
}
