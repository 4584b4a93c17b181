/*
 * Cross-CPU interrupts and CPU bring-up on arm64. IPIs are GIC SGIs, one
 * per kind, handled by the generic handlers as arch/x86_64/smp.c does.
 * There is no NMI without the GICv3 pseudo-NMI (interrupt priorities
 * masking instead of PSTATE.I): IPI_NMI_BACKTRACE is an ordinary SGI
 * here, so a CPU spinning with interrupts off does not answer it.
 *
 * Secondary CPUs: the device tree's /cpus (MPIDRs, enable-method "psci"
 * or "spin-table") and PSCI CPU_ON with the physical address of boot.S's
 * secondary_entry and the CPU number as context id, or a write of
 * spin_table_entry to the CPU's release address (spin_table.c: the
 * Raspberry Pi 3). CPU numbers are 0..n-1 in tree order
 * with the boot CPU as 0; a CPU that does not come up gives its number to
 * the next one, as on x86-64. One at a time, each within a second.
 */
#include <asm/cpu.h>
#include "arm64.h"
#include "trap.h"
#include "kernel/ipi.h"
#include "kernel/main.h"
#include <asm/mmu.h>
#include <asm/page.h>
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

#define PSCI_CPU_ON_64 0xc4000003
#define AP_STACK_SIZE 16384
#define AP_START_TIMEOUT_US 1000000

static u8 ap_stacks[NR_CPUS_MAX][AP_STACK_SIZE] __aligned(16);
/* Read by boot.S's secondary_high with the MMU just on. */
u64 secondary_stack_top[NR_CPUS_MAX];

void secondary_entry(void);

/* The secondary's first C code, on its own stack, interrupts off, TTBR0
 * still on the boot identity map. */
void secondary_start_kernel(unsigned cpu)
{
	arch_mmu_activate(arch_mmu_kernel_root());
	trap_init_cpu();
	gic_init_cpu(cpu);
	timer_init_cpu();
	smp_set_cpu_online(cpu); /* releases the boot CPU, which waits for this */
	arch_irq_enable();
	secondary_cpu_main(cpu);
}

static bool wait_online(unsigned cpu, u64 timeout_us)
{
	u64 end = arch_time_ns() + timeout_us * 1000;
	while (!cpu_is_online(cpu)) {
		if (arch_time_ns() > end)
			return false;
		arch_cpu_relax();
	}
	return true;
}

static const char *start_method = "PSCI CPU_ON";

static bool cpu_start(unsigned cpu, u64 mpidr, u64 release_addr)
{
	secondary_stack_top[cpu] = (u64)(ap_stacks[cpu] + AP_STACK_SIZE);
	/* The stack pointer reaches memory before the CPU reads it. */
	__asm__ __volatile__("dsb ish" ::: "memory");
	if (release_addr) {
		if (spin_table_cpu_start(cpu, release_addr) != 0)
			return false;
		start_method = "spin table";
	} else {
		long ret = psci_call(PSCI_CPU_ON_64, mpidr, virt_to_phys(secondary_entry), cpu);
		if (ret != 0) {
			pr_err("smp: PSCI CPU_ON of MPIDR %#lx failed (%ld); continuing without "
			       "it\n",
			       (unsigned long)mpidr, ret);
			return false;
		}
	}
	if (wait_online(cpu, AP_START_TIMEOUT_US))
		return true;
	pr_err("smp: cpu %u (MPIDR %#lx) did not start within %u ms; continuing without it\n", cpu,
	       (unsigned long)mpidr, AP_START_TIMEOUT_US / 1000);
	return false;
}

static void smp_start_secondaries(void)
{
	u64 self;
	unsigned next = 1;
	bool boot_listed = false;

	__asm__ __volatile__("mrs %0, mpidr_el1" : "=r"(self));
	self &= 0xff00fffffful;
	for (unsigned i = 0; i < platform.nr_cpus; i++) {
		u64 mpidr = platform.cpus[i].mpidr;
		if (mpidr == self) {
			boot_listed = true;
			continue;
		}
		u64 release = platform.cpus[i].release_addr;
		if (!release && (!platform.cpus[i].psci || platform.psci == PSCI_NONE)) {
			pr_warn("smp: MPIDR %#lx has neither a PSCI nor a spin-table "
				"enable-method; not starting it\n",
				(unsigned long)mpidr);
			continue;
		}
		if (next == NR_CPUS_MAX) {
			pr_warn("smp: NR_CPUS_MAX (%d) reached; not starting MPIDR %#lx\n",
				NR_CPUS_MAX, (unsigned long)mpidr);
			continue;
		}
		if (cpu_start(next, mpidr, platform.cpus[i].psci ? 0 : release))
			next++;
	}
	if (!boot_listed)
		pr_warn("smp: the boot CPU (MPIDR %#lx) is not in the device tree's /cpus\n",
			(unsigned long)self);
}

/* Called once by start_kernel on the boot CPU: its GIC interface, the
 * IPIs, the tick, the other CPUs; interrupts on everywhere. */
void smp_init(void)
{
	gic_set_percpu_handler(SGI_CALL, ipi_call, NULL);
	gic_set_percpu_handler(SGI_RESCHED, ipi_resched, NULL);
	gic_set_percpu_handler(SGI_STOP, ipi_stop, NULL);
	gic_set_percpu_handler(SGI_BACKTRACE, ipi_backtrace, NULL);
	gic_init_cpu(0);
	timer_init_cpu();
	smp_set_cpu_online(0);
	smp_start_secondaries();
	arch_irq_enable();
	pr_info("smp: %u CPUs online (%s, %s)\n", nr_cpus_online, gic_name(), start_method);
}
