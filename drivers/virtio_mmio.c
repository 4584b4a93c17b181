/*
 * virtio over MMIO (virtio 1.2, 4.2), versions 1 (legacy, 4.2.4) and 2.
 * One register window per device, every register 32 bits wide; the device
 * config space starts at 0x100.
 *
 * What the versions share: DeviceFeatures/DriverFeatures behind their
 * select registers, QueueSel / QueueNumMax / QueueNum, QueueNotify (the
 * doorbell: write the queue's index), InterruptStatus / InterruptACK,
 * Status. Where they differ:
 *   version 2  64 feature bits; queue addresses in QueueDesc, QueueDriver
 *              (avail) and QueueDevice (used), each Low/High, and the
 *              queue goes live with QueueReady = 1; ConfigGeneration;
 *              FEATURES_OK (the core's handshake).
 *   version 1  32 feature bits (select 0 only), no VERSION_1 and no
 *              FEATURES_OK (vdev.legacy tells the core). The driver writes
 *              GuestPageSize once; a queue is one contiguous block
 *              (descriptors, avail, then used at QueueAlign) given by its
 *              page number in QueuePFN, which also makes it live, and
 *              QueuePFN = 0 takes it back. No ConfigGeneration: config
 *              reads are byte by byte, as Linux's virtio_mmio does.
 *
 * One interrupt line per device (a GIC SPI on arm64's virt) for all its
 * queues and config changes: the handler reads InterruptStatus, writes
 * the same bits to InterruptACK, and on bit 0 runs every queue's
 * callback. With no line (none described, no vector, routing failed) or
 * when the driver asks to poll, the queues are polled (irq_mode
 * "polling").
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/page.h>
#include "virtio.h"
#include "virtio_mmio.h"
#include "virtio_ring.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"

#define VMMIO_MAX_VQS 4
/* The registers end where the config space begins. */
#define VMMIO_MIN_WINDOW VIRTIO_MMIO_CONFIG
/* What config_len may reach: the spec leaves the window's size to the
 * platform (QEMU's is 0x200); one page is more than any device needs. */
#define VMMIO_MAX_WINDOW 0x1000
/* As virtio-pci: QEMU resets at once, real devices may take a while. */
#define VMMIO_RESET_POLLS 1000000

struct virtio_mmio {
	struct virtio_device vdev;
	const struct virtio_mmio_io *io;
	void *ctx;
	bool has_irq, irq_level;
	u32 irq;			      /* the line, as arch_irq_route numbers it */
	int vector;			      /* -1 until find_vqs got one; never freed */
	bool irq_on;			      /* the line is routed to vector */
	unsigned nvqs;			      /* queues the handler serves (0 after del_vqs) */
	struct virtqueue *vqs[VMMIO_MAX_VQS]; /* created, NULL after del_vqs */
};

static struct virtio_mmio *to_vm(struct virtio_device *v)
{
	return (struct virtio_mmio *)v;
}

static u32 vm_read(struct virtio_mmio *vm, unsigned off)
{
	return vm->io->read(vm->ctx, off, 4);
}

static void vm_write(struct virtio_mmio *vm, unsigned off, u32 val)
{
	vm->io->write(vm->ctx, off, 4, val);
}

static u32 hw_read(void *ctx, unsigned off, unsigned size)
{
	volatile u8 *reg = (volatile u8 *)ctx + off;
	return size == 1 ? readb(reg) : size == 2 ? readw(reg) : readl(reg);
}

static void hw_write(void *ctx, unsigned off, unsigned size, u32 val)
{
	volatile u8 *reg = (volatile u8 *)ctx + off;
	if (size == 1)
		writeb((u8)val, reg);
	else if (size == 2)
		writew((u16)val, reg);
	else
		writel(val, reg);
}

const struct virtio_mmio_io virtio_mmio_hw_io = { .read = hw_read, .write = hw_write };

static u64 vm_get_features(struct virtio_device *v)
{
	struct virtio_mmio *vm = to_vm(v);
	vm_write(vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	u64 lo = vm_read(vm, VIRTIO_MMIO_DEVICE_FEATURES);
	if (v->legacy)
		return lo; /* HostFeaturesSel 0 is all there is */
	vm_write(vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return lo | (u64)vm_read(vm, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

static void vm_set_features(struct virtio_device *v, u64 f)
{
	struct virtio_mmio *vm = to_vm(v);
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	if (v->legacy)
		return;
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vm_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
}

static u8 vm_get_status(struct virtio_device *v)
{
	return (u8)vm_read(to_vm(v), VIRTIO_MMIO_STATUS);
}

static void vm_set_status(struct virtio_device *v, u8 s)
{
	vm_write(to_vm(v), VIRTIO_MMIO_STATUS, s);
}

static int vm_reset(struct virtio_device *v)
{
	vm_set_status(v, 0);
	for (unsigned i = 0; i < VMMIO_RESET_POLLS; i++) {
		if (vm_get_status(v) == 0)
			return 0;
		arch_cpu_relax();
	}
	return -EIO;
}

/* virtio_read_config checked the range against config_len. */
static void vm_read_config(struct virtio_device *v, unsigned off, void *buf, unsigned len)
{
	struct virtio_mmio *vm = to_vm(v);
	unsigned reg = VIRTIO_MMIO_CONFIG + off;
	u8 *b = buf;
	if (v->legacy) {
		for (unsigned i = 0; i < len; i++)
			b[i] = (u8)vm->io->read(vm->ctx, reg + i, 1);
		return;
	}
	/* Version 2 (4.2.2.2): accesses of the field's width, 64-bit fields
	 * as two 32-bit halves (ConfigGeneration covers the tear). */
	if ((len == 4 || len == 8) && !(off & 3)) {
		for (unsigned i = 0; i < len; i += 4) {
			u32 x = vm->io->read(vm->ctx, reg + i, 4);
			memcpy(b + i, &x, 4);
		}
		return;
	}
	if (len == 2 && !(off & 1)) {
		u16 x = (u16)vm->io->read(vm->ctx, reg, 2);
		memcpy(b, &x, 2);
		return;
	}
	for (unsigned i = 0; i < len; i++)
		b[i] = (u8)vm->io->read(vm->ctx, reg + i, 1);
}

static u32 vm_config_generation(struct virtio_device *v)
{
	/* Legacy has no such register (QEMU logs a guest error on a read). */
	return v->legacy ? 0 : vm_read(to_vm(v), VIRTIO_MMIO_CONFIG_GENERATION);
}

static void vm_notify(struct virtqueue *vq)
{
	vm_write(to_vm(vq->vdev), VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

static const char *vm_irq_mode(struct virtio_device *v)
{
	return to_vm(v)->irq_on ? "line" : "polling";
}

void virtio_mmio_interrupt(void *arg)
{
	struct virtio_mmio *vm = to_vm(arg);
	u32 status = vm_read(vm, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (!status)
		return;
	/* Acknowledge before reaping: a completion posted after this read
	 * raises the interrupt again instead of being lost. */
	vm_write(vm, VIRTIO_MMIO_INTERRUPT_ACK, status);
	if (!(status & VIRTIO_MMIO_INT_VRING))
		return; /* a config change: nothing here watches the config */
	unsigned nvqs = __atomic_load_n(&vm->nvqs, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < nvqs; i++)
		vring_interrupt(vm->vqs[i]);
}

static void vm_irq_ignore(void *arg)
{
	(void)arg;
}

/* The register that says a queue is live: QueuePFN (legacy), QueueReady. */
static unsigned queue_live_reg(const struct virtio_mmio *vm)
{
	return vm->vdev.legacy ? VIRTIO_MMIO_QUEUE_PFN : VIRTIO_MMIO_QUEUE_READY;
}

static int give_queue_legacy(struct virtio_mmio *vm, struct virtqueue *vq)
{
	u64 pfn = virt_to_phys(vq->desc) >> PAGE_SHIFT;
	if (pfn >> 32) {
		pr_err("virtio-mmio: %s: queue %u at %#lx is above what a 32-bit QueuePFN reaches; "
		       "a "
		       "legacy device cannot use it\n",
		       vm->vdev.name, vq->index, (unsigned long)virt_to_phys(vq->desc));
		return -EINVAL;
	}
	vm_write(vm, VIRTIO_MMIO_QUEUE_ALIGN, PAGE_SIZE);
	vm_write(vm, VIRTIO_MMIO_QUEUE_PFN, (u32)pfn);
	return 0;
}

static void write_q64(struct virtio_mmio *vm, unsigned low_reg, u64 v)
{
	vm_write(vm, low_reg, (u32)v);
	vm_write(vm, low_reg + 4, (u32)(v >> 32));
}

static int setup_queue(struct virtio_mmio *vm, unsigned q, vq_callback_t cb, unsigned max_size)
{
	vm_write(vm, VIRTIO_MMIO_QUEUE_SEL, q);
	if (vm_read(vm, queue_live_reg(vm)) != 0) {
		pr_err("virtio-mmio: %s: queue %u is live before we gave it (after a reset)\n",
		       vm->vdev.name, q);
		return -ENOENT;
	}
	unsigned size = vm_read(vm, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (size == 0)
		return -ENOENT;
	unsigned num = 1;
	while (num * 2 <= size && num * 2 <= max_size)
		num *= 2;
	struct virtqueue *vq = vm->vdev.legacy
				       ? vring_create_aligned(&vm->vdev, q, num, cb, PAGE_SIZE)
				       : vring_create(&vm->vdev, q, num, cb);
	if (!vq)
		return -ENOMEM;
	vm_write(vm, VIRTIO_MMIO_QUEUE_NUM, num);
	if (vm->vdev.legacy) {
		int err = give_queue_legacy(vm, vq);
		if (err) {
			vring_destroy(vq);
			return err;
		}
	} else {
		write_q64(vm, VIRTIO_MMIO_QUEUE_DESC_LOW, virt_to_phys(vq->desc));
		write_q64(vm, VIRTIO_MMIO_QUEUE_AVAIL_LOW, virt_to_phys(vq->avail));
		write_q64(vm, VIRTIO_MMIO_QUEUE_USED_LOW, virt_to_phys(vq->used));
		vm_write(vm, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	vm->vqs[q] = vq;
	return 0;
}

/* Route the device's line to a vector of ours; false (the queues are then
 * polled) when there is no line or the arch cannot route it. */
static bool setup_irq(struct virtio_mmio *vm)
{
	if (!vm->has_irq)
		return false;
	if (vm->vector < 0) {
		int vec = arch_irq_alloc_vector();
		if (vec < 0)
			return false;
		vm->vector = vec;
	}
	arch_irq_set_handler((unsigned)vm->vector, virtio_mmio_interrupt, &vm->vdev);
	struct arch_irq_line line = { .gsi = vm->irq, .level = vm->irq_level };
	int err = arch_irq_route(&line, 0, (unsigned)vm->vector);
	if (err) {
		pr_warn("virtio-mmio: %s: cannot route interrupt %u (%d)\n", vm->vdev.name, vm->irq,
			err);
		arch_irq_set_handler((unsigned)vm->vector, vm_irq_ignore, NULL);
		return false;
	}
	return true;
}

/*
 * Reverse of vm_find_vqs for a device that no longer uses its queues
 * (reset, or never live). The line stays routed to virtio_mmio_interrupt,
 * which with nvqs 0 acknowledges and touches no queue; each queue is taken
 * back from the device (QueuePFN or QueueReady 0) and freed.
 */
static void vm_del_vqs(struct virtio_device *v)
{
	struct virtio_mmio *vm = to_vm(v);
	__atomic_store_n(&vm->nvqs, 0, __ATOMIC_RELEASE);
	for (unsigned q = 0; q < VMMIO_MAX_VQS; q++) {
		if (!vm->vqs[q])
			continue;
		vm_write(vm, VIRTIO_MMIO_QUEUE_SEL, q);
		vm_write(vm, queue_live_reg(vm), 0);
		vring_destroy(vm->vqs[q]);
		vm->vqs[q] = NULL;
	}
	vm->irq_on = false;
}

static int vm_find_vqs(struct virtio_device *v, unsigned nvqs, struct virtqueue **vqs,
		       const vq_callback_t *cbs, unsigned max_size, bool poll)
{
	struct virtio_mmio *vm = to_vm(v);
	if (nvqs > VMMIO_MAX_VQS)
		return -EINVAL;
	/* Legacy (4.2.4): the device turns each QueuePFN into an address
	 * with this; written here, after the handshake's reset. */
	if (v->legacy)
		vm_write(vm, VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE_SIZE);
	for (unsigned q = 0; q < nvqs; q++) {
		int err = setup_queue(vm, q, cbs[q], max_size);
		if (err) {
			vm_del_vqs(v); /* the queues made before this one */
			return err;
		}
		vqs[q] = vm->vqs[q];
	}
	__atomic_store_n(&vm->nvqs, nvqs, __ATOMIC_RELEASE);
	if (!poll) {
		vm->irq_on = setup_irq(vm);
		if (!vm->irq_on)
			pr_warn("virtio-mmio: %s: no interrupt; the driver polls\n", v->name);
	}
	return 0;
}

static const struct virtio_transport_ops vm_ops = {
	.get_features = vm_get_features,
	.set_features = vm_set_features,
	.get_status = vm_get_status,
	.set_status = vm_set_status,
	.reset = vm_reset,
	.read_config = vm_read_config,
	.config_generation = vm_config_generation,
	.find_vqs = vm_find_vqs,
	.del_vqs = vm_del_vqs,
	.notify = vm_notify,
	.irq_mode = vm_irq_mode,
};

int virtio_mmio_create(const struct boot_device *dev, const struct virtio_mmio_io *io, void *ctx,
		       struct virtio_device **out)
{
	unsigned long base = (unsigned long)dev->base;
	if (dev->size < VMMIO_MIN_WINDOW) {
		pr_err("virtio-mmio: %#lx: window of %#lx bytes is smaller than the registers; "
		       "ignored\n",
		       base, (unsigned long)dev->size);
		return -EINVAL;
	}
	u32 magic = io->read(ctx, VIRTIO_MMIO_MAGIC_VALUE, 4);
	if (magic != VIRTIO_MMIO_MAGIC) {
		pr_err("virtio-mmio: %#lx: magic value %#x, not \"virt\" (%#x); ignored\n", base,
		       magic, VIRTIO_MMIO_MAGIC);
		return -EINVAL;
	}
	u32 version = io->read(ctx, VIRTIO_MMIO_VERSION, 4);
	if (version != 1 && version != 2) {
		pr_err("virtio-mmio: %#lx: version %u not supported (1: legacy, 2: virtio 1.x); "
		       "ignored\n",
		       base, version);
		return -EINVAL;
	}
	u32 type = io->read(ctx, VIRTIO_MMIO_DEVICE_ID, 4);
	if (type == 0)
		return -ENODEV; /* an empty slot: QEMU's virt has 32, most unused */
	struct virtio_mmio *vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->io = io;
	vm->ctx = ctx;
	vm->has_irq = dev->has_irq;
	vm->irq = dev->irq;
	vm->irq_level = dev->irq_level;
	vm->vector = -1;
	vm->vdev.device_id = type;
	vm->vdev.legacy = version == 1;
	vm->vdev.ops = &vm_ops;
	vm->vdev.transport = vm;
	vm->vdev.config_len = (u32)(MIN(dev->size, (u64)VMMIO_MAX_WINDOW) - VIRTIO_MMIO_CONFIG);
	virtio_device_set_name(&vm->vdev);
	char line[24] = "no interrupt";
	if (dev->has_irq)
		snprintk(line, sizeof(line), "interrupt %u", dev->irq);
	pr_info("virtio-mmio: %s at %#lx, type %u, version %u (%s), %s\n", vm->vdev.name, base,
		type, version, version == 1 ? "legacy" : "virtio 1.x", line);
	*out = &vm->vdev;
	return 0;
}

void virtio_mmio_destroy(struct virtio_device *vdev)
{
	struct virtio_mmio *vm = to_vm(vdev);
	vm_del_vqs(vdev);
	if (vm->vector >= 0)
		arch_irq_set_handler((unsigned)vm->vector, vm_irq_ignore, NULL);
	kfree(vm);
}

int virtio_mmio_probe_all(const struct bootinfo *bi)
{
	int added = 0;
	for (unsigned i = 0; i < bi->nr_devices; i++) {
		const struct boot_device *dev = &bi->devices[i];
		if (strcmp(dev->compatible, "virtio,mmio") != 0)
			continue;
		void *regs = arch_ioremap(dev->base, dev->size);
		if (!regs)
			continue; /* arch_ioremap said why */
		struct virtio_device *vdev;
		if (virtio_mmio_create(dev, &virtio_mmio_hw_io, regs, &vdev) != 0)
			continue; /* an empty slot, or reported */
		if (virtio_device_add(vdev) != 0) {
			virtio_mmio_destroy(vdev); /* reported; the device stays FAILED */
			continue;
		}
		added++;
	}
	return added;
}
