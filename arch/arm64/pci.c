/*
 * PCI on arm64: not yet. QEMU virt's ECAM host bridge
 * ("pci-host-ecam-generic") is the next step; until then there is no bus
 * and virtio devices come from virtio-mmio.
 */
#include <asm/pci.h>
#include "kernel/errno.h"
#include "kernel/printk.h"

int arch_pci_init(void)
{
	pr_info("pci: no PCI support on arm64 yet\n");
	return -ENODEV;
}

u32 arch_pci_read(unsigned bus, unsigned devfn, unsigned off, unsigned size)
{
	(void)bus, (void)devfn, (void)off;
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

void arch_pci_write(unsigned bus, unsigned devfn, unsigned off, unsigned size, u32 v)
{
	(void)bus, (void)devfn, (void)off, (void)size, (void)v;
}
