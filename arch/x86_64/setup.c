/*
 * The first C code on x86-64. boot.S calls kmain() on the boot stack with
 * the loader's magic and info pointer. We bring up just enough of the CPU
 * (console, GDT/TSS, IDT, a calibrated clock) to report problems, turn the
 * loader's info into struct bootinfo, and hand over to start_kernel().
 */
#include <asm/page.h>
#include "boot.h"
#include "gdt.h"
#include "multiboot.h"
#include "trap.h"
#include "kernel/bootinfo.h"
#include "kernel/main.h"
#include "kernel/phys_view.h"
#include "kernel/printk.h"

void serial_init(void);
void time_record_entry(void);
void time_calibrate(void);
void ioremap_init(void);

extern char __image_start[], __bss_end[];

void kmain(u32 magic, u64 info_phys)
{
	time_record_entry();
	serial_init();
	gdt_init_cpu(0);
	idt_init();
	idt_load();
	/* Before any page-table root copies the kernel half of boot_pml4. */
	ioremap_init();
	time_calibrate();

	/* The boot page tables map the first 4 GiB: the loader's info and
	 * everything it points to must be there. */
	const struct phys_view boot_mem = { phys_to_virt(0), 4ull << 30 };
	if (multiboot_parse(magic, info_phys, &boot_mem, &bootinfo) != 0) {
		pr_err("boot: cannot continue without valid boot information; powering off\n");
		arch_poweroff(2);
	}
	bootinfo_reserve(&bootinfo, virt_to_phys(__image_start), virt_to_phys(__bss_end),
			 "kernel image");
	/* Real-mode IVT, BIOS data area and the AP trampoline live below 1 MiB. */
	bootinfo_reserve(&bootinfo, 0, 0x100000, "low memory");
	start_kernel(&bootinfo);
}
