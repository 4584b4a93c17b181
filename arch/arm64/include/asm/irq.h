/*
 * Device interrupts for drivers on arm64, the same interface as x86-64:
 * a "vector" here is a software slot (a handler), and arch_irq_route()
 * connects a GIC interrupt (line->gsi is the INTID: SPI n is 32 + n) to
 * a slot, configures its trigger, targets a CPU and enables it
 * (arch/arm64/gic.c). No MSIs yet (no ITS / GICv2m support).
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include "kernel/types.h"

typedef void (*arch_irq_fn)(void *arg);

/* A free slot for a device interrupt, or -ENOSPC. Never freed. */
int arch_irq_alloc_vector(void);
/* Call fn(arg) for each interrupt routed to the slot (EOI after fn). */
void arch_irq_set_handler(unsigned vector, arch_irq_fn fn, void *arg);
/* No MSI on arm64 yet: -ENODEV. */
int arch_msi_message(unsigned cpu, unsigned vector, u64 *addr, u32 *data);

/* Trigger and polarity of an interrupt line. */
struct arch_irq_line {
	u32 gsi;    /* GIC INTID (SPIs from 32) */
	bool level; /* level-triggered (virtio-mmio, PCI INTx) */
	bool active_low;
};
/* There are no ISA IRQs on arm64: the number is taken as an SPI (PCI's
 * interrupt line register would come from the DTB's interrupt-map). */
struct arch_irq_line arch_isa_irq_line(unsigned irq, bool pci);
/* Route line->gsi to slot vector on cpu and enable it; -ENODEV for an
 * INTID that is not a valid SPI of this GIC. */
int arch_irq_route(const struct arch_irq_line *line, unsigned cpu, unsigned vector);

#endif
