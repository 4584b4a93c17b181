/*
 * Device bring-up order: the PCI bus, then the drivers that claim PCI
 * functions (virtio), then the virtio-mmio devices the firmware described
 * (arm64's device tree; none on x86-64), then the RAM device, then the
 * swap-area check of the device the command line names. A failure is reported and the boot
 * goes on without the device: tests that need it say it is missing. A
 * command line that names a device none is (blk.stable_writes=) stops
 * the boot.
 */
#include "drivers.h"
#include "blockdev.h"
#include "kernel/errno.h"
#include "pci.h"
#include "ramswap.h"
#include "swapdev.h"
#include "virtio_mmio.h"
#include "virtio_pci.h"

int drivers_init(void)
{
	if (pci_init() == 0)
		virtio_pci_probe_all();
	virtio_mmio_probe_all(&bootinfo);
	ramswap_init();
	if (blockdev_check_cmdline())
		return -EINVAL;
	swapdev_init();
	return 0;
}
