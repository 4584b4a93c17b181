/*
 * Parsing the virtio vendor capabilities (virtio_pci_caps.h). Each is
 *   0 id (9) | 1 next | 2 cap_len | 3 cfg_type | 4 bar | 5..7 padding
 *   8 offset (u32) | 12 length (u32) | NOTIFY only: 16 multiplier (u32)
 * The spec lets a device offer several of one type (the driver uses the
 * first it understands) and types we do not use; a capability that is too
 * short, names a BAR above 5, or a range past its BAR is skipped with a
 * message, as is a region too small for the registers we touch in it.
 */
#include "pci.h"
#include "pci_caps.h"
#include "virtio_pci_caps.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u32 cfg32(const u8 *cfg, unsigned off)
{
	return (u32)cfg[off] | (u32)cfg[off + 1] << 8 | (u32)cfg[off + 2] << 16 |
	       (u32)cfg[off + 3] << 24;
}

/* The smallest region each type needs: the registers we access in it. */
static u32 min_length(u8 type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON:
		return VIRTIO_PCI_COMMON_LEN;
	case VIRTIO_PCI_CAP_NOTIFY:
		return 2;
	case VIRTIO_PCI_CAP_ISR:
		return 1;
	default:
		return 0;
	}
}

static struct virtio_pci_region *slot(struct virtio_pci_layout *l, u8 type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON:
		return &l->common;
	case VIRTIO_PCI_CAP_NOTIFY:
		return &l->notify;
	case VIRTIO_PCI_CAP_ISR:
		return &l->isr;
	case VIRTIO_PCI_CAP_DEVICE:
		return &l->device;
	default:
		return NULL;
	}
}

/* One capability at c; false (with a message) when it is unusable. */
static bool parse_one(const u8 *cfg, u8 c, const u64 bar_size[6], const char *name,
		      struct virtio_pci_region *r)
{
	u8 type = cfg[c + 3], len = cfg[c + 2];
	unsigned need = type == VIRTIO_PCI_CAP_NOTIFY ? 20 : 16;
	if (len < need || c + need > PCI_CFG_SIZE) {
		pr_warn("virtio-pci: %s: capability type %u at %#x is %u bytes (needs %u); "
			"skipped\n",
			name, type, c, len, need);
		return false;
	}
	r->bar = cfg[c + 4];
	r->offset = cfg32(cfg, c + 8);
	r->length = cfg32(cfg, c + 12);
	if (r->bar > 5 || r->length < min_length(type) ||
	    !pci_bar_range_ok(bar_size[r->bar], r->offset, r->length)) {
		pr_warn("virtio-pci: %s: capability type %u names BAR %u offset %#x length %#x, "
			"outside the BAR or too short; skipped\n",
			name, type, r->bar, r->offset, r->length);
		return false;
	}
	return true;
}

int virtio_pci_parse_caps(const u8 *cfg, const u64 bar_size[6], const char *name,
			  struct virtio_pci_layout *out)
{
	bool found[5] = { false };
	unsigned seen = 0;
	memset(out, 0, sizeof(*out));
	/* A list that comes back to a vendor capability would give it to us
	 * again forever: at most PCI_CAP_MAX capabilities fit in the space. */
	for (u8 c = pci_cap_find(cfg, PCI_CAP_ID_VNDR, 0); c && seen < PCI_CAP_MAX;
	     c = pci_cap_find(cfg, PCI_CAP_ID_VNDR, c), seen++) {
		u8 type = cfg[c + 3];
		struct virtio_pci_region r;
		if (type < VIRTIO_PCI_CAP_COMMON || type > VIRTIO_PCI_CAP_DEVICE || found[type])
			continue;
		if (!parse_one(cfg, c, bar_size, name, &r))
			continue;
		*slot(out, type) = r;
		found[type] = true;
		if (type == VIRTIO_PCI_CAP_NOTIFY)
			out->notify_mult = cfg32(cfg, c + 16);
	}
	out->has_device = found[VIRTIO_PCI_CAP_DEVICE];
	const char *missing = !found[VIRTIO_PCI_CAP_COMMON]   ? "common configuration"
			      : !found[VIRTIO_PCI_CAP_NOTIFY] ? "notification"
			      : !found[VIRTIO_PCI_CAP_ISR]    ? "ISR"
							      : NULL;
	if (missing) {
		pr_err("virtio-pci: %s: no usable %s capability\n", name, missing);
		return -ENODEV;
	}
	return 0;
}

int virtio_pci_notify_offset(const struct virtio_pci_layout *l, u16 queue_notify_off, u32 *off)
{
	u64 o = (u64)queue_notify_off * l->notify_mult;
	if (o > l->notify.length || l->notify.length - o < 2)
		return -EINVAL;
	*off = (u32)o;
	return 0;
}
