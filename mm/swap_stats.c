/*
 * What the swap devices hold and what their metadata costs, on request
 * (swap_report) and in the final "# stat" lines.
 *
 * Metadata counts the cluster headers, the tables and the side tables:
 *   per free slot = headers / usable slots
 *                   + tables of clusters with no slot in use / free slots
 *   per used slot = headers / usable slots
 *                   + (tables and side tables of clusters in use) / used slots
 * so a free slot costs its share of the headers (48 bytes per 512 slots)
 * plus any table an empty cluster still holds (static tables), and a used
 * slot costs that plus its share of the tables that exist for it. Linux
 * 6.18 spends 1 byte per slot always (swap_map) plus 8 per slot in use.
 *
 * Also the swap-in fault latency (do_swap_page records each), as the
 * swapin_latency_p50_us and swapin_latency_p99_us stats.
 */
#include "kernel/atomic.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "swap.h"
#include "swap_cluster.h"
#include "swap_table.h"

struct swap_totals {
	u64 usable, used;
	u64 header_bytes, used_table_bytes, empty_table_bytes;
	u64 clusters[CLUSTER_ISOLATED + 1];
};

static void swap_totals_add(struct swap_info *si, struct swap_totals *t)
{
	u64 table = PAGE_SIZE << swap_table_order();
	t->usable += si->nr_usable;
	t->header_bytes += (u64)si->nr_clusters * sizeof(struct swap_cluster);
	for (unsigned i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster *ci = &si->clusters[i];
		unsigned long irq = swap_cluster_lock(ci);
		t->used += ci->count;
		t->clusters[ci->state]++;
		if (ci->table) {
			u64 bytes = table +
				    (swap_cluster_ext(ci) ? swap_cluster_slots * sizeof(u32) : 0);
			if (ci->count)
				t->used_table_bytes += bytes;
			else
				t->empty_table_bytes += bytes;
		}
		swap_cluster_unlock(ci, irq);
	}
}

static bool swap_totals(struct swap_totals *t)
{
	*t = (struct swap_totals){ 0 };
	bool any = false;
	for (unsigned i = 0; i < MAX_SWAPFILES; i++) {
		if (__atomic_load_n(&swap_info[i].flags, __ATOMIC_ACQUIRE) & SWP_USED) {
			swap_totals_add(&swap_info[i], t);
			any = true;
		}
	}
	return any && t->usable;
}

/* a / b in hundredths, rounded. */
static u64 centi(u64 a, u64 b)
{
	return b ? (a * 100 + b / 2) / b : 0;
}

static u64 totals_centi_per_free_slot(const struct swap_totals *t)
{
	u64 free = t->usable - t->used;
	return centi(t->header_bytes, t->usable) + (free ? centi(t->empty_table_bytes, free) : 0);
}

/* One rounding over the sum, not two. */
static u64 totals_centi_per_used_slot(const struct swap_totals *t)
{
	if (!t->used)
		return 0;
	return (t->header_bytes * 100 * t->used + t->used_table_bytes * 100 * t->usable +
		t->usable * t->used / 2) /
	       (t->usable * t->used);
}

u64 swap_meta_centi_per_free_slot(void)
{
	struct swap_totals t;
	return swap_totals(&t) ? totals_centi_per_free_slot(&t) : 0;
}

u64 swap_meta_centi_per_used_slot(void)
{
	struct swap_totals t;
	return swap_totals(&t) ? totals_centi_per_used_slot(&t) : 0;
}

void swap_meta_centi(struct swap_info *si, u64 *per_used, u64 *per_free)
{
	struct swap_totals t = { 0 };
	swap_totals_add(si, &t);
	*per_used = totals_centi_per_used_slot(&t);
	*per_free = totals_centi_per_free_slot(&t);
}
DEFINE_STAT_FN_CENTI(swap_meta_bytes_per_used_slot, swap_meta_centi_per_used_slot);
DEFINE_STAT_FN_CENTI(swap_meta_bytes_per_free_slot, swap_meta_centi_per_free_slot);

#define SWAP_TOTAL_FN(name, expr)                                                                  \
	static u64 name(void)                                                                      \
	{                                                                                          \
		struct swap_totals t;                                                              \
		return swap_totals(&t) ? (expr) : 0;                                               \
	}
SWAP_TOTAL_FN(read_slots_usable, t.usable)
SWAP_TOTAL_FN(read_slots_used, t.used)
SWAP_TOTAL_FN(read_clusters_free, t.clusters[CLUSTER_FREE])
SWAP_TOTAL_FN(read_clusters_nonfull, t.clusters[CLUSTER_NONFULL])
SWAP_TOTAL_FN(read_clusters_frag, t.clusters[CLUSTER_FRAG])
SWAP_TOTAL_FN(read_clusters_full, t.clusters[CLUSTER_FULL])
SWAP_TOTAL_FN(read_clusters_percpu, t.clusters[CLUSTER_PERCPU])
SWAP_TOTAL_FN(read_table_bytes, t.used_table_bytes + t.empty_table_bytes)
DEFINE_STAT_FN(swap_slots_usable, read_slots_usable);
DEFINE_STAT_FN(swap_slots_used, read_slots_used);
DEFINE_STAT_FN(swap_clusters_free, read_clusters_free);
DEFINE_STAT_FN(swap_clusters_nonfull, read_clusters_nonfull);
DEFINE_STAT_FN(swap_clusters_frag, read_clusters_frag);
DEFINE_STAT_FN(swap_clusters_full, read_clusters_full);
DEFINE_STAT_FN(swap_clusters_percpu, read_clusters_percpu);
DEFINE_STAT_FN(swap_table_bytes, read_table_bytes);

static void swap_report_device(struct swap_info *si)
{
	struct swap_totals t = { 0 };
	swap_totals_add(si, &t);
	pr_info("swap: %s (type %u, prio %d): %lu of %lu usable slots used; clusters of %u: "
		"%lu free, %lu nonfull, %lu frag, %lu full, %lu current, %lu waiting for a table\n",
		si->name, si->type, si->prio, (unsigned long)t.used, (unsigned long)t.usable,
		swap_cluster_slots, (unsigned long)t.clusters[CLUSTER_FREE],
		(unsigned long)t.clusters[CLUSTER_NONFULL], (unsigned long)t.clusters[CLUSTER_FRAG],
		(unsigned long)t.clusters[CLUSTER_FULL], (unsigned long)t.clusters[CLUSTER_PERCPU],
		(unsigned long)t.clusters[CLUSTER_TABLE_ALLOC]);
	for (unsigned o = 0; o < SWAP_NR_ORDERS; o++) {
		unsigned long nclusters = 0, used = 0, free = 0;
		for (unsigned i = 0; i < si->nr_clusters; i++) {
			struct swap_cluster *ci = &si->clusters[i];
			unsigned long irq = swap_cluster_lock(ci);
			if (ci->order == o && ci->count) {
				nclusters++;
				used += ci->count;
				free += swap_cluster_slots - ci->nr_bad - ci->count;
			}
			swap_cluster_unlock(ci, irq);
		}
		if (nclusters)
			pr_info("swap: %s:   order %u: %lu clusters, %lu slots used, %lu free\n",
				si->name, o, nclusters, used, free);
	}
	u64 per_used = totals_centi_per_used_slot(&t), per_free = totals_centi_per_free_slot(&t);
	pr_info("swap: %s: metadata: headers %lu B, tables %lu B (+%ld B in RCU grace, all "
		"devices), side tables %ld B; "
		"per used slot %lu.%02lu B, per free slot %lu.%02lu B\n",
		si->name, (unsigned long)t.header_bytes,
		(unsigned long)(t.used_table_bytes + t.empty_table_bytes),
		swap_table_bytes_in_rcu(), atomic_long_read(&si->ext_bytes),
		(unsigned long)(per_used / 100), (unsigned long)(per_used % 100),
		(unsigned long)(per_free / 100), (unsigned long)(per_free % 100));
}

void swap_report(void)
{
	bool any = false;
	for (unsigned i = 0; i < MAX_SWAPFILES; i++) {
		if (__atomic_load_n(&swap_info[i].flags, __ATOMIC_ACQUIRE) & SWP_USED) {
			swap_report_device(&swap_info[i]);
			any = true;
		}
	}
	if (!any)
		pr_info("swap: no device is on\n");
}

/* --- swap-in latency ------------------------------------------------------ */

/* Latency of swap-in faults, in microseconds: a log2 histogram, for the
 * p50 and p99 stats (the upper bound of the bucket holding them). */
#define SWAPIN_LAT_BUCKETS 32
static atomic_long_t swapin_lat[SWAPIN_LAT_BUCKETS];

void swapin_latency_record(u64 ns)
{
	u64 us = ns / 1000;
	unsigned b = 0;
	while (b + 1 < SWAPIN_LAT_BUCKETS && (1ull << b) <= us)
		b++;
	atomic_long_inc(&swapin_lat[b]);
}

u64 swapin_latency_percentile_us(unsigned pct)
{
	u64 total = 0, seen = 0;
	for (unsigned b = 0; b < SWAPIN_LAT_BUCKETS; b++)
		total += (u64)atomic_long_read(&swapin_lat[b]);
	if (!total)
		return 0;
	for (unsigned b = 0; b < SWAPIN_LAT_BUCKETS; b++) {
		seen += (u64)atomic_long_read(&swapin_lat[b]);
		if (seen * 100 >= total * pct)
			return 1ull << b;
	}
	return 1ull << (SWAPIN_LAT_BUCKETS - 1);
}

static u64 read_swapin_p50(void)
{
	return swapin_latency_percentile_us(50);
}
static u64 read_swapin_p99(void)
{
	return swapin_latency_percentile_us(99);
}
DEFINE_STAT_FN(swapin_latency_p50_us, read_swapin_p50);
DEFINE_STAT_FN(swapin_latency_p99_us, read_swapin_p99);

void swapin_latency_reset(void)
{
	for (unsigned b = 0; b < SWAPIN_LAT_BUCKETS; b++)
		atomic_long_set(&swapin_lat[b], 0);
}
