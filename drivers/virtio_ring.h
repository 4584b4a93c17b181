/*
 * Split virtqueues (virtio 1.2, 2.7): a descriptor table, the driver's
 * "available" ring and the device's "used" ring, in memory both sides
 * share. With VIRTIO_RING_F_INDIRECT_DESC a request of many buffers takes
 * one ring descriptor pointing at a table of its own; with
 * VIRTIO_RING_F_EVENT_IDX each side says at which index it wants to hear
 * from the other (used_event / avail_event), which suppresses most
 * notifications and interrupts when many requests are in flight.
 *
 * A virtqueue has no lock of its own: its driver serializes every call on
 * one queue (virtio-blk holds its spinlock, irqsave), but for
 * virtqueue_notify, which the driver calls after dropping its lock (as
 * Linux's virtio_blk does).
 */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include "virtio.h"
#include "kernel/types.h"

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_USED_F_NO_NOTIFY 1
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[]; /* num entries, then used_event */
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[]; /* num entries, then avail_event */
};

/* One buffer of a request: device-readable, or device-writable. */
struct vq_buf {
	phys_addr_t addr;
	u32 len;
	bool device_writes;
};

struct virtqueue {
	struct virtio_device *vdev;
	unsigned index;
	unsigned num;	     /* ring entries, a power of two */
	unsigned used_align; /* the used ring's alignment in the block (legacy: QueueAlign) */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	vq_callback_t callback;
	void *notify_addr; /* the transport's */
	bool use_indirect, use_event_idx;
	/* All below: under the driver's lock. */
	unsigned num_free;
	u16 free_head;
	u16 avail_idx; /* our copy of avail->idx */
	u16 last_used_idx;
	u16 kicked_avail_idx;	      /* avail_idx at the last notification */
	unsigned nr_inflight;	      /* heads given to the device, not yet returned */
	bool broken;		      /* the device broke the ring protocol: stopped */
	void **tokens;		      /* per head descriptor: the driver's token */
	struct vring_desc **indirect; /* per head: its indirect table, or NULL */
	u64 nr_notify;		      /* notifies asked for (kick_prepare, the watchdog) */
	u64 nr_interrupts;
	u64 nr_notify_unneeded; /* kicks the event index said need no notify */
};

/* Notify at every kick (virtio.notify_always, virtio_ring.c says why)? */
bool vring_notify_always(void);
/* For tests: 1 always, 0 as the event index says, -1 auto. */
void vring_set_notify_always(int mode);

/* Allocate and zero a queue of num entries (a power of two). */
struct virtqueue *vring_create(struct virtio_device *vdev, unsigned index, unsigned num,
			       vq_callback_t callback);
/* The same in the legacy layout (virtio 1.2, 2.7.2 "Legacy Interfaces"):
 * the used ring starts at the next multiple of used_align (a power of
 * two, the transport's QueueAlign) and the whole ring is one physically
 * contiguous, page-aligned block, since a legacy device is given only its
 * first page number. vring_create is this with the modern 4-byte
 * alignment. */
struct virtqueue *vring_create_aligned(struct virtio_device *vdev, unsigned index, unsigned num,
				       vq_callback_t callback, unsigned used_align);
/* Bytes of the block vring_create_aligned allocates (the legacy device
 * computes the same from num and QueueAlign). */
size_t vring_size(unsigned num, unsigned used_align);
/* Free a queue the device no longer uses (after a reset, or never given
 * to it), with any indirect tables still attached. */
void vring_destroy(struct virtqueue *vq);
/* Add a request of n buffers (readable ones first), with token to return
 * from virtqueue_get_buf. -ENOSPC when the ring is full (retry after
 * completions), -ENOMEM when no indirect table could be allocated. */
int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *token);
/* Publish what was added; true when the device wants to hear of it
 * (event index or flags): then call virtqueue_notify, outside the lock. */
bool virtqueue_kick_prepare(struct virtqueue *vq);
/* Notify the device (the doorbell write). No lock. */
void virtqueue_notify(struct virtqueue *vq);
/* Both, for a caller that holds no lock around them (tests). */
void virtqueue_kick(struct virtqueue *vq);
/* The avail index past which the device asked to be notified (event idx;
 * 0 without), for reports. */
u16 virtqueue_avail_event(struct virtqueue *vq);
/* The next completed request's token (and bytes written), or NULL. A used
 * entry naming a request that is not in flight, or a used index that runs
 * ahead of what is in flight, is a device bug that would hand back a
 * request the device may still be writing: the queue is then marked
 * broken (with a message) and returns nothing more. */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);
/* Has the device broken this queue? Then add fails with -EIO, kick
 * writes nothing to the device, and the driver takes its requests back
 * with virtqueue_detach_unused to fail them. */
static inline bool virtqueue_is_broken(const struct virtqueue *vq)
{
	return vq->broken;
}
/* One token still in flight on a broken (or never started) queue, taken
 * back from the ring, or NULL when none is left. */
void *virtqueue_detach_unused(struct virtqueue *vq);
/* Ask for an interrupt at the next completion; false when completions
 * arrived meanwhile (call virtqueue_get_buf again). */
bool virtqueue_enable_cb(struct virtqueue *vq);
/* Interrupt (or poll) entry: runs vq->callback. */
void vring_interrupt(struct virtqueue *vq);

/* True when an index moving from old to new_idx passed event (virtio
 * spec 2.7.7.2, vring_need_event). */
static inline bool vring_need_event(u16 event, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event - 1) < (u16)(new_idx - old);
}

#endif
