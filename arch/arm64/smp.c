/*
 * Cross-CPU interrupts and CPU bring-up on arm64. IPIs are GIC SGIs, one
 * per kind, handled by the generic handlers as arch/x86_64/smp.c does.
 * There is no NMI without the GICv3 pseudo-NMI (interrupt priorities
 * masking instead of PSTATE.I): IPI_NMI_BACKTRACE is an ordinary SGI
 * here, so a CPU spinning with interrupts off does not answer it.
 *
 * Secondary CPUs: the device tree's /cpus (MPIDRs, enable-method "psci"
 * or "spin-table") and PSCI CPU_ON with the physical address of boot.S's
 * secondary_entry and a start slot (below) as context id, or a write of
 * the slot's entry in spin_table_entries to the CPU's release address
 * (spin_table.c: the Raspberry Pi 3). CPU numbers are 0..n-1 in tree order
 * with the boot CPU as 0; a CPU that does not come up gives its number to
 * the next one, as on x86-64. One at a time, each within a second.
 *
 * A CPU that accepted CPU_ON (or was released) may still arrive after
 * that second: slow firmware, a vCPU the host did not schedule. It must
 * not then run as the CPU that got its number, on that CPU's stack. So
 * each start uses a start slot of its own (the context id, or the spin
 * table entry it branches to): the slot holds the stack and the CPU
 * number, and a state that the arriving CPU and the giving-up boot CPU
 * both change with a compare-and-exchange, so exactly one of them wins.
 * A CPU that finds its slot abandoned leaves the boot identity map and
 * powers itself off with PSCI CPU_OFF, or, without PSCI, parks forever
 * with interrupts off (Linux's arm64 cpu_die_early and its CPUs "stuck in
 * the kernel"); its slot and stack are never reused. There are more
 * slots than CPU numbers, so an abandoned one costs no CPU. smp.late_cpu=N
 * makes the N-th start arrive late on purpose
 * (arm64psci.a_late_cpu_is_parked).
 */
#include <asm/cpu.h>
#include "arm64.h"
#include "boot.h"
#include "trap.h"
#include "kernel/atomic.h"
#include "kernel/cmdline.h"
#include "kernel/ipi.h"
#include "kernel/main.h"
#include "kernel/panic.h"
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
#define PSCI_CPU_OFF 0x84000002
#define AP_START_TIMEOUT_US 1000000
#define AP_ONLINE_TIMEOUT_US 10000000
#define AP_LATE_DELAY_US 1500000

/*
 * Start slots, one per attempt to start a CPU (slot 0 is the boot CPU's
 * and unused). The boot CPU fills a slot and sets it SLOT_STARTING before
 * it starts the CPU; then exactly one of these happens:
 *   the CPU:      STARTING -> ARRIVED   (it runs as ap_slot_cpu[slot])
 *   the boot CPU: STARTING -> ABANDONED (a second passed; the CPU, should
 *                                        it come, parks)
 * A slot whose CPU was never started (CPU_ON refused) is used again.
 */
_Static_assert(NR_START_SLOTS >= NR_CPUS_MAX, "a slot per CPU, and spares for abandoned ones");
enum { SLOT_FREE, SLOT_STARTING, SLOT_ARRIVED, SLOT_ABANDONED };
static atomic_t ap_slot_state[NR_START_SLOTS];
static unsigned ap_slot_cpu[NR_START_SLOTS];
static u8 ap_stacks[NR_START_SLOTS][AP_STACK_SIZE] __aligned(16);
/* Read by boot.S's secondary_high with the MMU just on, by slot. */
u64 secondary_stack_top[NR_START_SLOTS];
/* Starts given up on (by the boot CPU), and CPUs that came after that
 * and parked or powered off (by themselves); for the tests. */
unsigned smp_cpus_abandoned;
u64 smp_abandoned_mpidr[NR_START_SLOTS];
atomic_t smp_cpus_parked_late;

/* smp.late_cpu: 0, or which start (1 = the first) arrives late. */
u64 smp_late_cpu;
KPARAM_U64(smp_late_cpu, "smp.late_cpu", &smp_late_cpu, 0, NR_START_SLOTS - 1,
	   "testing: the N-th secondary CPU started waits 1.5 s before it arrives, past the "
	   "1 s the boot CPU waits: it must be parked, its number given to the next CPU");

void secondary_entry(void);

/* From the boot identity map to the kernel's tables. The identity map's
 * entries are global, so the ASID-0 flush of arch_mmu_activate keeps them:
 * drop them all, as boot.S does on the boot CPU. */
static void leave_identity_map(void)
{
	arch_mmu_activate(arch_mmu_kernel_root());
	__asm__ __volatile__("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
}

/*
 * A CPU whose start was abandoned: it may not touch the scheduler, the
 * per-CPU data or the console (its number belongs to another CPU now).
 * It leaves the boot identity map first, which maps a whole GiB as
 * Normal memory (on the Pi the peripherals too: mmu.c allows that only
 * for the few instructions of a start), then powers off if PSCI can.
 */
static void __noreturn ap_park(void)
{
	leave_identity_map();
	atomic_inc(&smp_cpus_parked_late);
	if (platform.psci == PSCI_HVC || platform.psci == PSCI_SMC)
		psci_call(PSCI_CPU_OFF, 0, 0, 0); /* returns only on failure */
	for (;;)
		__asm__ __volatile__("msr daifset, #0xf\n\twfi" ::: "memory");
}

/* The secondary's first C code, on its slot's stack, interrupts off,
 * TTBR0 still on the boot identity map. */
void secondary_start_kernel(unsigned slot)
{
	if (slot == smp_late_cpu)
		arch_udelay(AP_LATE_DELAY_US);
	if (atomic_cmpxchg(&ap_slot_state[slot], SLOT_STARTING, SLOT_ARRIVED) != SLOT_STARTING)
		ap_park();
	unsigned cpu = ap_slot_cpu[slot];
	__asm__ __volatile__("msr tpidr_el1, %0" ::"r"((u64)cpu)); /* arch_cpu_id() */
	leave_identity_map();
	trap_init_cpu();
	gic_init_cpu(cpu);
	timer_init_cpu();
	smp_set_cpu_online(cpu); /* releases the boot CPU, which waits for this */
	arch_irq_enable();
	secondary_cpu_main(cpu);
}

static bool wait_until(bool (*done)(unsigned), unsigned arg, u64 timeout_us)
{
	u64 end = arch_time_ns() + timeout_us * 1000;
	while (!done(arg)) {
		if (arch_time_ns() > end)
			return false;
		arch_cpu_relax();
	}
	return true;
}

static bool slot_arrived(unsigned slot)
{
	return atomic_read(&ap_slot_state[slot]) == SLOT_ARRIVED;
}

static bool cpu_online_(unsigned cpu)
{
	return cpu_is_online(cpu);
}

/*
 * Waits for the CPU started in slot to arrive, then to come online as
 * cpu. Gives up after a second unless the CPU arrived meanwhile (the
 * exchange decides). A CPU that arrived owns its number, so it is waited
 * for: its own EL1 setup takes microseconds, but a vCPU the host does not
 * run can take long; ten seconds without it is a bug.
 */
static bool ap_wait(unsigned slot, unsigned cpu, u64 mpidr)
{
	if (!wait_until(slot_arrived, slot, AP_START_TIMEOUT_US) &&
	    atomic_cmpxchg(&ap_slot_state[slot], SLOT_STARTING, SLOT_ABANDONED) == SLOT_STARTING) {
		pr_err("smp: cpu %u (MPIDR %#lx) did not start within %u ms; continuing without "
		       "it (should it come later, it parks)\n",
		       cpu, (unsigned long)mpidr, AP_START_TIMEOUT_US / 1000);
		smp_abandoned_mpidr[smp_cpus_abandoned++] = mpidr;
		return false;
	}
	if (!wait_until(cpu_online_, cpu, AP_ONLINE_TIMEOUT_US))
		panic("smp: cpu %u (MPIDR %#lx) arrived but did not come online\n", cpu,
		      (unsigned long)mpidr);
	return true;
}

static const char *start_method = "PSCI CPU_ON";

/* Starts the CPU at mpidr as cpu through slot; false if it did not come
 * (the slot is then free again, or abandoned). */
static bool cpu_start(unsigned slot, unsigned cpu, u64 mpidr, u64 release_addr)
{
	ap_slot_cpu[slot] = cpu;
	secondary_stack_top[slot] = (u64)(ap_stacks[slot] + AP_STACK_SIZE);
	atomic_set(&ap_slot_state[slot], SLOT_STARTING);
	/* The slot reaches memory before the CPU reads it. */
	__asm__ __volatile__("dsb ish" ::: "memory");
	if (release_addr) {
		if (spin_table_cpu_start(slot, release_addr) != 0) {
			atomic_set(&ap_slot_state[slot], SLOT_FREE);
			return false;
		}
		start_method = "spin table";
	} else {
		long ret = psci_call(PSCI_CPU_ON_64, mpidr, virt_to_phys(secondary_entry), slot);
		if (ret != 0) {
			atomic_set(&ap_slot_state[slot], SLOT_FREE);
			pr_err("smp: PSCI CPU_ON of MPIDR %#lx failed (%ld); continuing without "
			       "it\n",
			       (unsigned long)mpidr, ret);
			return false;
		}
	}
	return ap_wait(slot, cpu, mpidr);
}

static void smp_start_secondaries(void)
{
	u64 self;
	unsigned next = 1, slot = 1;
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
		if (slot == NR_START_SLOTS) {
			pr_warn("smp: every start slot is taken by a CPU that did not come up; "
				"not starting MPIDR %#lx\n",
				(unsigned long)mpidr);
			continue;
		}
		if (cpu_start(slot, next, mpidr, platform.cpus[i].psci ? 0 : release))
			next++;
		if (atomic_read(&ap_slot_state[slot]) != SLOT_FREE)
			slot++;
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
