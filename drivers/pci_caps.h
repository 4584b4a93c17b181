/*
 * PCI capability lists, parsed from a snapshot of a function's
 * configuration space (the first PCI_CFG_SIZE bytes, read by pci.c), so
 * the walk itself never touches the device and runs as a host fuzz target
 * (tests/fuzz/fuzz_pci_caps.c). The device writes these bytes: a list may
 * loop, point into the header or off the end, and a capability may name a
 * BAR it does not have or a range past the end of one; each is refused.
 */
#ifndef DRIVERS_PCI_CAPS_H
#define DRIVERS_PCI_CAPS_H

#include "kernel/types.h"

#define PCI_CFG_SIZE 256
#define PCI_CAP_MAX 48 /* (256 - 64) / 4: a list longer than this loops */

/* The offset of the next capability with this id after "from" (0: from
 * the start), or 0. Stops after PCI_CAP_MAX capabilities (a looping
 * list). A caller visiting every capability of an id with this must bound
 * its own loop the same way: a list may lead back to one it saw. */
u8 pci_cap_find(const u8 *cfg, u8 id, u8 from);

/* MSI-X (PCI 3.0, 6.8.2), checked against the BARs' sizes (0 for an I/O
 * or absent BAR): the table of nr 16-byte entries lies wholly inside
 * memory BAR bir at offset table. */
struct pci_msix_info {
	u16 nr;
	u8 bir;
	u32 table;
};

/* 0, or -EINVAL after saying what is wrong (name: "00:03.0"). */
int pci_msix_parse(const u8 *cfg, u8 cap, const u64 bar_size[6], const char *name,
		   struct pci_msix_info *out);

/* Does [off, off + len) fit in a BAR of size bytes (without wrapping)? */
static inline bool pci_bar_range_ok(u64 size, u64 off, u64 len)
{
	return off <= size && len <= size - off;
}

#endif
