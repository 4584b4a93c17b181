/*
 * virtio-blk (virtio 1.2, 5.2) as a struct blockdev: one request queue,
 * many requests in flight, completion from the queue's interrupt (or by
 * polling: virtio_blk.poll=1, or when no interrupt could be set up).
 *
 * A blk_request of up to 512 pages becomes one or more device commands:
 * physically contiguous pages merge into one segment, and a command holds
 * at most seg_max segments (and segments of at most size_max bytes), so a
 * request of scattered pages may need several commands; the request
 * completes when the last of them does, with -EIO if any failed. Each
 * command is header (type, sector) + data segments + a status byte the
 * device writes, carried by one indirect descriptor when the device offers
 * VIRTIO_RING_F_INDIRECT_DESC. Commands that find the ring full wait on a
 * pending list and go out as completions free space.
 *
 * Locking: vblk.lock (irqsave) covers the virtqueue and the pending list.
 * Completion callbacks run after the lock is dropped, so an end_io may
 * submit the next request (the stress test keeps 64 in flight that way).
 * The device is notified after the lock is dropped too
 * (virtqueue_kick_prepare under it, virtqueue_notify after, as Linux's
 * virtio_blk): the notify traps into the hypervisor, and with the lock
 * held and interrupts off every other CPU submitting or completing a
 * request spun for as long (on 4 vCPUs the demo's most waited-for lock).
 */
#include <asm/page.h>
#include "blockdev.h"
#include "virtio.h"
#include "virtio_blk_config.h"
#include "virtio_ring.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "mm/kmalloc.h"
#include "mm/page.h"

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0

#define VBLK_QUEUE_MAX 256

static bool vblk_poll_param;
KPARAM_BOOL(virtio_blk_poll, "virtio_blk.poll", &vblk_poll_param,
	    "virtio-blk without interrupts: completions are polled (early boot, tests)");

#ifdef CONFIG_TEST_HOOKS
/* Test hook: the probe fails where blockdev_register can, after the queue
 * is set up, so that its undoing runs (vblk_probe). */
static bool vblk_test_fail_probe;
KPARAM_BOOL(virtio_blk_test_fail_probe, "virtio_blk.test_fail_probe", &vblk_test_fail_probe,
	    "test hook: every virtio-blk probe fails after its queue is set up");
#else
#define vblk_test_fail_probe false
#endif

struct vblk {
	struct blockdev bd;
	struct vblk *next;		    /* all devices, for the watchdog tick (set at probe) */
	u16 watch_used;			    /* last_used_idx at the previous watchdog look */
	u16 watch_ticks;		    /* looks since it last moved with requests in flight */
	u64 nr_watch_polls, nr_watch_kicks; /* what the watchdog had to do */
	struct virtio_device *vdev;
	struct virtqueue *vq;
	spinlock_t lock;
	struct list_head pending; /* struct vblk_cmd waiting for ring space; under lock */
	u32 seg_limit;		  /* segments per command */
	u32 size_max;		  /* bytes per segment (0: unlimited) */
};

struct vblk_cmd {
	struct {
		u32 type;
		u32 reserved;
		u64 sector;
	} hdr;
	u8 status;
	struct blk_request *rq;
	struct list_head link; /* on vblk.pending or a local list */
	unsigned nbufs;
	struct vq_buf bufs[]; /* header, data..., status */
};

static unsigned nr_vblk;
static struct vblk *vblk_all; /* written at probe (boot), read by the tick */

/* Try to put pending commands on the ring; under vb->lock. True when
 * the device must be notified (virtqueue_notify, after the unlock). */
static bool vblk_flush_pending(struct vblk *vb)
{
	lockdep_assert_held(&vb->lock);
	while (!list_empty(&vb->pending)) {
		struct vblk_cmd *c = list_first_entry(&vb->pending, struct vblk_cmd, link);
		if (virtqueue_add(vb->vq, c->bufs, c->nbufs, c) != 0)
			break; /* full (or no memory for a table): retried at the next completion */
		list_del(&c->link);
	}
	return virtqueue_kick_prepare(vb->vq);
}

static void vblk_finish(struct vblk *vb, struct vblk_cmd *c)
{
	struct blk_request *rq = c->rq;
	if (c->status != VIRTIO_BLK_S_OK) {
		int zero = 0;
		__atomic_compare_exchange_n(&rq->drv_status, &zero, -EIO, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_RELAXED);
	}
	kfree(c);
	if (__atomic_sub_fetch(&rq->drv_pending, 1, __ATOMIC_ACQ_REL) == 0) {
		rq->status = __atomic_load_n(&rq->drv_status, __ATOMIC_ACQUIRE);
		if (rq->status)
			__atomic_fetch_add(&vb->bd.nr_errors, 1, __ATOMIC_RELAXED);
		rq->end_io(rq);
	}
}

/*
 * A queue the device broke (virtqueue_get_buf said why) gets nothing more:
 * every command on the ring or waiting for it fails with -EIO, so no
 * request waits for a device that will not answer. Under vb->lock.
 */
static void vblk_fail_all(struct vblk *vb, struct list_head *done)
{
	struct vblk_cmd *c;
	while ((c = virtqueue_detach_unused(vb->vq))) {
		c->status = 0xff;
		list_add_tail(&c->link, done);
	}
	while (!list_empty(&vb->pending)) {
		c = list_first_entry(&vb->pending, struct vblk_cmd, link);
		list_move_tail(&c->link, done);
	}
}

/* Reap completions, refill the ring; callbacks after the lock. */
static void vblk_process(struct vblk *vb)
{
	LIST_HEAD(done);
	bool notify = false;
	unsigned long flags = spin_lock_irqsave(&vb->lock);
	do {
		struct vblk_cmd *c;
		while ((c = virtqueue_get_buf(vb->vq, NULL)))
			list_add_tail(&c->link, &done);
	} while (!virtqueue_is_broken(vb->vq) && !virtqueue_enable_cb(vb->vq));
	if (virtqueue_is_broken(vb->vq))
		vblk_fail_all(vb, &done);
	else
		notify = vblk_flush_pending(vb);
	spin_unlock_irqrestore(&vb->lock, flags);
	if (notify)
		virtqueue_notify(vb->vq);
	while (!list_empty(&done)) {
		struct vblk_cmd *c = list_first_entry(&done, struct vblk_cmd, link);
		list_del(&c->link);
		vblk_finish(vb, c);
	}
}

static void vblk_vq_callback(struct virtqueue *vq)
{
	struct vblk *vb = vq->vdev->priv;
	__atomic_fetch_add(&vb->bd.nr_irqs, 1, __ATOMIC_RELAXED);
	vblk_process(vb);
}

static void vblk_poll(struct blockdev *bd)
{
	vblk_process(bd->priv);
}

static struct vblk_cmd *cmd_alloc(struct blk_request *rq, unsigned nsegs, u32 type, u64 sector)
{
	struct vblk_cmd *c = kmalloc(sizeof(*c) + (nsegs + 2) * sizeof(struct vq_buf), GFP_ATOMIC);
	if (!c)
		return NULL;
	c->hdr.type = type;
	c->hdr.reserved = 0;
	c->hdr.sector = sector;
	c->status = 0xff; /* a device that never writes it reads as a failure */
	c->rq = rq;
	c->nbufs = 1;
	c->bufs[0] = (struct vq_buf){ virt_to_phys(&c->hdr), sizeof(c->hdr), false };
	return c;
}

static void cmd_close(struct vblk_cmd *c)
{
	c->bufs[c->nbufs++] = (struct vq_buf){ virt_to_phys(&c->status), 1, true };
}

/* Segments of pages [first, end) starting a command there: how many pages
 * fit in one command. */
static unsigned chunk_pages(struct vblk *vb, struct blk_request *rq, unsigned first,
			    unsigned *nsegs)
{
	unsigned segs = 0, i = first;
	phys_addr_t next = 0;
	u32 seg_len = 0;
	for (; i < rq->nr_pages; i++) {
		phys_addr_t pa = page_to_phys(rq->pages[i]);
		bool merge = segs && pa == next &&
			     (!vb->size_max || seg_len + PAGE_SIZE <= vb->size_max);
		if (!merge) {
			if (segs == vb->seg_limit)
				break;
			segs++;
			seg_len = 0;
		}
		seg_len += PAGE_SIZE;
		next = pa + PAGE_SIZE;
	}
	*nsegs = segs;
	return i - first;
}

static void cmd_add_pages(struct vblk *vb, struct vblk_cmd *c, struct blk_request *rq,
			  unsigned first, unsigned n)
{
	bool dev_writes = rq->op == BLK_READ;
	for (unsigned i = first; i < first + n; i++) {
		phys_addr_t pa = page_to_phys(rq->pages[i]);
		struct vq_buf *last = &c->bufs[c->nbufs - 1];
		if (c->nbufs > 1 && last->addr + last->len == pa &&
		    (!vb->size_max || last->len + PAGE_SIZE <= vb->size_max))
			last->len += PAGE_SIZE;
		else
			c->bufs[c->nbufs++] = (struct vq_buf){ pa, PAGE_SIZE, dev_writes };
	}
}

static void free_cmds(struct list_head *l)
{
	while (!list_empty(l)) {
		struct vblk_cmd *c = list_first_entry(l, struct vblk_cmd, link);
		list_del(&c->link);
		kfree(c);
	}
}

static int build_cmds(struct vblk *vb, struct blk_request *rq, struct list_head *out)
{
	if (rq->op == BLK_FLUSH) {
		struct vblk_cmd *c = cmd_alloc(rq, 0, VIRTIO_BLK_T_FLUSH, 0);
		if (!c)
			return -ENOMEM;
		cmd_close(c);
		list_add_tail(&c->link, out);
		return 1;
	}
	int count = 0;
	u32 type = rq->op == BLK_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT;
	for (unsigned first = 0; first < rq->nr_pages;) {
		unsigned nsegs, n = chunk_pages(vb, rq, first, &nsegs);
		struct vblk_cmd *c = cmd_alloc(rq, nsegs, type, rq->sector + (u64)first * 8);
		if (!c) {
			free_cmds(out);
			return -ENOMEM;
		}
		cmd_add_pages(vb, c, rq, first, n);
		cmd_close(c);
		list_add_tail(&c->link, out);
		count++;
		first += n;
	}
	return count;
}

static int vblk_submit(struct blockdev *bd, struct blk_request *rq)
{
	struct vblk *vb = bd->priv;
	if (rq->op == BLK_FLUSH && !bd->can_flush) {
		rq->status = 0;
		rq->end_io(rq);
		return 0;
	}
	LIST_HEAD(cmds);
	int n = build_cmds(vb, rq, &cmds);
	if (n < 0)
		return n;
	rq->drv_status = 0;
	__atomic_store_n(&rq->drv_pending, n, __ATOMIC_RELEASE);
	unsigned long flags = spin_lock_irqsave(&vb->lock);
	while (!list_empty(&cmds))
		list_move_tail(cmds.next, &vb->pending);
	bool broken = virtqueue_is_broken(vb->vq);
	bool notify = !broken && vblk_flush_pending(vb);
	spin_unlock_irqrestore(&vb->lock, flags);
	if (notify)
		virtqueue_notify(vb->vq);
	if (broken)
		vblk_process(vb); /* fails them, callbacks outside the lock */
	return 0;
}

#define VBLK_REPORT_LOCK_WAIT_NS (100 * 1000 * 1000ull)

/* What a hang report needs: commands on the ring and waiting for it, and
 * where the driver and the device are in the ring. */
static void vblk_report(struct blockdev *bd)
{
	struct vblk *vb = bd->priv;
	struct virtqueue *vq = vb->vq;
	unsigned long flags = arch_irq_save();
	/* The report of a stuck machine must not wait for a stuck CPU. */
	bool locked = spin_trylock_for(&vb->lock, VBLK_REPORT_LOCK_WAIT_NS);
	if (!locked)
		pr_err("virtio-blk: %s: ring lock held by cpu %d; read without it\n", bd->name,
		       spin_lock_holder(&vb->lock));
	unsigned pending = 0;
	struct list_head *pos;
	if (locked) /* a list changing under us could loop */
		list_for_each (pos, &vb->pending)
			pending++;
	pr_err("virtio-blk: %s: ring %u free of %u, %u commands waiting for room; avail %u (kicked "
	       "%u, "
	       "published %u, device wants a notify past %u), used %u (seen %u); %lu notifies "
	       "(%lu not asked for by the event index), %lu interrupts; watchdog: %lu polls, %lu "
	       "kicks\n",
	       bd->name, vq->num_free, vq->num, pending, vq->avail_idx, vq->kicked_avail_idx,
	       __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE), virtqueue_avail_event(vq),
	       __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE), vq->last_used_idx,
	       (unsigned long)vq->nr_notify, (unsigned long)vq->nr_notify_unneeded,
	       (unsigned long)vq->nr_interrupts, (unsigned long)vb->nr_watch_polls,
	       (unsigned long)vb->nr_watch_kicks);
	if (locked)
		spin_unlock(&vb->lock);
	arch_irq_restore(flags);
}

/*
 * The watchdog, from the timer tick on CPU 0. A completion the device
 * posted without the interrupt reaching us, or requests the device has not
 * seen, would otherwise hang every task waiting for them. Both can happen
 * on QEMU before 8.1 with TCG and one vCPU: TCG then drops the guest's
 * memory barriers (QEMU commit "tcg: Do not elide memory barriers for
 * !CF_PARALLEL in system mode", 2023), while the device model runs in
 * another host thread, so the store-then-load pairs of the event index
 * (virtqueue_kick, virtqueue_enable_cb) can be reordered against the
 * device's and each side miss the other (virtio_ring.c). When requests are
 * in flight and nothing has moved for VBLK_WATCH_TICKS ticks: reap what
 * the used ring holds, and notify the device again. Counted, and printed
 * by the report.
 */
#define VBLK_WATCH_TICKS 5
DEFINE_STAT_COUNTER(vblk_watchdog_polls);
DEFINE_STAT_COUNTER(vblk_watchdog_kicks);

static void vblk_watch(struct vblk *vb)
{
	struct virtqueue *vq = vb->vq;
	if (virtqueue_is_broken(vq))
		return; /* nothing in flight is waited for, and nothing is sent */
	u16 seen = __atomic_load_n(&vq->last_used_idx, __ATOMIC_RELAXED);
	bool busy = __atomic_load_n(&vq->num_free, __ATOMIC_RELAXED) < vq->num;
	if (!busy || seen != vb->watch_used) {
		vb->watch_used = seen;
		vb->watch_ticks = 0;
		return;
	}
	if (++vb->watch_ticks < VBLK_WATCH_TICKS)
		return;
	vb->watch_ticks = 0;
	if (__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) != seen) {
		vb->nr_watch_polls++;
		stat_inc(vblk_watchdog_polls);
		vblk_process(vb);
	} else {
		unsigned long flags = spin_lock_irqsave(&vb->lock);
		vb->nr_watch_kicks++;
		stat_inc(vblk_watchdog_kicks);
		vq->nr_notify++;
		spin_unlock_irqrestore(&vb->lock, flags);
		virtqueue_notify(vq);
	}
}

static void vblk_watch_tick(unsigned cpu)
{
	if (cpu != 0)
		return;
	for (struct vblk *vb = vblk_all; vb; vb = vb->next)
		if (!vb->bd.polling)
			vblk_watch(vb);
}

static const struct blockdev_ops vblk_ops = {
	.submit = vblk_submit,
	.poll = vblk_poll,
	.report = vblk_report,
};

/*
 * Read the config fields the negotiated features make valid, each with
 * its own width (virtio_read_config), into cfg as the device lays them
 * out; vblk_config_parse then checks them. The fetching stays here so the
 * checks run as a fuzz target on the host.
 */
static int vblk_read_config(struct virtio_device *vdev, u8 cfg[VBLK_CFG_LEN])
{
	static const struct {
		unsigned bit, off, len;
	} fields[] = {
		{ 64, VBLK_CFG_CAPACITY, 8 }, /* no feature bit: always there */
		{ VIRTIO_BLK_F_SIZE_MAX, VBLK_CFG_SIZE_MAX, 4 },
		{ VIRTIO_BLK_F_SEG_MAX, VBLK_CFG_SEG_MAX, 4 },
		{ VIRTIO_BLK_F_BLK_SIZE, VBLK_CFG_BLK_SIZE, 4 },
	};
	memset(cfg, 0, VBLK_CFG_LEN);
	for (unsigned i = 0; i < ARRAY_SIZE(fields); i++) {
		if (fields[i].bit < 64 && !virtio_has_feature(vdev, fields[i].bit))
			continue;
		int err =
			virtio_read_config(vdev, fields[i].off, cfg + fields[i].off, fields[i].len);
		if (err)
			return err;
	}
	return 0;
}

static int vblk_probe(struct virtio_device *vdev)
{
	struct vblk *vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		return -ENOMEM;
	vb->vdev = vdev;
	vdev->priv = vb;
	spin_lock_init(&vb->lock, "vblk");
	list_init(&vb->pending);
	vq_callback_t cb = vblk_vq_callback;
	int err = vdev->ops->find_vqs(vdev, 1, &vb->vq, &cb, VBLK_QUEUE_MAX, vblk_poll_param);
	if (err) {
		pr_err("virtio-blk: %s: cannot set up the request queue (%d)\n", vdev->name, err);
		goto free_vb; /* find_vqs undid what it had done */
	}
	u8 cfg[VBLK_CFG_LEN];
	struct vblk_limits lim;
	err = vblk_read_config(vdev, cfg);
	if (!err)
		err = vblk_config_parse(cfg, VBLK_CFG_LEN, vdev->features, vb->vq->num,
					vb->vq->use_indirect, vdev->name, &lim);
	if (err)
		goto del_vqs; /* the parser said why */
	vb->size_max = lim.size_max;
	vb->seg_limit = lim.seg_limit;
	struct blockdev *bd = &vb->bd;
	snprintk(bd->name, sizeof(bd->name), "vd%c", 'a' + nr_vblk++);
	bd->nr_sectors = lim.capacity;
	bd->block_size = lim.block_size;
	bd->read_only = lim.read_only;
	bd->can_flush = lim.can_flush;
	bd->polling = !strcmp(vdev->ops->irq_mode(vdev), "polling");
	bd->ops = &vblk_ops;
	bd->priv = vb;
	pr_info("virtio-blk: %s on %s: queue %u, seg_max %u, size_max %u, %s%s%s, %s\n", bd->name,
		vdev->name, vb->vq->num, lim.seg_max, vb->size_max,
		vb->vq->use_indirect ? "indirect" : "direct",
		vb->vq->use_event_idx ? ", event-idx" : "", bd->can_flush ? ", flush" : "",
		vdev->ops->irq_mode(vdev));
	err = vblk_test_fail_probe ? -EEXIST : blockdev_register(bd);
	if (err) {
		pr_err("virtio-blk: %s on %s: cannot register the block device (%d)%s\n", bd->name,
		       vdev->name, err,
		       vblk_test_fail_probe ? " (virtio_blk.test_fail_probe)" : "");
		goto del_vqs;
	}
	if (!vblk_all)
		timer_register_tick_hook(vblk_watch_tick);
	vb->next = vblk_all;
	__atomic_store_n(&vblk_all, vb, __ATOMIC_RELEASE);
	return 0;

	/* Undone in reverse order. No request can be in flight: the device
	 * was never registered. */
del_vqs:
	vdev->ops->reset(vdev); /* the device lets go of the queue first */
	vdev->ops->del_vqs(vdev);
free_vb:
	vdev->priv = NULL;
	kfree(vb);
	return err;
}

/*
 * Legacy devices (virtio-mmio version 1) work with the same driver: their
 * config space and request header are in the guest's byte order, which on
 * x86-64 and arm64 (little-endian) is the modern little-endian layout, and
 * without VIRTIO_F_ANY_LAYOUT they want the header, the data and the
 * status byte in descriptors of their own, which is how commands are
 * built here anyway.
 */
const struct virtio_driver virtio_blk_driver = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
		    (1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
		    (1ull << VIRTIO_BLK_F_FLUSH),
	.probe = vblk_probe,
};
