/*
 * The swap accounting check: every cluster of every device is on exactly
 * one list, or owned by exactly one CPU as its current cluster, or waiting
 * for its table (counted in si->table_waiters); its state matches where it
 * is; its count equals the number of used words in its table; tables and
 * side tables exist exactly where they must. Seed 002's lost cluster (taken
 * off the free list and never put anywhere) is what it is built to catch.
 *
 * It takes every CPU's swap_pcp lock, then every cluster lock of a device
 * in index order, then the device lock, so it sees a consistent state
 * even while allocators run elsewhere.
 */
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "kmalloc.h"
#include "swap_cluster.h"
#include "swap_table.h"

DEFINE_STAT_COUNTER(swap_check_runs);
DEFINE_STAT_COUNTER(swap_check_problems);
DEFINE_STAT_COUNTER(swap_check_lost_clusters); /* seed 002's harm */

#define CHECK_REPORTS 20

struct swap_check {
	struct swap_info *si;
	u8 *seen; /* per cluster: times found on a list or as a current cluster */
	int problems;
};

static __printf(3, 4) void check_fail(struct swap_check *c, unsigned cluster, const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (c->problems < CHECK_REPORTS)
		pr_err("swap: check: %s: cluster %u: %s\n", c->si->name, cluster, buf);
	c->problems++;
}

static void check_list(struct swap_check *c, struct list_head *list, enum swap_cluster_state st,
		       int order, const char *what)
{
	struct swap_cluster *ci;
	unsigned guard = 0;
	list_for_each_entry (ci, list, list) {
		unsigned idx = swap_cluster_index(c->si, ci);
		if (++guard > c->si->nr_clusters) {
			check_fail(c, idx, "list %s loops", what);
			return;
		}
		c->seen[idx]++;
		if (ci->state != st)
			check_fail(c, idx, "on list %s but in state %u", what, ci->state);
		if (order >= 0 && ci->order != order)
			check_fail(c, idx, "on list %s but of order %u", what, ci->order);
	}
}

/* Count and tables of one cluster against its state. */
static void check_cluster(struct swap_check *c, struct swap_cluster *ci, long *inuse, long *tables)
{
	struct swap_info *si = c->si;
	unsigned idx = swap_cluster_index(si, ci), used = 0;
	bool ext_needed = false;
	if (ci->table) {
		(*tables)++;
		u64 first = swap_cluster_first(si, ci);
		for (unsigned i = 0; i < swap_cluster_slots; i++) {
			u64 tb = swap_table_get(ci->table, i);
			if (swp_tb_is_free(tb))
				continue;
			used++;
			if (ci->nr_bad && swap_slot_is_bad(si, first + i))
				check_fail(c, idx,
					   "hole %lu (header, bad page or past the end) is in use",
					   (unsigned long)(first + i));
			if (swp_tb_is_count(tb) && swp_tb_count(tb) == 0)
				check_fail(c, idx, "slot %u: swapped out with count 0", i);
			if (swp_tb_count(tb) == SWP_TB_COUNT_EXT)
				ext_needed = true;
			if (swp_tb_is_folio(tb)) {
				struct folio *f = page_folio(pfn_to_page(swp_tb_pfn(tb)));
				if (!folio_test_swapcache(f))
					check_fail(c, idx,
						   "slot %u: names pfn %#lx, not in the swap cache",
						   i, (unsigned long)swp_tb_pfn(tb));
			}
		}
	} else if (ci->state != CLUSTER_FREE && ci->state != CLUSTER_TABLE_ALLOC &&
		   !(ci->state == CLUSTER_FULL && ci->nr_bad == swap_cluster_slots)) {
		check_fail(c, idx, "state %u without a table", ci->state);
	}
	if (used != ci->count)
		check_fail(c, idx, "count %u but %u slots used in the table", ci->count, used);
	if (ext_needed != (swap_cluster_ext(ci) != NULL))
		check_fail(c, idx, "side table %s", ext_needed ? "missing" : "kept without use");
	switch (ci->state) {
	case CLUSTER_FREE:
		if (ci->count)
			check_fail(c, idx, "free with %u slots used", ci->count);
		if (ci->table && !si->static_tables)
			check_fail(c, idx, "free but its table was kept");
		break;
	case CLUSTER_FULL:
		if (ci->count + ci->nr_bad != swap_cluster_slots)
			check_fail(c, idx, "full with %u of %u slots used", ci->count,
				   swap_cluster_slots - ci->nr_bad);
		break;
	case CLUSTER_NONFULL:
	case CLUSTER_FRAG:
		if (!ci->count || ci->count + ci->nr_bad >= swap_cluster_slots)
			check_fail(c, idx, "partly used list but %u of %u slots used", ci->count,
				   swap_cluster_slots - ci->nr_bad);
		break;
	default:
		break;
	}
	*inuse += ci->count;
}

static void check_device(struct swap_check *c)
{
	struct swap_info *si = c->si;
	long inuse = 0, tables = 0;
	unsigned waiting = 0;
	for (unsigned i = 0; i < si->nr_clusters; i++)
		spin_lock(&si->clusters[i].lock);
	spin_lock(&si->lock);
	memset(c->seen, 0, si->nr_clusters);

	check_list(c, &si->free_clusters, CLUSTER_FREE, -1, "free");
	check_list(c, &si->full_clusters, CLUSTER_FULL, -1, "full");
	for (int o = 0; o < SWAP_NR_ORDERS; o++) {
		check_list(c, &si->nonfull[o], CLUSTER_NONFULL, o, "nonfull");
		check_list(c, &si->frag[o], CLUSTER_FRAG, o, "frag");
	}
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		for (unsigned o = 0; o < SWAP_NR_ORDERS; o++) {
			u32 idx = si->pcp_cluster[cpu][o];
			if (!idx)
				continue;
			if (idx > si->nr_clusters) {
				check_fail(c, idx - 1, "CPU %u's current cluster is out of range",
					   cpu);
				continue;
			}
			struct swap_cluster *ci = &si->clusters[idx - 1];
			c->seen[idx - 1]++;
			if (ci->state != CLUSTER_PERCPU || ci->order != o)
				check_fail(c, idx - 1,
					   "CPU %u's current of order %u but state %u order %u",
					   cpu, o, ci->state, ci->order);
		}
	}
	for (unsigned i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster *ci = &si->clusters[i];
		if (ci->state == CLUSTER_TABLE_ALLOC) {
			waiting++;
			c->seen[i]++;
		}
		if (c->seen[i] == 0) {
			check_fail(c, i, "lost: on no list and owned by no CPU (state %u, %u used)",
				   ci->state, ci->count);
			stat_inc(swap_check_lost_clusters);
		} else if (c->seen[i] > 1)
			check_fail(c, i, "found %u times (lists and CPUs)", c->seen[i]);
		check_cluster(c, ci, &inuse, &tables);
	}
	if (waiting != si->table_waiters)
		check_fail(c, 0, "%u clusters wait for a table but %u allocators sleep", waiting,
			   si->table_waiters);
	if (inuse != atomic_long_read(&si->inuse))
		check_fail(c, 0, "device counts %ld slots in use, clusters %ld",
			   atomic_long_read(&si->inuse), inuse);
	long table_bytes = tables * (long)(PAGE_SIZE << swap_table_order());
	if (table_bytes != atomic_long_read(&si->table_bytes))
		check_fail(c, 0, "device counts %ld table bytes, clusters hold %ld",
			   atomic_long_read(&si->table_bytes), table_bytes);

	spin_unlock(&si->lock);
	for (unsigned i = si->nr_clusters; i-- > 0;)
		spin_unlock(&si->clusters[i].lock);
}

int swap_check(void)
{
	int problems = 0;
	stat_inc(swap_check_runs);
	for (unsigned t = 0; t < MAX_SWAPFILES; t++) {
		struct swap_info *si = &swap_info[t];
		if (!(__atomic_load_n(&si->flags, __ATOMIC_ACQUIRE) & SWP_USED))
			continue;
		struct swap_check c = { si, si->check_seen, 0 };
		unsigned long irq = arch_irq_save();
		for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
			spin_lock(swap_pcp_lock(cpu));
		check_device(&c);
		for (unsigned cpu = NR_CPUS_MAX; cpu-- > 0;)
			spin_unlock(swap_pcp_lock(cpu));
		arch_irq_restore(irq);
		if (c.problems)
			pr_err("swap: check: %s: %d problems\n", si->name, c.problems);
		problems += c.problems;
	}
	stat_add(swap_check_problems, problems);
	return problems;
}

void swap_test_lose_cluster(struct swap_info *si, unsigned index)
{
	struct swap_cluster *ci = &si->clusters[index];
	unsigned long irq = swap_cluster_lock(ci);
	spin_lock(&si->lock);
	if (ci->state != CLUSTER_PERCPU && ci->state != CLUSTER_TABLE_ALLOC &&
	    ci->state != CLUSTER_ISOLATED) {
		list_del(&ci->list);
		ci->state = CLUSTER_ISOLATED;
	}
	spin_unlock(&si->lock);
	swap_cluster_unlock(ci, irq);
}

unsigned swap_test_find_lost_clusters(struct swap_info *si)
{
	unsigned found = 0;
	for (unsigned i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster *ci = &si->clusters[i];
		unsigned long irq = swap_cluster_lock(ci);
		if (ci->state == CLUSTER_ISOLATED) {
			swap_cluster_release(si, ci);
			found++;
		}
		swap_cluster_unlock(ci, irq);
	}
	return found;
}

/* The used words of ci's table (ci->lock held). */
static unsigned swap_cluster_count_used(struct swap_cluster *ci)
{
	lockdep_assert_held(&ci->lock);
	unsigned used = 0;
	for (unsigned i = 0; ci->table && i < swap_cluster_slots; i++)
		used += !swp_tb_is_free(swap_table_get(ci->table, i));
	return used;
}

unsigned swap_test_recount_clusters(struct swap_info *si)
{
	unsigned fixed = 0;
	for (unsigned i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster *ci = &si->clusters[i];
		unsigned long irq = swap_cluster_lock(ci);
		unsigned used = swap_cluster_count_used(ci);
		if (used != ci->count) {
			atomic_long_add(&si->inuse, (long)used - (long)ci->count);
			ci->count = (u16)used;
			fixed++;
		}
		swap_cluster_unlock(ci, irq);
	}
	return fixed;
}
