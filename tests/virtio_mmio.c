/*
 * The virtio-mmio transport (drivers/virtio_mmio.c) against a register-level
 * fake of a virtio-mmio block device, version 1 (legacy) or 2: the fake
 * answers reads and records writes the way QEMU's virtio-mmio does, and
 * counts every access to a register its version does not have (a legacy
 * device has no QueueReady or ConfigGeneration, a modern one no QueuePFN),
 * which a correct transport never makes. A test driver of the block type
 * runs the core's handshake over it (virtio_device_bind) and sets up one
 * queue, so the status sequence, the features, the queue registers and
 * the legacy ring layout can be checked; nothing is registered as a block
 * device.
 */
#include <asm/page.h>
#include "drivers/virtio.h"
#include "drivers/virtio_blk_config.h"
#include "drivers/virtio_mmio.h"
#include "drivers/virtio_ring.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define F(bit) (1ull << (bit))
#define FAKE_QUEUES 2
#define FAKE_CAPACITY 0x123456789ull

struct fake_queue {
	u32 num, align, pfn, ready;
	u64 desc, avail, used;
};

struct fake_vmmio {
	u32 magic, version, device_id;
	u64 host_features;
	u32 host_sel, guest_sel;
	u64 guest_features;
	u32 guest_page_size;
	u32 queue_sel, queue_num_max;
	struct fake_queue q[FAKE_QUEUES];
	u32 int_status, acked, nr_acks;
	u32 status;
	u8 status_log[16]; /* every value written to Status */
	unsigned nr_status;
	bool refuse_features_ok;
	u32 generation;
	u8 config[0x100];
	unsigned config_reads, config_wide_reads; /* wide: 2 or 4 bytes at once */
	unsigned nr_notify;
	u32 last_notify;
	unsigned bad_access; /* a register this version lacks, or a wrong width */
};

static struct fake_vmmio fake;

static void fake_init(u32 version, u64 host_features)
{
	memset(&fake, 0, sizeof(fake));
	fake.magic = VIRTIO_MMIO_MAGIC;
	fake.version = version;
	fake.device_id = VIRTIO_ID_BLOCK;
	fake.host_features = host_features;
	fake.queue_num_max = 128;
	u64 cap = FAKE_CAPACITY;
	u32 seg_max = 254;
	memcpy(fake.config + VBLK_CFG_CAPACITY, &cap, 8);
	memcpy(fake.config + VBLK_CFG_SEG_MAX, &seg_max, 4);
}

static bool fake_legacy(void)
{
	return fake.version == 1;
}

static u32 *fake_half(u64 *v, unsigned off)
{
	return (u32 *)v + ((off & 4) ? 1 : 0);
}

/* QEMU's virtio_mmio_write for a write to Status: 0 resets the device. */
static void fake_write_status(u32 v)
{
	if (fake.nr_status < ARRAY_SIZE(fake.status_log))
		fake.status_log[fake.nr_status++] = (u8)v;
	if (v == 0) {
		fake.status = 0;
		fake.guest_features = 0;
		fake.int_status = 0;
		memset(fake.q, 0, sizeof(fake.q));
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && fake_legacy())
		fake.bad_access++;
	if (fake.refuse_features_ok)
		v &= ~(u32)VIRTIO_STATUS_FEATURES_OK;
	fake.status = v;
}

static u32 fake_read(void *ctx, unsigned off, unsigned size)
{
	(void)ctx;
	if (off >= VIRTIO_MMIO_CONFIG) {
		unsigned c = off - VIRTIO_MMIO_CONFIG;
		u32 v = 0;
		if (c + size > sizeof(fake.config) || (c & (size - 1))) {
			fake.bad_access++;
			return 0;
		}
		memcpy(&v, fake.config + c, size);
		fake.config_reads++;
		fake.config_wide_reads += size > 1;
		return v;
	}
	if (size != 4) {
		fake.bad_access++;
		return 0;
	}
	struct fake_queue *q = fake.queue_sel < FAKE_QUEUES ? &fake.q[fake.queue_sel] : NULL;
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return fake.magic;
	case VIRTIO_MMIO_VERSION:
		return fake.version;
	case VIRTIO_MMIO_DEVICE_ID:
		return fake.device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return 0x554d4551; /* "QEMU" */
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (fake.host_sel > 1 || (fake.host_sel && fake_legacy())) {
			fake.bad_access++;
			return 0;
		}
		return *fake_half(&fake.host_features, fake.host_sel * 4);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? fake.queue_num_max : 0;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (!fake_legacy())
			break;
		return q ? q->pfn : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		if (fake_legacy())
			break;
		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return fake.int_status;
	case VIRTIO_MMIO_STATUS:
		return fake.status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		if (fake_legacy())
			break;
		return fake.generation;
	}
	fake.bad_access++;
	return 0;
}

static void fake_write(void *ctx, unsigned off, unsigned size, u32 v)
{
	(void)ctx;
	struct fake_queue *q = fake.queue_sel < FAKE_QUEUES ? &fake.q[fake.queue_sel] : NULL;
	bool legacy = fake_legacy();
	if (size != 4 || off >= VIRTIO_MMIO_CONFIG) {
		fake.bad_access++;
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		fake.host_sel = v;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		fake.guest_sel = v;
		fake.bad_access += legacy && v != 0;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (fake.guest_sel > 1)
			break;
		*fake_half(&fake.guest_features, fake.guest_sel * 4) = v;
		return;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE:
		if (!legacy)
			break;
		fake.guest_page_size = v;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		fake.queue_sel = v;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (!q || v > fake.queue_num_max)
			break;
		q->num = v;
		return;
	case VIRTIO_MMIO_QUEUE_ALIGN:
	case VIRTIO_MMIO_QUEUE_PFN:
		if (!legacy || !q)
			break;
		*(off == VIRTIO_MMIO_QUEUE_PFN ? &q->pfn : &q->align) = v;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (legacy || !q)
			break;
		q->ready = v;
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (legacy || !q)
			break;
		*fake_half(off < VIRTIO_MMIO_QUEUE_AVAIL_LOW  ? &q->desc
			   : off < VIRTIO_MMIO_QUEUE_USED_LOW ? &q->avail
							      : &q->used,
			   off) = v;
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		fake.nr_notify++;
		fake.last_notify = v;
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		fake.int_status &= ~v;
		fake.acked |= v;
		fake.nr_acks++;
		return;
	case VIRTIO_MMIO_STATUS:
		fake_write_status(v);
		return;
	}
	fake.bad_access++;
}

static const struct virtio_mmio_io fake_io = { .read = fake_read, .write = fake_write };

static const struct boot_device fake_dev = {
	.compatible = "virtio,mmio",
	.base = 0x0a003e00,
	.size = 0x200,
};

/* The test driver: one queue, and the capacity read through the config
 * space, as virtio-blk's probe does. */
static struct virtqueue *drv_vq;
static u64 drv_capacity;
static unsigned drv_callbacks;

static void drv_callback(struct virtqueue *vq)
{
	(void)vq;
	drv_callbacks++;
}

static int drv_probe(struct virtio_device *vdev)
{
	vq_callback_t cb = drv_callback;
	int err = vdev->ops->find_vqs(vdev, 1, &drv_vq, &cb, 256, false);
	if (err)
		return err;
	err = virtio_read_config(vdev, VBLK_CFG_CAPACITY, &drv_capacity, 8);
	if (err) {
		vdev->ops->reset(vdev);
		vdev->ops->del_vqs(vdev);
	}
	return err;
}

static const struct virtio_driver drv = {
	.name = "test-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = F(VIRTIO_BLK_F_SEG_MAX),
	.probe = drv_probe,
};

/* Messages of refused devices are expected here. */
static int create_quietly(struct virtio_device **vdev)
{
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	int err = virtio_mmio_create(&fake_dev, &fake_io, NULL, vdev);
	console_loglevel = saved;
	return err;
}

static int bind_quietly(struct virtio_device *vdev)
{
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	drv_vq = NULL;
	drv_capacity = 0;
	drv_callbacks = 0;
	int err = virtio_device_bind(vdev, &drv);
	console_loglevel = saved;
	return err;
}

static void destroy(void *arg)
{
	struct virtio_device *vdev = arg;
	vdev->ops->reset(vdev);
	virtio_mmio_destroy(vdev);
}

static bool status_log_is(const u8 *want, unsigned n)
{
	return fake.nr_status == n && memcmp(fake.status_log, want, n) == 0;
}

KTEST(virtio_mmio, empty_slot_skipped)
{
	fake_init(2, 0);
	fake.device_id = 0;
	struct virtio_device *vdev = NULL;
	KT_EXPECT_EQ(t, virtio_mmio_create(&fake_dev, &fake_io, NULL, &vdev), -ENODEV);
	KT_EXPECT(t, vdev == NULL);
	KT_EXPECT_EQ(t, fake.nr_status, 0); /* not touched: no reset */
	KT_EXPECT_EQ(t, fake.bad_access, 0);
}

KTEST(virtio_mmio, bad_magic_refused)
{
	fake_init(2, 0);
	fake.magic = 0x12345678;
	struct virtio_device *vdev = NULL;
	KT_EXPECT_EQ(t, create_quietly(&vdev), -EINVAL);
	KT_EXPECT(t, vdev == NULL);
	KT_EXPECT_EQ(t, fake.nr_status, 0);
}

KTEST(virtio_mmio, unknown_version_refused)
{
	fake_init(3, 0);
	struct virtio_device *vdev = NULL;
	KT_EXPECT_EQ(t, create_quietly(&vdev), -EINVAL);
	KT_EXPECT(t, vdev == NULL);
	fake_init(0, 0);
	KT_EXPECT_EQ(t, create_quietly(&vdev), -EINVAL);
	KT_EXPECT(t, vdev == NULL);
}

KTEST(virtio_mmio, window_too_small_refused)
{
	fake_init(2, 0);
	struct boot_device small = fake_dev;
	small.size = 0x80;
	struct virtio_device *vdev = NULL;
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, virtio_mmio_create(&small, &fake_io, NULL, &vdev), -EINVAL);
	console_loglevel = saved;
	KT_EXPECT(t, vdev == NULL);
}

/*
 * Version 1: ACKNOWLEDGE, DRIVER, the low 32 feature bits, the queue,
 * DRIVER_OK, and never FEATURES_OK (3.1.2). The queue is one block whose
 * page number is in QueuePFN, with the used ring where the device will
 * compute it: at QueueAlign past the avail ring's end (2.7.2, legacy).
 */
KTEST(virtio_mmio, legacy_handshake)
{
	/* Bit 32 (VERSION_1) high up: a legacy transport must not even look. */
	fake_init(1, F(VIRTIO_RING_F_INDIRECT_DESC) | F(VIRTIO_RING_F_EVENT_IDX) |
			     F(VIRTIO_BLK_F_SEG_MAX) | F(VIRTIO_BLK_F_RO) | F(VIRTIO_F_VERSION_1));
	struct virtio_device *vdev = NULL;
	KT_ASSERT_EQ(t, create_quietly(&vdev), 0);
	ktest_defer(t, destroy, vdev);
	KT_EXPECT(t, vdev->legacy);
	KT_EXPECT_EQ(t, vdev->config_len, 0x100);
	KT_ASSERT_EQ(t, bind_quietly(vdev), 0);

	static const u8 seq[] = { 0, VIRTIO_STATUS_ACKNOWLEDGE,
				  VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER,
				  VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					  VIRTIO_STATUS_DRIVER_OK };
	KT_EXPECT(t, status_log_is(seq, ARRAY_SIZE(seq)));
	KT_EXPECT_EQ(t, fake.bad_access, 0);
	u64 want = F(VIRTIO_RING_F_INDIRECT_DESC) | F(VIRTIO_RING_F_EVENT_IDX) |
		   F(VIRTIO_BLK_F_SEG_MAX);
	KT_EXPECT_EQ(t, vdev->features, want);
	KT_EXPECT_EQ(t, fake.guest_features, want);
	KT_EXPECT_EQ(t, fake.guest_page_size, PAGE_SIZE);

	KT_ASSERT(t, drv_vq != NULL);
	struct fake_queue *q = &fake.q[0];
	KT_EXPECT_EQ(t, q->num, 128);
	KT_EXPECT_EQ(t, drv_vq->num, 128);
	KT_EXPECT_EQ(t, q->align, PAGE_SIZE);
	KT_ASSERT(t, q->pfn != 0);
	u8 *ring = phys_to_virt((phys_addr_t)q->pfn * fake.guest_page_size);
	KT_EXPECT(t, ring == (u8 *)drv_vq->desc);
	KT_EXPECT(t, ring + 16 * q->num == (u8 *)drv_vq->avail);
	/* What the legacy device computes (Linux's vring_init). */
	size_t used_off = ALIGN_UP(16ul * q->num + 6 + 2ul * q->num, (size_t)q->align);
	KT_EXPECT(t, ring + used_off == (u8 *)drv_vq->used);
	KT_EXPECT_EQ(t, used_off % PAGE_SIZE, 0);
	KT_EXPECT_EQ(t, vring_size(q->num, q->align), used_off + 6 + 8ul * q->num);

	/* Config reads byte by byte, the capacity intact. */
	KT_EXPECT_EQ(t, drv_capacity, FAKE_CAPACITY);
	KT_EXPECT_EQ(t, fake.config_wide_reads, 0);
	KT_EXPECT_EQ(t, fake.config_reads, 8);
	KT_EXPECT(t, !strcmp(vdev->ops->irq_mode(vdev), "polling"));

	/* The doorbell: QueueNotify gets the queue's index. */
	struct vq_buf b = { 0x1000, 512, true };
	KT_ASSERT_EQ(t, virtqueue_add(drv_vq, &b, 1, &fake), 0);
	virtqueue_kick(drv_vq);
	KT_EXPECT_EQ(t, fake.nr_notify, 1);
	KT_EXPECT_EQ(t, fake.last_notify, 0);
	KT_EXPECT(t, virtqueue_detach_unused(drv_vq) == &fake);

	/* del_vqs takes the queue back with QueuePFN 0. */
	vdev->ops->del_vqs(vdev);
	KT_EXPECT_EQ(t, q->pfn, 0);
	KT_EXPECT_EQ(t, fake.bad_access, 0);
}

/*
 * Version 2: FEATURES_OK written and read back before the queue; the
 * queue's three addresses in QueueDesc/Driver/Device, then QueueReady.
 */
KTEST(virtio_mmio, modern_handshake)
{
	fake_init(2, F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_EVENT_IDX) | F(VIRTIO_BLK_F_SEG_MAX) |
			     F(VIRTIO_BLK_F_FLUSH));
	struct virtio_device *vdev = NULL;
	KT_ASSERT_EQ(t, create_quietly(&vdev), 0);
	ktest_defer(t, destroy, vdev);
	KT_EXPECT(t, !vdev->legacy);
	KT_ASSERT_EQ(t, bind_quietly(vdev), 0);

	u8 ad = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	const u8 seq[] = { 0, VIRTIO_STATUS_ACKNOWLEDGE, ad, ad | VIRTIO_STATUS_FEATURES_OK,
			   ad | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK };
	KT_EXPECT(t, status_log_is(seq, ARRAY_SIZE(seq)));
	KT_EXPECT_EQ(t, fake.bad_access, 0);
	u64 want = F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_EVENT_IDX) | F(VIRTIO_BLK_F_SEG_MAX);
	KT_EXPECT_EQ(t, vdev->features, want);
	KT_EXPECT_EQ(t, fake.guest_features, want);
	KT_EXPECT_EQ(t, fake.guest_page_size, 0); /* legacy only */

	KT_ASSERT(t, drv_vq != NULL);
	struct fake_queue *q = &fake.q[0];
	KT_EXPECT_EQ(t, q->num, 128);
	KT_EXPECT_EQ(t, q->ready, 1);
	KT_EXPECT_EQ(t, q->desc, virt_to_phys(drv_vq->desc));
	KT_EXPECT_EQ(t, q->avail, virt_to_phys(drv_vq->avail));
	KT_EXPECT_EQ(t, q->used, virt_to_phys(drv_vq->used));
	KT_EXPECT_EQ(t, q->pfn, 0);

	/* Config reads of the field's width: the u64 as two u32s. */
	KT_EXPECT_EQ(t, drv_capacity, FAKE_CAPACITY);
	KT_EXPECT_EQ(t, fake.config_reads, 2);
	KT_EXPECT_EQ(t, fake.config_wide_reads, 2);

	vdev->ops->del_vqs(vdev);
	KT_EXPECT_EQ(t, q->ready, 0);
	KT_EXPECT_EQ(t, fake.bad_access, 0);
}

KTEST(virtio_mmio, modern_without_version_1_refused)
{
	fake_init(2, F(VIRTIO_BLK_F_SEG_MAX));
	struct virtio_device *vdev = NULL;
	KT_ASSERT_EQ(t, create_quietly(&vdev), 0);
	ktest_defer(t, destroy, vdev);
	KT_EXPECT_EQ(t, bind_quietly(vdev), -ENODEV);
	KT_EXPECT(t, fake.status & VIRTIO_STATUS_FAILED);
	KT_EXPECT(t, !(fake.status & VIRTIO_STATUS_DRIVER_OK));
	KT_EXPECT(t, drv_vq == NULL);
}

KTEST(virtio_mmio, features_ok_refused)
{
	fake_init(2, F(VIRTIO_F_VERSION_1) | F(VIRTIO_BLK_F_SEG_MAX));
	fake.refuse_features_ok = true;
	struct virtio_device *vdev = NULL;
	KT_ASSERT_EQ(t, create_quietly(&vdev), 0);
	ktest_defer(t, destroy, vdev);
	KT_EXPECT_EQ(t, bind_quietly(vdev), -ENODEV);
	KT_EXPECT(t, fake.status & VIRTIO_STATUS_FAILED);
	KT_EXPECT(t, !(fake.status & VIRTIO_STATUS_DRIVER_OK));
	KT_EXPECT(t, drv_vq == NULL); /* no queue set up for a refused device */
	KT_EXPECT_EQ(t, fake.q[0].ready, 0);
}

/* The interrupt: InterruptStatus read, the same bits acknowledged, the
 * queue callback on a used buffer only; nothing written when idle. */
KTEST(virtio_mmio, interrupt_acknowledged)
{
	fake_init(2, F(VIRTIO_F_VERSION_1));
	struct virtio_device *vdev = NULL;
	KT_ASSERT_EQ(t, create_quietly(&vdev), 0);
	ktest_defer(t, destroy, vdev);
	KT_ASSERT_EQ(t, bind_quietly(vdev), 0);

	fake.int_status = VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG;
	virtio_mmio_interrupt(vdev);
	KT_EXPECT_EQ(t, fake.acked, VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	KT_EXPECT_EQ(t, fake.int_status, 0);
	KT_EXPECT_EQ(t, drv_callbacks, 1);
	KT_EXPECT_EQ(t, drv_vq->nr_interrupts, 1);

	fake.acked = 0;
	fake.int_status = VIRTIO_MMIO_INT_CONFIG;
	virtio_mmio_interrupt(vdev);
	KT_EXPECT_EQ(t, fake.acked, VIRTIO_MMIO_INT_CONFIG);
	KT_EXPECT_EQ(t, drv_callbacks, 1);

	unsigned acks = fake.nr_acks;
	virtio_mmio_interrupt(vdev); /* spurious */
	KT_EXPECT_EQ(t, fake.nr_acks, acks);

	/* After del_vqs the handler still acknowledges but runs no queue. */
	vdev->ops->reset(vdev);
	vdev->ops->del_vqs(vdev);
	fake.int_status = VIRTIO_MMIO_INT_VRING;
	virtio_mmio_interrupt(vdev);
	KT_EXPECT_EQ(t, fake.int_status, 0);
	KT_EXPECT_EQ(t, drv_callbacks, 1);
	KT_EXPECT_EQ(t, fake.bad_access, 0);
}

/* A device without the queue the driver asks for (QueueNumMax 0) fails
 * the probe, with FAILED set and nothing left allocated. */
KTEST(virtio_mmio, missing_queue_refused)
{
	fake_init(1, 0);
	struct virtio_device *vdev = NULL;
	KT_ASSERT_EQ(t, create_quietly(&vdev), 0);
	ktest_defer(t, destroy, vdev);
	fake.queue_num_max = 0; /* no queue 0 at all */
	KT_EXPECT_EQ(t, bind_quietly(vdev), -ENOENT);
	KT_EXPECT(t, fake.status & VIRTIO_STATUS_FAILED);
	KT_EXPECT(t, drv_vq == NULL);
}

/* Only "virtio,mmio" devices are claimed (the host and x86-64 have none
 * to map). */
KTEST(virtio_mmio, probe_all_ignores_other_devices)
{
	static struct bootinfo bi;
	memset(&bi, 0, sizeof(bi));
	memcpy(bi.devices[0].compatible, "arm,pl011", sizeof("arm,pl011"));
	bi.devices[0].base = 0x09000000;
	bi.devices[0].size = 0x1000;
	bi.nr_devices = 1;
	KT_EXPECT_EQ(t, virtio_mmio_probe_all(&bi), 0);
}
