/*
 * What every test must give back, checked by the runner around each test
 * (kernel/ktest.h, KTEST_RESOURCE): free pages, swap slots in use, swap
 * table bytes, live folios, swap devices switched on, tasks. A test that
 * leaks one fails, naming it; earlier leaks no longer starve later tests
 * on a small machine (issue 11: a 128 MiB boot ran out of memory in
 * swapdev.* because earlier tests had kept theirs).
 *
 * Settling comes first, so that only what a test keeps counts: swap I/O
 * in flight ends (its completion frees the folio), RCU callbacks run
 * (tables of emptied clusters are freed after a grace period), each
 * device's per-CPU current clusters go back to its lists (an emptied
 * current cluster keeps its table), RCU again for the tables that
 * released, the per-CPU page lists drain into the buddy lists, and the
 * per-CPU LRU add batches onto the LRU lists.
 */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "mm/folio.h"
#include "mm/lru.h"
#include "mm/page_alloc.h"
#include "mm/page_io.h"
#include "mm/swap.h"
#include "tests/test_cpus.h"
#include "tests/swap_test.h"
#include "tests/test_kit.h"

static void ktest_settle_mm(void)
{
	if (!swap_test_wait_io())
		pr_err("ktest: %ld swap I/Os still in flight after 5 s: the leak check may blame "
		       "them on the test\n",
		       swap_io_pending());
	rcu_barrier();
	swap_pcp_drain_all();
	rcu_barrier();
	page_alloc_drain_all();
	lru_add_drain_all(); /* the next test finds every folio on a list */
}

static s64 read_free_pages(void)
{
	return (s64)nr_free_pages();
}

static s64 read_swap_slots_used(void)
{
	return (s64)test_stat("swap_slots_used");
}
static s64 read_swap_table_bytes(void)
{
	return (s64)test_stat("swap_table_bytes");
}
static s64 read_folios(void)
{
	return folio_nr_live();
}
static s64 read_swap_devices(void)
{
	return swap_nr_devices();
}
static s64 read_tasks(void)
{
	return (s64)sched_nr_tasks();
}

KTEST_RESOURCE(free_pages, ktest_settle_mm, read_free_pages);
KTEST_RESOURCE(swap_slots_used, NULL, read_swap_slots_used);
KTEST_RESOURCE(swap_table_bytes, NULL, read_swap_table_bytes);
KTEST_RESOURCE(folios, NULL, read_folios);
KTEST_RESOURCE(swap_devices, NULL, read_swap_devices);
KTEST_RESOURCE(tasks, NULL, read_tasks);
