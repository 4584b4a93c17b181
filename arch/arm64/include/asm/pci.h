/*
 * PCI configuration space access on arm64: not yet (QEMU virt has an ECAM
 * host bridge, "pci-host-ecam-generic", for a later step). arch_pci_init
 * says so and drivers/pci.c finds no bus; virtio devices come from
 * virtio-mmio instead.
 */
#ifndef ASM_PCI_H
#define ASM_PCI_H

#include "kernel/types.h"

int arch_pci_init(void);
u32 arch_pci_read(unsigned bus, unsigned devfn, unsigned off, unsigned size);
void arch_pci_write(unsigned bus, unsigned devfn, unsigned off, unsigned size, u32 v);

#endif
