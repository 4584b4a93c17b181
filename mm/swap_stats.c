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
 * Also the swap-in fault latency (do_swap_page records each): total, own
 * I/O wait and software overhead per fault, as the swapin_latency_*,
 * swapin_io_wait_* and swapin_overhead_* p50/p99 stats.
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

/*
 * Three histograms of swap-in faults, in nanoseconds, recorded by
 * do_swap_page: the fault's total time, its own I/O wait (from the start
 * of its read, or of its wait on a read another fault started, until the
 * folio lock is its own; 0 on a cache hit on an uptodate folio), and the
 * software overhead, total minus I/O wait. The overhead is taken fault by
 * fault: the p50 of a difference is not the difference of two p50s (a
 * slow read with a quick fault and a quick read with a slow fault would
 * cancel out).
 *
 * Buckets are log-linear: values below SWAPIN_HIST_SUB get one bucket
 * each, and every power of two above is cut into SWAPIN_HIST_SUB equal
 * buckets, so a percentile (the upper bound of the bucket holding it) is
 * at most 1/16 above the value, 6%: fine enough to compare an overhead
 * with 20% of a device's latency, which a power-of-two bucket is not.
 */
#define SWAPIN_HIST_SUB_BITS 4
#define SWAPIN_HIST_SUB (1u << SWAPIN_HIST_SUB_BITS)
#define SWAPIN_HIST_MAX_BITS 40 /* 2^40 ns, 18 minutes: anything longer is clamped */
#define SWAPIN_HIST_BUCKETS (SWAPIN_HIST_SUB * (SWAPIN_HIST_MAX_BITS - SWAPIN_HIST_SUB_BITS + 1))

static atomic_long_t swapin_hist[SWAPIN_LAT_NR][SWAPIN_HIST_BUCKETS];

static unsigned swapin_hist_bucket(u64 ns)
{
	if (ns >= 1ull << SWAPIN_HIST_MAX_BITS)
		ns = (1ull << SWAPIN_HIST_MAX_BITS) - 1;
	if (ns < SWAPIN_HIST_SUB)
		return (unsigned)ns;
	unsigned msb = 63 - (unsigned)__builtin_clzll(ns);
	unsigned shift = msb - SWAPIN_HIST_SUB_BITS;
	return (shift + 1) * SWAPIN_HIST_SUB + (unsigned)(ns >> shift) - SWAPIN_HIST_SUB;
}

/* The largest value bucket b holds. */
static u64 swapin_hist_upper(unsigned b)
{
	if (b < SWAPIN_HIST_SUB)
		return b;
	unsigned shift = b / SWAPIN_HIST_SUB - 1;
	u64 mantissa = SWAPIN_HIST_SUB + b % SWAPIN_HIST_SUB;
	return ((mantissa + 1) << shift) - 1;
}

void swapin_latency_record(u64 total_ns, u64 io_wait_ns)
{
	if (io_wait_ns > total_ns) /* cannot happen: the wait lies inside the fault */
		io_wait_ns = total_ns;
	atomic_long_inc(&swapin_hist[SWAPIN_LAT_TOTAL][swapin_hist_bucket(total_ns)]);
	atomic_long_inc(&swapin_hist[SWAPIN_LAT_IO_WAIT][swapin_hist_bucket(io_wait_ns)]);
	atomic_long_inc(
		&swapin_hist[SWAPIN_LAT_OVERHEAD][swapin_hist_bucket(total_ns - io_wait_ns)]);
}

u64 swapin_latency_count(void)
{
	u64 total = 0;
	for (unsigned b = 0; b < SWAPIN_HIST_BUCKETS; b++)
		total += (u64)atomic_long_read(&swapin_hist[SWAPIN_LAT_TOTAL][b]);
	return total;
}

u64 swapin_latency_percentile_ns(enum swapin_lat which, unsigned pct)
{
	u64 total = swapin_latency_count(), seen = 0;
	if (!total)
		return 0;
	for (unsigned b = 0; b < SWAPIN_HIST_BUCKETS; b++) {
		seen += (u64)atomic_long_read(&swapin_hist[which][b]);
		if (seen * 100 >= total * pct)
			return swapin_hist_upper(b);
	}
	return swapin_hist_upper(SWAPIN_HIST_BUCKETS - 1);
}

/* The "# stat" lines: microseconds, rounded up. */
#define SWAPIN_LAT_STAT(id, which, pct)                                                            \
	static u64 read_##id(void)                                                                 \
	{                                                                                          \
		return (swapin_latency_percentile_ns(which, pct) + 999) / 1000;                    \
	}                                                                                          \
	DEFINE_STAT_FN(id, read_##id)
SWAPIN_LAT_STAT(swapin_latency_p50_us, SWAPIN_LAT_TOTAL, 50);
SWAPIN_LAT_STAT(swapin_latency_p99_us, SWAPIN_LAT_TOTAL, 99);
SWAPIN_LAT_STAT(swapin_io_wait_p50_us, SWAPIN_LAT_IO_WAIT, 50);
SWAPIN_LAT_STAT(swapin_io_wait_p99_us, SWAPIN_LAT_IO_WAIT, 99);
SWAPIN_LAT_STAT(swapin_overhead_p50_us, SWAPIN_LAT_OVERHEAD, 50);
SWAPIN_LAT_STAT(swapin_overhead_p99_us, SWAPIN_LAT_OVERHEAD, 99);

void swapin_latency_reset(void)
{
	for (unsigned h = 0; h < SWAPIN_LAT_NR; h++)
		for (unsigned b = 0; b < SWAPIN_HIST_BUCKETS; b++)
			atomic_long_set(&swapin_hist[h][b], 0);
}
