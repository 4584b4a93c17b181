/* Host build of asm/irq.h: no interrupt controllers; everything fails. */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include "kernel/errno.h"
#include "kernel/types.h"

typedef void (*arch_irq_fn)(void *arg);

struct arch_irq_line {
	u32 gsi;
	bool level;
	bool active_low;
};

static inline int arch_irq_alloc_vector(void)
{
	return -ENOSPC;
}
static inline void arch_irq_set_handler(unsigned vector, arch_irq_fn fn, void *arg)
{
	(void)vector;
	(void)fn;
	(void)arg;
}
static inline int arch_msi_message(unsigned cpu, unsigned vector, u64 *addr, u32 *data)
{
	(void)cpu;
	(void)vector;
	(void)addr;
	(void)data;
	return -ENODEV;
}
static inline struct arch_irq_line arch_isa_irq_line(unsigned irq, bool pci)
{
	(void)pci;
	return (struct arch_irq_line){ irq, false, false };
}
static inline int arch_irq_route(const struct arch_irq_line *line, unsigned cpu, unsigned vector)
{
	(void)line;
	(void)cpu;
	(void)vector;
	return -ENODEV;
}

#endif
