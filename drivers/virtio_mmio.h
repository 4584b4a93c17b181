/*
 * virtio over MMIO (virtio 1.2, 4.2): the transport of arm64's QEMU virt
 * machine, where the device tree lists each device's register window and
 * interrupt (kernel/bootinfo.h). Both register layouts are driven:
 * version 2 (virtio 1.x) and version 1, the legacy one QEMU gives unless
 * started with -global virtio-mmio.force-legacy=false.
 *
 * drivers_init calls virtio_mmio_probe_all once at boot. The registers are
 * reached through a struct virtio_mmio_io so that a test can put a
 * register-level fake device behind the transport (tests/virtio_mmio.c);
 * the kernel's is virtio_mmio_hw_io, plain readl/writel on the window.
 */
#ifndef DRIVERS_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_MMIO_H

#include "kernel/bootinfo.h"
#include "kernel/types.h"

struct virtio_device;

/* Register offsets (virtio 1.2, 4.2.2 and 4.2.4). */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /* "virt", 0x74726976 */
#define VIRTIO_MMIO_VERSION 0x004     /* 1: legacy, 2: virtio 1.x */
#define VIRTIO_MMIO_DEVICE_ID 0x008   /* 0: an empty slot */
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 /* legacy only */
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c /* legacy only */
#define VIRTIO_MMIO_QUEUE_PFN 0x040   /* legacy only */
#define VIRTIO_MMIO_QUEUE_READY 0x044 /* version 2 only, like the rest below */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW 0x090 /* "QueueDriver" */
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW 0x0a0 /* "QueueDevice" */
#define VIRTIO_MMIO_QUEUE_USED_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

#define VIRTIO_MMIO_MAGIC 0x74726976u
#define VIRTIO_MMIO_INT_VRING 1	 /* InterruptStatus: a used buffer */
#define VIRTIO_MMIO_INT_CONFIG 2 /* InterruptStatus: the config space changed */

/* How the transport reaches a device's registers: size is 1, 2 or 4 bytes
 * (config space may be read in any of them, registers are 4). */
struct virtio_mmio_io {
	u32 (*read)(void *ctx, unsigned off, unsigned size);
	void (*write)(void *ctx, unsigned off, unsigned size, u32 val);
};
/* Real hardware: ctx is the arch_ioremap'd window. */
extern const struct virtio_mmio_io virtio_mmio_hw_io;

/* Claim every "virtio,mmio" device in bi->devices and run its handshake;
 * returns how many were added. Empty slots are skipped quietly, windows
 * that are not virtio-mmio (magic, version) refused with a message. */
int virtio_mmio_probe_all(const struct bootinfo *bi);

/* One device behind io/ctx, described by dev (its interrupt; its base for
 * messages): checks magic, version and device id and makes the transport's
 * device, named and ready for virtio_device_add. -ENODEV for an empty
 * slot (DeviceID 0, no message), -EINVAL (with a message) for a window
 * that is not virtio-mmio or a version other than 1 and 2, -ENOMEM. */
int virtio_mmio_create(const struct boot_device *dev, const struct virtio_mmio_io *io, void *ctx,
		       struct virtio_device **out);
/* Free a device virtio_mmio_create made, once it is reset or never
 * started: its queues (del_vqs) and its state. */
void virtio_mmio_destroy(struct virtio_device *vdev);
/* The interrupt handler (arg: the struct virtio_device): read
 * InterruptStatus, acknowledge it, run the queues' callbacks on a used
 * buffer. Exported for tests, which raise the interrupt by calling it. */
void virtio_mmio_interrupt(void *arg);

#endif
