/*
 * The swap cache: a folio whose data belongs to swap slots is found from
 * the slots, through their table words (mm/swap_table.h), not through a
 * separate index. Every swap-in goes through it (seed 000): whoever puts
 * a folio in first reads the data; everyone else finds that folio, takes
 * its lock and waits for the read.
 *
 * Changes happen under the cluster lock with the folio locked. Lookups
 * take no lock: under RCU they load the word, take a reference on the
 * folio it names if the folio is still alive, and check the word again.
 * A cluster's table freed meanwhile is seen as NULL or as all free (seed
 * 002), which reads as a miss.
 *
 * The cache holds one folio reference per page while it holds the folio.
 */
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/race.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "kernel/wait.h"
#include "page_io.h"
#include "swap_cluster.h"
#include "swap_readahead.h"
#include "swap_table.h"

DEFINE_STAT_COUNTER(swap_cache_adds);
DEFINE_STAT_COUNTER(swap_cache_dels);
DEFINE_STAT_COUNTER(swap_cache_lookup_hits);
DEFINE_STAT_COUNTER(swap_cache_lookup_misses);

swp_entry_t folio_swap_entry(const struct folio *folio)
{
	return (swp_entry_t){ folio->page.swap };
}

struct folio *swap_cache_get_folio(swp_entry_t entry)
{
	struct folio *found = NULL;
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry);
	if (!si)
		goto out;
	u64 offset = swp_offset(entry);
	struct swap_cluster *ci = swap_offset_cluster(si, offset);
	u64 *table = rcu_dereference(ci->table);
	unsigned off = offset % swap_cluster_slots;
	if (!table)
		goto out;
	race_point("swap:cache-get-table");
	u64 tb = swap_table_get(table, off);
	if (!swp_tb_is_folio(tb))
		goto out;
	struct folio *folio = page_folio(pfn_to_page(swp_tb_pfn(tb)));
	if (!folio_try_get(folio))
		goto out;
	/* Still the same slot's folio? (It may have left the cache and been
	 * freed and reused between the load and the reference.) */
	if (swap_table_get(table, off) != tb || !folio_test_swapcache(folio)) {
		folio_put(folio);
		goto out;
	}
	found = folio;
out:
	rcu_read_unlock();
	if (found)
		stat_inc(swap_cache_lookup_hits);
	else
		stat_inc(swap_cache_lookup_misses);
	return found;
}

/* The slots' checks and the insertion together: Linux's
 * __swap_cache_prepare_and_add (its swapcache_prepare, then
 * swap_cache_add_folio). */
int swap_cache_add_folio(struct folio *folio, swp_entry_t entry)
{
	ASSERT(folio_test_locked(folio));
	ASSERT(!folio_test_swapcache(folio));
	unsigned nr = (unsigned)folio_nr_pages(folio);
	struct swap_info *si = swap_entry_info(entry);
	u64 offset = swp_offset(entry);
	if (!si || offset + nr > si->nr_slots)
		return -ENOENT;
	if ((offset & (nr - 1)) || nr > swap_cluster_slots)
		return -EINVAL;
	struct swap_cluster *ci = swap_offset_cluster(si, offset);
	unsigned first = offset % swap_cluster_slots;
	int err = 0;
	unsigned long irq = swap_cluster_lock(ci);
	for (unsigned i = 0; i < nr && !err; i++) {
		u64 tb = ci->table ? swap_table_get(ci->table, first + i) : 0;
		if (swp_tb_is_free(tb))
			err = -ENOENT;
		else if (swp_tb_is_folio(tb))
			err = -EEXIST;
		else if (swp_tb_is_pinned(tb))
			err = -EBUSY;
	}
	if (!err) {
		for (unsigned i = 0; i < nr; i++) {
			u64 tb = swap_table_get(ci->table, first + i);
			__swap_table_set(ci, first + i,
					 swp_tb_mk_folio(folio_pfn(folio) + i, swp_tb_count(tb)));
		}
		folio->page.swap = entry.val;
		folio_ref_add(folio, (int)nr);
		folio_set_swapcache(folio);
		stat_inc(swap_cache_adds);
	}
	swap_cluster_unlock(ci, irq);
	if (!err)
		race_point("swap:cache-added");
	return err;
}

void swap_cache_del_folio(struct folio *folio)
{
	ASSERT(folio_test_locked(folio));
	ASSERT(folio_test_swapcache(folio));
	swp_entry_t entry = folio_swap_entry(folio);
	unsigned nr = (unsigned)folio_nr_pages(folio);
	struct swap_info *si = swap_entry_info(entry);
	ASSERT(si);
	u64 offset = swp_offset(entry);
	struct swap_cluster *ci = swap_offset_cluster(si, offset);
	unsigned first = offset % swap_cluster_slots, freed = 0;
	unsigned long irq = swap_cluster_lock(ci);
	for (unsigned i = 0; i < nr; i++) {
		u64 tb = swap_table_get(ci->table, first + i);
		ASSERT(swp_tb_is_folio(tb) && swp_tb_pfn(tb) == folio_pfn(folio) + i);
		if (swp_tb_count(tb)) {
			/* Back to swapped out; an extended count stays in the side table. */
			__swap_table_set(ci, first + i, swp_tb_mk_count(swp_tb_count(tb), 0));
		} else {
			__swap_table_set(ci, first + i, 0);
			freed++;
		}
	}
	folio_clear_swapcache(folio);
	folio->page.swap = 0;
	swap_cluster_free_slots(si, ci, freed);
	swap_cluster_unlock(ci, irq);
	stat_inc(swap_cache_dels);
	swap_readahead_leave_cache(folio); /* read ahead and never mapped? */
	folio_put_refs(folio, (int)nr);
}

void swap_cache_replace(struct folio *old, struct folio *new_folio)
{
	ASSERT(folio_test_locked(old) && folio_test_locked(new_folio));
	ASSERT(folio_test_swapcache(old) && !folio_test_swapcache(new_folio));
	unsigned nr = (unsigned)folio_nr_pages(old);
	ASSERT(folio_nr_pages(new_folio) == nr);
	swp_entry_t entry = folio_swap_entry(old);
	struct swap_info *si = swap_entry_info(entry);
	ASSERT(si);
	u64 offset = swp_offset(entry);
	struct swap_cluster *ci = swap_offset_cluster(si, offset);
	unsigned first = offset % swap_cluster_slots;
	folio_ref_add(new_folio, (int)nr);
	new_folio->page.swap = entry.val;
	folio_set_swapcache(new_folio);
	unsigned long irq = swap_cluster_lock(ci);
	for (unsigned i = 0; i < nr; i++) {
		u64 tb = swap_table_get(ci->table, first + i);
		ASSERT(swp_tb_is_folio(tb) && swp_tb_pfn(tb) == folio_pfn(old) + i);
		__swap_table_set(ci, first + i,
				 swp_tb_mk_folio(folio_pfn(new_folio) + i, swp_tb_count(tb)));
	}
	swap_cluster_unlock(ci, irq);
	folio_clear_swapcache(old);
	old->page.swap = 0;
	folio_put_refs(old, (int)nr);
}

bool swap_cache_peek(swp_entry_t entry)
{
	bool cached = false;
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry);
	if (si) {
		struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(entry));
		u64 *table = rcu_dereference(ci->table);
		cached = table && swp_tb_is_folio(swap_table_get(
					  table, swp_offset(entry) % swap_cluster_slots));
	}
	rcu_read_unlock();
	return cached;
}

bool folio_free_swap(struct folio *folio)
{
	ASSERT(folio_test_locked(folio));
	if (!folio_test_swapcache(folio) || folio_test_writeback(folio))
		return false;
	swp_entry_t e = folio_swap_entry(folio);
	for (unsigned long i = 0; i < folio_nr_pages(folio); i++)
		if (swap_count(swp_entry(swp_type(e), swp_offset(e) + i)))
			return false;
	swap_cache_del_folio(folio);
	return true;
}

void free_swap_cache(struct folio *folio)
{
	if (folio_test_swapcache(folio) && !folio_mapped(folio) && folio_trylock(folio)) {
		folio_free_swap(folio);
		folio_unlock(folio);
	}
}

bool vm_swap_full(const struct swap_info *si)
{
	return !si || (u64)atomic_long_read(&si->inuse) * 2 > si->nr_usable;
}

/*
 * The slots of si in [from, end) that only the swap cache holds (a page a
 * read fault kept its slot for, swap.keep_slot_on_read; a written page
 * still cached; a page swapoff brought in) are freed, their folios taken
 * out of the cache. Two callers, so two modes:
 *
 * NOWAIT: an allocation that found every device full (Linux's
 * __try_to_reclaim_swap). Its caller holds a folio lock of its own, so
 * sleeping on another's could deadlock: trylock only; a folio under
 * writeback keeps its slots (folio_free_swap refuses it; the write's end
 * or a later pass frees them). A slot a swap PTE holds is passed over
 * before its folio is looked up: no reference or trylock the scan cannot
 * use (a trylock here could make a zap's swap_cache_try_free fail).
 *
 * WAIT: swapoff (Linux's try_to_unuse, its cache loop), where every such
 * slot must go: each cached folio, as in Linux even one a swap PTE still
 * holds (folio_free_swap refuses it), is locked and its writeback waited
 * for, and the CPU is given up between folios.
 *
 * Under the lock the folio is checked again: since the lockless lookup it
 * may have left the cache, or entered it again for other slots.
 */
unsigned long swap_cache_reclaim_range(struct swap_info *si, u64 from, u64 end,
				       enum swap_reclaim_mode mode)
{
	bool may_sleep = mode == SWAP_RECLAIM_WAIT;
	unsigned long freed = 0;
	for (s64 off = find_next_to_unuse(si->type, from); off >= 0 && (u64)off < end;
	     off = find_next_to_unuse(si->type, (u64)off + 1)) {
		swp_entry_t e = swp_entry(si->type, (u64)off);
		if (!may_sleep && swap_count(e))
			continue;
		struct folio *folio = swap_cache_get_folio(e);
		if (!folio)
			continue;
		if (may_sleep) {
			folio_lock(folio);
			folio_wait_writeback(folio);
		} else if (!folio_trylock(folio)) {
			folio_put(folio);
			continue;
		}
		unsigned long nr = folio_nr_pages(folio);
		if (folio_test_swapcache(folio) && swp_type(folio_swap_entry(folio)) == si->type &&
		    folio_free_swap(folio))
			freed += nr;
		folio_unlock(folio);
		folio_put(folio);
		if (may_sleep)
			yield();
	}
	return freed;
}

DEFINE_STAT_COUNTER(swap_reclaimed_cache_only); /* slots given back when full */

/*
 * For an allocation that found every device full: the slots held by the
 * swap cache alone are given back (swap_cache_reclaim_range, without
 * waiting), so that pages in RAM do not keep swap from pages that need it.
 * A window of the device after a cursor, so that each failed allocation
 * costs a bounded scan; and once a whole pass over the device gave nothing
 * back, none runs again until a read fault keeps another slot there
 * (kept_gen): a device that is really full, with every slot held by a swap
 * PTE, costs nothing (an OOM test crawled without this). Returns the slots
 * freed.
 */
#define SWAP_RECLAIM_WINDOW 4096u

unsigned long swap_reclaim_cache_only(struct swap_info *si)
{
	long gen = atomic_long_read(&si->kept_gen);
	if (READ_ONCE(si->reclaim_idle_gen) == gen)
		return 0; /* nothing kept since a pass found nothing */
	u64 from = READ_ONCE(si->reclaim_cursor);
	if (from == 0 || from >= si->nr_slots) { /* a new pass */
		from = 0;
		WRITE_ONCE(si->reclaim_cycle_gen, gen);
		WRITE_ONCE(si->reclaim_cycle_freed, 0);
	}
	u64 end = MIN(from + SWAP_RECLAIM_WINDOW, si->nr_slots);
	unsigned long freed = swap_cache_reclaim_range(si, from, end, SWAP_RECLAIM_NOWAIT);
	WRITE_ONCE(si->reclaim_cycle_freed, READ_ONCE(si->reclaim_cycle_freed) + freed);
	WRITE_ONCE(si->reclaim_cursor, end >= si->nr_slots ? 0 : end);
	if (end >= si->nr_slots && READ_ONCE(si->reclaim_cycle_freed) == 0)
		WRITE_ONCE(si->reclaim_idle_gen, READ_ONCE(si->reclaim_cycle_gen));
	stat_add(swap_reclaimed_cache_only, freed);
	return freed;
}

void swap_cache_try_free(swp_entry_t entry)
{
	struct folio *folio = swap_cache_get_folio(entry);
	if (!folio)
		return;
	if (folio_trylock(folio)) {
		if (!folio_mapped(folio) && folio_swap_entry(folio).val <= entry.val &&
		    entry.val < folio_swap_entry(folio).val + folio_nr_pages(folio))
			folio_free_swap(folio);
		folio_unlock(folio);
	}
	folio_put(folio);
	race_point("swap_cache:try-free-done");
}

bool swap_cache_drop_clean(swp_entry_t entry)
{
	struct folio *folio = swap_cache_get_folio(entry);
	if (!folio)
		return false;
	folio_lock(folio);
	bool dropped = folio_swap_entry(folio).val <= entry.val &&
		       entry.val < folio_swap_entry(folio).val + folio_nr_pages(folio) &&
		       folio_free_swap_clean(folio);
	folio_unlock(folio);
	folio_put(folio);
	return dropped;
}

/*
 * The bypass path's pin (swap.bypass_sync_cache=pin-sleep, pin-spin or
 * fallback-cache; seed 003): the slot's word becomes "pinned" while a
 * swap-in reads it into a private folio, so that a second fault (which
 * would read it again) or a cache insertion (swap_cache_add_folio: -EBUSY)
 * backs off or waits. This is Linux's swapcache_prepare setting
 * SWAP_HAS_CACHE with no folio behind it. A pinned slot is never freed
 * (its unpin frees it), so it cannot be handed out again while the pinner
 * reads: that is what makes the pinner's pte_same check sound.
 */
int swap_cache_pin(swp_entry_t entry)
{
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry); /* device on, offset in range */
	if (!si) {
		rcu_read_unlock();
		return -ENOENT;
	}
	struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(entry));
	unsigned off = swp_offset(entry) % swap_cluster_slots;
	int err = 0;
	unsigned long irq = swap_cluster_lock(ci);
	u64 tb = ci->table ? swap_table_get(ci->table, off) : 0;
	if (swp_tb_is_free(tb))
		err = -ENOENT;
	else if (swp_tb_is_pinned(tb))
		err = -EBUSY; /* another fault reads it around the cache */
	else if (swp_tb_is_folio(tb))
		err = -EEXIST;
	else
		__swap_table_set(ci, off, swp_tb_pin(tb));
	swap_cluster_unlock(ci, irq);
	rcu_read_unlock();
	return err;
}

/* Every unpin wakes it; swap_cache_wait_unpin's waiters check their own
 * slot again (one queue for all slots: pins are short and rare). */
static DECLARE_WAIT_QUEUE_HEAD(swap_pin_wq);

/* Undo swap_cache_pin; a slot whose last swap PTE went meanwhile is freed
 * here (Linux's swapcache_clear). */
void swap_cache_unpin(swp_entry_t entry)
{
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry);
	ASSERT(si);
	struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(entry));
	unsigned off = swp_offset(entry) % swap_cluster_slots;
	unsigned long irq = swap_cluster_lock(ci);
	u64 tb = swap_table_get(ci->table, off);
	ASSERT(swp_tb_is_pinned(tb));
	if (swp_tb_count(tb)) {
		__swap_table_set(ci, off, swp_tb_unpin(tb));
	} else {
		__swap_table_set(ci, off, 0);
		swap_cluster_free_slots(si, ci, 1);
	}
	swap_cluster_unlock(ci, irq);
	rcu_read_unlock();
	/* After the word changed: a waiter queued before this sees it woken,
	 * one queued after sees the word (kernel/wait.h's protocol). */
	wake_up_all(&swap_pin_wq);
}

static bool swap_slot_is_pinned(swp_entry_t entry)
{
	bool pinned = false;
	rcu_read_lock();
	struct swap_info *si = swap_entry_info(entry);
	if (si) {
		struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(entry));
		u64 *table = rcu_dereference(ci->table);
		pinned = table && swp_tb_is_pinned(swap_table_get(
					  table, swp_offset(entry) % swap_cluster_slots));
	}
	rcu_read_unlock();
	return pinned;
}

void swap_cache_wait_unpin(swp_entry_t entry)
{
	wait_event(swap_pin_wq, !swap_slot_is_pinned(entry));
}
