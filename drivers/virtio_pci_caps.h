/*
 * The virtio PCI capabilities (virtio 1.2, 4.1.4), parsed from a config
 * space snapshot and checked against the BARs' sizes, before anything is
 * mapped: each names a BAR and a range in it, and a device that names a
 * range past the end of its BAR must not make us read or write memory that
 * is not the device's. Fetch-free, so it runs as a host fuzz target
 * (tests/fuzz/fuzz_pci_caps.c); virtio_pci.c maps what it returns.
 */
#ifndef DRIVERS_VIRTIO_PCI_CAPS_H
#define DRIVERS_VIRTIO_PCI_CAPS_H

#include "kernel/types.h"

#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR 3
#define VIRTIO_PCI_CAP_DEVICE 4

/* The common configuration structure's size (up to queue_used). */
#define VIRTIO_PCI_COMMON_LEN 0x38

struct virtio_pci_region {
	u8 bar;
	u32 offset, length; /* inside the BAR, checked */
};

struct virtio_pci_layout {
	struct virtio_pci_region common, notify, isr, device;
	bool has_device; /* the DEVICE capability is optional */
	u32 notify_mult; /* notify_off_multiplier */
};

/* The first usable capability of each kind; 0, or -ENODEV after saying
 * which one is missing (a legacy-only device has none). */
int virtio_pci_parse_caps(const u8 *cfg, const u64 bar_size[6], const char *name,
			  struct virtio_pci_layout *out);
/* Where queue q's doorbell is: the offset in the notify region of the
 * device's queue_notify_off, or -EINVAL when the 2-byte register would not
 * fit in the region. */
int virtio_pci_notify_offset(const struct virtio_pci_layout *l, u16 queue_notify_off, u32 *off);

#endif
