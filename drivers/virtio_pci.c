/*
 * virtio over PCI, the modern interface (virtio 1.2, 4.1). Vendor 0x1af4;
 * device ids 0x1040 + type are modern-only, 0x1000..0x103f are
 * transitional (the type is then the subsystem device id). Transitional
 * devices also carry the modern capabilities, and we drive them through
 * those; a legacy-only device (no capabilities) is refused with a message.
 *
 * The registers live in BARs named by vendor-specific capabilities:
 * COMMON (feature words, status, queue setup), NOTIFY (doorbells: queue q
 * at offset + queue_notify_off(q) * notify_off_multiplier), ISR (read to
 * acknowledge an INTx interrupt), DEVICE (the type's config space).
 *
 * Interrupts: MSI-X when allowed (pci.msix), entry 0 for config changes
 * (unused) and entry 1 + q for queue q, each its own vector on CPU 0;
 * otherwise INTx through the IO-APIC, whose handler reads the ISR (a
 * shared, level-triggered line: ISR bit 0 says this device interrupted).
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/irq.h>
#include "pci.h"
#include "pci_caps.h"
#include "virtio.h"
#include "virtio_pci.h"
#include "virtio_pci_caps.h"
#include "virtio_ring.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"

/* struct virtio_pci_common_cfg offsets */
#define CC_DFSELECT 0x00
#define CC_DF 0x04
#define CC_GFSELECT 0x08
#define CC_GF 0x0c
#define CC_MSIX_CONFIG 0x10
#define CC_NUM_QUEUES 0x12
#define CC_STATUS 0x14
#define CC_CFG_GENERATION 0x15
#define CC_Q_SELECT 0x16
#define CC_Q_SIZE 0x18
#define CC_Q_MSIX 0x1a
#define CC_Q_ENABLE 0x1c
#define CC_Q_NOFF 0x1e
#define CC_Q_DESC 0x20
#define CC_Q_AVAIL 0x28
#define CC_Q_USED 0x30
#define VIRTIO_MSI_NO_VECTOR 0xffff

#define VPCI_MAX_VQS 4

struct virtio_pci {
	struct virtio_device vdev;
	struct pci_dev *pci;
	struct virtio_pci_layout layout; /* the capabilities, checked against the BARs */
	volatile u8 *common, *isr, *device;
	volatile u8 *notify_base;
	bool msix, intx;
	unsigned nvqs;			     /* queues the INTx handler serves */
	struct virtqueue *vqs[VPCI_MAX_VQS]; /* created, NULL after del_vqs */
	int vectors[VPCI_MAX_VQS];	     /* queue q's MSI-X vector, or 0 */
};

static struct virtio_pci *to_vp(struct virtio_device *v)
{
	return (struct virtio_pci *)v;
}

static u64 vp_get_features(struct virtio_device *v)
{
	struct virtio_pci *vp = to_vp(v);
	writel(0, vp->common + CC_DFSELECT);
	u64 lo = readl(vp->common + CC_DF);
	writel(1, vp->common + CC_DFSELECT);
	return lo | (u64)readl(vp->common + CC_DF) << 32;
}

static void vp_set_features(struct virtio_device *v, u64 f)
{
	struct virtio_pci *vp = to_vp(v);
	writel(0, vp->common + CC_GFSELECT);
	writel((u32)f, vp->common + CC_GF);
	writel(1, vp->common + CC_GFSELECT);
	writel((u32)(f >> 32), vp->common + CC_GF);
}

static u8 vp_get_status(struct virtio_device *v)
{
	return readb(to_vp(v)->common + CC_STATUS);
}
static void vp_set_status(struct virtio_device *v, u8 s)
{
	writeb(s, to_vp(v)->common + CC_STATUS);
}

/* QEMU resets at once; a real device may take a while, so poll a bounded
 * number of times (each read is a round trip to the device). */
#define VP_RESET_POLLS 1000000

static int vp_reset(struct virtio_device *v)
{
	vp_set_status(v, 0);
	for (unsigned i = 0; i < VP_RESET_POLLS; i++) {
		if (vp_get_status(v) == 0)
			return 0;
		arch_cpu_relax();
	}
	return -EIO;
}

static void vp_read_config(struct virtio_device *v, unsigned off, void *buf, unsigned len)
{
	struct virtio_pci *vp = to_vp(v);
	u8 *b = buf;
	/* virtio_read_config checked the range against config_len. */
	/* Naturally aligned accesses of the field's width, as the spec asks. */
	if (len == 4 && !(off & 3)) {
		u32 x = readl(vp->device + off);
		memcpy(b, &x, 4);
		return;
	}
	if (len == 8 && !(off & 3)) {
		u32 lo = readl(vp->device + off), hi = readl(vp->device + off + 4);
		memcpy(b, &lo, 4);
		memcpy(b + 4, &hi, 4);
		return;
	}
	if (len == 2 && !(off & 1)) {
		u16 x = readw(vp->device + off);
		memcpy(b, &x, 2);
		return;
	}
	for (unsigned i = 0; i < len; i++)
		b[i] = readb(vp->device + off + i);
}

static u32 vp_config_generation(struct virtio_device *v)
{
	return readb(to_vp(v)->common + CC_CFG_GENERATION);
}

static void vp_notify(struct virtqueue *vq)
{
	writew(vq->index, vq->notify_addr);
}

static const char *vp_irq_mode(struct virtio_device *v)
{
	struct virtio_pci *vp = to_vp(v);
	return vp->msix ? "msi-x" : vp->intx ? "intx" : "polling";
}

static void vp_vq_interrupt(void *arg)
{
	vring_interrupt(arg);
}

static void vp_intx_interrupt(void *arg)
{
	struct virtio_pci *vp = arg;
	u8 isr = readb(vp->isr); /* reading acknowledges and lowers the line */
	if (!(isr & 1))
		return;
	for (unsigned i = 0; i < vp->nvqs; i++)
		vring_interrupt(vp->vqs[i]);
}

static void write_q64(volatile u8 *reg, u64 v)
{
	writel((u32)v, reg);
	writel((u32)(v >> 32), reg + 4);
}

static int setup_queue(struct virtio_pci *vp, unsigned q, vq_callback_t cb, unsigned max_size)
{
	writew(q, vp->common + CC_Q_SELECT);
	unsigned size = readw(vp->common + CC_Q_SIZE);
	if (size == 0)
		return -ENOENT;
	unsigned num = 1;
	while (num * 2 <= size && num * 2 <= max_size)
		num *= 2;
	struct virtqueue *vq = vring_create(&vp->vdev, q, num, cb);
	if (!vq)
		return -ENOMEM;
	/* The doorbell must be inside the notify region the capability
	 * gave, or notifying would write somewhere else in (or past) the BAR. */
	u16 noff = readw(vp->common + CC_Q_NOFF);
	u32 doorbell;
	if (virtio_pci_notify_offset(&vp->layout, noff, &doorbell) != 0) {
		pr_err("virtio-pci: %s: queue %u notify offset %u x multiplier %u is outside the "
		       "notify region (%u bytes); device refused\n",
		       vp->vdev.name, q, noff, vp->layout.notify_mult, vp->layout.notify.length);
		vring_destroy(vq);
		return -EINVAL;
	}
	writew(num, vp->common + CC_Q_SIZE);
	write_q64(vp->common + CC_Q_DESC, virt_to_phys(vq->desc));
	write_q64(vp->common + CC_Q_AVAIL, virt_to_phys(vq->avail));
	write_q64(vp->common + CC_Q_USED, virt_to_phys(vq->used));
	vq->notify_addr = (void *)(vp->notify_base + doorbell);
	vp->vqs[q] = vq;
	return 0;
}

/* One MSI-X vector per queue; false (and INTx is tried) on any failure. */
static bool setup_msix(struct virtio_pci *vp)
{
	if (vp->pci->msix_nr < vp->nvqs + 1 || pci_msix_enable(vp->pci) != 0)
		return false;
	writew(VIRTIO_MSI_NO_VECTOR, vp->common + CC_MSIX_CONFIG);
	for (unsigned q = 0; q < vp->nvqs; q++) {
		int vec = arch_irq_alloc_vector();
		if (vec < 0)
			return false;
		vp->vectors[q] = vec;
		arch_irq_set_handler(vec, vp_vq_interrupt, vp->vqs[q]);
		if (pci_msix_set(vp->pci, 1 + q, 0, vec) != 0)
			return false;
		writew(q, vp->common + CC_Q_SELECT);
		writew(1 + q, vp->common + CC_Q_MSIX);
		if (readw(vp->common + CC_Q_MSIX) != 1 + q) {
			pr_err("virtio-pci: %s: device refused MSI-X entry %u for queue %u\n",
			       vp->vdev.name, 1 + q, q);
			return false;
		}
	}
	return true;
}

static bool setup_intx(struct virtio_pci *vp)
{
	return pci_intx_request(vp->pci, vp_intx_interrupt, vp) == 0;
}

static void vp_irq_ignore(void *arg)
{
}

/*
 * Reverse of vp_find_vqs, for a device that no longer uses its queues.
 * Vectors and INTx handler slots are never freed (asm/irq.h, pci.c), so
 * they are made harmless instead: each queue's MSI-X entry is masked and
 * its vector's handler does nothing; the INTx handler stays on its shared
 * line but, with nvqs 0, reads the ISR and touches no queue, and the
 * function's INTx output is disabled.
 */
static void vp_del_vqs(struct virtio_device *v)
{
	struct virtio_pci *vp = to_vp(v);
	__atomic_store_n(&vp->nvqs, 0, __ATOMIC_RELEASE);
	if (vp->intx)
		pci_write16(vp->pci, PCI_COMMAND,
			    pci_read16(vp->pci, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	for (unsigned q = 0; q < VPCI_MAX_VQS; q++) {
		if (vp->vectors[q]) {
			pci_msix_mask(vp->pci, 1 + q, true);
			arch_irq_set_handler((unsigned)vp->vectors[q], vp_irq_ignore, NULL);
			vp->vectors[q] = 0;
		}
		if (vp->vqs[q]) {
			writew(q, vp->common + CC_Q_SELECT);
			writew(VIRTIO_MSI_NO_VECTOR, vp->common + CC_Q_MSIX);
			vring_destroy(vp->vqs[q]);
			vp->vqs[q] = NULL;
		}
	}
	vp->msix = vp->intx = false;
}

static int vp_find_vqs(struct virtio_device *v, unsigned nvqs, struct virtqueue **vqs,
		       const vq_callback_t *cbs, unsigned max_size, bool poll)
{
	struct virtio_pci *vp = to_vp(v);
	if (nvqs > VPCI_MAX_VQS || nvqs > readw(vp->common + CC_NUM_QUEUES))
		return -EINVAL;
	for (unsigned q = 0; q < nvqs; q++) {
		int err = setup_queue(vp, q, cbs[q], max_size);
		if (err) {
			vp_del_vqs(v); /* the queues made before this one */
			return err;
		}
		vqs[q] = vp->vqs[q];
	}
	vp->nvqs = nvqs;
	if (!poll) {
		vp->msix = pci_msix_allowed() && setup_msix(vp);
		if (!vp->msix)
			vp->intx = setup_intx(vp);
		if (!vp->msix && !vp->intx)
			pr_warn("virtio-pci: %s: no interrupt; the driver polls\n", v->name);
	}
	for (unsigned q = 0; q < nvqs; q++) {
		writew(q, vp->common + CC_Q_SELECT);
		writew(1, vp->common + CC_Q_ENABLE);
	}
	return 0;
}

static const struct virtio_transport_ops vp_ops = {
	.get_features = vp_get_features,
	.set_features = vp_set_features,
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.reset = vp_reset,
	.read_config = vp_read_config,
	.config_generation = vp_config_generation,
	.find_vqs = vp_find_vqs,
	.del_vqs = vp_del_vqs,
	.notify = vp_notify,
	.irq_mode = vp_irq_mode,
};

static volatile u8 *map_region(struct pci_dev *d, const struct virtio_pci_region *r)
{
	u8 *base = pci_map_bar(d, r->bar);
	return base ? base + r->offset : NULL;
}

/* Parse the vendor capabilities from one snapshot of config space, then
 * map the regions they name (each checked to lie inside its BAR). */
static int map_caps(struct virtio_pci *vp)
{
	struct pci_dev *d = vp->pci;
	u8 cfg[PCI_CFG_SIZE];
	u64 bar_size[6];
	char name[16];

	pci_read_config(d, cfg, sizeof(cfg));
	pci_bar_sizes(d, bar_size);
	snprintk(name, sizeof(name), "%02x:%02x.%u", d->bus, d->dev, d->fn);
	int err = virtio_pci_parse_caps(cfg, bar_size, name, &vp->layout);
	if (err)
		return err;
	vp->common = map_region(d, &vp->layout.common);
	vp->isr = map_region(d, &vp->layout.isr);
	vp->notify_base = map_region(d, &vp->layout.notify);
	if (vp->layout.has_device) {
		vp->device = map_region(d, &vp->layout.device);
		vp->vdev.config_len = vp->device ? vp->layout.device.length : 0;
	}
	if (!vp->common || !vp->isr || !vp->notify_base)
		return -ENOMEM;
	return 0;
}

static void probe_one(struct pci_dev *d)
{
	u32 type = d->device >= 0x1040 ? d->device - 0x1040u : d->subsys_device;
	struct virtio_pci *vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return;
	vp->pci = d;
	vp->vdev.device_id = type;
	vp->vdev.ops = &vp_ops;
	vp->vdev.transport = vp;
	virtio_device_set_name(&vp->vdev);
	if (map_caps(vp) != 0) {
		pr_err("virtio-pci: %02x:%02x.%u (%04x:%04x): no usable modern virtio capabilities "
		       "(a legacy-only device?); not supported\n",
		       d->bus, d->dev, d->fn, d->vendor, d->device);
		kfree(vp);
		return;
	}
	pci_enable(d); /* only a device we accept gets decoding and bus mastering */
	pr_info("virtio-pci: %s at %02x:%02x.%u, type %u, %s\n", vp->vdev.name, d->bus, d->dev,
		d->fn, type, d->device >= 0x1040 ? "modern" : "transitional");
	if (virtio_device_add(&vp->vdev) != 0)
		return; /* reported; the device stays FAILED and unused */
}

void virtio_pci_probe_all(void)
{
	struct pci_dev *d;
	list_for_each_entry (d, &pci_devices, link)
		if (d->vendor == 0x1af4 && d->device >= 0x1000 && d->device <= 0x107f)
			probe_one(d);
}
