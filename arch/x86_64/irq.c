/*
 * Device interrupt vectors and MSI messages (asm/irq.h). Vectors 0x40..0xef
 * go to devices, one per interrupt source, handed out by a counter: drivers
 * never release them. A vector's handler is a (fn, arg) pair behind a
 * trampoline so drivers never see the trap frame.
 */
#include <asm/irq.h>
#include "gdt.h"
#include "trap.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"

#define VEC_DEVICE_FIRST 0x40
#define VEC_DEVICE_LAST 0xef

static DEFINE_SPINLOCK(vector_lock);
static unsigned next_vector = VEC_DEVICE_FIRST; /* under vector_lock */

static struct irq_slot {
	arch_irq_fn fn;
	void *arg;
} irq_slots[256]; /* written before the source is unmasked */

int arch_irq_alloc_vector(void)
{
	unsigned long flags = spin_lock_irqsave(&vector_lock);
	int v = next_vector <= VEC_DEVICE_LAST ? (int)next_vector++ : -ENOSPC;
	spin_unlock_irqrestore(&vector_lock, flags);
	return v;
}

static void irq_trampoline(struct trap_frame *f, void *arg)
{
	struct irq_slot *s = arg;
	s->fn(s->arg);
}

void arch_irq_set_handler(unsigned vector, arch_irq_fn fn, void *arg)
{
	irq_slots[vector].fn = fn;
	irq_slots[vector].arg = arg;
	irq_register(vector, irq_trampoline, &irq_slots[vector]);
}

/*
 * Intel SDM vol. 3, 11.11: address 0xfee00000 | destination APIC id << 12
 * (physical mode, no redirection hint); data: the vector, fixed delivery,
 * edge. An 8-bit destination field: APIC ids above 255 would need
 * interrupt remapping, which we do not have.
 */
int arch_msi_message(unsigned cpu, unsigned vector, u64 *addr, u32 *data)
{
	if (cpu >= NR_CPUS_MAX || !cpu_is_online(cpu))
		return -EINVAL;
	u32 apic_id = cpu_local[cpu].apic_id;
	if (apic_id > 255)
		return -ERANGE;
	*addr = 0xfee00000ul | (u64)apic_id << 12;
	*data = vector;
	return 0;
}
