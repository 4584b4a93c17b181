/*
 * arm64 exceptions: the frame entry.S saves (layout in boot.h), the
 * dispatcher it calls, and the interrupt controller's entry point.
 */
#ifndef ARCH_ARM64_TRAP_H
#define ARCH_ARM64_TRAP_H

#include "kernel/types.h"

struct trap_frame {
	u64 x[31]; /* x0..x30; x29 is the frame pointer, x30 the link register */
	u64 sp;	   /* sp at the exception (EL1h) */
	u64 elr;   /* where the exception was taken */
	u64 spsr;
	u64 esr;
	u64 far;
	u64 record[2]; /* frame record {x29, elr} for backtraces */
};

void trap_dispatch(struct trap_frame *f, unsigned long kind);
void trap_dump_frame(const struct trap_frame *f);
/* Interrupt entry of the GIC driver (gic.c). */
void gic_handle_irq(struct trap_frame *f);
/* The PPI handlers the GIC calls with the frame (the timer needs the pc). */
typedef void (*irq_handler_t)(struct trap_frame *f, void *arg);

/* Set up the CPU-local side of exception handling (VBAR, FP traps). */
void trap_init_cpu(void);

#endif
