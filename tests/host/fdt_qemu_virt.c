/*
 * The device tree QEMU 7.2 gives an arm64 guest (tests/fixtures/
 * qemu-virt.dtb: -machine virt -cpu cortex-a57 -smp 4 -m 256M), read by
 * drivers/fdt.c as the arm64 boot will read it. Host only: the bytes come
 * in through build/gen/qemu_virt_dtb.inc, which the Makefile makes.
 */
#include "drivers/fdt.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

static const u8 qemu_virt_dtb[] __aligned(8) = {
#include "build/gen/qemu_virt_dtb.inc"
};

static struct bootinfo virt_bi;

KTEST(fdt, qemu_virt_dtb)
{
	struct fdt f;
	struct fdt_cpu cpus[8];
	KT_ASSERT_EQ(t, fdt_init(&f, qemu_virt_dtb, sizeof(qemu_virt_dtb)), 0);
	KT_EXPECT_EQ(t, f.size, sizeof(qemu_virt_dtb));
	KT_EXPECT_EQ(t, fdt_num_mem_rsv(&f), 0);
	KT_ASSERT_EQ(t, fdt_parse_bootinfo(&f, &virt_bi, 0x48000000), 0);
	KT_EXPECT(t, strcmp(virt_bi.loader, "devicetree") == 0);
	KT_EXPECT(t, strcmp(virt_bi.cmdline, "") == 0); /* dumped without -append */
	KT_ASSERT_EQ(t, virt_bi.nr_mem, 1);
	KT_EXPECT_EQ(t, virt_bi.mem[0].base, 0x40000000);
	KT_EXPECT_EQ(t, virt_bi.mem[0].len, 256u << 20);
	KT_EXPECT_EQ(t, virt_bi.nr_reserved, 1); /* the DTB itself */
	KT_EXPECT_EQ(t, virt_bi.reserved[0].end - virt_bi.reserved[0].start, f.size);
	/* 32 virtio-mmio transports at 0xa000000, 0x200 apart, SPIs 16..47,
	 * edge-triggered; the tree lists them from the highest down. */
	KT_ASSERT_EQ(t, virt_bi.nr_devices, 32);
	unsigned seen = 0;
	for (unsigned i = 0; i < virt_bi.nr_devices; i++) {
		const struct boot_device *d = &virt_bi.devices[i];
		unsigned slot = (unsigned)((d->base - 0xa000000) / 0x200);
		KT_EXPECT(t, slot < 32 && d->base == 0xa000000 + slot * 0x200u);
		KT_EXPECT_EQ(t, d->size, 0x200);
		KT_EXPECT(t, d->has_irq && !d->irq_level);
		KT_EXPECT_EQ(t, d->irq, 32 + 16 + slot);
		KT_EXPECT(t, strcmp(d->compatible, "virtio,mmio") == 0);
		seen |= slot < 32 ? 1u << slot : 0;
	}
	KT_EXPECT_EQ(t, seen, 0xffffffffu);
	KT_ASSERT_EQ(t, fdt_parse_cpus(&f, cpus, 8), 4);
	for (unsigned i = 0; i < 4; i++) {
		KT_EXPECT_EQ(t, cpus[i].mpidr, i);
		KT_EXPECT(t, strcmp(cpus[i].enable_method, "psci") == 0);
	}
	KT_EXPECT(t, fdt_psci_method(&f) && strcmp(fdt_psci_method(&f), "hvc") == 0);
	int gic = fdt_node_offset_by_compatible(&f, -1, "arm,cortex-a15-gic");
	u64 base, size;
	KT_EXPECT_EQ(t, fdt_read_reg(&f, gic, 1, &base, &size), 0);
	KT_EXPECT_EQ(t, base, 0x8010000); /* the CPU interface */
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "/pl011@9000000") > 0, 1);
}
