/*
 * Swap devices and their clusters: the objects behind mm/swap.h, shared
 * by the swap files of mm/ (swapfile, swap_alloc, swap_table, swap_count,
 * swap_cache, swap_check, swap_stats) and by tests.
 *
 * A device's slots are split into clusters of swap_cluster_slots (512 by
 * default; swap.cluster_slots=N). A cluster is in exactly one state:
 *   FREE     on si->free_clusters: no slot used, no table (dynamic mode)
 *   NONFULL  on si->nonfull[order]: some slots used, some free
 *   FRAG     on si->frag[order]: an allocation of its order found no room
 *   FULL     on si->full_clusters: every usable slot used
 *   PERCPU   on no list: one CPU's current cluster for its order
 *            (si->pcp_cluster[cpu][order] names it)
 *   TABLE_ALLOC  on no list: an allocator dropped its locks to allocate
 *            the cluster's table with sleeping allowed (si->table_waiters
 *            counts them); it keeps that very cluster (seed 002; the v3
 *            patch's fallback, swap.table_alloc_fallback=percpu, loses it)
 *   ISOLATED on no list: held, locked, by one allocator between lists
 * swap_check() verifies this, and that each count matches its table.
 *
 * Slot 0 (the mkswap header), the bad pages of the header and the slots
 * past the device's end are never handed out: they are not slots of any
 * state, just holes the allocator skips (ci->nr_bad, si->bad).
 */
#ifndef MM_SWAP_CLUSTER_H
#define MM_SWAP_CLUSTER_H

#include <asm/cpu.h>
#include "kernel/list.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "swap.h"

enum swap_cluster_state {
	CLUSTER_FREE = 1,
	CLUSTER_NONFULL,
	CLUSTER_FRAG,
	CLUSTER_FULL,
	CLUSTER_PERCPU,
	CLUSTER_TABLE_ALLOC,
	CLUSTER_ISOLATED,
};

/* Linux's struct swap_cluster_info. 48 bytes: under 0.1 byte per slot
 * with 512 slots per cluster. */
struct swap_cluster {
	spinlock_t lock;       /* the table's words, count, order, table */
	struct list_head list; /* on one of the device's lists (si->lock) */
	u64 *table;	       /* one word per slot (swap_table.h); RCU for
				* readers; NULL while FREE in dynamic mode */
	u16 count;	       /* slots not free (lock) */
	u16 nr_bad;	       /* slots never handed out (set at swapon) */
	u8 order;	       /* the folio order it serves (lock) */
	u8 state;	       /* enum swap_cluster_state (lock, and si->lock
				* for the list states) */
};

/* si->flags */
#define SWP_USED (1u << 0)    /* the slot in swap_info[] is taken */
#define SWP_WRITEOK (1u << 1) /* allocations may use it (not during swapoff) */
#define SWP_SETUP (1u << 2)   /* claimed by a swapon or swapoff in progress */

/* Linux's struct swap_info_struct. */
struct swap_info {
	spinlock_t lock; /* the cluster lists and table_waiters */
	unsigned type;
	int prio;
	unsigned flags; /* swap_lock */
	struct blockdev *bdev;
	char name[16];
	u64 nr_slots;  /* pages of the area: last_page + 1 */
	u64 nr_usable; /* slots that can be handed out */
	unsigned nr_clusters;
	struct swap_cluster *clusters;
	/* swap_check's scratch, one byte per cluster, allocated at swapon so
	 * that the check needs no memory when it runs (under fail.kmalloc=
	 * a check at swapoff failed for want of it); used under every
	 * cluster lock and si->lock. */
	u8 *check_seen;
	u32 *bad; /* sorted bad pages (never slot 0) */
	unsigned nr_bad;
	bool static_tables;	   /* every table allocated at swapon */
	atomic_long_t inuse;	   /* slots not free */
	atomic_long_t table_bytes; /* tables now allocated */
	atomic_long_t ext_bytes;   /* side tables now allocated */
	atomic_t alloc_users;	   /* allocators inside (swapoff waits) */
	struct list_head free_clusters, full_clusters;
	struct list_head nonfull[SWAP_NR_ORDERS], frag[SWAP_NR_ORDERS];
	unsigned table_waiters; /* clusters in TABLE_ALLOC (si->lock) */
	/* Current cluster per CPU and order: index + 1, 0 for none; the
	 * offset within it to scan from. Under that CPU's swap_pcp lock. */
	u32 pcp_cluster[NR_CPUS_MAX][SWAP_NR_ORDERS];
	u16 pcp_next[NR_CPUS_MAX][SWAP_NR_ORDERS];
	struct list_head avail; /* on swap_avail by priority (swap_lock) */
	/* swap_reclaim_cache_only's state (a heuristic: racy reads are
	 * harmless). kept_gen counts read faults that kept a slot here
	 * (swap.keep_slot_on_read); a pass over the whole device that freed
	 * nothing sets reclaim_idle_gen to the kept_gen it started at, and
	 * no scan runs again until a fault keeps another slot. */
	atomic_long_t kept_gen;
	u64 reclaim_cursor;
	long reclaim_cycle_gen, reclaim_idle_gen;
	unsigned long reclaim_cycle_freed;
};

extern struct swap_info swap_info[MAX_SWAPFILES];
extern unsigned swap_cluster_slots; /* slots per cluster (power of two) */
extern spinlock_t swap_lock;	    /* swap_info[] flags and swap_avail */
extern struct list_head swap_avail; /* devices on, highest prio first */

/* The per-CPU lock over this CPU's current clusters (Linux's
 * percpu_swap_cluster.lock). Taken with interrupts off. */
spinlock_t *swap_pcp_lock(unsigned cpu);

/* The device and cluster of an entry (Linux's swp_swap_info, now
 * __swap_entry_to_info), or NULL when the entry is bad (no
 * device on, offset out of range). */
struct swap_info *swap_entry_info(swp_entry_t entry);
static inline struct swap_cluster *swap_offset_cluster(struct swap_info *si, u64 offset)
{
	return &si->clusters[offset / swap_cluster_slots];
}
static inline unsigned swap_cluster_index(struct swap_info *si, struct swap_cluster *ci)
{
	return (unsigned)(ci - si->clusters);
}
static inline u64 swap_cluster_first(struct swap_info *si, struct swap_cluster *ci)
{
	return (u64)swap_cluster_index(si, ci) * swap_cluster_slots;
}
/* Is this offset a hole (slot 0, a bad page, past the end)? */
bool swap_slot_is_bad(struct swap_info *si, u64 offset);

/* Cluster lock with interrupts off (completion handlers free slots). */
static inline unsigned long swap_cluster_lock(struct swap_cluster *ci)
{
	return spin_lock_irqsave(&ci->lock);
}
static inline void swap_cluster_unlock(struct swap_cluster *ci, unsigned long irq)
{
	spin_unlock_irqrestore(&ci->lock, irq);
}

/* Set slot off's word of ci's table (Linux's __swap_table_set): only
 * under the cluster lock, which every reader that must see a settled word
 * takes, so the setter checks it holds it. */
static inline void __swap_table_set(struct swap_cluster *ci, unsigned off, u64 tb)
{
	lockdep_assert_held(&ci->lock);
	ASSERT(off < swap_cluster_slots);
	__atomic_store_n(&ci->table[off], tb, __ATOMIC_RELEASE);
}

/* --- lists (swap_alloc.c) --------------------------------------------------- */
/* Put a cluster that is on no list (PERCPU, ISOLATED) on the list its
 * contents call for. ci->lock held, si->lock not. */
void swap_cluster_release(struct swap_info *si, struct swap_cluster *ci);
/* nr slots of ci were cleared in its table: count them free and move the
 * cluster to the list it now belongs on (a cluster on no list is left to
 * its owner). ci->lock held. */
void swap_cluster_free_slots(struct swap_info *si, struct swap_cluster *ci, unsigned nr);
/* Drop every CPU's current clusters of si (swapoff, tests). */
void swap_pcp_drain(struct swap_info *si);

/* --- tables (swap_table.c) ---------------------------------------------------- */
/* Table of a cluster leaving the free list; see swap_table.c. */
int swap_cluster_alloc_table(struct swap_info *si, struct swap_cluster *ci, unsigned order,
			     unsigned long *pcp_irq);
/*
 * What the allocator uses once a sleeping table allocation returns
 * (swap.table_alloc_fallback=, seed 002). Tests set it at run time, while
 * no allocation sleeps.
 */
enum swap_table_alloc_fallback {
	SWAP_TABLE_FALLBACK_ISOLATED, /* default: the cluster it isolated */
	SWAP_TABLE_FALLBACK_PERCPU,   /* the v3 patch: this_cpu_read()'s current
				       * cluster when there is one; the isolated
				       * cluster is lost */
};
extern enum swap_table_alloc_fallback swap_table_alloc_fallback;
/* Bytes of freed tables still waiting for their RCU grace period. */
long swap_table_bytes_in_rcu(void);
/* Free the table of an empty cluster after an RCU grace period. ci->lock
 * and si->lock held. */
void swap_cluster_free_table(struct swap_info *si, struct swap_cluster *ci);
u64 *swap_table_alloc_now(struct swap_info *si, bool can_sleep);
void swap_table_free_now(struct swap_info *si, u64 *table);
unsigned swap_table_order(void);
/* The side table of ci's table (NULL when none). ci->lock held. */
u32 *swap_cluster_ext(struct swap_cluster *ci);
/* A count of slot off of ci (ci->lock held; word already loaded). */
unsigned long swap_cluster_count_of(struct swap_cluster *ci, unsigned off, u64 tb);
/* Set slot off's count, spilling to or back from the side table. Returns
 * the new word (not yet stored), or 0 with -ENOMEM in *err when the side
 * table cannot be had. ci->lock held. */
u64 swap_cluster_set_count(struct swap_info *si, struct swap_cluster *ci, unsigned off, u64 tb,
			   unsigned long count, int *err);

/* Metadata per used and per free slot of one device, in hundredths. */
void swap_meta_centi(struct swap_info *si, u64 *per_used, u64 *per_free);

/* --- tests ------------------------------------------------------------------- */
/* Take a cluster off its list and forget it (tests of swap_check). */
void swap_test_lose_cluster(struct swap_info *si, unsigned index);
/* Put every cluster that is on no list and owned by nobody back on its
 * list (after a test lost some on purpose); returns how many. Quiet device. */
unsigned swap_test_find_lost_clusters(struct swap_info *si);
/* Set each cluster's count (and the device's inuse) to the used words of
 * its table, after a test corrupted them on purpose (seed 003's bump);
 * returns how many clusters changed. Lists are left as they are: the
 * caller runs swap_check after. Quiet device. */
unsigned swap_test_recount_clusters(struct swap_info *si);
/* Switches for tests, between swapons (the command line sets them at boot). */
void swap_set_table_alloc_static(bool on);
bool swap_table_alloc_is_static(void);
/* -EBUSY while a device is on, -EINVAL for a bad size. */
int swap_set_cluster_slots(unsigned n);

#endif
