/*
 * Cross-CPU interrupts and CPU bring-up on arm64. IPIs are GIC SGIs, one
 * per kind, handled by the generic handlers as arch/x86_64/smp.c does.
 * There is no NMI without the GICv3 pseudo-NMI (interrupt priorities
 * masking instead of PSTATE.I): IPI_NMI_BACKTRACE is an ordinary SGI
 * here, so a CPU spinning with interrupts off does not answer it.
 *
 * Only the boot CPU runs for now; secondaries come with PSCI CPU_ON.
 */
#include <asm/cpu.h>
#include "arm64.h"
#include "trap.h"
#include "kernel/ipi.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"

enum { SGI_CALL = 1, SGI_RESCHED = 2, SGI_STOP = 3, SGI_BACKTRACE = 4 };

static const u8 ipi_sgis[] = {
	[IPI_CALL] = SGI_CALL,
	[IPI_RESCHED] = SGI_RESCHED,
	[IPI_STOP] = SGI_STOP,
	[IPI_NMI_BACKTRACE] = SGI_BACKTRACE,
};

void arch_send_ipi(unsigned cpu, enum ipi_kind kind)
{
	gic_send_sgi(cpu, ipi_sgis[kind]);
}

static void ipi_call(struct trap_frame *f, void *arg)
{
	smp_handle_call_ipi();
}

static void ipi_resched(struct trap_frame *f, void *arg)
{
	smp_handle_resched_ipi();
}

static void ipi_stop(struct trap_frame *f, void *arg)
{
	smp_handle_stop_ipi();
}

static void ipi_backtrace(struct trap_frame *f, void *arg)
{
	nmi_cpu_backtrace(f->elr, f->x[29], !(f->spsr & DAIF_I));
}

/* Called once by start_kernel on the boot CPU: its GIC interface, the
 * IPIs, the tick; interrupts on. */
void smp_init(void)
{
	gic_set_percpu_handler(SGI_CALL, ipi_call, NULL);
	gic_set_percpu_handler(SGI_RESCHED, ipi_resched, NULL);
	gic_set_percpu_handler(SGI_STOP, ipi_stop, NULL);
	gic_set_percpu_handler(SGI_BACKTRACE, ipi_backtrace, NULL);
	gic_init_cpu(0);
	timer_init_cpu();
	smp_set_cpu_online(0);
	arch_irq_enable();
	pr_info("smp: %u CPUs online (%s; secondary CPUs not started yet on arm64)\n",
		nr_cpus_online, gic_name());
}
