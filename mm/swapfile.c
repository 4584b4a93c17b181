/*
 * Swap devices: swapon builds a device's clusters from its mkswap header,
 * swapoff takes them down. The device table swap_info[] is static (its
 * index is the swap entry's type) and never freed, so a stale entry can
 * always be checked against it.
 *
 * Command line:
 *   swap.cluster_slots=N   slots per cluster, a power of two 64..4096
 *                          (default 512); orders above log2(N) cannot be
 *                          swapped out whole
 *   swap.table_alloc=static|dynamic   tables allocated at swapon for every
 *                          cluster, or when a cluster is first used and freed
 *                          when it is empty again (default, seed 002)
 *   swap.check=1           run swap_check() at every swapoff and at the
 *                          end of the boot; a failure fails the boot
 *   swap.report=1          print swap_report() at the end of the boot
 */
#include "drivers/blockdev.h"
#include "drivers/swapdev.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kmalloc.h"
#include "swap_cluster.h"
#include "swap_table.h"

struct swap_info swap_info[MAX_SWAPFILES];
DEFINE_SPINLOCK(swap_lock);
LIST_HEAD(swap_avail);

unsigned swap_cluster_slots = 512;
static bool table_alloc_static;
bool swap_check_on_request;
static bool swap_report_on_request;

/* swap.cluster_slots= and swap_set_cluster_slots: a power of two 64..4096. */
static bool cluster_slots_valid(u64 n)
{
	return n >= 64 && n <= 4096 && !(n & (n - 1));
}

static int parse_cluster_slots(const char *val, size_t len)
{
	u64 n;
	if (str_parse_u64(val, len, &n, false))
		return -EINVAL;
	if (!cluster_slots_valid(n)) {
		pr_err("swap: swap.cluster_slots=%lu: must be a power of two from 64 to 4096\n",
		       (unsigned long)n);
		return -EINVAL;
	}
	swap_cluster_slots = (unsigned)n;
	return 0;
}
KPARAM_FN(swap_cluster_slots, "swap.cluster_slots", parse_cluster_slots,
	  "slots per swap cluster: a power of two 64..4096 (default 512)");

static const struct kparam_choice table_alloc_choices[] = {
	{ "static", true },
	{ "dynamic", false },
};
KPARAM_ENUM(swap_table_alloc, "swap.table_alloc", &table_alloc_static, table_alloc_choices,
	    "static (every cluster's table at swapon) or dynamic (on first use, freed when empty; "
	    "default)");
KPARAM_BOOL(swap_check, "swap.check", &swap_check_on_request,
	    "check the swap accounting at every swapoff and at the end of the boot");
KPARAM_BOOL(swap_report, "swap.report", &swap_report_on_request,
	    "print the swap devices' slots, clusters and metadata at the end of the boot");

int swap_boot_end(void)
{
	if (swap_report_on_request)
		swap_report();
	if (!swap_check_on_request)
		return 0;
	int problems = swap_check();
	pr_info("swap: accounting check at the end of the boot: %d problems\n", problems);
	return problems;
}

/* Test helpers change the mode between swapons. */
void swap_set_table_alloc_static(bool on)
{
	table_alloc_static = on;
}

bool swap_table_alloc_is_static(void)
{
	return table_alloc_static;
}
int swap_set_cluster_slots(unsigned n)
{
	if (!cluster_slots_valid(n))
		return -EINVAL;
	for (unsigned i = 0; i < MAX_SWAPFILES; i++)
		if (swap_info[i].flags & SWP_USED)
			return -EBUSY;
	swap_cluster_slots = n;
	return 0;
}

void swap_pcp_drain_all(void)
{
	for (unsigned i = 0; i < MAX_SWAPFILES; i++)
		if (__atomic_load_n(&swap_info[i].flags, __ATOMIC_ACQUIRE) & SWP_WRITEOK)
			swap_pcp_drain(&swap_info[i]);
}

unsigned swap_nr_devices(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MAX_SWAPFILES; i++)
		if (__atomic_load_n(&swap_info[i].flags, __ATOMIC_ACQUIRE) & SWP_USED)
			n++;
	return n;
}

bool swap_slot_is_bad(struct swap_info *si, u64 offset)
{
	if (offset == 0 || offset >= si->nr_slots)
		return true;
	unsigned lo = 0, hi = si->nr_bad;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (si->bad[mid] == offset)
			return true;
		if (si->bad[mid] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct swap_info *swap_entry_info(swp_entry_t entry)
{
	unsigned type = swp_type(entry);
	if (type >= MAX_SWAPFILES)
		return NULL;
	struct swap_info *si = &swap_info[type];
	if (!(__atomic_load_n(&si->flags, __ATOMIC_ACQUIRE) & SWP_USED))
		return NULL;
	if (swp_offset(entry) >= si->nr_slots)
		return NULL;
	return si;
}

/* The device of a type that is on, or NULL. */
static struct swap_info *swap_type_info(unsigned type)
{
	return type < MAX_SWAPFILES && (swap_info[type].flags & SWP_USED) ? &swap_info[type] : NULL;
}

struct blockdev *swap_type_blockdev(unsigned type)
{
	struct swap_info *si = swap_type_info(type);
	return si ? si->bdev : NULL;
}

bool swap_device_stable_writes(swp_entry_t entry)
{
	struct blockdev *bd = swap_type_blockdev(swp_type(entry));
	return bd && bd->stable_writes;
}

bool swap_device_synchronous_io(swp_entry_t entry)
{
	struct blockdev *bd = swap_type_blockdev(swp_type(entry));
	return bd && bd->synchronous_io;
}

u64 swap_type_nr_slots(unsigned type)
{
	struct swap_info *si = swap_type_info(type);
	return si ? si->nr_slots : 0;
}

static void sort_u32(u32 *a, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && a[j - 1] > a[j]; j--) {
			u32 t = a[j];
			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

static void swap_info_free(struct swap_info *si)
{
	if (si->clusters) {
		for (unsigned i = 0; i < si->nr_clusters; i++)
			if (si->clusters[i].table)
				swap_table_free_now(si, si->clusters[i].table);
	}
	kfree(si->clusters);
	kfree(si->check_seen);
	kfree(si->bad);
	si->clusters = NULL;
	si->check_seen = NULL;
	si->bad = NULL;
}

/* Clusters, holes and (static mode) tables of a device being switched on. */
static int swap_info_build(struct swap_info *si, const struct swap_area_info *area)
{
	unsigned n = swap_cluster_slots;
	si->nr_slots = (u64)area->last_page + 1;
	si->nr_clusters = (unsigned)((si->nr_slots + n - 1) / n);
	si->clusters = kzalloc(si->nr_clusters * sizeof(struct swap_cluster), GFP_KERNEL);
	si->check_seen = kzalloc(si->nr_clusters, GFP_KERNEL);
	si->bad = area->nr_badpages ? kmalloc(area->nr_badpages * sizeof(u32), GFP_KERNEL) : NULL;
	if (!si->clusters || !si->check_seen || (area->nr_badpages && !si->bad))
		return -ENOMEM;
	si->nr_bad = 0;
	for (unsigned i = 0; i < area->nr_badpages; i++)
		if (area->badpages[i] != 0 && area->badpages[i] < si->nr_slots)
			si->bad[si->nr_bad++] = area->badpages[i];
	sort_u32(si->bad, si->nr_bad);

	spin_lock_init(&si->lock, "swap_info");
	list_init(&si->free_clusters);
	list_init(&si->full_clusters);
	for (unsigned o = 0; o < SWAP_NR_ORDERS; o++) {
		list_init(&si->nonfull[o]);
		list_init(&si->frag[o]);
	}
	si->nr_usable = 0;
	for (unsigned c = 0; c < si->nr_clusters; c++) {
		struct swap_cluster *ci = &si->clusters[c];
		spin_lock_init(&ci->lock, "swap_cluster");
		for (unsigned i = 0; i < n; i++)
			ci->nr_bad += swap_slot_is_bad(si, (u64)c * n + i);
		si->nr_usable += n - ci->nr_bad;
		if (si->static_tables) {
			ci->table = swap_table_alloc_now(si, true);
			if (!ci->table)
				return -ENOMEM;
		}
		if (ci->nr_bad == n) {
			ci->state = CLUSTER_FULL; /* nothing in it can be handed out */
			list_add_tail(&ci->list, &si->full_clusters);
		} else {
			ci->state = CLUSTER_FREE;
			list_add_tail(&ci->list, &si->free_clusters);
		}
	}
	return si->nr_usable ? 0 : -EINVAL;
}

/* Put si on swap_avail, before the first device of lower priority, and
 * let allocations use it. */
static void swap_avail_add(struct swap_info *si)
{
	unsigned long irq = spin_lock_irqsave(&swap_lock);
	struct list_head *pos = &swap_avail;
	struct swap_info *other;
	list_for_each_entry (other, &swap_avail, avail) {
		if (other->prio < si->prio) {
			pos = &other->avail;
			break;
		}
	}
	list_add_tail(&si->avail, pos);
	__atomic_store_n(&si->flags, SWP_USED | SWP_WRITEOK, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&swap_lock, irq);
}

int swapon(struct blockdev *bd, const struct swap_area_info *area, int prio)
{
	unsigned long irq = spin_lock_irqsave(&swap_lock);
	struct swap_info *si = NULL;
	for (unsigned i = 0; i < MAX_SWAPFILES; i++) {
		if ((swap_info[i].flags & SWP_USED) && swap_info[i].bdev == bd) {
			spin_unlock_irqrestore(&swap_lock, irq);
			pr_err("swap: %s: already on\n", bd->name);
			return -EBUSY;
		}
	}
	for (unsigned i = 0; i < MAX_SWAPFILES && !si; i++)
		if (!swap_info[i].flags)
			si = &swap_info[i];
	if (!si) {
		spin_unlock_irqrestore(&swap_lock, irq);
		pr_err("swap: %s: %d devices are on already\n", bd->name, MAX_SWAPFILES);
		return -ENOSPC;
	}
	unsigned type = (unsigned)(si - swap_info);
	memset(si, 0, sizeof(*si));
	si->flags = SWP_SETUP; /* claimed: other swapons keep off this slot */
	spin_unlock_irqrestore(&swap_lock, irq);

	si->type = type;
	si->prio = prio;
	si->bdev = bd;
	memcpy(si->name, bd->name, sizeof(si->name));
	si->name[sizeof(si->name) - 1] = 0;
	si->static_tables = table_alloc_static;
	int err = swap_info_build(si, area);
	if (err) {
		if (err == -EINVAL)
			pr_err("swap: %s: no usable slot (%lu pages, all bad or header)\n",
			       bd->name, (unsigned long)si->nr_slots);
		else
			pr_err("swap: %s: out of memory for %u clusters\n", bd->name,
			       si->nr_clusters);
		swap_info_free(si);
		irq = spin_lock_irqsave(&swap_lock);
		memset(si, 0, sizeof(*si));
		spin_unlock_irqrestore(&swap_lock, irq);
		return err;
	}

	swap_avail_add(si);
	pr_info("swap: %s: on as type %u, priority %d: %lu slots (%lu usable), %u clusters of %u, "
		"%s tables\n",
		bd->name, type, prio, (unsigned long)si->nr_slots, (unsigned long)si->nr_usable,
		si->nr_clusters, swap_cluster_slots, si->static_tables ? "static" : "dynamic");
	return (int)type;
}

int swapon_blockdev(struct blockdev *bd, int prio)
{
	/* Large (the bad-page list): not on a kernel stack. */
	struct swap_area_info *area = kmalloc(sizeof(*area), GFP_KERNEL);
	if (!area)
		return -ENOMEM;
	int err = swapdev_open(bd, false, area);
	if (!err)
		err = swapon(bd, area, prio);
	kfree(area);
	return err;
}

int swapoff(unsigned type)
{
	if (type >= MAX_SWAPFILES)
		return -EINVAL;
	struct swap_info *si = &swap_info[type];
	unsigned long irq = spin_lock_irqsave(&swap_lock);
	if ((si->flags & (SWP_USED | SWP_WRITEOK)) != (SWP_USED | SWP_WRITEOK)) {
		spin_unlock_irqrestore(&swap_lock, irq);
		return -EINVAL;
	}
	si->flags &= ~SWP_WRITEOK;
	list_del(&si->avail);
	spin_unlock_irqrestore(&swap_lock, irq);

	/* Allocators that picked the device before: let them finish. */
	while (atomic_read(&si->alloc_users))
		yield();
	int err = try_to_unuse(type);
	if (err || atomic_long_read(&si->inuse)) {
		if (err)
			pr_warn("swap: %s: swapoff failed: %s; the device stays on\n", si->name,
				err == -ENOMEM ? "not enough memory to bring everything back"
					       : "a read failed");
		else
			pr_warn("swap: %s: swapoff refused: %ld slots are held by nothing it can "
				"bring back; the device stays on\n",
				si->name, atomic_long_read(&si->inuse));
		swap_avail_add(si);
		return err ? err : -EBUSY;
	}
	if (swap_check_on_request && swap_check() != 0)
		panic("swap: %s: accounting check failed at swapoff (swap.check=1)", si->name);
	swap_pcp_drain(si);
	irq = spin_lock_irqsave(&swap_lock);
	__atomic_store_n(&si->flags, SWP_SETUP, __ATOMIC_RELEASE); /* still claimed */
	spin_unlock_irqrestore(&swap_lock, irq);
	/* Lock-free readers that found the device before may still look at
	 * its clusters and tables. */
	synchronize_rcu();
	rcu_barrier(); /* tables of emptied clusters, queued by the drain */
	pr_info("swap: %s: off (type %u)\n", si->name, type);
	swap_info_free(si);
	irq = spin_lock_irqsave(&swap_lock);
	memset(si, 0, sizeof(*si));
	spin_unlock_irqrestore(&swap_lock, irq);
	return 0;
}
