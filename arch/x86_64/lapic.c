/*
 * Local APIC driver: xAPIC or x2APIC register access, EOI, IPIs and the
 * per-CPU periodic timer that drives timer_interrupt() (kernel/timer.c).
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "io.h"
#include "lapic.h"
#include "trap.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define X2APIC_MSR_BASE 0x800
#define APIC_BASE_EXTD (1ull << 10) /* IA32_APIC_BASE: x2APIC mode */
#define APIC_BASE_EN (1ull << 11)   /* IA32_APIC_BASE: APIC enabled */

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_NMI (4u << 8)
#define TIMER_DIV_16 0x3

#define CALIBRATE_US 10000

/* Written once by the boot CPU before any AP starts; read-only after. */
bool lapic_x2apic;
static volatile u32 *lapic_mmio; /* xAPIC registers in the direct map */
static u32 timer_count_per_irq;	 /* APIC timer counts per interrupt (bus/16); set once */

static u32 lapic_read(u32 reg)
{
	if (lapic_x2apic)
		return (u32)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return lapic_mmio[reg / 4];
}

static void lapic_write(u32 reg, u32 v)
{
	if (lapic_x2apic)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		lapic_mmio[reg / 4] = v;
}

u32 lapic_id(void)
{
	u32 id = lapic_read(LAPIC_ID);
	return lapic_x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

const char *lapic_mode_name(void)
{
	return lapic_x2apic ? "x2APIC" : "xAPIC";
}

/*
 * The ICR is the APIC's outbox. In xAPIC mode it is two registers and the
 * write to the low one sends, so an interrupt between the two writes that
 * sent its own IPI would redirect ours: interrupts stay off across both.
 * xAPIC reports delivery through the busy bit; x2APIC has no busy bit, and
 * its WRMSR is not serializing, so a fence orders our earlier stores (the
 * call data the target will read) before the IPI.
 */
void lapic_send_ipi(u32 apic_id, u32 icr_low)
{
	unsigned long flags = arch_irq_save();

	if (lapic_x2apic) {
		__asm__ __volatile__("mfence; lfence" ::: "memory");
		wrmsr(X2APIC_MSR_BASE + (LAPIC_ICR_LOW >> 4), ((u64)apic_id << 32) | icr_low);
	} else {
		lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
		lapic_write(LAPIC_ICR_LOW, icr_low);
		for (u32 spins = 0; lapic_read(LAPIC_ICR_LOW) & ICR_BUSY; spins++) {
			if (spins == 10000000) {
				pr_warn("lapic: IPI %#x to APIC %u still pending\n", icr_low,
					apic_id);
				break;
			}
			arch_cpu_relax();
		}
	}
	arch_irq_restore(flags);
}

/* With the APICs in charge, the 8259 PICs must stay silent. Remap them
 * away from the exception vectors first: a masked 8259 can still raise a
 * spurious IRQ 7, which at the BIOS's base of 8 would look like an
 * exception. */
static void pic_disable(void)
{
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, 0x20);
	outb(0xa1, 0x28);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/*
 * The boot page tables map all of the first 4 GiB write-back. APIC
 * registers must not be cached, so mark the 2 MiB direct-map page that
 * holds them PCD|PWT (uncached). It also holds the I/O APIC at 0xfec00000
 * on PCs, which wants the same.
 */
static void lapic_map_uncached(u64 base)
{
	unsigned long va = (unsigned long)phys_to_virt(base);
	u64 *pml4 = phys_to_virt(read_cr3() & ~0xfffull);
	u64 *pdpt = phys_to_virt(pml4[(va >> 39) & 511] & 0x000ffffffffff000ull);
	u64 pdpte = pdpt[(va >> 30) & 511];
	ASSERT(pdpte & 1);
	u64 *pd = phys_to_virt(pdpte & 0x000ffffffffff000ull);
	u64 *pde = &pd[(va >> 21) & 511];
	ASSERT((*pde & 0x81) == 0x81); /* present 2 MiB page, as boot.S made it */
	*pde |= (1ull << 4) | (1ull << 3);
	write_cr3(read_cr3()); /* flush, the PDE is shared with the identity map */
	lapic_mmio = (volatile u32 *)va;
}

static void lapic_timer_interrupt(struct trap_frame *f, void *arg)
{
	timer_interrupt(f->rip);
}

/* Count APIC timer ticks (bus clock / 16) over 10 ms of calibrated TSC. */
static void lapic_timer_calibrate(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	arch_udelay(CALIBRATE_US);
	u32 elapsed = 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	u64 hz = (u64)elapsed * (1000000 / CALIBRATE_US);
	timer_count_per_irq = (u32)(hz / timer_interrupt_hz());
	if (!timer_count_per_irq) {
		pr_warn("lapic: timer calibration failed (%u counts in 10 ms); guessing\n",
			elapsed);
		timer_count_per_irq = 1000000 / timer_interrupt_hz();
	}
	pr_info("lapic: timer runs at %lu kHz (bus/16); %u counts per interrupt at %u Hz "
		"(tick %u Hz)\n",
		(unsigned long)(hz / 1000), timer_count_per_irq, timer_interrupt_hz(), TIMER_HZ);
}

static void lapic_enable_x2apic(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	/* Disabled -> x2APIC is not a legal step: enable xAPIC first. */
	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base |= APIC_BASE_EN);
	if (!(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
}

void lapic_init_bsp(u64 base)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & (1u << 9)))
		panic("lapic: this CPU has no local APIC (CPUID.1:EDX bit 9)");
	u64 msr_base = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
	if (!base)
		base = msr_base;
	if (base != msr_base)
		pr_warn("lapic: the MADT says %#lx, IA32_APIC_BASE says %#lx; using the MSR\n",
			(unsigned long)base, (unsigned long)msr_base);
	lapic_x2apic = (c & (1u << 21)) != 0 || (rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD);
	if (!lapic_x2apic)
		lapic_map_uncached(msr_base);
	pic_disable();
	irq_register_eoi_first(VEC_TIMER, lapic_timer_interrupt, NULL);
	irq_eoi = lapic_eoi;
	pr_info("lapic: %s mode%s\n", lapic_mode_name(),
		lapic_x2apic ? "" : " (the CPU offers no x2APIC)");
}

/*
 * Per-CPU setup: enable the APIC (x2APIC first, when that is the mode),
 * accept every priority, spurious vector 0xff, local interrupt pins off
 * except LINT1 = NMI on the boot CPU (where PCs wire it), then the
 * periodic timer at timer_interrupt_hz() (TIMER_HZ, or profile.hz=).
 */
void lapic_init_cpu(void)
{
	bool bsp = rdmsr(MSR_APIC_BASE) & (1ull << 8);

	if (lapic_x2apic)
		lapic_enable_x2apic();
	else if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, bsp ? LVT_NMI : LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi(); /* drop anything left in service from before */
	if (!timer_count_per_irq)
		lapic_timer_calibrate();
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, timer_count_per_irq);
}
