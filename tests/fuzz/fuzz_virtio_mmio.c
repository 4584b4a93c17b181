/*
 * The virtio-mmio transport (drivers/virtio_mmio.c) and the core's
 * handshake (drivers/virtio.c) against a device that answers every read
 * with the next bytes of the input: any magic, version, device id,
 * features, status read back, queue size, config space, generation and
 * interrupt status. Then a short script of driver steps (add and kick a
 * request, take the interrupt, take requests back) and the teardown.
 *
 * The transport must stay inside the 0x200-byte window, use only the
 * registers of the version it accepted (a legacy device has no QueueReady,
 * ConfigGeneration or FEATURES_OK; a version 2 one no GuestPageSize,
 * QueueAlign or QueuePFN), with 32-bit accesses below the config space,
 * ring the doorbell only for the queue it made, and leave nothing
 * allocated once the device is destroyed (LeakSanitizer).
 *
 * The block driver here stands in for virtio-blk (which needs the block
 * layer): one queue, the capacity read through the config space, as its
 * probe does.
 */
#include <stdlib.h>
#include <string.h>
#include <asm/page.h>
#include "fuzz.h"
#include "drivers/virtio.h"
#include "drivers/virtio_mmio.h"
#include "drivers/virtio_ring.h"
#include "kernel/errno.h"

#define WINDOW 0x200

static const u8 *in, *in_end;
static u32 version;	/* what the transport was told at VERSION */
static u32 status_seen; /* what it was told at the last Status read */
static bool have_queue;

static u32 take(unsigned bytes)
{
	u32 v = 0;
	for (unsigned i = 0; i < bytes && in < in_end; i++)
		v |= (u32)*in++ << (8 * i);
	return v;
}

static u32 fuzz_read(void *ctx, unsigned off, unsigned size)
{
	(void)ctx;
	if (off + size > WINDOW || (size != 1 && size != 2 && size != 4) || (off & (size - 1)))
		abort();
	if (off < VIRTIO_MMIO_CONFIG && size != 4)
		abort(); /* registers are 32 bits wide (4.2.2.2) */
	bool legacy = version == 1;
	if ((off == VIRTIO_MMIO_CONFIG_GENERATION || off == VIRTIO_MMIO_QUEUE_READY) && legacy)
		abort();
	if (off == VIRTIO_MMIO_QUEUE_PFN && !legacy)
		abort();
	u32 v = take(size);
	if (off == VIRTIO_MMIO_VERSION)
		version = v;
	if (off == VIRTIO_MMIO_STATUS)
		status_seen = v;
	return v;
}

static void fuzz_write(void *ctx, unsigned off, unsigned size, u32 v)
{
	(void)ctx;
	if (size != 4 || off >= VIRTIO_MMIO_CONFIG || (off & 3))
		abort(); /* nothing here writes the config space */
	bool legacy = version == 1;
	switch (off) {
	case VIRTIO_MMIO_GUEST_PAGE_SIZE:
	case VIRTIO_MMIO_QUEUE_ALIGN:
	case VIRTIO_MMIO_QUEUE_PFN:
		if (!legacy)
			abort();
		break;
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (legacy)
			abort();
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		if (v > 1 || (legacy && v != 0))
			abort();
		break;
	case VIRTIO_MMIO_STATUS:
		/* The core adds status bits to what it reads back (as Linux's
		 * virtio_add_status); it must not add FEATURES_OK itself. */
		if (legacy && (v & ~status_seen & VIRTIO_STATUS_FEATURES_OK))
			abort();
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v != 0 || !have_queue)
			abort();
		break;
	}
}

static const struct virtio_mmio_io fuzz_io = { .read = fuzz_read, .write = fuzz_write };

static struct virtqueue *vq;

static void fuzz_callback(struct virtqueue *q)
{
	if (q != vq)
		abort();
}

static int fuzz_probe(struct virtio_device *vdev)
{
	vq_callback_t cb = fuzz_callback;
	int err = vdev->ops->find_vqs(vdev, 1, &vq, &cb, 256, take(1) & 1);
	if (err)
		return err;
	have_queue = true;
	u64 capacity;
	err = virtio_read_config(vdev, 0, &capacity, 8);
	if (!err && (take(1) & 1))
		err = -EINVAL; /* the driver refuses what it read */
	if (err) {
		vdev->ops->reset(vdev);
		vdev->ops->del_vqs(vdev);
		have_queue = false;
		vq = NULL;
	}
	return err;
}

/* virtio.c's driver table names virtio-blk; this one stands in for it. */
const struct virtio_driver virtio_blk_driver = {
	.name = "fuzz-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = 0x3ff,
	.probe = fuzz_probe,
};

static char tokens[8];

static void driver_steps(struct virtio_device *vdev)
{
	for (unsigned steps = 0; steps < 64 && in < in_end; steps++) {
		switch (take(1) % 3) {
		case 0: {
			struct vq_buf b = { 0x1000, 512, true };
			virtqueue_add(vq, &b, 1, &tokens[steps % 8]);
			virtqueue_kick(vq);
			break;
		}
		case 1:
			virtio_mmio_interrupt(vdev);
			break;
		case 2:
			while (virtqueue_detach_unused(vq))
				;
			break;
		}
	}
}

/*
 * The shim's "physical" addresses are host pointers minus host_phys_base,
 * and a legacy device takes a ring's page number in 32 bits: put the base
 * at the 16 TiB boundary below the heap, so rings get small page numbers
 * (as they do below 16 TiB of RAM) and the legacy queue setup is reached.
 */
static void place_phys_base(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	void *p = malloc(PAGE_SIZE);
	host_phys_base = (char *)((uintptr_t)p & ~(((uintptr_t)1 << 44) - 1));
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	place_phys_base();
	in = data;
	in_end = data + size;
	version = status_seen = 0;
	have_queue = false;
	vq = NULL;
	struct boot_device dev = { .compatible = "virtio,mmio",
				   .base = 0x0a000000,
				   .size = WINDOW };
	struct virtio_device *vdev;
	if (virtio_mmio_create(&dev, &fuzz_io, NULL, &vdev) != 0)
		return 0;
	if (virtio_device_add(vdev) == 0) {
		if (!vq || vq->num == 0 || vq->num > 256 || (vq->num & (vq->num - 1)))
			abort();
		driver_steps(vdev);
		vdev->ops->reset(vdev);
		while (virtqueue_detach_unused(vq))
			;
	}
	have_queue = false;
	virtio_mmio_destroy(vdev);
	return 0;
}
