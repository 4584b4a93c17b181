/*
 * The line between the generic cross-CPU code (kernel/smp.c) and the
 * arch's interrupt controller. The arch sends the three kinds of IPI and,
 * from its interrupt handlers, calls back into the generic handlers.
 */
#ifndef KERNEL_IPI_H
#define KERNEL_IPI_H

#include "compiler.h"
#include "smp.h"
#include "types.h"

enum ipi_kind {
	IPI_CALL,	   /* run the queued smp_call_on_cpus() functions */
	IPI_RESCHED,	   /* call the scheduler's resched hook */
	IPI_STOP,	   /* a CPU panicked: halt, so its report is not interleaved */
	IPI_NMI_BACKTRACE, /* a non-maskable interrupt: print where you are */
};

/* Provided by arch: interrupt that CPU (never blocks on the target). */
void arch_send_ipi(unsigned cpu, enum ipi_kind kind);

/* Generic handlers, called by the arch in interrupt context, IRQs off. */
void smp_handle_call_ipi(void);
void smp_handle_resched_ipi(void);
/* From the arch's NMI handler, with the interrupted context (pc, frame
 * pointer, whether it had interrupts on): true when this CPU was asked
 * for a backtrace and printed it (kernel/nmi_backtrace.c). */
bool nmi_cpu_backtrace(unsigned long pc, unsigned long fp, bool irqs_were_on);

/* A panicking CPU asked this one to stop: never returns. */
__noreturn void smp_handle_stop_ipi(void);

/* The arch marks a CPU online once it can take IPIs. */
void smp_set_cpu_online(unsigned cpu);

/* The hook now registered (NULL if none): lets a test put it back. */
resched_hook_fn smp_get_resched_hook(void);
/* Reschedule IPIs this CPU has taken (the tests watch it). */
u64 smp_resched_ipis_received(unsigned cpu);

#endif
