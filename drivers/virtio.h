/*
 * virtio core: devices, the status handshake and feature negotiation,
 * behind a transport interface (virtio-pci modern, virtio-mmio versions 1
 * and 2).
 *
 * Handshake (virtio 1.2, 3.1.1): reset; ACKNOWLEDGE; DRIVER; read the
 * device features, write the subset we accept; FEATURES_OK, read it back
 * (the device may refuse); set up the queues; DRIVER_OK. Any failure sets
 * FAILED. We require VIRTIO_F_VERSION_1 (the modern interface) on every
 * device, transitional ones included, except one its transport marks
 * legacy (virtio-mmio version 1, what QEMU's arm64 virt machine gives by
 * default): then there are 32 feature bits, no VERSION_1 and no
 * FEATURES_OK step (virtio 1.2, 3.1.2: ACKNOWLEDGE, DRIVER, features,
 * queues, DRIVER_OK), and the transport lays the queues out the legacy
 * way (virtio_ring.h, vring_create_aligned).
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include "kernel/types.h"

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

#define VIRTIO_ID_BLOCK 2

struct virtio_device;
struct virtqueue;
typedef void (*vq_callback_t)(struct virtqueue *vq);

/* What a transport provides. Config space offsets are device-specific. */
struct virtio_transport_ops {
	u64 (*get_features)(struct virtio_device *vdev);
	void (*set_features)(struct virtio_device *vdev, u64 features);
	u8 (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, u8 status);
	/* Write 0 to status and wait until the device reads back 0; -EIO
	 * when it never does (a broken device, then refused). */
	int (*reset)(struct virtio_device *vdev);
	void (*read_config)(struct virtio_device *vdev, unsigned off, void *buf, unsigned len);
	u32 (*config_generation)(struct virtio_device *vdev);
	/* Create nvqs queues of at most max_size entries, give them to the
	 * device and set up their interrupts (none when poll: the driver will
	 * poll). Called between FEATURES_OK and DRIVER_OK. */
	int (*find_vqs)(struct virtio_device *vdev, unsigned nvqs, struct virtqueue **vqs,
			const vq_callback_t *callbacks, unsigned max_size, bool poll);
	/* Undo find_vqs (Linux's name): the queues' interrupts no longer
	 * reach them, and they are freed. The device must not use them any
	 * more: reset it first (or it never reached DRIVER_OK). find_vqs
	 * calls it itself when it fails half-way. */
	void (*del_vqs)(struct virtio_device *vdev);
	/* Tell the device there are new buffers in vq. */
	void (*notify)(struct virtqueue *vq);
	/* How interrupts are delivered now: "msi-x", "intx" (virtio-pci),
	 * "line" (virtio-mmio's wired interrupt) or "polling". */
	const char *(*irq_mode)(struct virtio_device *vdev);
};

struct virtio_device {
	char name[16]; /* "virtio0" */
	u32 device_id; /* VIRTIO_ID_* */
	u64 features;  /* negotiated; read-only after the handshake */
	/* A legacy (pre-1.0) device, set by the transport before
	 * virtio_device_add: 32 feature bits, no VERSION_1, no FEATURES_OK.
	 * Its config space and ring contents are in the guest's byte order,
	 * which on x86-64 and arm64 (both little-endian) is the modern one,
	 * so drivers read them the same way. */
	bool legacy;
	const struct virtio_transport_ops *ops;
	u32 config_len;	 /* bytes of device config space the transport can reach */
	void *transport; /* the transport's state */
	void *priv;	 /* the driver's state */
};

struct virtio_driver {
	const char *name;
	u32 device_id;
	u64 features; /* device-specific features the driver understands */
	/* Called after FEATURES_OK; sets up queues. DRIVER_OK follows when it
	 * returns 0. */
	int (*probe)(struct virtio_device *vdev);
};

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned bit)
{
	return vdev->features & (1ull << bit);
}

/* Run the handshake for a device a transport found, with the driver for
 * its type; -ENODEV when no driver handles it. */
int virtio_device_add(struct virtio_device *vdev);
/* The same with a driver the caller chooses (tests bring their own). */
int virtio_device_bind(struct virtio_device *vdev, const struct virtio_driver *drv);
/* Give a transport's new device the next free name, "virtio<n>", so that
 * devices of every transport are numbered in one sequence. */
void virtio_device_set_name(struct virtio_device *vdev);

/* Read a config field consistently (retries across a generation change).
 * -EINVAL when the field is past config_len, -EIO when the generation
 * keeps changing (a misbehaving device); the caller refuses the device. */
int virtio_read_config(struct virtio_device *vdev, unsigned off, void *buf, unsigned len);

/* The drivers, known at build time. */
extern const struct virtio_driver virtio_blk_driver;

#endif
