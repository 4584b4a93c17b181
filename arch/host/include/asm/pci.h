/* Host build of asm/pci.h: there is no PCI bus. */
#ifndef ASM_PCI_H
#define ASM_PCI_H

#include "kernel/errno.h"
#include "kernel/types.h"

static inline int arch_pci_init(void)
{
	return -ENODEV;
}
static inline u32 arch_pci_read(unsigned bus, unsigned devfn, unsigned off, unsigned size)
{
	(void)bus;
	(void)devfn;
	(void)off;
	(void)size;
	return 0xffffffffu;
}
static inline void arch_pci_write(unsigned bus, unsigned devfn, unsigned off, unsigned size, u32 v)
{
	(void)bus;
	(void)devfn;
	(void)off;
	(void)size;
	(void)v;
}

#endif
