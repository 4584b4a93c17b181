/*
 * test_design_defaults (tests/test_design.h): one place that knows every
 * design switch, so a new switch is added here once rather than in each
 * seed test. Tests run one at a time; the saved values are this file's.
 */
#include "test_design.h"
#include "kernel/sched.h"
#include "mm/mm.h"
#include "mm/rmap.h"
#include "mm/swap_cluster.h"
#include "mm/swap_in.h"
#include "mm/swap_in_bypass.h"
#include "mm/swap_readahead.h"

struct design_switches {
	enum swap_bypass_mode bypass;
	bool keep_partial_folio;
	bool stable_writes_inverted;
	bool exclusive_bit;
	bool fork_clear_swp_exclusive;
	enum ttu_sync_mode ttu_sync;
	enum swap_table_alloc_fallback table_fallback;
	bool table_alloc_static;
	bool migrate_on_wake;
	enum swap_readahead_mode readahead; /* not a seed's, but the tests count reads */
	u64 page_cluster;
	bool keep_slot; /* issue 14's; the tests count slots freed at swap-in */
};

static struct design_switches design_saved;
/* Calls in this test (swap_path_begin makes one, a seed test may make
 * another): only the first saves the boot's values, the last restore puts
 * them back. */
static unsigned design_depth;

static void design_switches_read(struct design_switches *d)
{
	d->bypass = swap_bypass_sync_cache;
	d->keep_partial_folio = swapin_keep_partial_folio;
	d->stable_writes_inverted = swapin_stable_writes_inverted;
	d->exclusive_bit = swap_exclusive_bit;
	d->fork_clear_swp_exclusive = fork_clear_swp_exclusive;
	d->ttu_sync = ttu_sync;
	d->table_fallback = swap_table_alloc_fallback;
	d->table_alloc_static = swap_table_alloc_is_static();
	d->migrate_on_wake = sched_migrate_on_wake;
	d->readahead = swap_readahead_mode;
	d->page_cluster = swap_page_cluster;
	d->keep_slot = swapin_keep_slot;
}

static void design_switches_write(const struct design_switches *d)
{
	swap_bypass_sync_cache = d->bypass;
	WRITE_ONCE(swapin_keep_partial_folio, d->keep_partial_folio);
	swapin_stable_writes_inverted = d->stable_writes_inverted;
	swap_exclusive_bit = d->exclusive_bit;
	fork_clear_swp_exclusive = d->fork_clear_swp_exclusive;
	ttu_sync = d->ttu_sync;
	swap_table_alloc_fallback = d->table_fallback;
	swap_set_table_alloc_static(d->table_alloc_static);
	sched_migrate_on_wake = d->migrate_on_wake;
	swap_readahead_mode = d->readahead;
	swap_page_cluster = d->page_cluster;
	swapin_keep_slot = d->keep_slot;
}

static void design_switches_restore(void *arg)
{
	(void)arg;
	if (--design_depth == 0)
		design_switches_write(&design_saved);
}

bool test_design_defaults(struct ktest *t)
{
	static const struct design_switches defaults = {
		.bypass = SWAP_BYPASS_OFF,
		.keep_partial_folio = false,
		.stable_writes_inverted = false,
		.exclusive_bit = true,
		.fork_clear_swp_exclusive = true,
		.ttu_sync = TTU_SYNC_ON,
		.table_fallback = SWAP_TABLE_FALLBACK_ISOLATED,
		.table_alloc_static = false,
		.migrate_on_wake = false,
		.readahead = SWAP_RA_VMA,
		.page_cluster = 3,
		/* Off: the seed scenarios and the swap-path tests were written
		 * for a swap-in that frees its slots, and count them; the
		 * design that keeps them has its own tests
		 * (tests/swap_keep_slot.c). */
		.keep_slot = false,
	};
	if (design_depth == 0)
		design_switches_read(&design_saved);
	if (!ktest_defer(t, design_switches_restore, NULL))
		return false;
	design_depth++;
	design_switches_write(&defaults);
	return true;
}
