/*
 * Swap counts: how many swap PTEs hold each slot, kept in the slot's own
 * table word (and in the cluster's side table when the word is too
 * small). fork duplicates (swap_duplicate), unmap and swap-in drop
 * (swap_free_nr). A slot whose count reaches 0 is freed unless the swap
 * cache still holds it; then swap_cache_del_folio frees it.
 *
 * Each function looks the device up inside an RCU read section: swapoff
 * frees a device's clusters only after a grace period, so a caller with a
 * stale entry reads a device that is still whole (or is told it is gone).
 *
 * A swap PTE that names no device, a slot past the device's end or a free
 * slot is a bad swap entry: reported with its value, counted as
 * swap_bad_entry, and nothing changes (the caller decides what happens to
 * its task).
 */
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/stats.h"
#include "swap_cluster.h"
#include "swap_table.h"

DEFINE_STAT_COUNTER(swap_bad_entry);
DEFINE_STAT_COUNTER(swap_dups);

#define SWAP_BAD_REPORTS 20 /* messages; the counter keeps counting */

int swap_report_bad_entry(swp_entry_t entry, const char *why)
{
	if (stat_read(swap_bad_entry) < SWAP_BAD_REPORTS)
		pr_warn("swap: bad swap entry type %u offset %#lx: %s\n", swp_type(entry),
			(unsigned long)swp_offset(entry), why);
	stat_inc(swap_bad_entry);
	return -EINVAL;
}

static int __swap_duplicate(swp_entry_t entry)
{
	struct swap_info *si = swap_entry_info(entry);
	if (!si)
		return -ENOENT;
	u64 offset = swp_offset(entry);
	struct swap_cluster *ci = swap_offset_cluster(si, offset);
	unsigned off = offset % swap_cluster_slots;
	unsigned long irq = swap_cluster_lock(ci);
	int err = -ENOENT;
	u64 tb = ci->table ? swap_table_get(ci->table, off) : 0;
	if (!swp_tb_is_free(tb)) {
		unsigned long count = swap_cluster_count_of(ci, off, tb);
		u64 ntb = swap_cluster_set_count(si, ci, off, tb, count + 1, &err);
		if (!err) {
			__swap_table_set(ci, off, ntb);
			stat_inc(swap_dups);
		}
	}
	swap_cluster_unlock(ci, irq);
	return err;
}

int swap_duplicate(swp_entry_t entry)
{
	rcu_read_lock();
	int err = __swap_duplicate(entry);
	rcu_read_unlock();
	return err;
}

/* Is the folio cached on this word one read ahead and never mapped?
 * (Cluster lock held: the word, and so the folio, cannot change.) */
static bool swp_tb_is_readahead(u64 tb)
{
	return swp_tb_is_folio(tb) && folio_test_readahead(page_folio(pfn_to_page(swp_tb_pfn(tb))));
}

/* Drop one count from each of nr slots of one cluster, from off. Sets
 * *unused when a slot left at count 0 holds a readahead folio. */
static int swap_cluster_put(struct swap_info *si, struct swap_cluster *ci, unsigned off,
			    unsigned nr, bool *unused)
{
	int ret = 0;
	unsigned freed = 0;
	u64 first = swap_cluster_first(si, ci);
	unsigned long irq = swap_cluster_lock(ci);
	for (unsigned i = 0; i < nr; i++, off++) {
		swp_entry_t e = swp_entry(si->type, first + off);
		u64 tb = ci->table ? swap_table_get(ci->table, off) : 0;
		unsigned long count = swap_cluster_count_of(ci, off, tb);
		if (count == 0) {
			ret = swap_report_bad_entry(e, swp_tb_is_free(tb) ? "the slot is free"
									  : "no swap PTE holds it");
			continue;
		}
		if (count == 1 && swp_tb_is_count(tb)) {
			__swap_table_set(ci, off, 0);
			freed++;
			continue;
		}
		if (count == 1 && swp_tb_is_readahead(tb))
			*unused = true;
		int err;
		u64 ntb = swap_cluster_set_count(si, ci, off, tb, count - 1, &err);
		ASSERT(!err); /* a smaller count never needs memory */
		__swap_table_set(ci, off, ntb);
	}
	swap_cluster_free_slots(si, ci, freed);
	swap_cluster_unlock(ci, irq);
	return ret;
}

static int __swap_free_nr(swp_entry_t entry, unsigned nr, bool *unused)
{
	struct swap_info *si = swap_entry_info(entry);
	u64 offset = swp_offset(entry);
	if (!si)
		return swap_report_bad_entry(entry,
					     "no swap device of that type is on, or past its end");
	if (offset + nr > si->nr_slots)
		return swap_report_bad_entry(entry, "the range runs past the device's end");
	int ret = 0;
	while (nr) {
		unsigned off = offset % swap_cluster_slots;
		unsigned n = MIN(nr, swap_cluster_slots - off);
		int err = swap_cluster_put(si, swap_offset_cluster(si, offset), off, n, unused);
		if (err)
			ret = err;
		offset += n;
		nr -= n;
	}
	return ret;
}

/*
 * A readahead folio whose slot lost its last swap PTE will never be
 * mapped: let it go now, as the zap of a swap PTE does for any cached
 * folio (mm/mm.c), rather than leave the slot held until reclaim finds it
 * (a slot held by swap_alloc and freed with swap_free has no zap behind
 * it). Only for readahead folios: a swap-in calls this with its own
 * folio locked, and the zap tries itself.
 */
int swap_free_nr(swp_entry_t entry, unsigned nr)
{
	bool unused = false;
	rcu_read_lock();
	int err = __swap_free_nr(entry, nr, &unused);
	rcu_read_unlock();
	for (unsigned i = 0; unused && i < nr; i++)
		swap_cache_try_free(swp_entry(swp_type(entry), swp_offset(entry) + i));
	return err;
}

static unsigned long __swap_count(swp_entry_t entry)
{
	struct swap_info *si = swap_entry_info(entry);
	if (!si)
		return 0;
	u64 offset = swp_offset(entry);
	struct swap_cluster *ci = swap_offset_cluster(si, offset);
	unsigned off = offset % swap_cluster_slots;
	unsigned long irq = swap_cluster_lock(ci);
	u64 tb = ci->table ? swap_table_get(ci->table, off) : 0;
	unsigned long count = swap_cluster_count_of(ci, off, tb);
	swap_cluster_unlock(ci, irq);
	return count;
}

unsigned long swap_count(swp_entry_t entry)
{
	rcu_read_lock();
	unsigned long n = __swap_count(entry);
	rcu_read_unlock();
	return n;
}

/* Lock-free, as the swap cache lookup: the fault asks this on every swap
 * PTE, and a locked answer would be as stale a moment later. Tables are
 * freed after an RCU grace period. */
bool swap_entry_valid(swp_entry_t entry)
{
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry);
	bool used = false;
	if (si) {
		struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(entry));
		u64 *table = rcu_dereference(ci->table);
		unsigned off = swp_offset(entry) % swap_cluster_slots;
		used = table && !swp_tb_is_free(swap_table_get(table, off));
	}
	rcu_read_unlock();
	return used;
}

static s64 __find_next_to_unuse(unsigned type, u64 from)
{
	struct swap_info *si = swap_entry_info(swp_entry(type, 0));
	if (!si)
		return -ENOENT;
	for (u64 offset = from; offset < si->nr_slots;) {
		struct swap_cluster *ci = swap_offset_cluster(si, offset);
		unsigned off = offset % swap_cluster_slots;
		unsigned long irq = swap_cluster_lock(ci);
		for (; ci->table && ci->count && off < swap_cluster_slots; off++) {
			if (!swp_tb_is_free(swap_table_get(ci->table, off))) {
				swap_cluster_unlock(ci, irq);
				return (s64)(swap_cluster_first(si, ci) + off);
			}
		}
		swap_cluster_unlock(ci, irq);
		offset = swap_cluster_first(si, ci) + swap_cluster_slots;
	}
	return -ENOENT;
}

s64 find_next_to_unuse(unsigned type, u64 from)
{
	rcu_read_lock();
	s64 off = __find_next_to_unuse(type, from);
	rcu_read_unlock();
	return off;
}

/* --- seed 003's "bump the count" designs (swap.bypass_sync_cache=bump*) ------- */

DEFINE_STAT_COUNTER(swap_bump_free_slot); /* bumps that found the slot free */

/*
 * swap.bypass_sync_cache=bump, the design under test: the bypassing fault
 * takes a swap count of its own instead of SWAP_HAS_CACHE, and takes it
 * without checking that the slot is still allocated. Seed 003's thread
 * (Kairui Song) on why the fix did not do this:
 *
 *   "Increasing swap_count here will also race with another process from
 *   releasing swap_count to 0 ... It will increase the swap count of an
 *   already freed entry, this race with multiple swap free/alloc logic
 *   that checks if count == SWAP_HAS_CACHE or sets count to zero, or
 *   repeated free of an entry, all result in random corruption of the
 *   swap map."
 *
 * Linux's swap_map[offset]++ on a freed slot leaves a 1 that no cluster
 * count knows about; the word here has no count field while free, so the
 * bump writes what that 1 means: swapped out, count 1. The cluster's
 * count, the device's inuse and the allocator all still call the slot
 * free (swap_check sees it), and the bumper's later swap_free frees it a
 * second time. A cluster whose table is gone has no word to write:
 * -ENOENT, the one look the bump makes (memory safety, not the count).
 */
int swap_count_bump_unchecked(swp_entry_t entry)
{
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry);
	int err = -ENOENT;
	if (si) {
		struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(entry));
		unsigned off = swp_offset(entry) % swap_cluster_slots;
		unsigned long irq = swap_cluster_lock(ci);
		if (ci->table) {
			u64 tb = swap_table_get(ci->table, off);
			unsigned long count = swap_cluster_count_of(ci, off, tb);
			if (swp_tb_is_free(tb)) {
				stat_inc(swap_bump_free_slot);
				tb = swp_tb_mk_count(0, 0); /* swap_map's 0 */
			}
			u64 ntb = swap_cluster_set_count(si, ci, off, tb, count + 1, &err);
			if (!err)
				__swap_table_set(ci, off, ntb);
		}
		swap_cluster_unlock(ci, irq);
	}
	rcu_read_unlock();
	return err;
}

/*
 * swap.bypass_sync_cache=bump-checked, the thread's safe variant: "1.
 * Lock the cluster/swap lock; 2. Check if still have swap_count == 1,
 * bail out if not; 3. Set it to 2". -ENOENT when the slot was freed since
 * the fault looked (counted as swap_bump_free_slot, as the unchecked bump
 * counts what it does to such a slot), -EBUSY when it is held otherwise
 * (cached, pinned, another count).
 */
int swap_count_bump_if_one(swp_entry_t entry)
{
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry);
	int err = -ENOENT;
	if (si) {
		struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(entry));
		unsigned off = swp_offset(entry) % swap_cluster_slots;
		unsigned long irq = swap_cluster_lock(ci);
		u64 tb = ci->table ? swap_table_get(ci->table, off) : 0;
		if (swp_tb_is_free(tb)) {
			stat_inc(swap_bump_free_slot);
		} else if (!swp_tb_is_count(tb) || swp_tb_count(tb) != 1) {
			err = -EBUSY;
		} else {
			__swap_table_set(ci, off, swp_tb_with_count(tb, 2));
			err = 0;
		}
		swap_cluster_unlock(ci, irq);
	}
	rcu_read_unlock();
	return err;
}
