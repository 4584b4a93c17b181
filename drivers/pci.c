/*
 * PCI enumeration and interrupts. Config space goes through the arch
 * (asm/pci.h: ECAM or ports); the IO-APIC and MSI messages too
 * (asm/irq.h); what is here is the same on every PCI platform.
 *
 * INTx routing. Without an AML interpreter we cannot evaluate the ACPI
 * _PRT, so we use the interrupt line register the firmware fills in: on
 * pc (PIIX3) SeaBIOS routes PIRQ A..D to ISA IRQs 10/11 through the
 * PIRQRC registers (0x60..0x63 of the ISA bridge) and writes the result
 * to each device's line register; on q35 (ICH9) it does the same with the
 * LPC's PIRQA..H registers (0x60..0x63, 0x68..0x6b). In both chipsets a
 * PIRQ routed to an ISA IRQ also drives the IO-APIC input of that IRQ, so
 * "line register -> MADT override -> GSI" works on both. (On q35 each PIRQ
 * additionally drives GSI 16 + PIRQ index; using that needs the device to
 * PIRQ swizzle of the chipset, which is what _PRT encodes.) PCI lines are
 * level-triggered and shared: the handler must ask its device whether it
 * interrupted.
 */
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/pci.h>
#include "pci.h"
#include "pci_caps.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"

LIST_HEAD(pci_devices);

static bool msix_allowed = true;
KPARAM_BOOL(pci_msix, "pci.msix", &msix_allowed,
	    "use MSI-X when a device has it (0: INTx through the IO-APIC)");

bool pci_msix_allowed(void)
{
	return msix_allowed;
}

static unsigned devfn_of(const struct pci_dev *d)
{
	return d->dev << 3 | d->fn;
}

u8 pci_read8(const struct pci_dev *d, unsigned off)
{
	return arch_pci_read(d->bus, devfn_of(d), off, 1);
}
u16 pci_read16(const struct pci_dev *d, unsigned off)
{
	return arch_pci_read(d->bus, devfn_of(d), off, 2);
}
u32 pci_read32(const struct pci_dev *d, unsigned off)
{
	return arch_pci_read(d->bus, devfn_of(d), off, 4);
}
void pci_write16(const struct pci_dev *d, unsigned off, u16 v)
{
	arch_pci_write(d->bus, devfn_of(d), off, 2, v);
}
void pci_write32(const struct pci_dev *d, unsigned off, u32 v)
{
	arch_pci_write(d->bus, devfn_of(d), off, 4, v);
}

/*
 * BAR sizing (PCI Local Bus 3.0, 6.2.5.1): with decoding off, write all
 * ones, read back; the bits that stay zero below the type bits give the
 * size. A 64-bit memory BAR takes two registers.
 */
static unsigned size_bar(struct pci_dev *d, unsigned i)
{
	unsigned off = PCI_BAR0 + 4 * i;
	u32 orig = pci_read32(d, off);
	pci_write32(d, off, 0xffffffffu);
	u32 mask = pci_read32(d, off);
	pci_write32(d, off, orig);
	struct pci_bar *b = &d->bar[i];
	if (orig & 1) {
		b->io = true;
		b->base = orig & ~3u;
		mask &= ~3u;
		b->size = mask ? (u32)(~mask + 1) & 0xffff : 0;
		return 1;
	}
	b->prefetch = orig & 8;
	u64 base = orig & ~0xfu, m = mask & ~0xfu;
	if (((orig >> 1) & 3) == 2 && i < 5) {
		u32 orig_hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xffffffffu);
		u32 mask_hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, orig_hi);
		base |= (u64)orig_hi << 32;
		m |= (u64)mask_hi << 32;
		b->is64 = true;
		b->size = m ? ~m + 1 : 0;
		b->base = base;
		return 2;
	}
	b->size = m ? (u32)(~(u32)m + 1) : 0;
	b->base = base;
	return 1;
}

static void size_bars(struct pci_dev *d, unsigned nr)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned i = 0; i < nr;)
		i += size_bar(d, i);
	pci_write16(d, PCI_COMMAND, cmd);
}

void pci_read_config(const struct pci_dev *d, u8 *buf, unsigned len)
{
	for (unsigned off = 0; off + 4 <= len; off += 4) {
		u32 v = pci_read32(d, off);
		memcpy(buf + off, &v, 4);
	}
}

void pci_bar_sizes(const struct pci_dev *d, u64 size[6])
{
	for (unsigned i = 0; i < 6; i++) {
		const struct pci_bar *b = &d->bar[i];
		size[i] = b->io || !b->base ? 0 : b->size;
	}
}

/* The MSI-X capability, if it has one whose table fits in its BAR; read
 * once here, so a device that changes it later is not believed. */
static void find_msix(struct pci_dev *d)
{
	u8 cfg[PCI_CFG_SIZE];
	u64 bar_size[6];
	char name[16];
	struct pci_msix_info m;

	pci_read_config(d, cfg, sizeof(cfg));
	u8 cap = pci_cap_find(cfg, PCI_CAP_ID_MSIX, 0);
	if (!cap)
		return;
	pci_bar_sizes(d, bar_size);
	snprintk(name, sizeof(name), "%02x:%02x.%u", d->bus, d->dev, d->fn);
	if (pci_msix_parse(cfg, cap, bar_size, name, &m) != 0)
		return;
	d->msix_cap = cap;
	d->msix_nr = m.nr;
	d->msix_bir = m.bir;
	d->msix_table_off = m.table;
}

static void print_dev(const struct pci_dev *d)
{
	pr_info("pci: %02x:%02x.%u %04x:%04x class %02x%02x%02x irq pin %u line %u%s\n", d->bus,
		d->dev, d->fn, d->vendor, d->device, d->class, d->subclass, d->prog_if, d->irq_pin,
		d->irq_line, d->msix_cap ? " msi-x" : "");
	for (unsigned i = 0; i < 6; i++) {
		const struct pci_bar *b = &d->bar[i];
		if (b->size)
			pr_info("pci:   bar%u %s%s %#lx size %#lx\n", i, b->io ? "io" : "mem",
				b->is64 ? "64" : "32", (unsigned long)b->base,
				(unsigned long)b->size);
	}
}

static void scan_bus(unsigned bus, int depth);

static void add_function(unsigned bus, unsigned dev, unsigned fn, int depth)
{
	struct pci_dev *d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		pr_err("pci: out of memory at %02x:%02x.%u\n", bus, dev, fn);
		return;
	}
	d->bus = bus, d->dev = dev, d->fn = fn;
	d->vendor = pci_read16(d, PCI_VENDOR_ID);
	d->device = pci_read16(d, PCI_DEVICE_ID);
	u32 cr = pci_read32(d, PCI_CLASS_REVISION);
	d->class = cr >> 24, d->subclass = cr >> 16, d->prog_if = cr >> 8, d->revision = cr;
	u8 type = pci_read8(d, PCI_HEADER_TYPE) & 0x7f;
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	if (type == 0) {
		size_bars(d, 6);
		d->subsys_device = pci_read16(d, 0x2e);
	} else if (type == 1) {
		size_bars(d, 2);
	}
	find_msix(d);
	list_add_tail(&d->link, &pci_devices);
	print_dev(d);
	if (type == 1 && depth < 8) {
		unsigned sec = pci_read8(d, PCI_SECONDARY_BUS);
		if (sec > bus)
			scan_bus(sec, depth + 1);
	}
}

static void scan_bus(unsigned bus, int depth)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		if (arch_pci_read(bus, dev << 3, PCI_VENDOR_ID, 2) == 0xffff)
			continue;
		bool multi = arch_pci_read(bus, dev << 3, PCI_HEADER_TYPE, 1) & 0x80;
		for (unsigned fn = 0; fn < (multi ? 8u : 1u); fn++)
			if (arch_pci_read(bus, dev << 3 | fn, PCI_VENDOR_ID, 2) != 0xffff)
				add_function(bus, dev, fn, depth);
	}
}

static bool pci_found; /* written once by pci_init */

bool pci_present(void)
{
	return pci_found;
}

int pci_init(void)
{
	int err = arch_pci_init();
	if (err)
		return err;
	pci_found = true;
	scan_bus(0, 0);
	return 0;
}

void *pci_map_bar(struct pci_dev *d, unsigned i)
{
	struct pci_bar *b = &d->bar[i];
	if (i >= 6 || b->io || !b->size || !b->base)
		return NULL;
	if (!b->va)
		b->va = arch_ioremap(b->base, b->size);
	return b->va;
}

void pci_enable(struct pci_dev *d)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/*
 * MSI-X (PCI 3.0, 6.8.2): message control at cap+2 (bit 15 enable, bit 14
 * function mask, bits 0..10 table size - 1); cap+4: table offset | BIR.
 * Each 16-byte entry: address low, address high, data, vector control
 * (bit 0 masked).
 */
#define MSIX_ENABLE (1u << 15)
#define MSIX_FUNC_MASK (1u << 14)

int pci_msix_enable(struct pci_dev *d)
{
	if (!d->msix_cap || !msix_allowed)
		return -ENODEV;
	u8 *bar = pci_map_bar(d, d->msix_bir);
	if (!bar)
		return -ENODEV;
	d->msix_table = bar + d->msix_table_off;
	u16 ctl = pci_read16(d, d->msix_cap + 2);
	pci_write16(d, d->msix_cap + 2, ctl | MSIX_ENABLE | MSIX_FUNC_MASK);
	for (unsigned i = 0; i < d->msix_nr; i++)
		pci_msix_mask(d, i, true);
	pci_write16(d, d->msix_cap + 2, (ctl | MSIX_ENABLE) & ~MSIX_FUNC_MASK);
	/* INTx is off while MSI-X is on; say so explicitly as well. */
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	return 0;
}

void pci_msix_mask(struct pci_dev *d, unsigned entry, bool masked)
{
	volatile u8 *e = d->msix_table + 16 * entry;
	u32 ctl = readl(e + 12);
	writel(masked ? ctl | 1 : ctl & ~1u, e + 12);
}

int pci_msix_set(struct pci_dev *d, unsigned entry, unsigned cpu, unsigned vector)
{
	u64 addr;
	u32 data;
	if (!d->msix_table || entry >= d->msix_nr)
		return -EINVAL;
	int err = arch_msi_message(cpu, vector, &addr, &data);
	if (err)
		return err;
	volatile u8 *e = d->msix_table + 16 * entry;
	pci_msix_mask(d, entry, true);
	writel((u32)addr, e);
	writel((u32)(addr >> 32), e + 4);
	writel(data, e + 8);
	pci_msix_mask(d, entry, false);
	return 0;
}

/*
 * Shared INTx lines: one vector per GSI, with the handlers of every device
 * on it. Set up at boot by drivers on the boot CPU; a handler is added
 * before its device can interrupt, and entries are never removed.
 */
#define INTX_MAX_LINES 8
#define INTX_MAX_SHARED 8

static struct intx_line {
	u32 gsi;
	unsigned vector;
	unsigned nr;
	struct {
		void (*fn)(void *);
		void *arg;
	} h[INTX_MAX_SHARED];
} intx_lines[INTX_MAX_LINES];
static unsigned nr_intx_lines;

static void intx_dispatch(void *arg)
{
	struct intx_line *l = arg;
	unsigned nr = __atomic_load_n(&l->nr, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < nr; i++)
		l->h[i].fn(l->h[i].arg);
}

static struct intx_line *intx_line_for(const struct arch_irq_line *line)
{
	for (unsigned i = 0; i < nr_intx_lines; i++)
		if (intx_lines[i].gsi == line->gsi)
			return &intx_lines[i];
	if (nr_intx_lines == INTX_MAX_LINES)
		return NULL;
	int vec = arch_irq_alloc_vector();
	if (vec < 0)
		return NULL;
	struct intx_line *l = &intx_lines[nr_intx_lines];
	l->gsi = line->gsi;
	l->vector = vec;
	arch_irq_set_handler(vec, intx_dispatch, l);
	if (arch_irq_route(line, 0, vec) != 0)
		return NULL;
	nr_intx_lines++;
	return l;
}

int pci_intx_request(struct pci_dev *d, void (*fn)(void *arg), void *arg)
{
	if (d->irq_pin == 0 || d->irq_pin > 4) {
		pr_err("pci: %02x:%02x.%u has no interrupt pin\n", d->bus, d->dev, d->fn);
		return -ENODEV;
	}
	if (d->irq_line == 0 || d->irq_line >= 16) {
		pr_err("pci: %02x:%02x.%u: interrupt line %u not routed by the firmware\n", d->bus,
		       d->dev, d->fn, d->irq_line);
		return -ENODEV;
	}
	struct arch_irq_line line = arch_isa_irq_line(d->irq_line, true);
	struct intx_line *l = intx_line_for(&line);
	if (!l || l->nr == INTX_MAX_SHARED) {
		pr_err("pci: %02x:%02x.%u: no vector or handler slot for GSI %u\n", d->bus, d->dev,
		       d->fn, line.gsi);
		return -ENOSPC;
	}
	l->h[l->nr].fn = fn;
	l->h[l->nr].arg = arg;
	__atomic_store_n(&l->nr, l->nr + 1, __ATOMIC_RELEASE);
	pr_info("pci: %02x:%02x.%u INT%c -> line %u -> GSI %u (%s, active %s) -> vector %#x%s\n",
		d->bus, d->dev, d->fn, 'A' + d->irq_pin - 1, d->irq_line, line.gsi,
		line.level ? "level" : "edge", line.active_low ? "low" : "high", l->vector,
		l->nr > 1 ? " (shared)" : "");
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
	return 0;
}
