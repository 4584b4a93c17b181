/*
 * The split virtqueue (drivers/virtio_ring.c) against a device that writes
 * whatever it likes into the used ring: ids out of range or not in flight,
 * any lengths, the used index jumping forwards or back. The input is a
 * script of driver and device steps (see step()). The driver must never
 * read outside the ring, hand back a token that is not in flight or hand
 * one back twice; once it calls the queue broken it must write nothing
 * more to the ring or the doorbell, and give back every token still in
 * flight (virtqueue_detach_unused), as virtio-blk does to fail them.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"

#define MAX_TOKENS 4096

static bool outstanding[MAX_TOKENS];
static unsigned next_token, nr_outstanding, notifies;
static char token_pool[MAX_TOKENS];

static void fake_notify(struct virtqueue *vq)
{
	if (vq->broken)
		abort(); /* a write to a device we stopped believing */
	notifies++;
}

static const struct virtio_transport_ops fake_ops = { .notify = fake_notify };

struct script {
	const u8 *p, *end;
};

static u32 take(struct script *s, unsigned bytes)
{
	u32 v = 0;
	for (unsigned i = 0; i < bytes && s->p < s->end; i++)
		v |= (u32)*s->p++ << (8 * i);
	return v;
}

static void token_back(void *token)
{
	size_t t = (size_t)((char *)token - token_pool);
	if (t >= MAX_TOKENS || !outstanding[t])
		abort(); /* not in flight, or handed back twice */
	outstanding[t] = false;
	nr_outstanding--;
}

static void driver_add(struct virtqueue *vq, unsigned n)
{
	static struct vq_buf bufs[260];
	if (next_token == MAX_TOKENS)
		return;
	for (unsigned i = 0; i < n; i++)
		bufs[i] = (struct vq_buf){ 0x1000 * (i + 1), 512, i + 1 == n };
	if (virtqueue_add(vq, bufs, n, &token_pool[next_token]) == 0) {
		outstanding[next_token++] = true;
		nr_outstanding++;
	}
}

/* The device completes the next available request properly. */
static void device_complete(struct virtqueue *vq, u16 *dev_avail, u32 len)
{
	if (*dev_avail == vq->avail->idx)
		return;
	u16 head = vq->avail->ring[*dev_avail & (vq->num - 1)];
	(*dev_avail)++;
	struct vring_used_elem *e = &vq->used->ring[vq->used->idx & (vq->num - 1)];
	e->id = head;
	e->len = len;
	vq->used->idx++;
}

static void driver_reap(struct virtqueue *vq)
{
	void *token;
	do {
		while ((token = virtqueue_get_buf(vq, NULL)))
			token_back(token);
	} while (!virtqueue_is_broken(vq) && !virtqueue_enable_cb(vq));
	if (virtqueue_is_broken(vq))
		while ((token = virtqueue_detach_unused(vq)))
			token_back(token);
}

static void step(struct virtqueue *vq, struct script *s, u16 *dev_avail)
{
	switch (take(s, 1) % 7) {
	case 0:
		driver_add(vq, take(s, 1) % (vq->num + 2) + 1);
		break;
	case 1:
		virtqueue_kick(vq);
		break;
	case 2:
		device_complete(vq, dev_avail, take(s, 4));
		break;
	case 3: {
		struct vring_used_elem *e = &vq->used->ring[vq->used->idx & (vq->num - 1)];
		e->id = take(s, 4);
		e->len = take(s, 4);
		vq->used->idx++;
		break;
	}
	case 4:
		vq->used->idx += (u16)take(s, 2);
		break;
	case 5:
		driver_reap(vq);
		break;
	case 6:
		*dev_avail += (u16)take(s, 1);
		break; /* the device skips requests */
	}
	if (vq->num_free > vq->num || vq->nr_inflight > vq->num ||
	    vq->nr_inflight != nr_outstanding)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s = { data, data + size };
	struct virtio_device vdev = { .name = "virtio0", .ops = &fake_ops };
	u8 setup = (u8)take(&s, 1);
	unsigned num = 1u << (setup % 9); /* 1..256 entries */
	vdev.features = (setup & 0x10 ? 1ull << VIRTIO_RING_F_INDIRECT_DESC : 0) |
			(setup & 0x20 ? 1ull << VIRTIO_RING_F_EVENT_IDX : 0);
	struct virtqueue *vq = vring_create(&vdev, 0, num, NULL);
	if (!vq)
		abort();
	memset(outstanding, 0, sizeof(outstanding));
	next_token = nr_outstanding = notifies = 0;
	u16 dev_avail = 0;
	while (s.p < s.end)
		step(vq, &s, &dev_avail);
	driver_reap(vq);
	if (virtqueue_is_broken(vq) && nr_outstanding)
		abort();
	vring_destroy(vq);
	return 0;
}
