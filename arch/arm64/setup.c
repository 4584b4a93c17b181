/*
 * The first C code on arm64. boot.S calls kmain(dtb_phys, image_phys, entry_el) on
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
#include "drivers/fdt.h"
#include "kernel/bootinfo.h"
#include "kernel/main.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/* booting.rst: the DTB must not exceed 2 MiB. */
#define DTB_MAX_SIZE (2u << 20)
#define QEMU_VIRT_RAM_BASE 0x40000000ul
#define QEMU_VIRT_TIMER_INTID 27

struct arm64_platform platform;
static struct fdt fdt;

extern char __image_start[], __bss_end[];

/*
 * Find and check the tree. x0 is the loader's word: booting.rst wants an
 * 8-byte aligned address of a DTB of at most 2 MiB in RAM. boot.S mapped
 * the GiB holding its start; a tree whose header says it crosses into the
 * next GiB gets the rest mapped here, before anything reads past the
 * header. An ELF boot under QEMU gets x0 = 0 and the tree at the start
 * of RAM: tried only when boot.S mapped that GiB (it holds the image).
 */
static int dtb_open(u64 *dtb, u64 image_phys)
{
	if (!*dtb) {
		if (QEMU_VIRT_RAM_BASE >> 30 != image_phys >> 30) {
			pr_err("boot: no DTB address in x0, and the image is not in QEMU virt's "
			       "first GiB of RAM, where an ELF boot finds the tree\n");
			return -1;
		}
		*dtb = QEMU_VIRT_RAM_BASE;
		pr_warn("boot: no DTB address in x0 (an ELF boot?); trying QEMU virt's %#lx\n",
			(unsigned long)*dtb);
	}
	u64 dtb_phys = *dtb;
	if (dtb_phys & 7) {
		pr_err("boot: DTB address %#lx in x0 is not 8-byte aligned (booting.rst)\n",
		       (unsigned long)dtb_phys);
		return -1;
	}
	if (dtb_phys >= ARCH_DIRECT_MAP_LIMIT) {
		pr_err("boot: DTB address %#lx in x0 lies above the direct map's %lu GiB\n",
		       (unsigned long)dtb_phys, (unsigned long)(ARCH_DIRECT_MAP_LIMIT >> 30));
		return -1;
	}
	u64 room = ((dtb_phys >> 30) + 1) * (1ul << 30) - dtb_phys; /* >= 8: aligned */
	const u8 *header = phys_to_virt(dtb_phys);
	u32 totalsize = room >= 8 ? fdt32_ld(header + 4) : 0;
	if (fdt32_ld(header) == FDT_MAGIC && totalsize > room && totalsize <= DTB_MAX_SIZE) {
		if (mmu_map_boot_range(dtb_phys + room, dtb_phys + totalsize) != 0) {
			pr_err("boot: cannot map the DTB's %#x bytes at %#lx\n", totalsize,
			       (unsigned long)dtb_phys);
			return -1;
		}
		room = totalsize;
	}
	if (room > DTB_MAX_SIZE)
		room = DTB_MAX_SIZE;
	if (fdt_init(&fdt, header, room) != 0)
		return -1;
	return fdt_parse_bootinfo(&fdt, &bootinfo, dtb_phys);
}

static int fdt_first_enabled_compatible(const char *compat)
{
	for (int node = fdt_node_offset_by_compatible(&fdt, -1, compat); node >= 0;
	     node = fdt_node_offset_by_compatible(&fdt, node, compat))
		if (fdt_node_is_enabled(&fdt, node))
			return node;
	return -1;
}

static void platform_read_gic(void)
{
	static const char *const v2[] = { "arm,gic-400", "arm,cortex-a15-gic",
					  "arm,cortex-a9-gic" };
	u64 size;
	int node = fdt_first_enabled_compatible("arm,gic-v3");
	if (node >= 0 && fdt_read_reg(&fdt, node, 0, &platform.gicd_base, &size) == 0 &&
	    fdt_read_reg(&fdt, node, 1, &platform.gicr_base, &platform.gicr_size) == 0) {
		platform.gic_version = 3;
		return;
	}
	for (unsigned i = 0; i < 3; i++) {
		node = fdt_first_enabled_compatible(v2[i]);
		if (node >= 0 && fdt_read_reg(&fdt, node, 0, &platform.gicd_base, &size) == 0 &&
		    fdt_read_reg(&fdt, node, 1, &platform.gicc_base, &size) == 0) {
			platform.gic_version = 2;
			return;
		}
	}
	/* Name what the tree has instead: the root's interrupt parent. */
	u32 len;
	const u8 *phandle = fdt_getprop(&fdt, fdt.root, "interrupt-parent", &len);
	node = phandle && len == 4 ? fdt_node_offset_by_phandle(&fdt, fdt32_ld(phandle)) : -1;
	const char *compat = node >= 0 ? fdt_getprop(&fdt, node, "compatible", &len) : NULL;
	if (!compat || !len || compat[len - 1])
		compat = "?";
	pr_err("gic: the interrupt controller is '%s', not one swaplab drives (arm,gic-v3, "
	       "arm,gic-400, arm,cortex-a15-gic, arm,cortex-a9-gic, each with its reg); powering "
	       "off\n",
	       compat);
	arch_poweroff(2);
}

/* The virtual timer is the third of the four "interrupts" of the
 * "arm,armv8-timer" node (secure, non-secure physical, virtual,
 * hypervisor), each <type number flags> with type 1 = PPI. */
static void platform_read_timer(void)
{
	u32 len;
	int node = fdt_first_enabled_compatible("arm,armv8-timer");
	const u8 *irqs = node >= 0 ? fdt_getprop(&fdt, node, "interrupts", &len) : NULL;
	platform.timer_intid = QEMU_VIRT_TIMER_INTID;
	if (irqs && len >= 36 && fdt32_ld(irqs + 24) == 1)
		platform.timer_intid = 16 + fdt32_ld(irqs + 28);
	else
		pr_warn("timer: no usable arm,armv8-timer node; assuming INTID %u\n",
			platform.timer_intid);
}

static void platform_read(void)
{
	u64 size;
	platform.is_virtual = fdt_node_check_compatible(&fdt, fdt.root, "linux,dummy-virt") == 0;
	int uart = fdt_first_enabled_compatible("arm,pl011");
	if (uart >= 0 && fdt_read_reg(&fdt, uart, 0, &platform.uart_base, &size) == 0 &&
	    fdt_translate_address(&fdt, uart, &platform.uart_base) == 0)
		uart_init(platform.uart_base);
	else
		pr_warn("boot: no arm,pl011 UART in the device tree; keeping QEMU virt's\n");
	if (!bcm2836_intc_probe(&fdt)) { /* the Raspberry Pi 3's, else a GIC */
		platform_read_gic();
		platform_read_timer();
	}
	/* Room for more than NR_CPUS_MAX, to refuse them as x86-64 does:
	 * running on fewer CPUs than the machine has is a silent surprise. */
	struct fdt_cpu cpus[4 * NR_CPUS_MAX];
	int n = fdt_parse_cpus(&fdt, cpus, ARRAY_SIZE(cpus));
	if (n > NR_CPUS_MAX) {
		pr_err("smp: the device tree lists %d CPUs but swaplab supports at most "
		       "NR_CPUS_MAX = %d; run with fewer CPUs (QEMU: -smp %d). Powering off\n",
		       n, NR_CPUS_MAX, NR_CPUS_MAX);
		arch_poweroff(2);
	}
	u64 reserved_page = ~0ul;
	for (int i = 0; i < n; i++) {
		platform.cpus[i].mpidr = cpus[i].mpidr;
		platform.cpus[i].psci = strcmp(cpus[i].enable_method, "psci") == 0;
		if (strcmp(cpus[i].enable_method, "spin-table") == 0 && cpus[i].cpu_release_addr) {
			u64 page = cpus[i].cpu_release_addr & ~(u64)(PAGE_SIZE - 1);
			platform.cpus[i].release_addr = cpus[i].cpu_release_addr;
			if (page != reserved_page) /* the Pi's four share page 0 */
				bootinfo_reserve(&bootinfo, page, page + PAGE_SIZE,
						 "spin-table release");
			reserved_page = page;
		}
	}
	platform.nr_cpus = n > 0 ? (unsigned)n : 0;
	const char *method = fdt_psci_method(&fdt);
	platform.psci = !method			     ? PSCI_NONE
			: strcmp(method, "hvc") == 0 ? PSCI_HVC
			: strcmp(method, "smc") == 0 ? PSCI_SMC
						     : PSCI_NONE;
	if (platform.psci == PSCI_NONE)
		pr_warn("boot: no PSCI in the device tree (%s): no CPU_ON, no SYSTEM_OFF\n",
			method ? "/psci method is neither hvc nor smc" : "no /psci node");
}

void kmain(u64 dtb_phys, u64 image_phys, u64 entry_el)
{
	arm64_image_phys = image_phys;
	platform.entry_el = (unsigned)entry_el;
	__asm__ __volatile__("msr tpidr_el1, xzr"); /* arch_cpu_id() = 0 */
	time_init();
	trap_init_cpu();
	uart_init_early(image_phys);

	bootinfo.loader = "devicetree";
	bootinfo.loader_name = "";
	if (dtb_open(&dtb_phys, image_phys) != 0) {
		pr_err("boot: cannot continue without a valid device tree (x0 = %#lx); "
		       "powering off\n",
		       (unsigned long)dtb_phys);
		arch_poweroff(2);
	}
	platform_read();
	pr_info("boot: arm64 entered at EL%u, image at %#lx, DTB at %#lx, PSCI %s\n",
		(unsigned)entry_el, (unsigned long)image_phys, (unsigned long)dtb_phys,
		platform.psci == PSCI_HVC   ? "hvc"
		: platform.psci == PSCI_SMC ? "smc"
					    : "none");
	mmu_map_ram(&bootinfo);
	bootinfo_reserve(&bootinfo, virt_to_phys(__image_start), virt_to_phys(__bss_end),
			 "kernel image");
	gic_init();
	start_kernel(&bootinfo);
}
