/*
 * Time, power-off and stack dumps on x86-64.
 *
 * Time is the TSC, calibrated once against the PIT (channel 2, whose gate
 * we control through port 0x61): 10 ms of PIT ticks give TSC ticks per ms.
 * arch_time_ns() counts from kernel entry, so boot_us is "time since
 * the first instruction of kmain" in every configuration.
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "io.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"

static u64 tsc_at_entry;
static u64 tsc_per_us = 1000; /* until calibrated: a harmless guess */

void time_record_entry(void)
{
	tsc_at_entry = rdtsc();
}

#define PIT_HZ 1193182
#define PIT_CAL_TICKS (PIT_HZ / 200) /* 5 ms per run */
#define PIT_CAL_RUNS 3

struct pit_sample {
	u64 tsc;   /* TSC at the moment the count was read */
	u16 count; /* PIT channel 2 count */
};

static u16 pit_read_count(void)
{
	outb(0x43, 0x80); /* latch channel 2 */
	u8 lo = inb(0x42);
	u8 hi = inb(0x42);
	return (u16)(lo | hi << 8);
}

/*
 * Read the PIT count bracketed by two TSC reads, several times, and keep
 * the tightest bracket. Under a hypervisor our vCPU can be descheduled at
 * any instruction (UEFI leaves the other vCPUs spinning, so with more
 * vCPUs than host cores it happens often); a wide bracket shows it, and a
 * tight one pins the count to a TSC value within a few microseconds.
 */
static struct pit_sample pit_sample(void)
{
	struct pit_sample best = { 0, 0 };
	u64 best_width = ~0ull;
	for (int i = 0; i < 8; i++) {
		u64 a = rdtsc();
		u16 c = pit_read_count();
		u64 b = rdtsc();
		if (b - a < best_width) {
			best_width = b - a;
			best = (struct pit_sample){ a + (b - a) / 2, c };
		}
	}
	return best;
}

/* TSC ticks per microsecond over one PIT interval, or 0 on failure. */
static u64 time_measure_once(void)
{
	outb(0x61, (u8)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(0x43, 0xb0);			      /* ch2, lo/hi, mode 0 */
	outb(0x42, 0xff);
	outb(0x42, 0xff);
	struct pit_sample start = pit_sample();
	u64 spins = 0;
	while ((u16)(start.count - pit_read_count()) < PIT_CAL_TICKS)
		if (++spins > 10000000ull)
			return 0;
	struct pit_sample end = pit_sample();
	u64 pit_ticks = (u16)(start.count - end.count);
	if (end.tsc <= start.tsc || pit_ticks == 0)
		return 0;
	return (end.tsc - start.tsc) * PIT_HZ / (pit_ticks * 1000000ull);
}

/* The median of a few runs, so one disturbed run cannot skew the clock. */
void time_calibrate(void)
{
	u64 r[PIT_CAL_RUNS];
	for (int i = 0; i < PIT_CAL_RUNS; i++) {
		r[i] = time_measure_once();
		for (int j = i; j > 0 && r[j] < r[j - 1]; j--) {
			u64 tmp = r[j];
			r[j] = r[j - 1];
			r[j - 1] = tmp;
		}
	}
	u64 median = r[PIT_CAL_RUNS / 2];
	if (!median) {
		pr_warn("time: PIT calibration failed; assuming a 1 GHz TSC\n");
		return;
	}
	tsc_per_us = median;
}

u64 arch_time_ns(void)
{
	return (rdtsc() - tsc_at_entry) * 1000 / tsc_per_us;
}

void arch_udelay(u64 us)
{
	u64 end = rdtsc() + us * tsc_per_us;
	while (rdtsc() < end)
		__asm__ __volatile__("pause");
}

/*
 * isa-debug-exit (port 0xf4, added by the QEMU runner) makes QEMU exit
 * with (value << 1) | 1: status 0 gives exit code 1 (pass), 1 gives 3.
 * Without that device (real hardware, GRUB ISO in another VM), fall back
 * to the ACPI PM1a control port QEMU's pc and q35 both use, then halt.
 */
void arch_poweroff(int status)
{
	arch_irq_disable();
	outl(0xf4, (u32)status);
	outw(0x604, 0x2000);
	arch_halt_forever();
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

unsigned long arch_frame_pointer(void)
{
	return (unsigned long)__builtin_frame_address(0);
}

void arch_dump_regs_here(void)
{
	unsigned long rsp, cr0, cr3, cr4, rflags;
	__asm__ __volatile__("mov %%rsp, %0" : "=r"(rsp));
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("pushfq; popq %0" : "=r"(rflags));
	cr3 = read_cr3();
	printk(LOG_EMERG, "  rsp %016lx rbp %016lx rflags %016lx\n", rsp, arch_frame_pointer(),
	       rflags);
	printk(LOG_EMERG, "  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n", cr0, read_cr2(), cr3,
	       cr4);
}

static bool is_kernel_text(unsigned long addr)
{
	extern char __image_start[], __image_end[];
	return addr >= (unsigned long)__image_start && addr < (unsigned long)__image_end;
}

#define BACKTRACE_DEPTH 32

/*
 * One step up an rbp chain (the tree is built with frame pointers): the
 * frame at *fp holds the caller's rbp and the return address. The frame
 * must lie inside [lo, hi), so a walk over another thread's stack never
 * reads outside it, whatever garbage its words hold. False at the end of
 * the chain: rbp 0 (the first frame of every thread), a frame outside the
 * bounds or misaligned, a return address outside kernel text.
 */
static bool frame_step(unsigned long *fp, unsigned long lo, unsigned long hi, unsigned long *ret)
{
	unsigned long f = *fp;
	if (!f || f < lo || f >= hi || hi - f < 2 * sizeof(long) || (f & 7))
		return false;
	const unsigned long *frame = (const unsigned long *)f;
	if (!is_kernel_text(frame[1]))
		return false;
	*ret = frame[1];
	*fp = frame[0];
	return true;
}

static void backtrace_line(int level, unsigned long ret)
{
	unsigned long off = 0;
	const char *name = ksym_lookup(ret, &off);
	printk(level, "    [<%016lx>] %s+%#lx\n", ret, name, off);
}

/* Printed as it walks: a panic on an almost full stack has no room for an
 * array of addresses. Any address of the direct map or the image may hold
 * a frame (the trap and IST stacks too). */
void arch_backtrace(unsigned long fp)
{
	unsigned long ret;

	printk(LOG_EMERG, "  backtrace:\n");
	for (int depth = 0; depth < BACKTRACE_DEPTH && frame_step(&fp, PHYS_MAP_BASE, ~0ul, &ret);
	     depth++)
		backtrace_line(LOG_EMERG, ret);
}

unsigned arch_stack_walk(unsigned long fp, unsigned long lo, unsigned long hi, unsigned long *pcs,
			 unsigned max)
{
	unsigned n = 0;
	while (n < max && frame_step(&fp, lo, hi, &pcs[n]))
		n++;
	return n;
}

void arch_backtrace_print(int level, const unsigned long *pcs, unsigned n)
{
	printk(level, "  backtrace:\n");
	for (unsigned i = 0; i < n; i++)
		backtrace_line(level, pcs[i]);
}

bool arch_cpu_is_virtual(void)
{
	u32 a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	return (c & (1u << 31)) != 0;
}
