/*
 * The capability lists of a PCI function whose config space says anything:
 * the generic walk (pci_cap_find), MSI-X (pci_msix_parse) and the virtio
 * vendor capabilities (virtio_pci_parse_caps, virtio_pci_notify_offset).
 * Input: 6 BAR sizes (u32 each, as the BAR sizing found them), 2 bytes of a
 * queue_notify_off, then the 256-byte config space (zero-filled past the
 * input, as an absent register reads). Everything accepted must lie inside
 * its BAR: that is what keeps the driver's MMIO on the device.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "drivers/pci.h"
#include "drivers/pci_caps.h"
#include "drivers/virtio_pci_caps.h"

static void check_region(const struct virtio_pci_region *r, const u64 bar_size[6])
{
	if (r->bar > 5 || (u64)r->offset + r->length > bar_size[r->bar])
		abort();
}

static void fuzz_virtio(const u8 *cfg, const u64 bar_size[6], u16 noff)
{
	struct virtio_pci_layout l;
	u32 off;
	if (virtio_pci_parse_caps(cfg, bar_size, "00:00.0", &l) != 0)
		return;
	check_region(&l.common, bar_size);
	check_region(&l.notify, bar_size);
	check_region(&l.isr, bar_size);
	if (l.has_device)
		check_region(&l.device, bar_size);
	if (l.common.length < VIRTIO_PCI_COMMON_LEN || l.isr.length < 1)
		abort();
	if (virtio_pci_notify_offset(&l, noff, &off) == 0 && (u64)off + 2 > l.notify.length)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u64 bar_size[6];
	u16 noff = 0;
	u8 *cfg = calloc(1, PCI_CFG_SIZE);
	if (size < 26)
		goto out;
	for (int i = 0; i < 6; i++) {
		u32 v;
		memcpy(&v, data + 4 * i, 4);
		bar_size[i] = v;
	}
	memcpy(&noff, data + 24, 2);
	memcpy(cfg, data + 26, MIN(size - 26, (size_t)PCI_CFG_SIZE));

	unsigned n = 0;
	for (u8 c = pci_cap_find(cfg, PCI_CAP_ID_MSI, 0); c && n < PCI_CAP_MAX;
	     c = pci_cap_find(cfg, PCI_CAP_ID_MSI, c), n++)
		if (c < 0x40 || (c & 3))
			abort();
	u8 cap = pci_cap_find(cfg, PCI_CAP_ID_MSIX, 0);
	struct pci_msix_info m;
	if (cap && pci_msix_parse(cfg, cap, bar_size, "00:00.0", &m) == 0 &&
	    (m.bir > 5 || (u64)m.table + 16ull * m.nr > bar_size[m.bir]))
		abort();
	fuzz_virtio(cfg, bar_size, noff);
out:
	free(cfg);
	return 0;
}
