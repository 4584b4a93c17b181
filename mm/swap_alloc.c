/*
 * The cluster swap allocator (Linux's late-2025 design, mm/swapfile.c
 * there): folio_alloc_swap() hands out 2^order contiguous, naturally
 * aligned slots from one cluster.
 *
 * Each CPU keeps a current cluster per order and device and allocates
 * from it holding only its own swap_pcp lock and the cluster's lock; the
 * device lock (si->lock) is taken only to move clusters between lists.
 * When the current cluster has no room, a new one is isolated: from
 * nonfull[order], else the free list (its table allocated then, seed
 * 002), else frag[order]. As a last resort a suitable free range in a
 * cluster of another order, or in another CPU's current cluster, serves
 * (counted as swap_alloc_steal). When no run of the order exists anywhere, the caller
 * gets -ENOSPC and swap_alloc_order_fail rises, so reclaim can split the
 * folio. Devices are tried by priority, highest first.
 *
 * Lock order: docs/ARCHITECTURE.md, "Lock order" (the swap_pcp lock is
 * taken with irqs off). Taking a cluster off a list goes against it
 * (si->lock, then the cluster), so it only trylocks the cluster and skips
 * a busy one.
 */
#include "kernel/fault_inject.h"
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/stats.h"
#include "swap_cluster.h"
#include "swap_table.h"

DEFINE_STAT_COUNTER(swap_alloc_ok);
DEFINE_STAT_COUNTER(swap_alloc_order_fail);
DEFINE_STAT_COUNTER(swap_alloc_steal);
DEFINE_STAT_COUNTER(swap_alloc_slots);
DEFINE_STAT_COUNTER(swap_slots_freed); /* by swap_free, the swap cache, an unpin */

/* Named, as one class for the lock statistics (kernel/lock_stat.h). */
DEFINE_PER_CPU(spinlock_t,
	       swap_pcp_locks) = { [0 ... NR_CPUS_MAX - 1] = { SPINLOCK_INIT("swap_pcp") } };

spinlock_t *swap_pcp_lock(unsigned cpu)
{
	return &per_cpu(swap_pcp_locks, cpu);
}

static bool cluster_is_full(const struct swap_cluster *ci)
{
	return ci->count + ci->nr_bad >= swap_cluster_slots;
}

static bool run_is_free(struct swap_info *si, struct swap_cluster *ci, unsigned off, unsigned nr)
{
	u64 first = swap_cluster_first(si, ci);
	for (unsigned i = 0; i < nr; i++) {
		if (!swp_tb_is_free(swap_table_get(ci->table, off + i)))
			return false;
		if (ci->nr_bad && swap_slot_is_bad(si, first + off + i))
			return false;
	}
	return true;
}

/* The first naturally aligned run of 2^order usable free slots of ci,
 * looking from hint and wrapping around; -1 when there is none. */
static int cluster_find_run(struct swap_info *si, struct swap_cluster *ci, unsigned order,
			    unsigned hint)
{
	unsigned nr = 1u << order, n = swap_cluster_slots;
	if (!ci->table || ci->count + ci->nr_bad + nr > n)
		return -1;
	hint = (hint % n) & ~(nr - 1);
	for (unsigned k = 0; k < n; k += nr) {
		unsigned off = (hint + k) % n;
		if (run_is_free(si, ci, off, nr))
			return (int)off;
	}
	return -1;
}

/*
 * Fill the run: cached for folio (count 0), or swapped out with count 1.
 * ci->lock held. A folio enters the swap cache here whole, under the lock
 * that publishes it in the table (its entry, the cache's references, the
 * flag), as swap_cache_add_folio does: a table that names a folio not yet
 * flagged as cached is what swap.check once saw between the unlock and a
 * later folio_set_swapcache (make stress, x86-64, failing swap writes).
 */
static void cluster_take_run(struct swap_info *si, struct swap_cluster *ci, unsigned off,
			     unsigned order, struct folio *folio)
{
	unsigned nr = 1u << order;
	lockdep_assert_held(&ci->lock);
	for (unsigned i = 0; i < nr; i++) {
		u64 tb = folio ? swp_tb_mk_folio(folio_pfn(folio) + i, 0) : swp_tb_mk_count(1, 0);
		__swap_table_set(ci, off + i, tb);
	}
	if (folio) {
		folio->page.swap = swp_entry(si->type, swap_cluster_first(si, ci) + off).val;
		folio_ref_add(folio, (int)nr); /* the cache's, one per page */
		folio_set_swapcache(folio);
	}
	ci->count += nr;
	atomic_long_add(&si->inuse, nr);
	stat_add(swap_alloc_slots, nr);
}

/* Put ci (on no list) on the list its contents call for. si->lock held.
 * (Linux's relocate_cluster and move_cluster.) */
static void cluster_relist(struct swap_info *si, struct swap_cluster *ci, bool fragmented)
{
	lockdep_assert_held(&si->lock);
	if (ci->count == 0) {
		ci->state = CLUSTER_FREE;
		list_add_tail(&ci->list, &si->free_clusters);
		swap_cluster_free_table(si, ci);
	} else if (cluster_is_full(ci)) {
		ci->state = CLUSTER_FULL;
		list_add_tail(&ci->list, &si->full_clusters);
	} else if (fragmented) {
		ci->state = CLUSTER_FRAG;
		list_add_tail(&ci->list, &si->frag[ci->order]);
	} else {
		ci->state = CLUSTER_NONFULL;
		list_add_tail(&ci->list, &si->nonfull[ci->order]);
	}
}

static void cluster_release(struct swap_info *si, struct swap_cluster *ci, bool fragmented)
{
	spin_lock(&si->lock);
	cluster_relist(si, ci, fragmented);
	spin_unlock(&si->lock);
}

void swap_cluster_release(struct swap_info *si, struct swap_cluster *ci)
{
	lockdep_assert_held(&ci->lock);
	cluster_release(si, ci, false);
}

void swap_cluster_free_slots(struct swap_info *si, struct swap_cluster *ci, unsigned nr)
{
	lockdep_assert_held(&ci->lock);
	if (!nr)
		return;
	ci->count -= nr;
	atomic_long_add(&si->inuse, -(long)nr);
	stat_add(swap_slots_freed, nr);
	switch (ci->state) {
	case CLUSTER_PERCPU:
	case CLUSTER_ISOLATED:
	case CLUSTER_TABLE_ALLOC:
		return; /* its owner lists it when done */
	case CLUSTER_NONFULL:
		if (ci->count)
			return;
		break;
	default:
		break;
	}
	spin_lock(&si->lock);
	list_del(&ci->list);
	cluster_relist(si, ci, false);
	spin_unlock(&si->lock);
}

/* Take the first cluster of list that is not busy off it: returned locked
 * and ISOLATED, or NULL (Linux's isolate_lock_cluster). */
static struct swap_cluster *isolate_from(struct swap_info *si, struct list_head *list)
{
	struct swap_cluster *ci;
	spin_lock(&si->lock);
	list_for_each_entry (ci, list, list) {
		if (!spin_trylock(&ci->lock))
			continue;
		list_del(&ci->list);
		ci->state = CLUSTER_ISOLATED;
		spin_unlock(&si->lock);
		return ci;
	}
	spin_unlock(&si->lock);
	return NULL;
}

static struct swap_cluster *isolate_cluster(struct swap_info *si, unsigned order)
{
	struct swap_cluster *ci = isolate_from(si, &si->nonfull[order]);
	if (!ci)
		ci = isolate_from(si, &si->free_clusters);
	if (!ci)
		ci = isolate_from(si, &si->frag[order]);
	return ci;
}

/* A run of the order in one of cpu's current clusters (other orders when
 * cpu is this CPU). Takes that CPU's swap_pcp lock; interrupts are off. */
static int steal_from_current(struct swap_info *si, unsigned cpu, unsigned order,
			      struct folio *folio, u64 *offset)
{
	int ret = -ENOSPC;
	spin_lock(swap_pcp_lock(cpu));
	for (unsigned o = 0; o < SWAP_NR_ORDERS; o++) {
		u32 idx = si->pcp_cluster[cpu][o];
		if ((o == order && cpu == arch_cpu_id()) || !idx)
			continue;
		struct swap_cluster *ci = &si->clusters[idx - 1];
		spin_lock(&ci->lock);
		int off = cluster_find_run(si, ci, order, 0);
		if (off >= 0) {
			cluster_take_run(si, ci, (unsigned)off, order, folio);
			*offset = swap_cluster_first(si, ci) + (unsigned)off;
			ret = 0;
		}
		spin_unlock(&ci->lock);
		if (ret == 0)
			break;
	}
	spin_unlock(swap_pcp_lock(cpu));
	return ret;
}

/*
 * Last resort: a free range of the order inside a partly used cluster
 * that serves another order (after random frees, an order-0 cluster may
 * hold aligned free runs), or inside another CPU's current cluster. The
 * cluster keeps its list, its owner and its order. Called with no swap
 * lock held and interrupts off; takes one CPU's swap_pcp lock at a time,
 * and only tries cluster locks while si->lock is held.
 */
static int steal_run(struct swap_info *si, unsigned order, struct folio *folio, u64 *offset)
{
	unsigned me = arch_cpu_id();
	if (steal_from_current(si, me, order, folio, offset) == 0)
		return 0;
	spin_lock(&si->lock);
	for (unsigned o = 0; o < SWAP_NR_ORDERS * 2; o++) {
		struct list_head *list =
			o < SWAP_NR_ORDERS ? &si->nonfull[o] : &si->frag[o - SWAP_NR_ORDERS];
		struct swap_cluster *ci;
		list_for_each_entry (ci, list, list) {
			if (!spin_trylock(&ci->lock))
				continue;
			int off = cluster_find_run(si, ci, order, 0);
			if (off >= 0) {
				cluster_take_run(si, ci, (unsigned)off, order, folio);
				if (cluster_is_full(ci)) {
					list_del(&ci->list);
					cluster_relist(si, ci, false);
				}
				spin_unlock(&ci->lock);
				spin_unlock(&si->lock);
				*offset = swap_cluster_first(si, ci) + (unsigned)off;
				return 0;
			}
			spin_unlock(&ci->lock);
		}
	}
	spin_unlock(&si->lock);
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		if (cpu != me && steal_from_current(si, cpu, order, folio, offset) == 0)
			return 0;
	return -ENOSPC;
}

/* Try this CPU's current cluster of the order. 0 when it served; else it
 * is given up (its list decided by its contents) and -ENOSPC. */
static int alloc_from_current(struct swap_info *si, unsigned cpu, unsigned order,
			      struct folio *folio, u64 *offset)
{
	u32 idx = si->pcp_cluster[cpu][order];
	if (!idx)
		return -ENOSPC;
	struct swap_cluster *ci = &si->clusters[idx - 1];
	spin_lock(&ci->lock);
	ASSERT(ci->state == CLUSTER_PERCPU);
	int off = cluster_find_run(si, ci, order, si->pcp_next[cpu][order]);
	if (off >= 0) {
		cluster_take_run(si, ci, (unsigned)off, order, folio);
		si->pcp_next[cpu][order] = (u16)((unsigned)off + (1u << order));
		*offset = swap_cluster_first(si, ci) + (unsigned)off;
		if (cluster_is_full(ci)) {
			si->pcp_cluster[cpu][order] = 0;
			cluster_release(si, ci, false);
		}
		spin_unlock(&ci->lock);
		return 0;
	}
	si->pcp_cluster[cpu][order] = 0;
	cluster_release(si, ci, true);
	spin_unlock(&ci->lock);
	return -ENOSPC;
}

/* Allocate on one device; *offset gets the first slot. */
static int swap_alloc_from(struct swap_info *si, unsigned order, struct folio *folio, u64 *offset)
{
	unsigned long irq = spin_lock_irqsave(swap_pcp_lock(arch_cpu_id()));
	int ret = -ENOSPC;
	bool new_current = false;
	/* Each cluster can be taken, found fragmented and passed on a few
	 * times at most; the budget makes a pathological pass finite. */
	for (unsigned budget = 3 * si->nr_clusters + 3; budget; budget--) {
		unsigned cpu = arch_cpu_id();
		if (alloc_from_current(si, cpu, order, folio, offset) == 0) {
			ret = 0;
			break;
		}
		struct swap_cluster *ci = isolate_cluster(si, order);
		if (!ci)
			break;
		if (!ci->table) {
			ci->order = (u8)order;
			int err = swap_cluster_alloc_table(si, ci, order, &irq);
			if (err == -EAGAIN)
				continue; /* the v3 fallback: ci is lost; use the current cluster */
			if (err) {
				ret = err;
				break;
			}
			cpu = arch_cpu_id(); /* we may have slept and moved */
		}
		if (ci->count == 0)
			ci->order = (u8)order;
		int off = cluster_find_run(si, ci, order, 0);
		if (off < 0) {
			cluster_release(si, ci, true);
			spin_unlock(&ci->lock);
			continue;
		}
		cluster_take_run(si, ci, (unsigned)off, order, folio);
		*offset = swap_cluster_first(si, ci) + (unsigned)off;
		if (!cluster_is_full(ci) && ci->order == order && !si->pcp_cluster[cpu][order]) {
			ci->state = CLUSTER_PERCPU;
			si->pcp_cluster[cpu][order] = swap_cluster_index(si, ci) + 1;
			si->pcp_next[cpu][order] = (u16)((unsigned)off + (1u << order));
			new_current = true;
		} else {
			cluster_release(si, ci, false);
		}
		spin_unlock(&ci->lock);
		ret = 0;
		break;
	}
	spin_unlock(swap_pcp_lock(arch_cpu_id()));
	if (ret == -ENOSPC && steal_run(si, order, folio, offset) == 0) {
		stat_inc(swap_alloc_steal);
		ret = 0;
	}
	arch_irq_restore(irq);
	if (new_current)
		race_point("swap:new-percpu-cluster"); /* seed 002's sleeper wakes here */
	return ret;
}

void swap_pcp_drain(struct swap_info *si)
{
	unsigned cpu;
	for (cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		unsigned long irq = spin_lock_irqsave(swap_pcp_lock(cpu));
		for (unsigned o = 0; o < SWAP_NR_ORDERS; o++) {
			u32 idx = si->pcp_cluster[cpu][o];
			if (!idx)
				continue;
			struct swap_cluster *ci = &si->clusters[idx - 1];
			si->pcp_cluster[cpu][o] = 0;
			spin_lock(&ci->lock);
			cluster_release(si, ci, false);
			spin_unlock(&ci->lock);
		}
		spin_unlock_irqrestore(swap_pcp_lock(cpu), irq);
	}
}

/*
 * Over the devices by priority. Each device tried is pinned by its
 * alloc_users count, which swapoff waits to fall to zero, so the snapshot
 * stays valid without holding swap_lock while allocating (which may sleep).
 */
static int swap_alloc_slots(int type, unsigned order, struct folio *folio, swp_entry_t *entry)
{
	if (order >= SWAP_NR_ORDERS || (1u << order) > swap_cluster_slots)
		return -EINVAL;
	struct swap_info *devs[MAX_SWAPFILES];
	unsigned n = 0;
	unsigned long irq = spin_lock_irqsave(&swap_lock);
	struct swap_info *si;
	list_for_each_entry (si, &swap_avail, avail) {
		if (type >= 0 && si->type != (unsigned)type)
			continue;
		atomic_inc(&si->alloc_users);
		devs[n++] = si;
	}
	spin_unlock_irqrestore(&swap_lock, irq);

	int ret = -ENOSPC;
	for (int pass = 0; pass < 2 && ret == -ENOSPC; pass++) {
		for (unsigned i = 0; i < n && ret != 0; i++) {
			u64 offset;
			if (!(devs[i]->flags & SWP_WRITEOK))
				continue;
			/* Second pass: every device was full; give back the
			 * slots the swap cache alone holds, then try again. */
			if (pass == 1 && !swap_reclaim_cache_only(devs[i]))
				continue;
			int err = swap_alloc_from(devs[i], order, folio, &offset);
			if (err == 0) {
				*entry = swp_entry(devs[i]->type, offset);
				ret = 0;
			} else if (ret == -ENOSPC) {
				ret = err; /* -ENOMEM says more than -ENOSPC */
			}
		}
	}
	for (unsigned i = 0; i < n; i++)
		atomic_dec(&devs[i]->alloc_users);
	if (ret == 0)
		stat_inc(swap_alloc_ok);
	else if (ret == -ENOSPC)
		stat_inc(swap_alloc_order_fail);
	return ret;
}

int swap_alloc(unsigned order, swp_entry_t *entry)
{
	return swap_alloc_slots(-1, order, NULL, entry);
}

int swap_alloc_type(unsigned type, unsigned order, swp_entry_t *entry)
{
	return swap_alloc_slots((int)type, order, NULL, entry);
}

int folio_alloc_swap(struct folio *folio)
{
	ASSERT(folio_test_locked(folio));
	ASSERT(!folio_test_swapcache(folio));
	swp_entry_t entry;
	/* fail.swap_alloc= (kernel/fault_inject.h): as if every device were
	 * full: a large folio is split, a small one stays in memory. */
	if (should_fail(&fail_swap_alloc, folio_nr_pages(folio) * PAGE_SIZE))
		return -ENOSPC;
	int err = swap_alloc_slots(-1, folio_order(folio), folio, &entry);
	if (err)
		return err;
	/* In the cache already, with its entry (cluster_take_run). */
	ASSERT(folio_test_swapcache(folio) && folio_swap_entry(folio).val == entry.val);
	race_point("swap:after-alloc"); /* mm_race.swap_check_sees_an_allocated_folio_cached */
	return 0;
}
