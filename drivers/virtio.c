/*
 * The virtio handshake and feature negotiation (see virtio.h), shared by
 * every transport. Each device type has one driver, known at build time.
 */
#include "virtio.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static const struct virtio_driver *const drivers[] = { &virtio_blk_driver };

/* Features every driver takes when offered: the modern interface and the
 * ring features implemented in virtio_ring.c. */
#define VIRTIO_CORE_FEATURES                                                                       \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |                    \
	 (1ull << VIRTIO_RING_F_EVENT_IDX))

/* A device updates its config space rarely; one whose generation changes
 * across this many reads in a row is broken, and waiting on it would hang. */
#define VIRTIO_CONFIG_TRIES 64

int virtio_read_config(struct virtio_device *vdev, unsigned off, void *buf, unsigned len)
{
	if (off > vdev->config_len || len > vdev->config_len - off) {
		pr_err("virtio: %s: config field at %u (%u bytes) is past the device's config "
		       "space (%u bytes)\n",
		       vdev->name, off, len, vdev->config_len);
		return -EINVAL;
	}
	for (unsigned i = 0; i < VIRTIO_CONFIG_TRIES; i++) {
		u32 gen = vdev->ops->config_generation(vdev);
		vdev->ops->read_config(vdev, off, buf, len);
		if (gen == vdev->ops->config_generation(vdev))
			return 0;
	}
	pr_err("virtio: %s: config generation changed on each of %u reads\n", vdev->name,
	       VIRTIO_CONFIG_TRIES);
	return -EIO;
}

static void add_status(struct virtio_device *vdev, u8 bits)
{
	vdev->ops->set_status(vdev, vdev->ops->get_status(vdev) | bits);
}

void virtio_device_set_name(struct virtio_device *vdev)
{
	static unsigned nr_virtio;
	unsigned n = __atomic_fetch_add(&nr_virtio, 1, __ATOMIC_RELAXED);
	snprintk(vdev->name, sizeof(vdev->name), "virtio%u", n);
}

/* Legacy (virtio 1.2, 3.1.2): the features written are final, there is
 * no FEATURES_OK for the device to refuse them with. */
static int negotiate_legacy(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	u64 offered = vdev->ops->get_features(vdev) & 0xffffffffull;
	vdev->features = offered & (VIRTIO_CORE_FEATURES | drv->features);
	vdev->ops->set_features(vdev, vdev->features);
	return 0;
}

static int negotiate(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	if (vdev->legacy)
		return negotiate_legacy(vdev, drv);
	u64 offered = vdev->ops->get_features(vdev);
	if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
		pr_err("virtio: %s: device does not offer VIRTIO_F_VERSION_1 (legacy only); not "
		       "supported\n",
		       vdev->name);
		return -ENODEV;
	}
	vdev->features = offered & (VIRTIO_CORE_FEATURES | drv->features);
	vdev->ops->set_features(vdev, vdev->features);
	add_status(vdev, VIRTIO_STATUS_FEATURES_OK);
	if (!(vdev->ops->get_status(vdev) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("virtio: %s: device refused features %#lx\n", vdev->name,
		       (unsigned long)vdev->features);
		return -ENODEV;
	}
	return 0;
}

int virtio_device_add(struct virtio_device *vdev)
{
	const struct virtio_driver *drv = NULL;
	for (unsigned i = 0; i < ARRAY_SIZE(drivers); i++)
		if (drivers[i]->device_id == vdev->device_id)
			drv = drivers[i];
	if (!drv) {
		pr_info("virtio: %s: no driver for device type %u\n", vdev->name, vdev->device_id);
		return -ENODEV;
	}
	return virtio_device_bind(vdev, drv);
}

int virtio_device_bind(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	if (vdev->ops->reset(vdev) != 0) {
		pr_err("virtio: %s: device did not finish its reset; refused\n", vdev->name);
		return -EIO;
	}
	add_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(vdev, VIRTIO_STATUS_DRIVER);
	int err = negotiate(vdev, drv);
	if (!err)
		err = drv->probe(vdev);
	if (err) {
		add_status(vdev, VIRTIO_STATUS_FAILED);
		pr_err("virtio: %s: %s refused the device (%d); marked FAILED\n", vdev->name,
		       drv->name, err);
		return err;
	}
	add_status(vdev, VIRTIO_STATUS_DRIVER_OK);
	return 0;
}
