/*
 * Swap tables: allocation when a cluster leaves the free list, the RCU-
 * deferred free when it is empty again, and the side table of counts that
 * outgrow their word (seed 002, mm/swap_table.h).
 *
 * A table is a block of pages (one page for 512 slots); the struct page of
 * its first page carries the rcu_head of its deferred free and the side
 * table pointer, so the cluster header stays at 48 bytes.
 */
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/rcu.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "kmalloc.h"
#include "page_alloc.h"
#include "swap_cluster.h"
#include "swap_table.h"

DEFINE_STAT_COUNTER(swap_table_allocs);
DEFINE_STAT_COUNTER(swap_table_frees);
DEFINE_STAT_COUNTER(swap_table_alloc_sleeps);
DEFINE_STAT_COUNTER(swap_table_alloc_pcp_changed);
DEFINE_STAT_COUNTER(swap_table_alloc_percpu_fallbacks);
DEFINE_STAT_COUNTER(swap_ext_allocs);

enum swap_table_alloc_fallback swap_table_alloc_fallback = SWAP_TABLE_FALLBACK_ISOLATED;

static const struct kparam_choice table_alloc_fallback_choices[] = {
	{ "isolated", SWAP_TABLE_FALLBACK_ISOLATED },
	{ "percpu", SWAP_TABLE_FALLBACK_PERCPU },
};
KPARAM_ENUM(swap_table_alloc_fallback, "swap.table_alloc_fallback", &swap_table_alloc_fallback,
	    table_alloc_fallback_choices,
	    "after a sleeping table allocation use the cluster isolated before it (isolated, "
	    "default) or, as seed 002's v3 patch did, this CPU's current cluster, losing the "
	    "isolated one (percpu)");

unsigned swap_table_order(void)
{
	return get_order(swap_cluster_slots * sizeof(u64));
}

static struct page *swap_table_page(const u64 *table)
{
	return virt_to_page(table);
}

u64 *swap_table_alloc_now(struct swap_info *si, bool can_sleep)
{
	gfp_t gfp = (can_sleep ? GFP_KERNEL : GFP_ATOMIC) | __GFP_ZERO | __GFP_NOWARN;
	struct page *page = alloc_pages(gfp, swap_table_order());
	if (!page)
		return NULL;
	page->swap_table_ext = NULL;
	atomic_long_add(&si->table_bytes, PAGE_SIZE << swap_table_order());
	stat_inc(swap_table_allocs);
	return page_address(page);
}

void swap_table_free_now(struct swap_info *si, u64 *table)
{
	struct page *page = swap_table_page(table);
	ASSERT(!page->swap_table_ext);
	atomic_long_add(&si->table_bytes, -(long)(PAGE_SIZE << swap_table_order()));
	stat_inc(swap_table_frees);
	free_pages(page, swap_table_order());
}

/* Drop every lock before the sleeping allocation, ci parked in TABLE_ALLOC
 * (on no list, counted in si->table_waiters) so that swap_check accounts
 * for it meanwhile. */
static void table_alloc_unlock(struct swap_info *si, struct swap_cluster *ci, unsigned long pcp_irq)
{
	lockdep_assert_held(&ci->lock);
	spin_lock(&si->lock);
	ci->state = CLUSTER_TABLE_ALLOC;
	si->table_waiters++;
	spin_unlock(&si->lock);
	spin_unlock(&ci->lock);
	spin_unlock_irqrestore(swap_pcp_lock(arch_cpu_id()), pcp_irq);
}

/* Take them again, in the lock order, the swap_pcp lock of the CPU we run
 * on now; returns its irq state. ci->lock and si->lock stay held. */
static unsigned long table_alloc_relock(struct swap_info *si, struct swap_cluster *ci)
{
	unsigned long pcp_irq = spin_lock_irqsave(swap_pcp_lock(arch_cpu_id()));
	spin_lock(&ci->lock);
	spin_lock(&si->lock);
	ASSERT(ci->state == CLUSTER_TABLE_ALLOC && ci->count == 0 && !ci->table);
	si->table_waiters--;
	return pcp_irq;
}

/*
 * Seed 002's v3 patch (swap.table_alloc_fallback=percpu). Back from the
 * sleep, it read this CPU's current cluster (this_cpu_read) and, finding
 * one, used it instead of ci: another task of this CPU may have set one
 * while we slept, or we woke on another CPU. ci was taken off the free
 * list and is now on no list and owned by nobody: lost until swapoff, and
 * swap_check() reports it. Returns -EAGAIN: the caller allocates from this
 * CPU's current cluster. ci->lock and si->lock held; released here.
 */
static int table_alloc_use_percpu(struct swap_info *si, struct swap_cluster *ci, u64 *table)
{
	lockdep_assert_held(&ci->lock);
	lockdep_assert_held(&si->lock);
	ci->state = CLUSTER_ISOLATED; /* on no list, and nobody holds it */
	stat_inc(swap_table_alloc_percpu_fallbacks);
	spin_unlock(&si->lock);
	spin_unlock(&ci->lock);
	if (table)
		swap_table_free_now(si, table);
	return -EAGAIN;
}

/*
 * Allocate the table of ci, a free cluster just isolated by an allocator
 * (state ISOLATED, locked; the caller holds its CPU's swap_pcp lock, irq
 * state in *pcp_irq). First without sleeping, under the locks. If that
 * fails, drop the locks, allocate with sleeping allowed, and take the
 * locks again: meanwhile another task of this CPU may have run and set
 * the CPU's current cluster, and the task may wake on another CPU
 * (sched.migrate_on_wake), so the pcp lock retaken is that of the CPU it
 * runs on now (written back to the caller).
 *
 * Seed 002: the v3 patch then switched to that CPU's current cluster and
 * returned it instead, losing the cluster it had isolated
 * (table_alloc_use_percpu, kept as swap.table_alloc_fallback=percpu).
 * By default the function returns only success or failure for ci itself:
 * 0 with ci's table set, or -ENOMEM with ci back on the free list. While
 * the locks are dropped ci is in state TABLE_ALLOC, counted in
 * si->table_waiters, so swap_check accounts for it.
 *
 * Returns with ci->lock held on success, not held on failure (or -EAGAIN,
 * the v3 fallback); the pcp lock is held either way.
 */
int swap_cluster_alloc_table(struct swap_info *si, struct swap_cluster *ci, unsigned order,
			     unsigned long *pcp_irq)
{
	lockdep_assert_held(&ci->lock);
	lockdep_assert_held(swap_pcp_lock(arch_cpu_id()));
	ASSERT(ci->state == CLUSTER_ISOLATED && ci->count == 0 && !ci->table);
	u64 *table = swap_table_alloc_now(si, false);
	if (table) {
		rcu_assign_pointer(ci->table, table);
		return 0;
	}

	unsigned cpu = arch_cpu_id();
	u32 pcp_before = si->pcp_cluster[cpu][order];
	table_alloc_unlock(si, ci, *pcp_irq);
	stat_inc(swap_table_alloc_sleeps);
	race_point("swap:table-alloc-sleep");
	table = swap_table_alloc_now(si, true);
	*pcp_irq = table_alloc_relock(si, ci);

	/* this_cpu_read(): the CPU we run on now, and its current cluster. */
	u32 pcp_now = si->pcp_cluster[arch_cpu_id()][order];
	if (arch_cpu_id() != cpu || pcp_now != pcp_before)
		stat_inc(swap_table_alloc_pcp_changed);
	if (swap_table_alloc_fallback == SWAP_TABLE_FALLBACK_PERCPU && pcp_now)
		return table_alloc_use_percpu(si, ci, table);
	if (!table) {
		ci->state = CLUSTER_FREE;
		list_add_tail(&ci->list, &si->free_clusters);
		spin_unlock(&si->lock);
		spin_unlock(&ci->lock);
		return -ENOMEM;
	}
	ci->state = CLUSTER_ISOLATED;
	spin_unlock(&si->lock);
	rcu_assign_pointer(ci->table, table);
	return 0;
}

/* Bytes of tables waiting for their grace period (all devices). */
static atomic_long_t swap_table_rcu_bytes;

long swap_table_bytes_in_rcu(void)
{
	return atomic_long_read(&swap_table_rcu_bytes);
}

static void swap_table_free_rcu(struct rcu_head *head)
{
	struct page *page = container_of(head, struct page, swap_table_rcu);
	stat_inc(swap_table_frees);
	atomic_long_add(&swap_table_rcu_bytes, -(long)(PAGE_SIZE << swap_table_order()));
	free_pages(page, swap_table_order());
}

/*
 * An empty cluster gives its table back. Lock-free readers may still hold
 * the pointer: they see an all-free table until the grace period ends, and
 * NULL after they reload it. Static mode keeps every table.
 */
void swap_cluster_free_table(struct swap_info *si, struct swap_cluster *ci)
{
	lockdep_assert_held(&ci->lock);
	lockdep_assert_held(&si->lock);
	u64 *table = ci->table;
	if (si->static_tables || !table)
		return;
	ASSERT(ci->count == 0);
	struct page *page = swap_table_page(table);
	ASSERT(!page->swap_table_ext);
	for (unsigned i = 0; i < swap_cluster_slots; i++)
		ASSERT(swp_tb_is_free(swap_table_get(table, i)));
	rcu_assign_pointer(ci->table, NULL);
	atomic_long_add(&si->table_bytes, -(long)(PAGE_SIZE << swap_table_order()));
	atomic_long_add(&swap_table_rcu_bytes, (long)(PAGE_SIZE << swap_table_order()));
	call_rcu(&page->swap_table_rcu, swap_table_free_rcu);
	race_point("swap:table-freed");
}

/* --- counts larger than the word ------------------------------------------ */

u32 *swap_cluster_ext(struct swap_cluster *ci)
{
	lockdep_assert_held(&ci->lock);
	return ci->table ? swap_table_page(ci->table)->swap_table_ext : NULL;
}

unsigned long swap_cluster_count_of(struct swap_cluster *ci, unsigned off, u64 tb)
{
	lockdep_assert_held(&ci->lock);
	if (swp_tb_is_free(tb))
		return 0;
	unsigned c = swp_tb_count(tb);
	if (c != SWP_TB_COUNT_EXT)
		return c;
	u32 *ext = swap_cluster_ext(ci);
	ASSERT(ext);
	return ext[off];
}

static bool swap_cluster_has_ext_counts(struct swap_cluster *ci)
{
	for (unsigned i = 0; i < swap_cluster_slots; i++) {
		u64 tb = swap_table_get(ci->table, i);
		if (!swp_tb_is_free(tb) && swp_tb_count(tb) == SWP_TB_COUNT_EXT)
			return true;
	}
	return false;
}

static size_t swap_ext_bytes(void)
{
	return swap_cluster_slots * sizeof(u32);
}

u64 swap_cluster_set_count(struct swap_info *si, struct swap_cluster *ci, unsigned off, u64 tb,
			   unsigned long count, int *err)
{
	lockdep_assert_held(&ci->lock);
	struct page *tpage = swap_table_page(ci->table);
	bool was_ext = swp_tb_count(tb) == SWP_TB_COUNT_EXT;
	*err = 0;
	if (count <= SWP_TB_COUNT_MAX) {
		u64 ntb = swp_tb_with_count(tb, (unsigned)count);
		if (was_ext) {
			tpage->swap_table_ext[off] = 0;
			/* Store first, so the scan sees this slot back in its word. */
			__swap_table_set(ci, off, ntb);
			if (!swap_cluster_has_ext_counts(ci)) {
				kfree(tpage->swap_table_ext);
				tpage->swap_table_ext = NULL;
				atomic_long_add(&si->ext_bytes, -(long)swap_ext_bytes());
			}
		}
		return ntb;
	}
	if (count > 0xffffffffu) {
		*err = -EOVERFLOW;
		return 0;
	}
	if (!tpage->swap_table_ext) {
		tpage->swap_table_ext = kzalloc(swap_ext_bytes(), GFP_ATOMIC | __GFP_NOWARN);
		if (!tpage->swap_table_ext) {
			*err = -ENOMEM;
			return 0;
		}
		atomic_long_add(&si->ext_bytes, (long)swap_ext_bytes());
		stat_inc(swap_ext_allocs);
	}
	tpage->swap_table_ext[off] = (u32)count;
	return swp_tb_with_count(tb, SWP_TB_COUNT_EXT);
}
