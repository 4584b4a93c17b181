/*
 * Device interrupts for drivers, without x86 details: a driver allocates a
 * vector, asks for the MSI message that delivers it (MSI-X table entries),
 * or routes a legacy line to it (INTx through the IO-APIC), and registers a
 * handler that runs in interrupt context with interrupts disabled.
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include "kernel/types.h"

typedef void (*arch_irq_fn)(void *arg);

/* A free vector for a device interrupt, or -ENOSPC. Never freed. */
int arch_irq_alloc_vector(void);
/* Call fn(arg) for each interrupt on vector (the EOI is sent after fn). */
void arch_irq_set_handler(unsigned vector, arch_irq_fn fn, void *arg);
/* The MSI / MSI-X message (address, data) that raises vector on cpu:
 * fixed delivery, edge-triggered, physical destination. */
int arch_msi_message(unsigned cpu, unsigned vector, u64 *addr, u32 *data);

/* Trigger and polarity of a legacy interrupt line. */
struct arch_irq_line {
	u32 gsi;    /* global system interrupt (IO-APIC input) */
	bool level; /* level-triggered (PCI INTx) */
	bool active_low;
};
/* An ISA IRQ (0..15, e.g. a PCI interrupt line register that the BIOS
 * routed through the PIIX/ICH9 PIRQ registers) as a GSI, after the MADT
 * interrupt source overrides. PCI lines without an override are level,
 * active low, per the PCI spec. */
struct arch_irq_line arch_isa_irq_line(unsigned irq, bool pci);
/* Program the IO-APIC entry for line->gsi to deliver vector to cpu, and
 * unmask it. -ENODEV when no IO-APIC serves that GSI. */
int arch_irq_route(const struct arch_irq_line *line, unsigned cpu, unsigned vector);

#endif
