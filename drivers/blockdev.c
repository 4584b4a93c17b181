/*
 * The block device registry and the checks every request goes through
 * before a driver sees it (see blockdev.h).
 */
#include "blockdev.h"
#include "kernel/cmdline.h"
#include "kernel/completion.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

LIST_HEAD(blockdev_list);
static DEFINE_SPINLOCK(blockdev_lock); /* blockdev_list changes and lookups */

/*
 * blk.stable_writes=NAME[:0|1][,NAME[:0|1]...]: the stable_writes of the
 * devices named, set (NAME or NAME:1) or cleared (NAME:0) as each
 * registers (Linux: the queue's stable_writes attribute, from which swapon
 * sets SWP_STABLE_WRITES). A name no device took by the end of the boot's
 * device bring-up stops the boot (blockdev_check_cmdline).
 */
#define BLK_STABLE_WRITES_MAX 8

struct blk_stable_writes_arg {
	char name[sizeof(((struct blockdev *)0)->name)];
	bool on;
	bool applied; /* a device of that name registered (blockdev_lock) */
};
static struct blk_stable_writes_arg blk_stable_writes_args[BLK_STABLE_WRITES_MAX]; /* set once */
static unsigned blk_nr_stable_writes_args;					   /* set once */

/* One NAME or NAME:0|1 into the table; -EINVAL after saying why. */
static int blk_stable_writes_parse_one(const char *item, size_t len)
{
	bool on = true;
	if (len > 2 && item[len - 2] == ':' && (item[len - 1] == '0' || item[len - 1] == '1')) {
		on = item[len - 1] == '1';
		len -= 2;
	}
	if (len == 0 || len >= sizeof(blk_stable_writes_args[0].name) || memchr(item, ':', len) ||
	    blk_nr_stable_writes_args == BLK_STABLE_WRITES_MAX) {
		pr_err("blockdev: blk.stable_writes: '%.*s' is not NAME, NAME:0 or NAME:1 (NAME a "
		       "block device such as vda or ramswap0, at most %u characters; at most %u "
		       "devices)\n",
		       (int)len, item, (unsigned)sizeof(blk_stable_writes_args[0].name) - 1,
		       BLK_STABLE_WRITES_MAX);
		return -EINVAL;
	}
	struct blk_stable_writes_arg *a = &blk_stable_writes_args[blk_nr_stable_writes_args++];
	memcpy(a->name, item, len);
	a->name[len] = '\0';
	a->on = on;
	return 0;
}

static int blk_stable_writes_parse(const char *val, size_t len)
{
	blk_nr_stable_writes_args = 0;
	for (size_t start = 0; start <= len;) {
		const char *comma = memchr(val + start, ',', len - start);
		size_t end = comma ? (size_t)(comma - val) : len;
		if (blk_stable_writes_parse_one(val + start, end - start))
			return -EINVAL;
		start = end + 1;
	}
	return 0;
}
KPARAM_FN(blk_stable_writes, "blk.stable_writes", blk_stable_writes_parse,
	  "NAME[:0|1],...: set (or with :0 clear) the stable-writes flag of these block devices "
	  "(SWP_STABLE_WRITES for swap; seed 001)");

/* The command line's word on bd's stable_writes, if any (blockdev_lock held). */
static void blk_stable_writes_apply(struct blockdev *bd)
{
	lockdep_assert_held(&blockdev_lock);
	for (unsigned i = 0; i < blk_nr_stable_writes_args; i++) {
		struct blk_stable_writes_arg *a = &blk_stable_writes_args[i];
		if (strcmp(a->name, bd->name) == 0) {
			bd->stable_writes = a->on;
			a->applied = true;
		}
	}
}

int blockdev_check_cmdline(void)
{
	char names[160] = "";
	size_t n = 0;
	struct blockdev *bd;
	bool all_applied = true;
	unsigned long flags = spin_lock_irqsave(&blockdev_lock);
	list_for_each_entry (bd, &blockdev_list, link)
		if (n < sizeof(names))
			n += (size_t)snprintk(names + n, sizeof(names) - n, " %s", bd->name);
	for (unsigned i = 0; i < blk_nr_stable_writes_args; i++)
		all_applied &= blk_stable_writes_args[i].applied;
	spin_unlock_irqrestore(&blockdev_lock, flags);
	for (unsigned i = 0; i < blk_nr_stable_writes_args && !all_applied; i++)
		if (!blk_stable_writes_args[i].applied)
			pr_err("blockdev: blk.stable_writes=%s: no block device has that name; the "
			       "devices are:%s\n",
			       blk_stable_writes_args[i].name, n ? names : " (none)");
	return all_applied ? 0 : -EINVAL;
}

int blockdev_register(struct blockdev *bd)
{
	unsigned long flags = spin_lock_irqsave(&blockdev_lock);
	struct blockdev *o;
	list_for_each_entry (o, &blockdev_list, link) {
		if (strcmp(o->name, bd->name) == 0) {
			spin_unlock_irqrestore(&blockdev_lock, flags);
			pr_err("blockdev: %s already registered\n", bd->name);
			return -EEXIST;
		}
	}
	blk_stable_writes_apply(bd);
	list_add_tail(&bd->link, &blockdev_list);
	spin_unlock_irqrestore(&blockdev_lock, flags);
	pr_info("blockdev: %s: %lu sectors (%lu MiB), block size %u%s%s%s%s\n", bd->name,
		(unsigned long)bd->nr_sectors, (unsigned long)(bd->nr_sectors >> 11),
		bd->block_size, bd->synchronous_io ? ", synchronous" : "",
		bd->stable_writes ? ", stable writes" : "", bd->read_only ? ", read-only" : "",
		bd->polling ? ", polled" : "");
	return 0;
}

void blockdev_unregister(struct blockdev *bd)
{
	unsigned long flags = spin_lock_irqsave(&blockdev_lock);
	list_del(&bd->link);
	spin_unlock_irqrestore(&blockdev_lock, flags);
}

struct blockdev *blockdev_get(const char *name)
{
	struct blockdev *bd, *found = NULL;
	unsigned long flags = spin_lock_irqsave(&blockdev_lock);
	list_for_each_entry (bd, &blockdev_list, link) {
		if (strcmp(bd->name, name) == 0) {
			found = bd;
			break;
		}
	}
	spin_unlock_irqrestore(&blockdev_lock, flags);
	return found;
}

static int blk_check(const struct blockdev *bd, const struct blk_request *rq)
{
	if (rq->op == BLK_FLUSH)
		return rq->nr_pages == 0 ? 0 : -EINVAL;
	if (rq->op != BLK_READ && rq->op != BLK_WRITE)
		return -EINVAL;
	if (rq->nr_pages == 0 || rq->nr_pages > BLK_MAX_PAGES || !rq->pages || !rq->end_io)
		return -EINVAL;
	u64 bs_sectors = bd->block_size >> SECTOR_SHIFT;
	if (bs_sectors > 1 && rq->sector % bs_sectors)
		return -EINVAL;
	u64 n = (u64)rq->nr_pages << (12 - SECTOR_SHIFT);
	if (rq->sector >= bd->nr_sectors || n > bd->nr_sectors - rq->sector)
		return -ERANGE;
	if (rq->op == BLK_WRITE && bd->read_only)
		return -EROFS;
	return 0;
}

int blk_submit(struct blockdev *bd, struct blk_request *rq)
{
	int err = blk_check(bd, rq);
	if (!err) {
		rq->bdev = bd;
		rq->status = 0;
		__atomic_fetch_add(&bd->nr_requests, 1, __ATOMIC_RELAXED);
		err = bd->ops->submit(bd, rq);
	}
	if (err)
		__atomic_fetch_add(&bd->nr_refused, 1, __ATOMIC_RELAXED);
	return err;
}

void blk_poll(struct blockdev *bd)
{
	if (bd->ops->poll)
		bd->ops->poll(bd);
}

static void sync_end_io(struct blk_request *rq)
{
	complete(rq->private);
}

int blk_rw_sync(struct blockdev *bd, enum blk_op op, u64 sector, struct page **pages,
		unsigned nr_pages)
{
	struct completion done;
	struct blk_request rq = {
		.op = op,
		.sector = sector,
		.nr_pages = nr_pages,
		.pages = pages,
		.end_io = sync_end_io,
		.private = &done,
	};
	init_completion(&done);
	int err = blk_submit(bd, &rq);
	if (err)
		return err;
	if (bd->polling) {
		while (!completion_done(&done)) {
			blk_poll(bd);
			yield();
		}
	}
	wait_for_completion(&done);
	return rq.status;
}

/* Devices may be unregistered (and freed) meanwhile: under the registry's
 * lock, which a dying machine's report only tries for a moment. Lock
 * order: blockdev_lock, then a driver's own lock (its report). */
#define BLOCKDEV_REPORT_LOCK_WAIT_NS (100 * 1000 * 1000ull)

void blockdev_report_all(void)
{
	struct blockdev *bd;
	unsigned long flags = arch_irq_save();
	if (!spin_trylock_for(&blockdev_lock, BLOCKDEV_REPORT_LOCK_WAIT_NS)) {
		arch_irq_restore(flags);
		pr_err("blockdev: the device list is locked by cpu %d: no device report\n",
		       spin_lock_holder(&blockdev_lock));
		return;
	}
	list_for_each_entry (bd, &blockdev_list, link) {
		pr_err("blockdev: %s: %lu requests, %lu errors, %lu refused, %lu interrupts\n",
		       bd->name, (unsigned long)bd->nr_requests, (unsigned long)bd->nr_errors,
		       (unsigned long)bd->nr_refused, (unsigned long)bd->nr_irqs);
		if (bd->ops->report)
			bd->ops->report(bd);
	}
	spin_unlock(&blockdev_lock);
	arch_irq_restore(flags);
}
