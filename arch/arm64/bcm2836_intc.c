/*
 * The Raspberry Pi 2/3's per-core interrupt controller: the BCM2836 "ARM
 * local" block ("brcm,bcm2836-l1-intc", 0x40000000 on a Pi 3; Linux's
 * drivers/irqchip/irq-bcm2836.c). It has no GIC: each core's IRQ line
 * is the OR of
 *   - its four generic-timer lines (0 CNTPS, 1 CNTPNS, 2 CNTHP, 3 CNTV),
 *     enabled per core in TIMER_INT_CONTROL[core];
 *   - its four mailboxes, 32-bit registers any core sets bits in
 *     (MAILBOX_SET[core][m]) and the owner clears (MAILBOX_CLR[core][m]);
 *     mailbox 0 of each core is its IPI line, one bit per IPI kind;
 *   - the GPU's (peripherals') interrupt, routed to one core by
 *     GPU_ROUTING, from the BCM2835 armctrl controller at 0x3f00b200.
 * IRQ_PENDING[core] says which of these is raised.
 *
 * gic.c hands its interface over to this file when setup.c found this
 * block (platform.irqchip): IPIs keep their SGI numbers (1..4, now bits
 * of mailbox 0), the timer line n is "PPI" 16 + n (the virtual timer
 * 19), so smp.c and timer.c use the GIC names unchanged and share
 * gic.c's per-CPU handler table. No peripheral interrupt is used on this
 * board yet (the PL011 is polled, ramswap completes synchronously):
 * GPU interrupts go to core 0 and are left disabled in the armctrl, and
 * arch_irq_route() refuses every line (gic.c: no distributor lines).
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include "arm64.h"
#include "trap.h"
#include "drivers/fdt.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/stats.h"

#define LOCAL_CONTROL 0x000
#define LOCAL_PRESCALER 0x008
#define LOCAL_GPU_ROUTING 0x00c
#define LOCAL_TIMER_INT_CONTROL(core) (0x040 + 4 * (core))
#define LOCAL_MAILBOX_INT_CONTROL(core) (0x050 + 4 * (core))
#define LOCAL_IRQ_PENDING(core) (0x060 + 4 * (core))
#define LOCAL_MAILBOX0_SET(core) (0x080 + 16 * (core))
#define LOCAL_MAILBOX0_CLR(core) (0x0c0 + 16 * (core))
#define LOCAL_SIZE 0x100

#define PENDING_TIMERS 0xfu
#define PENDING_MAILBOX0 (1u << 4)
#define PENDING_GPU (1u << 8)
#define LOCAL_TIMER_PPI_BASE 16 /* timer line n is "PPI" 16 + n */
#define NR_CORES 4

static volatile u8 *local;
static u8 core_of[NR_CPUS_MAX]; /* CPU number -> core (MPIDR Aff0) */

/* Per core, read by the arm64bcm tests: how often each source fired. */
u64 bcm2836_timer_irqs[NR_CORES], bcm2836_ipi_irqs[NR_CORES];

static DEFINE_STAT_COUNTER(interrupts_bcm2836_gpu);

/* For the arm64bcm tests: a CPU's core and its timer-line enables. */
unsigned bcm2836_intc_core(unsigned cpu)
{
	return core_of[cpu];
}

u32 bcm2836_intc_timer_lines(unsigned cpu)
{
	return readl(local + LOCAL_TIMER_INT_CONTROL(core_of[cpu]));
}

/*
 * The tree's side: the local block and the timer. The "arm,armv7-timer"
 * node's interrupts are <line flags> pairs on this controller, in the
 * order secure, non-secure physical, virtual, hypervisor (the Pi's DTB:
 * <0 4>, <1 4>, <3 4>, <2 4>): the virtual timer is the third. Returns
 * false when the tree has no such block (a GIC machine).
 */
bool bcm2836_intc_probe(const struct fdt *f)
{
	int node = fdt_node_offset_by_compatible(f, -1, "brcm,bcm2836-l1-intc");
	u64 base, size;
	if (node < 0 || !fdt_node_is_enabled(f, node) ||
	    fdt_read_reg(f, node, 0, &base, &size) != 0 ||
	    fdt_translate_address(f, node, &base) != 0)
		return false;
	platform.irqchip = IRQCHIP_BCM2836;
	platform.local_intc_base = base;

	u32 len;
	int timer = fdt_node_offset_by_compatible(f, -1, "arm,armv7-timer");
	if (timer < 0)
		timer = fdt_node_offset_by_compatible(f, -1, "arm,armv8-timer");
	const u8 *irqs = timer >= 0 ? fdt_getprop(f, timer, "interrupts", &len) : NULL;
	platform.timer_intid = LOCAL_TIMER_PPI_BASE + 3;
	if (irqs && len >= 24 && fdt32_ld(irqs + 16) < 4)
		platform.timer_intid = LOCAL_TIMER_PPI_BASE + fdt32_ld(irqs + 16);
	else
		pr_warn("timer: no usable timer node on the BCM2836 controller; assuming line 3 "
			"(CNTV)\n");
	return true;
}

void bcm2836_intc_init(void)
{
	local = arch_ioremap(platform.local_intc_base, LOCAL_SIZE);
	if (!local)
		panic("bcm2836: cannot map the ARM local block at %#lx",
		      (unsigned long)platform.local_intc_base);
	/* Timers run from the crystal at prescaler 1 (Linux's setting); GPU
	 * interrupts (IRQ, not FIQ) to core 0. */
	writel(0, local + LOCAL_CONTROL);
	writel(0x80000000u, local + LOCAL_PRESCALER);
	writel(0, local + LOCAL_GPU_ROUTING);
	for (unsigned core = 0; core < NR_CORES; core++) {
		writel(0, local + LOCAL_TIMER_INT_CONTROL(core));
		writel(0, local + LOCAL_MAILBOX_INT_CONTROL(core));
	}
	pr_info("bcm2836: ARM local interrupt controller at %#lx (IPIs: mailbox 0, timer line "
		"%u)\n",
		(unsigned long)platform.local_intc_base,
		platform.timer_intid - LOCAL_TIMER_PPI_BASE);
}

/* This core's mailbox 0 as its IPI line, emptied first. */
void bcm2836_intc_init_cpu(unsigned cpu)
{
	u64 mpidr;
	__asm__ __volatile__("mrs %0, mpidr_el1" : "=r"(mpidr));
	unsigned core = mpidr & 0xff;
	if (core >= NR_CORES)
		panic("bcm2836: cpu %u has MPIDR %#lx; the local block serves cores 0..3", cpu,
		      (unsigned long)mpidr);
	core_of[cpu] = (u8)core;
	writel(0xffffffffu, local + LOCAL_MAILBOX0_CLR(core));
	writel(1u << 0, local + LOCAL_MAILBOX_INT_CONTROL(core));
}

/* A timer line of this core: only the four "PPIs" 16..19 exist. */
void bcm2836_intc_enable_percpu(unsigned intid)
{
	ASSERT(intid >= LOCAL_TIMER_PPI_BASE && intid < LOCAL_TIMER_PPI_BASE + 4);
	unsigned core = core_of[arch_cpu_id()];
	u32 v = readl(local + LOCAL_TIMER_INT_CONTROL(core));
	writel(v | 1u << (intid - LOCAL_TIMER_PPI_BASE), local + LOCAL_TIMER_INT_CONTROL(core));
}

void bcm2836_intc_send_ipi(unsigned cpu, unsigned ipi)
{
	ASSERT(ipi < 32);
	/* The call data reaches memory before the target can see the bit. */
	__asm__ __volatile__("dsb ishst" ::: "memory");
	writel(1u << ipi, local + LOCAL_MAILBOX0_SET(core_of[cpu]));
}

/*
 * One source per interrupt entry, as a GIC acknowledges one INTID (and as
 * Linux's bcm2836_arm_irqchip_handle_irq does): a handler may switch tasks
 * (the tick, a reschedule), and whatever else is pending keeps the core's
 * line raised, so the next task with interrupts on takes it at once
 * instead of it waiting until this one runs again. An IPI's bit is cleared
 * before its handler runs (the GIC's EOI comes first for SGIs too): the
 * same IPI sent meanwhile sets it again and is not lost. The timer line
 * is level: its handler moves the compare value on, which lowers it.
 */
void bcm2836_intc_handle_irq(struct trap_frame *f)
{
	unsigned core = core_of[arch_cpu_id()];
	u32 pending = readl(local + LOCAL_IRQ_PENDING(core));

	if (pending & PENDING_MAILBOX0) {
		u32 bits = readl(local + LOCAL_MAILBOX0_CLR(core));
		if (bits) {
			unsigned ipi = (unsigned)__builtin_ctz(bits);
			writel(1u << ipi, local + LOCAL_MAILBOX0_CLR(core));
			__asm__ __volatile__("dsb sy" ::: "memory");
			__atomic_fetch_add(&bcm2836_ipi_irqs[core], 1, __ATOMIC_RELAXED);
			irq_handle_percpu(ipi, f);
			return;
		}
	}
	/* Only the enabled lines: the others are raised and ignored. */
	u32 timers = pending & PENDING_TIMERS & readl(local + LOCAL_TIMER_INT_CONTROL(core));
	if (timers) {
		__atomic_fetch_add(&bcm2836_timer_irqs[core], 1, __ATOMIC_RELAXED);
		irq_handle_percpu(LOCAL_TIMER_PPI_BASE + (unsigned)__builtin_ctz(timers), f);
		return;
	}
	if (pending & PENDING_GPU) {
		stat_inc(interrupts_bcm2836_gpu);
		pr_warn("bcm2836: peripheral interrupt on core %u, but none is enabled\n", core);
	}
}
