/*
 * The IO-APIC: legacy and PCI INTx lines (GSIs) to LAPIC vectors. The MADT
 * lists each IO-APIC (MMIO base, first GSI) and the interrupt source
 * overrides that move an ISA IRQ to another GSI or change its trigger and
 * polarity. We program only the entries a driver asks for; every other
 * entry keeps the firmware's (masked) state.
 *
 * Registers (82093AA datasheet): IOREGSEL at +0x00 selects, IOWIN at +0x10
 * reads/writes; register 1 bits 16..23 = last redirection entry; entry n is
 * registers 0x10+2n (low) and 0x11+2n (high).
 * Low word: vector 0..7, delivery mode 8..10 (0 fixed), destination mode
 * 11 (0 physical), polarity 13 (1 low), trigger 15 (1 level), mask 16.
 * High word: destination APIC id in bits 24..31.
 */
#include <asm/io.h>
#include <asm/irq.h>
#include "acpi.h"
#include "gdt.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_REG_VER 0x01
#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_MASKED (1u << 16)

static DEFINE_SPINLOCK(ioapic_lock);
/* Mapped on first use; under ioapic_lock. */
static volatile u32 *ioapic_regs[ACPI_MADT_MAX_IOAPICS];

static volatile u32 *ioapic_map(unsigned i)
{
	if (!ioapic_regs[i])
		ioapic_regs[i] = arch_ioremap(acpi_madt.ioapics[i].address, 0x20);
	return ioapic_regs[i];
}

static u32 ioapic_read(volatile u32 *r, u32 reg)
{
	writel(reg, (volatile u8 *)r + IOREGSEL);
	return readl((volatile u8 *)r + IOWIN);
}

static void ioapic_write(volatile u32 *r, u32 reg, u32 v)
{
	writel(reg, (volatile u8 *)r + IOREGSEL);
	writel(v, (volatile u8 *)r + IOWIN);
}

static unsigned ioapic_nr_pins(volatile u32 *r)
{
	return ((ioapic_read(r, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
}

/* MPS INTI flags: polarity bits 0-1 (1 high, 3 low), trigger 2-3 (1 edge,
 * 3 level); 0 means "as the bus says". */
struct arch_irq_line arch_isa_irq_line(unsigned irq, bool pci)
{
	struct arch_irq_line l = { irq, pci, pci };
	for (unsigned i = 0; acpi_madt_found && i < acpi_madt.nr_overrides; i++) {
		const struct acpi_madt_override *o = &acpi_madt.overrides[i];
		if (o->bus != 0 || o->source != irq)
			continue;
		l.gsi = o->gsi;
		if ((o->flags & 3) == 1)
			l.active_low = false;
		else if ((o->flags & 3) == 3)
			l.active_low = true;
		if (((o->flags >> 2) & 3) == 1)
			l.level = false;
		else if (((o->flags >> 2) & 3) == 3)
			l.level = true;
	}
	return l;
}

int arch_irq_route(const struct arch_irq_line *line, unsigned cpu, unsigned vector)
{
	if (!acpi_madt_found)
		return -ENODEV;
	u32 apic_id = cpu_local[cpu].apic_id;
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	for (unsigned i = 0; i < acpi_madt.nr_ioapics; i++) {
		volatile u32 *r = ioapic_map(i);
		u32 base = acpi_madt.ioapics[i].gsi_base;
		if (!r || line->gsi < base || line->gsi >= base + ioapic_nr_pins(r))
			continue;
		u32 pin = line->gsi - base;
		u32 lo = vector | (line->level ? RTE_LEVEL : 0) |
			 (line->active_low ? RTE_ACTIVE_LOW : 0);
		ioapic_write(r, 0x10 + 2 * pin, RTE_MASKED);
		ioapic_write(r, 0x11 + 2 * pin, apic_id << 24);
		ioapic_write(r, 0x10 + 2 * pin, lo);
		spin_unlock_irqrestore(&ioapic_lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&ioapic_lock, flags);
	pr_err("ioapic: no IO-APIC serves GSI %u\n", line->gsi);
	return -ENODEV;
}
