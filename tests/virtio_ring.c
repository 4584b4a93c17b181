/*
 * The split virtqueue against a simulated device (host and kernel): the
 * test plays the device, walking the available ring and the descriptors
 * (chained or indirect) the way the spec says a device does, and filling
 * the used ring. Checks the buffers the device sees, tokens coming back in
 * completion order, descriptors all returned, and event-index notification
 * suppression.
 */
#include <asm/page.h>
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"

static unsigned notifies;
static void fake_notify(struct virtqueue *vq)
{
	notifies++;
}
static const struct virtio_transport_ops fake_ops = { .notify = fake_notify };

static struct virtqueue *fake_vq(struct virtio_device *vdev, u64 features, unsigned num)
{
	memset(vdev, 0, sizeof(*vdev));
	vdev->ops = &fake_ops;
	vdev->features = features;
	notifies = 0;
	return vring_create(vdev, 0, num, NULL);
}

struct seen {
	unsigned nbufs, nwrite;
	u32 total_len;
	u64 first_addr;
};

/* The device side: consume one available entry, describe what it held,
 * and put it on the used ring with len bytes written. */
static bool device_take(struct virtqueue *vq, u16 *dev_avail, struct seen *s)
{
	u16 avail_idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	if (*dev_avail == avail_idx)
		return false;
	u16 head = vq->avail->ring[*dev_avail % vq->num];
	(*dev_avail)++;
	struct vring_desc *table = vq->desc;
	u16 i = head;
	if (vq->desc[head].flags & VRING_DESC_F_INDIRECT) {
		table = phys_to_virt(vq->desc[head].addr);
		i = 0;
	}
	memset(s, 0, sizeof(*s));
	s->first_addr = table[i].addr;
	for (unsigned guard = 0; guard < 1024; guard++) {
		s->nbufs++;
		s->total_len += table[i].len;
		s->nwrite += !!(table[i].flags & VRING_DESC_F_WRITE);
		if (!(table[i].flags & VRING_DESC_F_NEXT))
			break;
		i = table[i].next;
	}
	struct vring_used_elem *e = &vq->used->ring[vq->used->idx % vq->num];
	e->id = head;
	e->len = 1;
	__atomic_store_n(&vq->used->idx, vq->used->idx + 1, __ATOMIC_RELEASE);
	return true;
}

static void run_roundtrip(struct ktest *t, u64 features)
{
	struct virtio_device vdev;
	struct virtqueue *vq = fake_vq(&vdev, features, 16);
	KT_ASSERT(t, vq != NULL);
	static struct vq_buf bufs[16];
	for (unsigned i = 0; i < 16; i++)
		bufs[i] = (struct vq_buf){ 0x1000 * (i + 1), 100 + i, i == 15 };
	/* Requests of 1, 3 and 12 buffers: 16 ring descriptors without indirect. */
	static const unsigned sizes[] = { 1, 3, 12 };
	int tokens[3];
	for (unsigned r = 0; r < 3; r++)
		KT_ASSERT_EQ(t, virtqueue_add(vq, &bufs[16 - sizes[r]], sizes[r], &tokens[r]), 0);
	bool indirect = features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
	KT_EXPECT_EQ(t, vq->num_free, indirect ? 16 - 2 - 1 : 0);
	/* Full without indirect: one more buffer does not fit. */
	if (!indirect)
		KT_EXPECT_EQ(t, virtqueue_add(vq, bufs, 1, &tokens[0]), -ENOSPC);
	virtqueue_kick(vq);
	KT_EXPECT_EQ(t, notifies, 1);
	u16 dev_avail = 0;
	struct seen s;
	for (unsigned r = 0; r < 3; r++) {
		KT_ASSERT(t, device_take(vq, &dev_avail, &s));
		KT_EXPECT_EQ(t, s.nbufs, sizes[r]);
		KT_EXPECT_EQ(t, s.nwrite, 1);
		KT_EXPECT_EQ(t, s.first_addr, 0x1000 * (16 - sizes[r] + 1));
		u32 len = 0;
		for (unsigned i = 16 - sizes[r]; i < 16; i++)
			len += 100 + i;
		KT_EXPECT_EQ(t, s.total_len, len);
	}
	KT_EXPECT(t, !device_take(vq, &dev_avail, &s));
	for (unsigned r = 0; r < 3; r++)
		KT_EXPECT(t, virtqueue_get_buf(vq, NULL) == &tokens[r]);
	KT_EXPECT(t, virtqueue_get_buf(vq, NULL) == NULL);
	KT_EXPECT_EQ(t, vq->num_free, 16);
	/* Every descriptor is reusable: fill the ring with single buffers. */
	for (unsigned i = 0; i < 16; i++)
		KT_EXPECT_EQ(t, virtqueue_add(vq, bufs, 1, &tokens[0]), 0);
	KT_EXPECT_EQ(t, vq->num_free, 0);
	vring_destroy(vq);
}

KTEST(virtio_ring, chained_requests_round_trip)
{
	run_roundtrip(t, 0);
}

KTEST(virtio_ring, indirect_requests_round_trip)
{
	run_roundtrip(t, 1ull << VIRTIO_RING_F_INDIRECT_DESC);
}

/* The device's avail_event: the word after the used ring's entries. */
static volatile u16 *fake_avail_event(struct virtqueue *vq)
{
	return (volatile u16 *)((u8 *)vq->used + 4 + 8 * vq->num);
}

static void restore_notify_mode(void *arg)
{
	(void)arg;
	vring_set_notify_always(-1);
}

/* With event index, the device asks to be notified when avail->idx passes
 * avail_event; with virtio.notify_always=0 the kicks that do not cross it
 * send nothing. */
KTEST(virtio_ring, event_index_suppresses_notifications)
{
	struct virtio_device vdev;
	struct virtqueue *vq = fake_vq(&vdev, 1ull << VIRTIO_RING_F_EVENT_IDX, 16);
	KT_ASSERT(t, vq != NULL);
	vring_set_notify_always(0);
	ktest_defer(t, restore_notify_mode, NULL);
	struct vq_buf b = { 0x1000, 512, false };
	volatile u16 *avail_event = fake_avail_event(vq);
	*avail_event = 3; /* notify when entry 3 becomes available */
	unsigned before = notifies;
	for (unsigned i = 0; i < 6; i++) {
		KT_ASSERT_EQ(t, virtqueue_add(vq, &b, 1, &b), 0);
		virtqueue_kick(vq);
		/* Kicks 0..2 do not reach entry 3; kick 3 crosses it; 4 and 5
		 * come after it: only kick 3 notifies. */
		KT_EXPECT_EQ(t, notifies, before + (i >= 3));
		KT_EXPECT_EQ(t, vq->nr_notify_unneeded, i < 3 ? i + 1 : i);
	}
	/* Several entries in one kick that cross the event: notified. */
	*avail_event = 7;
	for (unsigned i = 0; i < 3; i++)
		KT_ASSERT_EQ(t, virtqueue_add(vq, &b, 1, &b), 0);
	virtqueue_kick(vq);
	KT_EXPECT_EQ(t, notifies, before + 2);
	KT_EXPECT_EQ(t, vq->nr_notify, 2);
	KT_EXPECT_EQ(t, vq->nr_notify_unneeded, 5);
	/* The driver asks for an interrupt at its next completion. */
	vq->last_used_idx = 5;
	KT_EXPECT(t, !virtqueue_enable_cb(vq) == (vq->used->idx != 5));
	KT_EXPECT_EQ(t, vq->avail->ring[16], 5);
	vring_destroy(vq);
}

/* virtio.notify_always=1 (auto with one CPU: QEMU < 8.1's TCG drops the
 * guest's barriers there): every kick notifies, the spared ones counted. */
KTEST(virtio_ring, notify_always_notifies_every_kick)
{
	struct virtio_device vdev;
	struct virtqueue *vq = fake_vq(&vdev, 1ull << VIRTIO_RING_F_EVENT_IDX, 16);
	KT_ASSERT(t, vq != NULL);
	vring_set_notify_always(1);
	ktest_defer(t, restore_notify_mode, NULL);
	struct vq_buf b = { 0x1000, 512, false };
	*fake_avail_event(vq) = 3;
	unsigned before = notifies;
	for (unsigned i = 0; i < 6; i++) {
		KT_ASSERT_EQ(t, virtqueue_add(vq, &b, 1, &b), 0);
		virtqueue_kick(vq);
		KT_EXPECT_EQ(t, notifies, before + i + 1);
	}
	KT_EXPECT_EQ(t, vq->nr_notify_unneeded, 5);
	KT_EXPECT_EQ(t, vq->nr_notify, 6);
	vring_set_notify_always(-1);
	KT_EXPECT_EQ(t, vring_notify_always(), nr_cpus_online == 1);
	vring_destroy(vq);
}

/*
 * virtio-blk publishes under its lock (virtqueue_kick_prepare) and rings
 * the doorbell after dropping it (virtqueue_notify). The prepare writes
 * avail->idx and decides, but notifies nobody; a second driver's kick
 * published in between needs no notify of its own (its entries are seen
 * by the device when the first notify arrives), and the event index
 * still decides.
 */
KTEST(virtio_ring, kick_prepare_publishes_and_notify_rings_after)
{
	struct virtio_device vdev;
	struct virtqueue *vq = fake_vq(&vdev, 1ull << VIRTIO_RING_F_EVENT_IDX, 16);
	KT_ASSERT(t, vq != NULL);
	vring_set_notify_always(0);
	ktest_defer(t, restore_notify_mode, NULL);
	struct vq_buf b = { 0x1000, 512, false };
	*fake_avail_event(vq) = 0; /* the device waits for entry 0 */
	unsigned before = notifies;
	KT_ASSERT_EQ(t, virtqueue_add(vq, &b, 1, &b), 0);
	KT_EXPECT(t, virtqueue_kick_prepare(vq));
	KT_EXPECT_EQ(t, vq->avail->idx, 1);
	KT_EXPECT_EQ(t, notifies, before); /* decided, not sent */
	/* Another CPU's kick before our notify: the device has not moved
	 * avail_event, so it needs none of its own. */
	KT_ASSERT_EQ(t, virtqueue_add(vq, &b, 1, &b), 0);
	KT_EXPECT(t, !virtqueue_kick_prepare(vq));
	KT_EXPECT_EQ(t, vq->avail->idx, 2);
	virtqueue_notify(vq);
	KT_EXPECT_EQ(t, notifies, before + 1);
	KT_EXPECT_EQ(t, vq->nr_notify, 1);
	KT_EXPECT_EQ(t, vq->nr_notify_unneeded, 1);
	/* Nothing new: nothing to publish or notify. */
	KT_EXPECT(t, !virtqueue_kick_prepare(vq));
	vring_destroy(vq);
}

KTEST(virtio_ring, need_event_matches_the_spec_formula)
{
	KT_EXPECT(t, vring_need_event(3, 4, 3));  /* 3 just became available */
	KT_EXPECT(t, !vring_need_event(3, 3, 2)); /* not yet */
	KT_EXPECT(t, vring_need_event(3, 10, 0)); /* crossed within a batch */
	KT_EXPECT(t, !vring_need_event(20, 10, 0));
	KT_EXPECT(t, vring_need_event(0xffff, 1, 0xfffe)); /* across the wrap */
}

/*
 * A device that writes nonsense into the used ring (the fuzz target
 * tests/fuzz/fuzz_virtio_used.c plays one): an id not in flight, or a used
 * index far ahead of what is in flight, would make the driver hand back a
 * request the device may still be writing. The queue is marked broken,
 * nothing more is sent to the device, and the requests come back through
 * virtqueue_detach_unused to be failed.
 */
static void used_push(struct virtqueue *vq, u32 id)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used->idx % vq->num];
	e->id = id;
	e->len = 1;
	__atomic_store_n(&vq->used->idx, vq->used->idx + 1, __ATOMIC_RELEASE);
}

static void detach_all(struct ktest *t, struct virtqueue *vq, unsigned expect)
{
	unsigned n = 0;
	while (virtqueue_detach_unused(vq))
		n++;
	KT_EXPECT_EQ(t, n, expect);
	KT_EXPECT_EQ(t, vq->nr_inflight, 0);
}

static int quiet_get_buf(struct virtqueue *vq, void **token)
{
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the refusal is expected */
	*token = virtqueue_get_buf(vq, NULL);
	console_loglevel = saved;
	return virtqueue_is_broken(vq);
}

KTEST(virtio_ring, used_id_not_in_flight_breaks_the_queue)
{
	struct virtio_device vdev;
	struct virtqueue *vq = fake_vq(&vdev, 0, 8);
	KT_ASSERT(t, vq != NULL);
	struct vq_buf b = { 0x1000, 512, true };
	int tok[2];
	KT_ASSERT_EQ(t, virtqueue_add(vq, &b, 1, &tok[0]), 0);
	KT_ASSERT_EQ(t, virtqueue_add(vq, &b, 1, &tok[1]), 0);
	virtqueue_kick(vq);
	used_push(vq, 0x10001); /* id 1 in the low 16 bits: was truncated and believed */
	void *token;
	KT_EXPECT(t, quiet_get_buf(vq, &token));
	KT_EXPECT(t, token == NULL);
	unsigned before = notifies;
	KT_EXPECT_EQ(t, virtqueue_add(vq, &b, 1, &tok[0]), -EIO);
	virtqueue_kick(vq);
	KT_EXPECT_EQ(t, notifies, before); /* nothing more to a broken device */
	detach_all(t, vq, 2);
	vring_destroy(vq);
}

KTEST(virtio_ring, used_index_jump_breaks_the_queue)
{
	struct virtio_device vdev;
	struct virtqueue *vq = fake_vq(&vdev, 1ull << VIRTIO_RING_F_INDIRECT_DESC, 8);
	KT_ASSERT(t, vq != NULL);
	struct vq_buf b[3] = { { 0x1000, 16, false }, { 0x2000, 512, true }, { 0x3000, 1, true } };
	int tok[2];
	KT_ASSERT_EQ(t, virtqueue_add(vq, b, 3, &tok[0]), 0);
	KT_ASSERT_EQ(t, virtqueue_add(vq, b, 3, &tok[1]), 0);
	virtqueue_kick(vq);
	used_push(vq, 0); /* a real completion of the first */
	void *token;
	KT_EXPECT(t, !quiet_get_buf(vq, &token));
	KT_EXPECT(t, token == &tok[0]);
	/* Then the index moves 8 ahead with one request in flight: the slots
	 * it covers are stale (slot 0 still names descriptor 0). */
	__atomic_store_n(&vq->used->idx, vq->used->idx + 8, __ATOMIC_RELEASE);
	KT_EXPECT(t, quiet_get_buf(vq, &token));
	KT_EXPECT(t, token == NULL);
	detach_all(t, vq, 1);
	vring_destroy(vq);
}
