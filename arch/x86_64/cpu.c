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
#include "kernel/printk.h"

static u64 tsc_at_entry;
static u64 tsc_per_us = 1000; /* until calibrated: a harmless guess */

void time_record_entry(void)
{
	tsc_at_entry = rdtsc();
}

#define PIT_HZ 1193182
#define PIT_CAL_MS 10

void time_calibrate(void)
{
	u32 ticks = PIT_HZ * PIT_CAL_MS / 1000;

	outb(0x61, (u8)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(0x43, 0xb0);                             /* ch2, lo/hi, mode 0 */
	outb(0x42, (u8)ticks);
	outb(0x42, (u8)(ticks >> 8));
	u64 start = rdtsc();
	u64 spins = 0;
	while (!(inb(0x61) & 0x20) && ++spins < 100000000ull)
		;
	u64 end = rdtsc();
	if (spins >= 100000000ull || end <= start) {
		pr_warn("time: PIT calibration failed; assuming a 1 GHz TSC\n");
		return;
	}
	tsc_per_us = (end - start) / (PIT_CAL_MS * 1000);
	if (!tsc_per_us)
		tsc_per_us = 1;
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
	printk(LOG_EMERG, "  rsp %016lx rbp %016lx rflags %016lx\n", rsp,
	       arch_frame_pointer(), rflags);
	printk(LOG_EMERG, "  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n", cr0,
	       read_cr2(), cr3, cr4);
}

const char *ksym_lookup(unsigned long addr, unsigned long *offset);

static bool is_kernel_text(unsigned long addr)
{
	extern char __image_start[], __image_end[];
	return addr >= (unsigned long)__image_start && addr < (unsigned long)__image_end;
}

static bool is_kernel_stack_addr(unsigned long addr)
{
	return addr >= PHYS_MAP_BASE && (addr & 7) == 0;
}

/* Walk the rbp chain (the tree is built with frame pointers). */
void arch_backtrace(unsigned long fp)
{
	printk(LOG_EMERG, "  backtrace:\n");
	for (int depth = 0; depth < 32 && fp && is_kernel_stack_addr(fp); depth++) {
		unsigned long ret = ((unsigned long *)fp)[1];
		unsigned long off = 0;
		if (!is_kernel_text(ret))
			break;
		const char *name = ksym_lookup(ret, &off);
		printk(LOG_EMERG, "    [<%016lx>] %s+%#lx\n", ret, name, off);
		fp = ((unsigned long *)fp)[0];
	}
}
