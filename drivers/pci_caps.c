/*
 * Walking PCI capability lists in a configuration space snapshot
 * (pci_caps.h). The list starts at the byte at 0x34 when status bit 4 says
 * there is one; each capability is (id, next). Pointers below 0x40 would
 * point into the standard header, so they end the list; the low two bits
 * are reserved and masked, as the spec says.
 */
#include "pci.h"
#include "pci_caps.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u16 cfg16(const u8 *cfg, unsigned off)
{
	return (u16)(cfg[off] | cfg[off + 1] << 8);
}

static u32 cfg32(const u8 *cfg, unsigned off)
{
	return (u32)cfg16(cfg, off) | (u32)cfg16(cfg, off + 2) << 16;
}

u8 pci_cap_find(const u8 *cfg, u8 id, u8 from)
{
	if (!(cfg16(cfg, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	u8 p = from ? cfg[(u8)(from + 1)] : cfg[PCI_CAP_PTR];
	for (int guard = 0; p >= 0x40 && guard < PCI_CAP_MAX; guard++) {
		p &= ~3;
		if (cfg[p] == id)
			return p;
		p = cfg[p + 1];
	}
	return 0;
}

/* Message control at cap+2 (bits 0..10: table size - 1), table offset
 * and BIR at cap+4. The capability is 12 bytes: it must end inside the
 * snapshot. */
int pci_msix_parse(const u8 *cfg, u8 cap, const u64 bar_size[6], const char *name,
		   struct pci_msix_info *out)
{
	if (cap < 0x40 || cap > PCI_CFG_SIZE - 12) {
		pr_err("pci: %s: MSI-X capability at %#x does not fit in config space\n", name,
		       cap);
		return -EINVAL;
	}
	u32 tbl = cfg32(cfg, cap + 4);
	out->nr = (cfg16(cfg, cap + 2) & 0x7ff) + 1;
	out->bir = tbl & 7;
	out->table = tbl & ~7u;
	if (out->bir > 5 || !pci_bar_range_ok(bar_size[out->bir], out->table, 16ull * out->nr)) {
		pr_err("pci: %s: MSI-X table of %u entries at BAR %u offset %#x is outside the "
		       "BAR (%lu bytes); MSI-X not used\n",
		       name, out->nr, out->bir, out->table,
		       out->bir > 5 ? 0ul : (unsigned long)bar_size[out->bir]);
		return -EINVAL;
	}
	return 0;
}
