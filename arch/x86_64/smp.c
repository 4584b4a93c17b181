/*
 * Multiprocessor bring-up on x86-64. The boot CPU (BSP) reads the CPU list
 * from the ACPI MADT, sets up its local APIC, then starts each other CPU
 * (AP) in turn with the INIT-SIPI-SIPI sequence: INIT resets the AP into a
 * wait-for-SIPI state, and a Startup IPI makes it run real-mode code at
 * vector * 4 KiB, the trampoline (trampoline.S) that climbs to long mode and
 * calls ap_entry() on the AP's own stack.
 *
 * CPU numbers are 0..n-1 in MADT order with the BSP as 0; an AP that does
 * not start gives its number to the next one, so online CPUs stay
 * contiguous. APs start one at a time because they share the trampoline
 * page and its parameter block.
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "acpi.h"
#include "gdt.h"
#include "io.h"
#include "lapic.h"
#include "smp.h"
#include "trap.h"
#include "kernel/atomic.h"
#include "kernel/bootinfo.h"
#include "kernel/ipi.h"
#include "kernel/main.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/string.h"

void arch_mmu_drop_identity_map(void);

#define AP_STACK_SIZE 16384
#define AP_START_TIMEOUT_MS 1000
#define MSR_EFER 0xC0000080
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

extern char boot_pml4[];

/* Each AP's boot stack, its own from the trampoline on (cpu 0 has boot.S's).
 * The trampoline page and cpu_local[cpu].apic_id are written by the boot
 * CPU before it starts that AP, which is what orders them (no lock). */
static u8 ap_stacks[NR_CPUS_MAX][AP_STACK_SIZE] __aligned(16);

static const u8 ipi_vectors[] = {
	[IPI_CALL] = VEC_IPI_CALL,
	[IPI_RESCHED] = VEC_IPI_RESCHED,
	[IPI_STOP] = VEC_IPI_STOP,
};

void arch_send_ipi(unsigned cpu, enum ipi_kind kind)
{
	/* An NMI reaches a CPU that spins with interrupts off; its vector is
	 * always 2 (SDM vol. 3, 11.6.1: the vector field is ignored). */
	if (kind == IPI_NMI_BACKTRACE)
		lapic_send_ipi(cpu_local[cpu].apic_id, ICR_NMI | ICR_ASSERT);
	else
		lapic_send_ipi(cpu_local[cpu].apic_id, ICR_FIXED | ipi_vectors[kind]);
}

static void ipi_call_interrupt(struct trap_frame *f, void *arg)
{
	smp_handle_call_ipi();
}

static void ipi_resched_interrupt(struct trap_frame *f, void *arg)
{
	smp_handle_resched_ipi();
}

static void ipi_stop_interrupt(struct trap_frame *f, void *arg)
{
	smp_handle_stop_ipi();
}

/* The AP's first C code, on its own stack, interrupts off. */
static __noreturn void ap_entry(unsigned cpu)
{
	gdt_init_cpu(cpu);
	idt_load();
	lapic_init_cpu();
	if (lapic_id() != cpu_local[cpu].apic_id)
		pr_warn("smp: cpu %u has APIC id %u, the MADT said %u\n", cpu, lapic_id(),
			cpu_local[cpu].apic_id);
	cpu_local[cpu].apic_id = lapic_id();
	smp_set_cpu_online(cpu); /* releases the BSP, which waits for this */
	arch_irq_enable();
	secondary_cpu_main(cpu);
}

static struct trampoline_data *trampoline_params(void)
{
	u64 off = (u64)&trampoline_data - (u64)trampoline_start;
	return phys_to_virt(TRAMPOLINE_PHYS + off);
}

static bool wait_online(unsigned cpu, unsigned timeout_us)
{
	u64 end = arch_time_ns() + (u64)timeout_us * 1000;
	while (!cpu_is_online(cpu)) {
		if (arch_time_ns() > end)
			return false;
		arch_cpu_relax();
	}
	return true;
}

/*
 * INIT, 10 ms, SIPI, 200 us, SIPI (only if the first was missed), as the
 * Intel SDM's MP initialization example does, then up to a second for the
 * AP to check in. A CPU that never does is sent INIT again, so that it
 * cannot wake up later inside a trampoline prepared for another CPU.
 */
static bool ap_start(unsigned cpu, u32 apic_id)
{
	struct trampoline_data *td = trampoline_params();

	td->cr3 = (u32)virt_to_phys(boot_pml4);
	td->efer = (u32)rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE);
	td->stack = (u64)(ap_stacks[cpu] + AP_STACK_SIZE);
	td->entry = (u64)ap_entry;
	td->cpu = cpu;
	cpu_local[cpu].apic_id = apic_id;
	smp_mb();

	lapic_send_ipi(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	arch_udelay(10000);
	for (int i = 0; i < 2 && !cpu_is_online(cpu); i++) {
		lapic_send_ipi(apic_id, ICR_STARTUP | ICR_ASSERT | (TRAMPOLINE_PHYS >> 12));
		wait_online(cpu, 200);
	}
	if (wait_online(cpu, AP_START_TIMEOUT_MS * 1000))
		return true;
	pr_err("smp: cpu %u (APIC id %u) did not start within %u ms; continuing without it\n", cpu,
	       apic_id, AP_START_TIMEOUT_MS);
	lapic_send_ipi(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	return false;
}

static void smp_start_aps(u32 bsp_apic_id)
{
	unsigned next = 1;
	bool bsp_listed = false;

	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start,
	       (size_t)((u64)trampoline_end - (u64)trampoline_start));
	for (unsigned i = 0; i < acpi_madt.nr_cpus; i++) {
		u32 apic_id = acpi_madt.cpus[i].apic_id;
		if (apic_id == bsp_apic_id) {
			bsp_listed = true;
			continue;
		}
		if (next == NR_CPUS_MAX) {
			pr_warn("smp: NR_CPUS_MAX (%d) reached; not starting APIC id %u\n",
				NR_CPUS_MAX, apic_id);
			continue;
		}
		if (!lapic_x2apic && apic_id >= 255) {
			pr_warn("smp: APIC id %u needs x2APIC mode; not starting it\n", apic_id);
			continue;
		}
		if (ap_start(next, apic_id))
			next++;
	}
	if (!bsp_listed)
		pr_warn("smp: the boot CPU (APIC id %u) is not in the MADT\n", bsp_apic_id);
}

/*
 * Called once by start_kernel on the boot CPU. Leaves interrupts enabled
 * on every CPU, with the LAPIC timer ticking at TIMER_HZ.
 */
void smp_init(void)
{
	bool have_madt = acpi_init(&bootinfo) == 0 && acpi_madt_found;

	if (!have_madt)
		pr_warn("smp: no usable MADT; running on the boot CPU only\n");
	if (have_madt && acpi_madt.nr_enabled > NR_CPUS_MAX) {
		pr_err("smp: the MADT lists %u enabled CPUs but swaplab supports at most "
		       "NR_CPUS_MAX = %d; run with fewer CPUs (QEMU: -smp %d). Powering off\n",
		       acpi_madt.nr_enabled, NR_CPUS_MAX, NR_CPUS_MAX);
		kernel_poweroff(2);
	}
	lapic_init_bsp(have_madt ? acpi_madt.lapic_base : 0);
	irq_register_eoi_first(VEC_IPI_CALL, ipi_call_interrupt, NULL);
	irq_register_eoi_first(VEC_IPI_RESCHED, ipi_resched_interrupt, NULL);
	irq_register_eoi_first(VEC_IPI_STOP, ipi_stop_interrupt, NULL);
	lapic_init_cpu();
	cpu_local[0].apic_id = lapic_id();
	smp_set_cpu_online(0);
	if (have_madt)
		smp_start_aps(cpu_local[0].apic_id);
	arch_irq_enable();
	arch_mmu_drop_identity_map();
	pr_info("smp: %u CPUs online (%s)\n", nr_cpus_online, lapic_mode_name());
}
