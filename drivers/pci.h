/*
 * PCI: the devices found on the bus, their BARs, capabilities, and their
 * interrupts (MSI-X preferred, INTx through the IO-APIC otherwise).
 *
 * pci_init() enumerates once at boot, on the boot CPU, before any driver
 * runs; afterwards the device list is read-only. Each struct pci_dev then
 * belongs to the driver that claimed it.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include "kernel/list.h"
#include "kernel/types.h"

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11

struct pci_bar {
	phys_addr_t base; /* 0 when the BAR is unimplemented or unassigned */
	u64 size;
	bool io;   /* an I/O port BAR */
	bool is64; /* the low half of a 64-bit BAR (the next is its high half) */
	bool prefetch;
	void *va; /* arch_ioremap()ed by pci_map_bar(), else NULL */
};

struct pci_dev {
	u8 bus, dev, fn;
	u16 vendor, device, subsys_device;
	u8 class, subclass, prog_if, revision;
	u8 irq_pin;  /* 1..4 = INTA..INTD, 0 none */
	u8 irq_line; /* the interrupt line register the firmware wrote */
	struct pci_bar bar[6];
	u8 msix_cap; /* config offset of the MSI-X capability, 0 if none (or unusable) */
	u16 msix_nr; /* table entries */
	u8 msix_bir; /* the BAR holding the table, checked to fit (pci_msix_parse) */
	u32 msix_table_off;
	volatile u8 *msix_table; /* mapped by pci_msix_enable */
	struct list_head link;	 /* on pci_devices */
};

/* Every function found, in bus order; read-only after pci_init(). */
extern struct list_head pci_devices;

/* Enumerate (recursively behind bridges), size BARs, print each device. */
int pci_init(void);
/* Did the arch find a way to config space (arch_pci_init)? Not on arm64
 * yet: PCI tests then skip. */
bool pci_present(void);
/* Does the command line allow MSI-X (pci.msix, default 1)? */
bool pci_msix_allowed(void);

u8 pci_read8(const struct pci_dev *d, unsigned off);
u16 pci_read16(const struct pci_dev *d, unsigned off);
u32 pci_read32(const struct pci_dev *d, unsigned off);
void pci_write16(const struct pci_dev *d, unsigned off, u16 v);
void pci_write32(const struct pci_dev *d, unsigned off, u32 v);

/* The first len bytes (a multiple of 4) of config space into buf. */
void pci_read_config(const struct pci_dev *d, u8 *buf, unsigned len);
/* Each BAR's size as pci_map_bar can map it: 0 for an I/O, unassigned or
 * absent BAR (and for the high half of a 64-bit one). */
void pci_bar_sizes(const struct pci_dev *d, u64 size[6]);
/* Map a memory BAR (once; later calls return the same mapping). NULL for
 * an I/O or absent BAR. */
void *pci_map_bar(struct pci_dev *d, unsigned bar);
/* Enable memory decoding and bus mastering (DMA). */
void pci_enable(struct pci_dev *d);

/* MSI-X: map the table, mask every entry, enable. -ENODEV without the
 * capability or when pci.msix=0. */
int pci_msix_enable(struct pci_dev *d);
/* Point entry at vector on cpu and unmask it. */
int pci_msix_set(struct pci_dev *d, unsigned entry, unsigned cpu, unsigned vector);
void pci_msix_mask(struct pci_dev *d, unsigned entry, bool masked);
/* INTx: call fn(arg) on each interrupt of the device's pin, routed
 * through the IO-APIC to CPU 0, and clear the INTx disable bit. Lines are
 * shared: devices on the same GSI share one vector and every handler of
 * that GSI runs (each must check its device). -ENODEV when the pin cannot
 * be routed, -ENOSPC when out of vectors or handler slots. */
int pci_intx_request(struct pci_dev *d, void (*fn)(void *arg), void *arg);

#endif
