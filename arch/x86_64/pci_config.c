/*
 * PCI configuration access on x86 (asm/pci.h).
 *
 * ECAM (PCIe memory-mapped config): the ACPI "MCFG" table gives, per
 * segment, a physical base and a bus range; function (bus, devfn)'s 4 KiB
 * window is at base + ((bus - start) << 20 | devfn << 12). q35 has it; pc
 * (i440fx) does not. Otherwise configuration mechanism #1: write
 * 0x80000000 | bus << 16 | devfn << 8 | (off & 0xfc) to port 0xcf8, then
 * access port 0xcfc + (off & 3). The port pair is one global register, so
 * it is used under a lock; ECAM accesses need none.
 */
#include <asm/io.h>
#include <asm/pci.h>
#include "acpi.h"
#include "io.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

static u8 *ecam; /* set once by arch_pci_init */
static unsigned ecam_start, ecam_end;
static DEFINE_SPINLOCK(conf1_lock); /* the 0xcf8/0xcfc pair */

static bool pci_use_ecam = true;
KPARAM_BOOL(pci_ecam, "pci.ecam", &pci_use_ecam,
	    "use ECAM (MCFG) for PCI config space when present (0: ports 0xcf8/0xcfc)");

#define MCFG_MAX_ENTRIES 16

static int ecam_setup(void)
{
	static struct acpi_mcfg_entry e[MCFG_MAX_ENTRIES]; /* boot CPU, once */
	const struct acpi_sdt_header *h = acpi_find_table("MCFG");
	if (!h)
		return -ENOENT;
	int n = acpi_mcfg_parse(h, e, MCFG_MAX_ENTRIES);
	for (int i = 0; i < n; i++) {
		if (e[i].segment != 0 || e[i].end_bus < e[i].start_bus)
			continue;
		size_t size = (size_t)(e[i].end_bus - e[i].start_bus + 1) << 20;
		ecam = arch_ioremap(e[i].base, size);
		if (!ecam)
			return -ENOMEM;
		ecam_start = e[i].start_bus;
		ecam_end = e[i].end_bus;
		pr_info("pci: ECAM at %#lx, buses %u-%u (ACPI MCFG)\n", (unsigned long)e[i].base,
			ecam_start, ecam_end);
		return 0;
	}
	return -ENOENT;
}

int arch_pci_init(void)
{
	if (pci_use_ecam && ecam_setup() == 0)
		return 0;
	outl(0xcf8, 0x80000000u);
	if (inl(0xcf8) != 0x80000000u) {
		pr_err("pci: no ECAM and no configuration mechanism #1 (port 0xcf8)\n");
		return -ENODEV;
	}
	pr_info("pci: configuration through ports 0xcf8/0xcfc%s\n",
		pci_use_ecam ? " (no ACPI MCFG)" : " (pci.ecam=0)");
	return 0;
}

static volatile void *ecam_addr(unsigned bus, unsigned devfn, unsigned off)
{
	if (bus < ecam_start || bus > ecam_end)
		return NULL;
	return ecam + ((size_t)(bus - ecam_start) << 20 | devfn << 12 | off);
}

u32 arch_pci_read(unsigned bus, unsigned devfn, unsigned off, unsigned size)
{
	if (ecam) {
		volatile void *a = ecam_addr(bus, devfn, off);
		if (!a)
			return 0xffffffffu;
		return size == 1 ? readb(a) : size == 2 ? readw(a) : readl(a);
	}
	if (off >= 256)
		return 0xffffffffu;
	unsigned long flags = spin_lock_irqsave(&conf1_lock);
	outl(0xcf8, 0x80000000u | bus << 16 | devfn << 8 | (off & 0xfc));
	u16 port = 0xcfc + (off & 3);
	u32 v = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	spin_unlock_irqrestore(&conf1_lock, flags);
	return v;
}

void arch_pci_write(unsigned bus, unsigned devfn, unsigned off, unsigned size, u32 v)
{
	if (ecam) {
		volatile void *a = ecam_addr(bus, devfn, off);
		if (!a)
			return;
		if (size == 1)
			writeb(v, a);
		else if (size == 2)
			writew(v, a);
		else
			writel(v, a);
		return;
	}
	if (off >= 256)
		return;
	unsigned long flags = spin_lock_irqsave(&conf1_lock);
	outl(0xcf8, 0x80000000u | bus << 16 | devfn << 8 | (off & 0xfc));
	u16 port = 0xcfc + (off & 3);
	if (size == 1)
		outb(port, v);
	else if (size == 2)
		outw(port, v);
	else
		outl(port, v);
	spin_unlock_irqrestore(&conf1_lock, flags);
}
