/*
 * The seeds' design switches, checked together once the command line is
 * parsed. Each switch alone is checked by its own parser (an unknown value
 * lists the valid ones); here are the combinations that cannot work
 * together: one switch changes a rule that another switch's design no
 * longer has, so the boot would silently run neither. The boot stops with
 * the reason instead.
 */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm.h"
#include "rmap.h"
#include "swap_cluster.h"
#include "swap_in.h"

struct design_conflict {
	bool (*applies)(void);
	const char *reason;
};

/* fork's rule clears the exclusive bit of swap PTEs: without the bit
 * (swap.exclusive_bit=0) there is nothing to leave set. */
static bool fork_rule_without_bit(void)
{
	return !fork_clear_swp_exclusive && !swap_exclusive_bit;
}

/* The SWP_STABLE_WRITES check is part of the exclusive-bit patch (seed
 * 001): the design before it decides exclusivity from references, where a
 * page under writeback is never alone, and has no such check to invert. */
static bool inverted_check_without_bit(void)
{
	return swapin_stable_writes_inverted && !swap_exclusive_bit;
}

/* The v3 fallback (seed 002) acts when a cluster's table allocation has
 * slept: static tables are all allocated at swapon, and never sleep. */
static bool v3_fallback_with_static_tables(void)
{
	return swap_table_alloc_fallback == SWAP_TABLE_FALLBACK_PERCPU &&
	       swap_table_alloc_is_static();
}

static const struct design_conflict design_conflicts[] = {
	{ fork_rule_without_bit,
	  "fork.clear_swp_exclusive=0 needs swap.exclusive_bit=1: with no exclusive bit in swap "
	  "PTEs fork has none to leave set" },
	{ inverted_check_without_bit,
	  "swap.stable_writes_check=inverted needs swap.exclusive_bit=1: the check belongs to "
	  "the exclusive-bit design (seed 001); without the bit swap-in decides from references "
	  "and has no such check" },
	{ v3_fallback_with_static_tables,
	  "swap.table_alloc_fallback=percpu needs swap.table_alloc=dynamic: static tables are "
	  "allocated at swapon, so no table allocation sleeps and the fallback never runs" },
};

int mm_check_design_switches(void)
{
	int err = 0;
	for (size_t i = 0; i < ARRAY_SIZE(design_conflicts); i++) {
		if (!design_conflicts[i].applies())
			continue;
		pr_err("mm: %s\n", design_conflicts[i].reason);
		err = -EINVAL;
	}
	return err;
}
