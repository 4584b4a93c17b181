/* The saved state of an interrupted context, as entry.S lays it out. */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include "kernel/types.h"

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define VEC_NMI 2
#define VEC_PAGE_FAULT 14
#define VEC_IRQ_BASE 32
#define VEC_TIMER 0xf0
#define VEC_IPI_CALL 0xf1
#define VEC_IPI_RESCHED 0xf2
#define VEC_IPI_STOP 0xf3
#define VEC_SPURIOUS 0xff

typedef void (*irq_handler_t)(struct trap_frame *f, void *arg);

void idt_init(void); /* build the table (once) */
void idt_load(void); /* load it on this CPU */
void irq_register(unsigned vector, irq_handler_t fn, void *arg);
/* The same, acknowledged at the APIC before fn runs (timer and IPIs). */
void irq_register_eoi_first(unsigned vector, irq_handler_t fn, void *arg);
void trap_dump_frame(const struct trap_frame *f);
/* Set by the LAPIC code: acknowledge an interrupt at the local APIC. */
extern void (*irq_eoi)(void);

#endif
