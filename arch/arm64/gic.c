/*
 * The Arm Generic Interrupt Controller, v2 and v3, as the device tree
 * describes it (setup.c fills platform.gic_*).
 *
 * GICv2 ("arm,cortex-a15-gic", "arm,gic-400"): a distributor (GICD) and a
 *   memory-mapped CPU interface (GICC) banked per CPU. SGIs through
 *   GICD_SGIR, targets by CPU interface number (GICD_ITARGETSR).
 * GICv3 ("arm,gic-v3"): a distributor with affinity routing (ARE, SPIs
 *   routed by GICD_IROUTER = MPIDR), one redistributor per CPU (GICR: its
 *   SGIs and PPIs), and the CPU interface as system registers
 *   (ICC_*_EL1). SGIs through ICC_SGI1R_EL1.
 * Both are run with a single security state (QEMU virt without EL3):
 *   everything is group 1 on v3, group 0 signalled as IRQ on v2.
 *
 * INTIDs: 0..15 SGIs (IPIs), 16..31 PPIs (per-CPU: the timer), 32..1019
 * SPIs (devices). asm/irq.h slots map SPIs to driver handlers; SGIs and
 * PPIs have per-INTID handlers that get the trap frame. Handlers of SGIs
 * and PPIs run after the EOI (like x86's "EOI first" local APIC vectors:
 * the tick may switch tasks), device handlers before it (a level line
 * must be quiet before its EOI).
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/irq.h>
#include "arm64.h"
#include "trap.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/stats.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_ICFGR 0x0c00
#define GICD_SGIR 0x0f00
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_SGI_BASE 0x10000
#define GICR_TYPER_LAST (1ul << 4)
#define GICR_TYPER_VLPIS (1ul << 1)
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

#define PRIORITY_DEFAULT 0xa0
#define INTID_SPURIOUS_FIRST 1020
#define NR_INTIDS 1020
#define NR_SLOTS 64

static volatile u8 *gicd, *gicc, *gicr;
static u64 gicr_size;
static unsigned nr_lines; /* INTIDs the distributor implements */

/* Per CPU: its redistributor (v3), interface number (v2), MPIDR. */
static struct {
	volatile u8 *rd;
	u8 v2_target;
	u64 mpidr;
} gic_cpu[NR_CPUS_MAX];

static DEFINE_SPINLOCK(gic_lock);
static unsigned next_slot; /* under gic_lock */
static struct irq_slot {
	arch_irq_fn fn;
	void *arg;
} slots[NR_SLOTS];
static s16 spi_slot[NR_INTIDS]; /* slot + 1 of each SPI, 0 = none */
static struct {
	irq_handler_t fn;
	void *arg;
} percpu_handlers[32]; /* SGIs and PPIs, the same on every CPU */

static DEFINE_STAT_COUNTER(interrupts);

#define SYSREG_WRITE(r, v) __asm__ __volatile__("msr " r ", %0" ::"r"((u64)(v)) : "memory")
#define SYSREG_READ(r)                                                                             \
	({                                                                                         \
		u64 __v;                                                                           \
		__asm__ __volatile__("mrs %0, " r : "=r"(__v)::"memory");                          \
		__v;                                                                               \
	})
#define ICC_IAR1_EL1 "s3_0_c12_c12_0"
#define ICC_EOIR1_EL1 "s3_0_c12_c12_1"
#define ICC_BPR1_EL1 "s3_0_c12_c12_3"
#define ICC_CTLR_EL1 "s3_0_c12_c12_4"
#define ICC_SRE_EL1 "s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1 "s3_0_c12_c12_7"
#define ICC_PMR_EL1 "s3_0_c4_c6_0"
#define ICC_SGI1R_EL1 "s3_0_c12_c11_5"

const char *gic_name(void)
{
	if (platform.irqchip == IRQCHIP_BCM2836)
		return "BCM2836 local";
	return platform.gic_version == 3 ? "GICv3" : "GICv2";
}

static u64 read_mpidr(void)
{
	return SYSREG_READ("mpidr_el1") & 0xff00fffffful;
}

static void gicd_wait_rwp(void)
{
	for (unsigned i = 0; i < 1000000 && (readl(gicd + GICD_CTLR) & GICD_CTLR_RWP); i++)
		arch_cpu_relax();
}

/* --- distributor ----------------------------------------------------------- */
static void gic_dist_init(void)
{
	writel(0, gicd + GICD_CTLR);
	if (platform.gic_version == 3)
		gicd_wait_rwp();
	nr_lines = 32 * ((readl(gicd + GICD_TYPER) & 0x1f) + 1);
	if (nr_lines > NR_INTIDS)
		nr_lines = NR_INTIDS;
	for (unsigned i = 32; i < nr_lines; i += 32) {
		writel(0xffffffffu, gicd + GICD_ICENABLER + i / 8);
		writel(0xffffffffu, gicd + GICD_ICPENDR + i / 8);
		writel(platform.gic_version == 3 ? 0xffffffffu : 0, gicd + GICD_IGROUPR + i / 8);
	}
	for (unsigned i = 32; i < nr_lines; i += 4)
		writel(PRIORITY_DEFAULT * 0x01010101u, gicd + GICD_IPRIORITYR + i);
	for (unsigned i = 32; i < nr_lines; i += 16)
		writel(0, gicd + GICD_ICFGR + i / 4); /* level */
	if (platform.gic_version == 3) {
		writel(GICD_CTLR_ARE, gicd + GICD_CTLR);
		gicd_wait_rwp();
		writel(GICD_CTLR_ARE | 0x3, gicd + GICD_CTLR); /* EnableGrp0 | EnableGrp1 */
		gicd_wait_rwp();
	} else {
		writel(0x3, gicd + GICD_CTLR);
	}
}

/* --- per CPU --------------------------------------------------------------- */
/* The redistributor whose GICR_TYPER affinity is this CPU's MPIDR. */
static volatile u8 *gicr_find(u64 mpidr)
{
	u64 aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
	for (u64 off = 0; off + 0x20000 <= gicr_size;) {
		volatile u8 *rd = gicr + off;
		u64 typer = readq(rd + GICR_TYPER);
		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		off += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	return NULL;
}

static void gic_v3_cpu_init(unsigned cpu)
{
	volatile u8 *rd = gicr_find(gic_cpu[cpu].mpidr);
	if (!rd)
		panic("gic: no GICv3 redistributor for cpu %u (MPIDR %#lx)", cpu,
		      (unsigned long)gic_cpu[cpu].mpidr);
	gic_cpu[cpu].rd = rd;
	u32 waker = readl(rd + GICR_WAKER);
	writel(waker & ~WAKER_PROCESSOR_SLEEP, rd + GICR_WAKER);
	for (unsigned i = 0; i < 1000000 && (readl(rd + GICR_WAKER) & WAKER_CHILDREN_ASLEEP); i++)
		arch_cpu_relax();
	volatile u8 *sgi = rd + GICR_SGI_BASE;
	writel(0xffffffffu, sgi + GICD_ICENABLER);
	writel(0xffffffffu, sgi + GICD_IGROUPR);
	for (unsigned i = 0; i < 32; i += 4)
		writel(PRIORITY_DEFAULT * 0x01010101u, sgi + GICD_IPRIORITYR + i);
	writel(0xffffu, sgi + GICD_ISENABLER); /* SGIs */

	SYSREG_WRITE(ICC_SRE_EL1, SYSREG_READ(ICC_SRE_EL1) | 1);
	__asm__ __volatile__("isb");
	SYSREG_WRITE(ICC_PMR_EL1, 0xf0);
	SYSREG_WRITE(ICC_BPR1_EL1, 0);
	SYSREG_WRITE(ICC_CTLR_EL1, 0); /* EOImode 0: EOI drops priority and deactivates */
	SYSREG_WRITE(ICC_IGRPEN1_EL1, 1);
	__asm__ __volatile__("isb");
}

static void gic_v2_cpu_init(unsigned cpu)
{
	/* SGIs and PPIs are banked per CPU in the distributor. */
	writel(0xffff0000u, gicd + GICD_ICENABLER);
	for (unsigned i = 0; i < 32; i += 4)
		writel(PRIORITY_DEFAULT * 0x01010101u, gicd + GICD_IPRIORITYR + i);
	writel(0xffffu, gicd + GICD_ISENABLER);
	/* The banked ITARGETSR of any SGI reads as this CPU's own bit; on a
	 * uniprocessor GIC it reads as zero (QEMU with one CPU): then the
	 * only interface is number 0. */
	gic_cpu[cpu].v2_target = readb(gicd + GICD_ITARGETSR);
	if (!gic_cpu[cpu].v2_target)
		gic_cpu[cpu].v2_target = 1;
	writel(0xf0, gicc + GICC_PMR);
	writel(0, gicc + GICC_BPR);
	writel(0x3, gicc + GICC_CTLR);
}

void gic_init_cpu(unsigned cpu)
{
	gic_cpu[cpu].mpidr = read_mpidr();
	if (platform.irqchip == IRQCHIP_BCM2836) {
		bcm2836_intc_init_cpu(cpu);
		return;
	}
	if (platform.gic_version == 3)
		gic_v3_cpu_init(cpu);
	else
		gic_v2_cpu_init(cpu);
}

void gic_init(void)
{
	if (platform.irqchip == IRQCHIP_BCM2836) {
		bcm2836_intc_init();
		return;
	}
	if (platform.gic_version != 2 && platform.gic_version != 3)
		panic("gic: no supported interrupt controller in the device tree "
		      "(need arm,gic-v3, arm,cortex-a15-gic or arm,gic-400)");
	gicd = arch_ioremap(platform.gicd_base, 0x10000);
	if (platform.gic_version == 3) {
		gicr_size = platform.gicr_size ? platform.gicr_size : 0x20000;
		gicr = arch_ioremap(platform.gicr_base, gicr_size);
	} else {
		gicc = arch_ioremap(platform.gicc_base, 0x2000);
	}
	if (!gicd || (!gicr && !gicc))
		panic("gic: cannot map its registers");
	gic_dist_init();
	pr_info("gic: %s, distributor at %#lx, %u interrupt lines\n", gic_name(),
		(unsigned long)platform.gicd_base, nr_lines);
}

/* --- SGIs and PPIs ---------------------------------------------------------- */
void gic_set_percpu_handler(unsigned intid, irq_handler_t fn, void *arg)
{
	ASSERT(intid < 32);
	percpu_handlers[intid].arg = arg;
	__atomic_store_n(&percpu_handlers[intid].fn, fn, __ATOMIC_RELEASE);
}

/* Enable a PPI on this CPU (level or edge). */
void gic_enable_percpu(unsigned intid, bool level)
{
	if (platform.irqchip == IRQCHIP_BCM2836) {
		bcm2836_intc_enable_percpu(intid);
		return;
	}
	volatile u8 *base =
		platform.gic_version == 3 ? gic_cpu[arch_cpu_id()].rd + GICR_SGI_BASE : gicd;
	unsigned shift = (intid % 16) * 2;
	u32 cfg = readl(base + GICD_ICFGR + (intid / 16) * 4);
	cfg = (cfg & ~(2u << shift)) | ((level ? 0u : 2u) << shift);
	if (intid >= 16)
		writel(cfg, base + GICD_ICFGR + (intid / 16) * 4);
	writel(1u << (intid % 32), base + GICD_ISENABLER);
}

void gic_send_sgi(unsigned cpu, unsigned sgi)
{
	if (platform.irqchip == IRQCHIP_BCM2836) {
		bcm2836_intc_send_ipi(cpu, sgi);
		return;
	}
	if (platform.gic_version == 3) {
		u64 mpidr = gic_cpu[cpu].mpidr;
		u64 v = (1ul << (mpidr & 0xf)) | ((mpidr >> 8) & 0xff) << 16 | (u64)sgi << 24 |
			((mpidr >> 16) & 0xff) << 32 | ((mpidr >> 32) & 0xff) << 48;
		__asm__ __volatile__("dsb ishst" ::: "memory"); /* the call data first */
		SYSREG_WRITE(ICC_SGI1R_EL1, v);
		__asm__ __volatile__("isb");
	} else {
		/* TargetListFilter 2 ("this CPU") for a self-IPI: it works even
		 * where the target list cannot name us (uniprocessor GIC). */
		__asm__ __volatile__("dsb ishst" ::: "memory");
		if (cpu == arch_cpu_id())
			writel(2u << 24 | sgi, gicd + GICD_SGIR);
		else
			writel((u32)gic_cpu[cpu].v2_target << 16 | sgi, gicd + GICD_SGIR);
	}
}

/* --- device interrupts (asm/irq.h) ------------------------------------------- */
int arch_irq_alloc_vector(void)
{
	unsigned long flags = spin_lock_irqsave(&gic_lock);
	int v = next_slot < NR_SLOTS ? (int)next_slot++ : -ENOSPC;
	spin_unlock_irqrestore(&gic_lock, flags);
	return v;
}

void arch_irq_set_handler(unsigned vector, arch_irq_fn fn, void *arg)
{
	ASSERT(vector < NR_SLOTS);
	slots[vector].arg = arg;
	__atomic_store_n(&slots[vector].fn, fn, __ATOMIC_RELEASE);
}

int arch_msi_message(unsigned cpu, unsigned vector, u64 *addr, u32 *data)
{
	(void)cpu, (void)vector, (void)addr, (void)data;
	return -ENODEV;
}

struct arch_irq_line arch_isa_irq_line(unsigned irq, bool pci)
{
	return (struct arch_irq_line){ 32 + irq, pci, false };
}

int arch_irq_route(const struct arch_irq_line *line, unsigned cpu, unsigned vector)
{
	unsigned intid = line->gsi;
	if (intid < 32 || intid >= nr_lines || vector >= NR_SLOTS || cpu >= NR_CPUS_MAX ||
	    !cpu_is_online(cpu))
		return -ENODEV;
	unsigned long flags = spin_lock_irqsave(&gic_lock);
	spi_slot[intid] = (s16)(vector + 1);
	unsigned shift = (intid % 16) * 2;
	u32 cfg = readl(gicd + GICD_ICFGR + (intid / 16) * 4);
	cfg = (cfg & ~(2u << shift)) | ((line->level ? 0u : 2u) << shift);
	writel(cfg, gicd + GICD_ICFGR + (intid / 16) * 4);
	if (platform.gic_version == 3)
		writeq(gic_cpu[cpu].mpidr & 0xff00fffffful, gicd + GICD_IROUTER + intid * 8);
	else
		writeb(gic_cpu[cpu].v2_target, gicd + GICD_ITARGETSR + intid);
	writel(1u << (intid % 32), gicd + GICD_ISENABLER + (intid / 32) * 4);
	spin_unlock_irqrestore(&gic_lock, flags);
	return 0;
}

/* The highest SPI this distributor has (the tests use it: nothing is
 * wired to it on QEMU virt); 0 without a GIC. */
unsigned gic_last_spi(void)
{
	return nr_lines ? nr_lines - 1 : 0;
}

/* Make an SPI pending by software, as if its device had raised it. */
void gic_raise_spi(unsigned intid)
{
	ASSERT(intid >= 32 && intid < nr_lines);
	writel(1u << (intid % 32), gicd + GICD_ISPENDR + (intid / 32) * 4);
}

/* --- the interrupt entry ------------------------------------------------------ */
static u32 gic_ack(void)
{
	if (platform.gic_version == 3) {
		u32 iar = (u32)SYSREG_READ(ICC_IAR1_EL1);
		__asm__ __volatile__("dsb sy" ::: "memory");
		return iar;
	}
	return readl(gicc + GICC_IAR);
}

static void gic_eoi(u32 iar)
{
	if (platform.gic_version == 3) {
		SYSREG_WRITE(ICC_EOIR1_EL1, iar);
		__asm__ __volatile__("isb");
	} else {
		writel(iar, gicc + GICC_EOIR);
	}
}

/* An SGI's or a PPI's handler (the BCM2836 controller numbers its IPIs
 * and per-core timer lines the same way). */
void irq_handle_percpu(unsigned intid, struct trap_frame *f)
{
	if (intid < 32 && percpu_handlers[intid].fn)
		percpu_handlers[intid].fn(f, percpu_handlers[intid].arg);
	else
		pr_warn("gic: unexpected interrupt %u on cpu %u\n", intid, arch_cpu_id());
}

void gic_handle_irq(struct trap_frame *f)
{
	if (platform.irqchip == IRQCHIP_BCM2836) {
		bcm2836_intc_handle_irq(f);
		return;
	}
	u32 iar = gic_ack();
	unsigned intid = iar & 0xffffff;

	if (platform.gic_version == 2)
		intid &= 0x3ff;
	if (intid >= INTID_SPURIOUS_FIRST)
		return;
	stat_inc(interrupts);
	if (intid < 32) {
		gic_eoi(iar);
		irq_handle_percpu(intid, f);
		return;
	}
	s16 slot = intid < NR_INTIDS ? spi_slot[intid] : 0;
	if (slot > 0 && slots[slot - 1].fn)
		slots[slot - 1].fn(slots[slot - 1].arg);
	else
		pr_warn("gic: interrupt %u has no handler (cpu %u)\n", intid, arch_cpu_id());
	gic_eoi(iar);
}
