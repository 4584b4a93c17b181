/*
 * PCI configuration space access, the arch part: how config registers are
 * reached (x86: ECAM from the ACPI MCFG table, else the 0xcf8/0xcfc ports).
 * drivers/pci.c does everything else. Segment 0 only.
 */
#ifndef ASM_PCI_H
#define ASM_PCI_H

#include "kernel/types.h"

/* Pick the access method; -ENODEV when there is none. Prints which. */
int arch_pci_init(void);
/* size is 1, 2 or 4; off must be aligned to it. off < 256 always works,
 * up to 4095 only with ECAM (ACPI MCFG, pci.ecam=1). */
u32 arch_pci_read(unsigned bus, unsigned devfn, unsigned off, unsigned size);
void arch_pci_write(unsigned bus, unsigned devfn, unsigned off, unsigned size, u32 v);

#endif
