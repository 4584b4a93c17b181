/*
 * ramswap storage: 2 MiB blocks from the buddy allocator (so a large
 * device needs no large contiguous area), indexed by byte offset / 2 MiB.
 * A request copies page by page; a page at a sector that is not
 * page-aligned may straddle two blocks, so each copy is split at block
 * boundaries. No lock: the data of concurrent requests to the same
 * sectors is undefined, as on a disk; the block table is read-only after
 * creation.
 *
 * An asynchronous device checks its writes' integrity, as a disk with T10
 * DIF protection information does (Linux: bio_integrity_prep computes the
 * guard tags when the write is submitted; the disk checks them when it
 * takes the data): submit computes a checksum of the request's data, and
 * the worker, when it copies the data into the device, checks the copy
 * against it. A mismatch means the pages changed between submission and
 * the copy, a page written under writeback: a torn write. The device
 * stores what it copied, counts it (ramswap_torn_writes), and on a
 * stable_writes device, which promised the page would not change, says
 * so. The worker stops at race point ramswap:write-before-copy before it
 * takes the data, so a test can change a page there (seed 001).
 */
#include "ramswap.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "kernel/wait.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/page_alloc.h"

#define RAMSWAP_BLOCK_ORDER 9
#define RAMSWAP_BLOCK (PAGE_SIZE << RAMSWAP_BLOCK_ORDER)

/* Writes whose data changed between submission and the device's copy
 * (asynchronous devices; seed 001). */
DEFINE_STAT_COUNTER(ramswap_torn_writes);

struct ramswap {
	struct blockdev bd;
	unsigned nr_blocks;
	u8 **blocks;
	/* Asynchronous devices only: requests the worker has yet to do, in
	 * submission order (linked through drv_next), under lock. */
	spinlock_t lock;
	struct blk_request *queue_head, **queue_tail;
	struct wait_queue_head queue_wait;
	struct task *worker; /* set at creation */
	bool stopping;	     /* ramswap_destroy: the worker returns; under lock */
	u64 torn_writes;     /* writes that failed the integrity check (atomic) */
};

static u64 ramswap_size;
KPARAM_U64(ramswap_size, "ramswap.size", &ramswap_size, 0, 1ull << 40,
	   "size of the RAM swap device ramswap0 (e.g. 64M; 0: none)");

/* The integrity checksum: 64-bit FNV-1a over the data's words, folded
 * in as it streams (a page may be copied in two pieces). DIF's guard tag
 * is a CRC16 per sector; any hash that sees every word does here. */
#define RAMSWAP_CSUM_SEED 0xcbf29ce484222325ull

static u64 ramswap_csum_add(u64 csum, const void *data, size_t bytes)
{
	const u64 *w = data;
	for (size_t i = 0; i < bytes / sizeof(u64); i++)
		csum = (csum ^ w[i]) * 0x100000001b3ull;
	return csum;
}

/* The checksum of a request's data as it is in its pages now. */
static u64 ramswap_csum_request(const struct blk_request *rq)
{
	u64 csum = RAMSWAP_CSUM_SEED;
	for (unsigned i = 0; i < rq->nr_pages; i++)
		csum = ramswap_csum_add(csum, page_address(rq->pages[i]), PAGE_SIZE);
	return csum;
}

/* Copy one page to or from the device; csum (a checked write's) takes in
 * the data as the device stored it. */
static void copy_page(struct ramswap *rs, u64 off, void *buf, bool to_dev, u64 *csum)
{
	u8 *b = buf;
	for (size_t done = 0; done < PAGE_SIZE;) {
		u64 pos = off + done;
		size_t in_block = RAMSWAP_BLOCK - pos % RAMSWAP_BLOCK;
		size_t n = PAGE_SIZE - done < in_block ? PAGE_SIZE - done : in_block;
		u8 *dev = rs->blocks[pos / RAMSWAP_BLOCK] + pos % RAMSWAP_BLOCK;
		if (to_dev) {
			memcpy(dev, b + done, n);
			if (csum)
				*csum = ramswap_csum_add(*csum, dev, n);
		} else {
			memcpy(b + done, dev, n);
		}
		done += n;
	}
}

/* A write the integrity check failed: counted, and reported when the
 * device had asked for stable pages. */
static void ramswap_torn_write(struct ramswap *rs, struct blk_request *rq, u64 stored)
{
	__atomic_fetch_add(&rs->torn_writes, 1, __ATOMIC_RELAXED);
	stat_inc(ramswap_torn_writes);
	if (rs->bd.stable_writes)
		pr_err("ramswap: %s: torn write at sector %lu (%u pages): the data changed after "
		       "submission (checksum %#lx then, %#lx stored), on a stable_writes device\n",
		       rs->bd.name, (unsigned long)rq->sector, rq->nr_pages,
		       (unsigned long)rq->drv_csum, (unsigned long)stored);
}

/* Do one request. check: the data of a write is checked against the
 * checksum submit computed (asynchronous devices). */
static void ramswap_do(struct ramswap *rs, struct blk_request *rq, bool check)
{
	u64 stored = RAMSWAP_CSUM_SEED;
	check = check && rq->op == BLK_WRITE;
	if (check)
		race_point("ramswap:write-before-copy"); /* the data not taken yet */
	for (unsigned i = 0; i < rq->nr_pages && rq->op != BLK_FLUSH; i++)
		copy_page(rs, (rq->sector << SECTOR_SHIFT) + (u64)i * PAGE_SIZE,
			  page_address(rq->pages[i]), rq->op == BLK_WRITE, check ? &stored : NULL);
	if (check && stored != rq->drv_csum)
		ramswap_torn_write(rs, rq, stored);
	rq->status = 0;
	rq->end_io(rq);
}

static int ramswap_submit(struct blockdev *bd, struct blk_request *rq)
{
	ramswap_do(bd->priv, rq, false);
	return 0;
}

/* Queue rq for the worker, a write with the checksum of its data as it
 * is now, at submission. */
static int ramswap_async_submit(struct blockdev *bd, struct blk_request *rq)
{
	struct ramswap *rs = bd->priv;
	if (rq->op == BLK_WRITE)
		rq->drv_csum = ramswap_csum_request(rq);
	rq->drv_next = NULL;
	unsigned long irq = spin_lock_irqsave(&rs->lock);
	*rs->queue_tail = rq;
	rs->queue_tail = &rq->drv_next;
	spin_unlock_irqrestore(&rs->lock, irq);
	wake_up(&rs->queue_wait);
	return 0;
}

static struct blk_request *ramswap_dequeue(struct ramswap *rs)
{
	unsigned long irq = spin_lock_irqsave(&rs->lock);
	struct blk_request *rq = rs->queue_head;
	if (rq) {
		rs->queue_head = rq->drv_next;
		if (!rs->queue_head)
			rs->queue_tail = &rs->queue_head;
	}
	spin_unlock_irqrestore(&rs->lock, irq);
	return rq;
}

static bool ramswap_stopping(struct ramswap *rs)
{
	unsigned long flags = spin_lock_irqsave(&rs->lock);
	bool stop = rs->stopping && !rs->queue_head;
	spin_unlock_irqrestore(&rs->lock, flags);
	return stop;
}

static bool ramswap_queued(struct ramswap *rs)
{
	return __atomic_load_n(&rs->queue_head, __ATOMIC_ACQUIRE) != NULL;
}

/* The "device" of an asynchronous ramswap: completions arrive on its CPU,
 * after submit returned, as an interrupt on another CPU would. */
static int ramswap_worker(void *arg)
{
	struct ramswap *rs = arg;
	for (;;) {
		wait_event(rs->queue_wait, ramswap_queued(rs) || ramswap_stopping(rs));
		if (ramswap_stopping(rs))
			return 0;
		struct blk_request *rq;
		while ((rq = ramswap_dequeue(rs)))
			ramswap_do(rs, rq, true);
	}
}

static const struct blockdev_ops ramswap_ops = { .submit = ramswap_submit };
static const struct blockdev_ops ramswap_async_ops = { .submit = ramswap_async_submit };

static void ramswap_free(struct ramswap *rs, u8 **blocks);

static struct ramswap *ramswap_alloc(const char *name, u64 bytes)
{
	bytes = ALIGN_UP(bytes, (u64)PAGE_SIZE);
	unsigned nr = (unsigned)((bytes + RAMSWAP_BLOCK - 1) / RAMSWAP_BLOCK);
	struct ramswap *rs = kzalloc(sizeof(*rs), GFP_KERNEL);
	u8 **blocks = kzalloc(nr * sizeof(*blocks) + 1, GFP_KERNEL);
	if (!rs || !blocks)
		goto nomem;
	rs->blocks = blocks;
	for (rs->nr_blocks = 0; rs->nr_blocks < nr; rs->nr_blocks++) {
		blocks[rs->nr_blocks] =
			alloc_pages_va(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, RAMSWAP_BLOCK_ORDER);
		if (!blocks[rs->nr_blocks])
			goto nomem;
	}
	struct blockdev *bd = &rs->bd;
	snprintk(bd->name, sizeof(bd->name), "%s", name);
	bd->nr_sectors = bytes >> SECTOR_SHIFT;
	bd->block_size = SECTOR_SIZE;
	bd->synchronous_io = true;
	bd->stable_writes = true;
	bd->ops = &ramswap_ops;
	bd->priv = rs;
	return rs;
nomem:
	pr_err("ramswap: %s: not enough memory for %lu MiB\n", name, (unsigned long)(bytes >> 20));
	ramswap_free(rs, blocks);
	return NULL;
}

static void ramswap_free(struct ramswap *rs, u8 **blocks)
{
	if (rs)
		for (unsigned i = 0; i < rs->nr_blocks; i++)
			free_pages_va(blocks[i], RAMSWAP_BLOCK_ORDER);
	kfree(blocks);
	kfree(rs);
}

static struct blockdev *ramswap_register(struct ramswap *rs)
{
	if (blockdev_register(&rs->bd) != 0) {
		pr_err("ramswap: %s: a device of that name exists\n", rs->bd.name);
		ramswap_free(rs, rs->blocks);
		return NULL;
	}
	return &rs->bd;
}

struct blockdev *ramswap_create(const char *name, u64 bytes)
{
	struct ramswap *rs = ramswap_alloc(name, bytes);
	return rs ? ramswap_register(rs) : NULL;
}

struct blockdev *ramswap_create_async(const char *name, u64 bytes, unsigned cpu)
{
	struct ramswap *rs = ramswap_alloc(name, bytes);
	if (!rs)
		return NULL;
	rs->bd.synchronous_io = false;
	rs->bd.ops = &ramswap_async_ops;
	spin_lock_init(&rs->lock, "ramswap_queue");
	rs->queue_tail = &rs->queue_head;
	wait_queue_head_init(&rs->queue_wait, "ramswap_queue");
	struct blockdev *bd = ramswap_register(rs);
	if (bd && !(rs->worker = kthread_create_on_cpu(ramswap_worker, rs, cpu, name))) {
		/* Still a working device (registered ones stay): synchronous. */
		pr_err("ramswap: %s: no worker task on cpu %u: requests complete inside submit\n",
		       name, cpu);
		bd->ops = &ramswap_ops;
	}
	return bd;
}

u64 ramswap_torn_writes(struct blockdev *bd)
{
	struct ramswap *rs = bd->priv;
	return __atomic_load_n(&rs->torn_writes, __ATOMIC_RELAXED);
}

void ramswap_destroy(struct blockdev *bd)
{
	struct ramswap *rs = bd->priv;
	blockdev_unregister(bd);
	if (rs->worker) {
		unsigned long flags = spin_lock_irqsave(&rs->lock);
		rs->stopping = true;
		spin_unlock_irqrestore(&rs->lock, flags);
		wake_up_all(&rs->queue_wait);
		kthread_join(rs->worker);
	}
	ramswap_free(rs, rs->blocks);
}

void ramswap_init(void)
{
	if (ramswap_size)
		ramswap_create("ramswap0", ramswap_size);
}
