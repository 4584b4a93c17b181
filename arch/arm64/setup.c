/*
 * The first C code on arm64. boot.S calls kmain(dtb_phys, image_phys) on
 * the boot stack, at EL1 with the MMU on, the image at KERNEL_VMA and the
 * GiBs holding the image and the DTB in the direct map. We bring up just
 * enough to report problems (exception vectors, the early console, the
 * clock), read the device tree into struct bootinfo and struct
 * arm64_platform, map all of RAM, start the interrupt controller, and
 * hand over to start_kernel().
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "arm64.h"
#include "mmu_fault.h"
#include "trap.h"
#include <asm/io.h>
#include "kernel/bootinfo.h"
#include "kernel/main.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/* booting.rst: the DTB must not exceed 2 MiB. */
#define DTB_MAX_SIZE (2u << 20)
#define QEMU_VIRT_RAM_BASE 0x40000000ul
#define QEMU_VIRT_TIMER_INTID 27

struct arm64_platform platform;
static unsigned current_el_at_boot;

extern char __image_start[], __bss_end[];

/* Find and check the tree: x0 from the loader; an ELF boot under QEMU
 * gets none, and QEMU leaves it at the start of RAM then. */
int dtb_temporary_parse(const u8 *blob, u32 room, struct bootinfo *bi);

/* TEMPORARY until the fdt merge: QEMU virt's fixed layout. */
static int dtb_open(u64 dtb_phys)
{
	if (!dtb_phys)
		dtb_phys = QEMU_VIRT_RAM_BASE;
	u64 room = ((dtb_phys >> 30) + 1) * (1ul << 30) - dtb_phys;
	if (room > DTB_MAX_SIZE)
		room = DTB_MAX_SIZE;
	if (dtb_temporary_parse(phys_to_virt(dtb_phys), (u32)room, &bootinfo) != 0)
		return -1;
	bootinfo_reserve(&bootinfo, dtb_phys, dtb_phys + DTB_MAX_SIZE, "device tree");
	return 0;
}

static void platform_read(void)
{
	platform.is_virtual = true;
	platform.uart_base = 0x09000000;
	platform.gicd_base = 0x08000000;
	/* GICD_PIDR2.ArchRev says which GIC QEMU built */
	volatile u32 *pidr2 = arch_ioremap(0x08000000 + 0xffe8, 4);
	platform.gic_version = (int)((*pidr2 >> 4) & 0xf) >= 3 ? 3 : 2;
	platform.gicc_base = 0x08010000;
	platform.gicr_base = 0x080a0000;
	platform.gicr_size = 0xf60000;
	platform.timer_intid = QEMU_VIRT_TIMER_INTID;
	platform.psci = current_el_at_boot == 2 ? PSCI_SMC : PSCI_HVC;
}

void kmain(u64 dtb_phys, u64 image_phys, u64 entry_el)
{
	arm64_image_phys = image_phys;
	__asm__ __volatile__("msr tpidr_el1, xzr"); /* arch_cpu_id() = 0 */
	time_init();
	trap_init_cpu();
	uart_init_early();
	current_el_at_boot = (unsigned)entry_el;

	bootinfo.loader = "devicetree";
	bootinfo.loader_name = "";
	if (dtb_open(dtb_phys) != 0) {
		pr_err("boot: cannot continue without a valid device tree (x0 = %#lx); "
		       "powering off\n",
		       (unsigned long)dtb_phys);
		arch_poweroff(2);
	}
	platform_read();
	pr_info("boot: arm64 entered at EL%u, image at %#lx, DTB at %#lx, PSCI %s\n",
		current_el_at_boot, (unsigned long)image_phys, (unsigned long)dtb_phys,
		platform.psci == PSCI_HVC   ? "hvc"
		: platform.psci == PSCI_SMC ? "smc"
					    : "none");
	mmu_map_ram(&bootinfo);
	bootinfo_reserve(&bootinfo, virt_to_phys(__image_start), virt_to_phys(__bss_end),
			 "kernel image");
	gic_init();
	start_kernel(&bootinfo);
}
