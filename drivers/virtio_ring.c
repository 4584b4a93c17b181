/*
 * Split virtqueue implementation. Layout: one zeroed block of whole pages
 * holding the descriptor table (16-byte aligned), then the available ring
 * (2-byte), then the used ring, 4-byte aligned as the modern interface
 * allows, or at the transport's QueueAlign for a legacy device
 * (virtio-mmio version 1: it is told only the block's page number and
 * computes the rest itself).
 *
 * Free descriptors are chained through .next from free_head. With indirect
 * descriptors every request uses one ring descriptor, whose table comes
 * from kmalloc (physically contiguous: size classes never cross a page,
 * larger blocks are whole pages).
 *
 * Ordering: descriptors and the ring slot are written before avail->idx
 * (wmb); avail->idx is written before we read the device's avail_event or
 * flags (mb, a store then a load); used->idx is read before the used
 * entries it covers (rmb).
 */
#include <asm/io.h>
#include <asm/page.h>
#include "virtio_ring.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"

/*
 * virtio.notify_always=0|1|auto: notify the device at every kick, even
 * when its event index says it need not be told. auto (the default) does
 * so when one CPU is online. QEMU before 8.1 with TCG and one vCPU drops
 * the guest's memory barriers (commit "tcg: Do not elide memory barriers
 * for !CF_PARALLEL in system mode", 2023) while the device model runs in
 * another host thread: our store of avail->idx and load of avail_event
 * can then pass each other while the device stores avail_event and loads
 * avail->idx, each side misses the other and the queue stops for good
 * (the 1-CPU demo stalled 2 runs of 2 without it; with event_idx=off or
 * with this, it passes). With two vCPUs or more TCG keeps the barriers.
 */
enum vring_notify_mode { VRING_NOTIFY_AUTO, VRING_NOTIFY_EVENT_IDX, VRING_NOTIFY_ALWAYS };
static enum vring_notify_mode vring_notify_mode = VRING_NOTIFY_AUTO;

static const struct kparam_choice vring_notify_choices[] = {
	{ "0", VRING_NOTIFY_EVENT_IDX },
	{ "1", VRING_NOTIFY_ALWAYS },
	{ "auto", VRING_NOTIFY_AUTO },
};
KPARAM_ENUM(virtio_notify_always, "virtio.notify_always", &vring_notify_mode, vring_notify_choices,
	    "0|1|auto: notify at every kick even when the event index says not to (auto, the "
	    "default: with one CPU, where QEMU < 8.1's TCG drops the guest's barriers)");

bool vring_notify_always(void)
{
	return vring_notify_mode == VRING_NOTIFY_ALWAYS ||
	       (vring_notify_mode == VRING_NOTIFY_AUTO && nr_cpus_online == 1);
}

void vring_set_notify_always(int mode)
{
	vring_notify_mode = mode < 0 ? VRING_NOTIFY_AUTO
			    : mode   ? VRING_NOTIFY_ALWAYS
				     : VRING_NOTIFY_EVENT_IDX;
}

DEFINE_STAT_COUNTER(virtio_notifies);
DEFINE_STAT_COUNTER(virtio_notifies_unneeded); /* by the event index; sent only if notify_always */

/* The avail ring ends with used_event and the used ring with avail_event
 * (the 6 bytes: flags, idx and that word), as in the spec's vring_size. */
static size_t vring_bytes(unsigned num, unsigned used_align, size_t *avail_off, size_t *used_off)
{
	*avail_off = 16ul * num;
	*used_off = ALIGN_UP(*avail_off + 6 + 2ul * num, (size_t)used_align);
	return *used_off + 6 + 8ul * num;
}

size_t vring_size(unsigned num, unsigned used_align)
{
	size_t avail_off, used_off;
	return vring_bytes(num, used_align, &avail_off, &used_off);
}

struct virtqueue *vring_create(struct virtio_device *vdev, unsigned index, unsigned num,
			       vq_callback_t callback)
{
	return vring_create_aligned(vdev, index, num, callback, 4);
}

struct virtqueue *vring_create_aligned(struct virtio_device *vdev, unsigned index, unsigned num,
				       vq_callback_t callback, unsigned used_align)
{
	size_t avail_off, used_off;
	size_t bytes = vring_bytes(num, used_align, &avail_off, &used_off);
	struct virtqueue *vq = kzalloc(sizeof(*vq), GFP_KERNEL);
	u8 *mem = alloc_pages_va(GFP_KERNEL | __GFP_ZERO, get_order(bytes));
	void **tokens = kzalloc(num * sizeof(void *), GFP_KERNEL);
	struct vring_desc **ind = kzalloc(num * sizeof(void *), GFP_KERNEL);
	if (!vq || !mem || !tokens || !ind) {
		kfree(vq);
		kfree(tokens);
		kfree(ind);
		if (mem)
			free_pages_va(mem, get_order(bytes));
		return NULL;
	}
	vq->vdev = vdev;
	vq->index = index;
	vq->num = num;
	vq->used_align = used_align;
	vq->desc = (struct vring_desc *)mem;
	vq->avail = (struct vring_avail *)(mem + avail_off);
	vq->used = (struct vring_used *)(mem + used_off);
	vq->callback = callback;
	vq->tokens = tokens;
	vq->indirect = ind;
	vq->use_indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	vq->use_event_idx = virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX);
	for (unsigned i = 0; i + 1 < num; i++)
		vq->desc[i].next = i + 1;
	vq->num_free = num;
	vq->free_head = 0;
	return vq;
}

/* The event-index words after each ring (virtio 1.2, 2.7.6 / 2.7.8). */
static volatile u16 *used_event(struct virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

static volatile u16 *avail_event(struct virtqueue *vq)
{
	return (volatile u16 *)((u8 *)vq->used + 4 + 8ul * vq->num);
}

u16 virtqueue_avail_event(struct virtqueue *vq)
{
	return vq->use_event_idx ? *avail_event(vq) : 0;
}

void vring_destroy(struct virtqueue *vq)
{
	for (unsigned i = 0; i < vq->num; i++)
		kfree(vq->indirect[i]);
	free_pages_va(vq->desc, get_order(vring_size(vq->num, vq->used_align)));
	kfree(vq->tokens);
	kfree(vq->indirect);
	kfree(vq);
}

static void fill(struct vring_desc *d, const struct vq_buf *b, bool more, u16 next)
{
	d->addr = b->addr;
	d->len = b->len;
	d->flags = (b->device_writes ? VRING_DESC_F_WRITE : 0) | (more ? VRING_DESC_F_NEXT : 0);
	d->next = more ? next : 0;
}

int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *token)
{
	if (vq->broken)
		return -EIO;
	bool indirect = vq->use_indirect && n > 1;
	struct vring_desc *t = NULL;
	if (indirect) {
		/* Without memory for the table, a chain still works when the
		 * ring has room: no request waits for memory that nothing frees. */
		t = kmalloc(n * sizeof(*t), GFP_ATOMIC | __GFP_NOWARN);
		if (!t && n > vq->num_free)
			return n > vq->num ? -ENOMEM : -ENOSPC;
		indirect = t != NULL;
	}
	unsigned need = indirect ? 1 : n;
	if (n == 0 || (!indirect && n > vq->num))
		return -EINVAL;
	if (vq->num_free < need) {
		kfree(t);
		return -ENOSPC;
	}
	u16 head = vq->free_head;
	if (indirect) {
		for (unsigned i = 0; i < n; i++)
			fill(&t[i], &bufs[i], i + 1 < n, i + 1);
		struct vring_desc *d = &vq->desc[head];
		vq->free_head = d->next;
		d->addr = virt_to_phys(t);
		d->len = n * sizeof(*t);
		d->flags = VRING_DESC_F_INDIRECT;
		vq->indirect[head] = t;
	} else {
		u16 i = head;
		for (unsigned k = 0; k < n; k++) {
			u16 next = vq->desc[i].next;
			fill(&vq->desc[i], &bufs[k], k + 1 < n, next);
			i = next;
		}
		vq->free_head = i; /* fill() cleared the last .next: use the saved one */
		vq->indirect[head] = NULL;
	}
	vq->num_free -= need;
	vq->nr_inflight++;
	vq->tokens[head] = token;
	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	vq->avail_idx++;
	return 0;
}

/*
 * Linux's virtqueue_kick_prepare: publish what was added and say whether
 * the device wants to hear of it. Under the driver's lock, like every
 * other call here but virtqueue_notify. The notify itself is a write to
 * the device's doorbell, an exit to the hypervisor (under TCG the device
 * model runs in that exit); done after the lock is dropped, it no longer
 * keeps every other CPU that submits or completes spinning on the lock.
 * That is safe because a notify only says "look at avail->idx": a kick
 * that published later and needed no notify is seen by the device when
 * the earlier kick's notify (still to come) arrives, or the event index
 * made it ask for its own.
 */
bool virtqueue_kick_prepare(struct virtqueue *vq)
{
	u16 old = vq->kicked_avail_idx, new_idx = vq->avail_idx;
	if (old == new_idx || vq->broken)
		return false;
	wmb();
	__atomic_store_n(&vq->avail->idx, new_idx, __ATOMIC_RELEASE);
	mb();
	vq->kicked_avail_idx = new_idx;
	/*
	 * With the event index the device says past which avail index it
	 * wants to be told (avail_event), and the spec lets us stay silent
	 * otherwise (virtio 1.2, 2.7.10): a notification is a write to the
	 * notify register, an exit to QEMU; about 58% are spared under swap
	 * load. Unless vring_notify_always() (see above): then every kick
	 * notifies, and virtio_notifies_unneeded counts the ones the event
	 * index would have spared.
	 */
	bool notify;
	if (vq->use_event_idx) {
		u16 event = *avail_event(vq);
		notify = vring_need_event(event, new_idx, old);
		if (!notify) {
			vq->nr_notify_unneeded++;
			stat_inc(virtio_notifies_unneeded);
			notify = vring_notify_always();
		}
	} else {
		notify = !(*(volatile u16 *)&vq->used->flags & VRING_USED_F_NO_NOTIFY);
	}
	if (notify) {
		vq->nr_notify++;
		stat_inc(virtio_notifies);
	}
	return notify;
}

/* Linux's virtqueue_notify: ring the doorbell; no lock needed (the
 * transport's notify writes one register). */
void virtqueue_notify(struct virtqueue *vq)
{
	vq->vdev->ops->notify(vq);
}

void virtqueue_kick(struct virtqueue *vq)
{
	if (virtqueue_kick_prepare(vq))
		virtqueue_notify(vq);
}

static void free_chain(struct virtqueue *vq, u16 head)
{
	unsigned count = 1;
	u16 i = head;
	if (vq->indirect[head]) {
		kfree(vq->indirect[head]);
		vq->indirect[head] = NULL;
	} else {
		while (vq->desc[i].flags & VRING_DESC_F_NEXT) {
			i = vq->desc[i].next;
			count++;
		}
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += count;
}

static void vring_mark_broken(struct virtqueue *vq, const char *why, u32 value)
{
	vq->broken = true;
	pr_err("virtio: %s: queue %u: the device %s (%u; %u requests in flight); queue stopped, "
	       "its requests fail\n",
	       vq->vdev->name, vq->index, why, value, vq->nr_inflight);
}

/*
 * The device writes the used ring; we believe an entry only when it names
 * a request in flight. The index check comes first: entries beyond the
 * ones in flight can only be stale slots from an earlier lap of the ring,
 * whose ids may name requests the device has not finished.
 */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
	if (vq->broken)
		return NULL;
	u16 used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
	u16 ahead = (u16)(used_idx - vq->last_used_idx);
	if (ahead == 0)
		return NULL;
	if (ahead > vq->nr_inflight) {
		vring_mark_broken(vq, "moved the used index this far ahead", ahead);
		return NULL;
	}
	rmb();
	struct vring_used_elem *e = &vq->used->ring[vq->last_used_idx & (vq->num - 1)];
	u32 id = READ_ONCE(e->id), written = READ_ONCE(e->len);
	vq->last_used_idx++;
	if (id >= vq->num || !vq->tokens[id]) {
		vring_mark_broken(vq, "returned a descriptor id that is not in flight", id);
		return NULL;
	}
	if (len)
		*len = written;
	void *token = vq->tokens[id];
	vq->tokens[id] = NULL;
	vq->nr_inflight--;
	free_chain(vq, (u16)id);
	return token;
}

void *virtqueue_detach_unused(struct virtqueue *vq)
{
	for (unsigned i = 0; i < vq->num; i++) {
		void *token = vq->tokens[i];
		if (!token)
			continue;
		vq->tokens[i] = NULL;
		vq->nr_inflight--;
		free_chain(vq, (u16)i);
		return token;
	}
	return NULL;
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	if (vq->use_event_idx)
		*used_event(vq) = vq->last_used_idx;
	else
		*(volatile u16 *)&vq->avail->flags = 0;
	mb();
	return __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) == vq->last_used_idx;
}

void vring_interrupt(struct virtqueue *vq)
{
	vq->nr_interrupts++;
	if (vq->callback)
		vq->callback(vq);
}
