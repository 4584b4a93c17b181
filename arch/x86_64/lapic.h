/*
 * The local APIC: every CPU's own interrupt controller. It takes interrupts
 * in (IPIs, its timer, routed device interrupts), sends IPIs out through
 * the ICR, and wants an EOI at the end of each interrupt it delivered.
 *
 * Two programming models reach the same registers: xAPIC (MMIO, a 4 KiB
 * page at the APIC base, 8-bit APIC ids) and x2APIC (MSRs 0x800+, 32-bit
 * ids, a single 64-bit ICR). We use x2APIC when the CPU has it; every CPU
 * then runs in the same mode. lapic_init_bsp() picks the mode once on the
 * boot CPU before any AP runs; after that the mode is read-only.
 */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include "kernel/types.h"

/* ICR fields (low 32 bits). */
#define ICR_FIXED (0u << 8)
#define ICR_NMI (4u << 8)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_BUSY (1u << 12) /* xAPIC: delivery pending */
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)

extern bool lapic_x2apic; /* set once by lapic_init_bsp() */

/* Boot CPU: pick xAPIC or x2APIC, map the registers, mask the 8259s,
 * calibrate the timer and set the EOI hook. base: the MADT's address. */
void lapic_init_bsp(u64 base);
/* Every CPU (BSP included): enable this CPU's APIC and start its timer. */
void lapic_init_cpu(void);
u32 lapic_id(void);
void lapic_eoi(void);
/* Send an IPI (low ICR word) to one APIC id; waits for xAPIC delivery. */
void lapic_send_ipi(u32 apic_id, u32 icr_low);
const char *lapic_mode_name(void);

#endif
