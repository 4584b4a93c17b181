/*
 * The Raspberry Pi 3 Model B's device tree as QEMU raspi3b boots with it
 * (build/rpi/bcm2837-rpi-3-b.dtb, from Debian's arm64 kernel package:
 * tools/rpi-dtb.sh), read by drivers/fdt.c as arch/arm64/setup.c and
 * bcm2836_intc.c read it. Host only, and only when tools/rpi-dtb.sh has
 * fetched the file (not part of the repository): otherwise it skips.
 */
#include <stdio.h>
#include "drivers/fdt.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

#define RPI3_DTB "build/rpi/bcm2837-rpi-3-b.dtb"

static u8 rpi3_dtb[64 << 10] __aligned(8);
static struct bootinfo rpi3_bi;

static u64 rpi3_reg(struct ktest *t, const struct fdt *f, const char *compat)
{
	u64 base = 0;
	int node = fdt_node_offset_by_compatible(f, -1, compat);
	KT_EXPECT(t, node >= 0);
	KT_EXPECT_EQ(t, fdt_read_reg(f, node, 0, &base, NULL), 0);
	KT_EXPECT_EQ(t, fdt_translate_address(f, node, &base), 0);
	return base;
}

KTEST(fdt, rpi3_dtb)
{
	FILE *file = fopen(RPI3_DTB, "rb");
	if (!file) {
		ktest_skip(t, "no " RPI3_DTB " (tools/rpi-dtb.sh fetches it)");
		return;
	}
	size_t size = fread(rpi3_dtb, 1, sizeof(rpi3_dtb), file);
	fclose(file);
	struct fdt f;
	struct fdt_cpu cpus[8];
	KT_ASSERT_EQ(t, fdt_init(&f, rpi3_dtb, size), 0);
	KT_ASSERT_EQ(t, fdt_parse_bootinfo(&f, &rpi3_bi, 0x8000000), 0);
	KT_ASSERT_EQ(t, rpi3_bi.nr_mem, 1);
	KT_EXPECT_EQ(t, rpi3_bi.mem[0].base, 0);
	/* The console, the ARM local block, the peripherals' controller:
	 * VideoCore bus addresses through /soc's ranges. */
	KT_EXPECT_EQ(t, rpi3_reg(t, &f, "arm,pl011"), 0x3f201000);
	KT_EXPECT_EQ(t, rpi3_reg(t, &f, "brcm,bcm2836-l1-intc"), 0x40000000);
	KT_EXPECT_EQ(t, rpi3_reg(t, &f, "brcm,bcm2836-armctrl-ic"), 0x3f00b200);
	/* The virtual timer is the third <line flags> pair: line 3. */
	u32 len;
	int timer = fdt_node_offset_by_compatible(&f, -1, "arm,armv7-timer");
	const u8 *irqs = timer >= 0 ? fdt_getprop(&f, timer, "interrupts", &len) : NULL;
	KT_ASSERT(t, irqs && len == 32);
	KT_EXPECT_EQ(t, fdt32_ld(irqs + 16), 3);
	/* Four Cortex-A53s, each released from its spin table. */
	KT_ASSERT_EQ(t, fdt_parse_cpus(&f, cpus, 8), 4);
	for (unsigned i = 0; i < 4; i++) {
		KT_EXPECT_EQ(t, cpus[i].mpidr, i);
		KT_EXPECT(t, strcmp(cpus[i].enable_method, "spin-table") == 0);
		KT_EXPECT_EQ(t, cpus[i].cpu_release_addr, 0xd8 + 8 * i);
	}
	KT_EXPECT(t, fdt_psci_method(&f) == NULL);
}
