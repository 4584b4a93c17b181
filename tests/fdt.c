/*
 * The device tree reader (drivers/fdt.c, drivers/fdt_bootinfo.c) on blobs
 * made by tests/fdt_builder.c: a QEMU-virt-like tree is read back through
 * every function, and malformed blobs (the ones tests/fuzz/fuzz_fdt.c is
 * about) are refused without a read outside the blob. The virt tree:
 *   /memreserve/ 0x48000000 0x100000; root #address-cells/#size-cells 2,
 *   interrupt-parent the GIC; /psci (hvc); memory@40000000 (256 MiB),
 *   memory@100000000 (two ranges above 4 GiB), memory@c0000000 disabled;
 *   /reserved-memory (1/1 cells) secmon@4e000000 and a reg-less linux,cma;
 *   intc@8000000 (cortex-a15-gic, #interrupt-cells 3, phandle 0x8005);
 *   virtio_mmio@a000000 <0 16 1>, @a000200 <0 17 4>, @a000400 disabled;
 *   /soc (1/1 cells) with a non-GIC pic@1000 and virtio_mmio@2000 under it;
 *   /cpus (1/0 cells): cpu-map, cpu@0, cpu@1 (psci), cpu@100 (spin-table);
 *   /chosen bootargs, linux,initrd-start (1 cell) and -end (2 cells).
 */
#include "drivers/fdt.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "tests/fdt_builder.h"

static u8 fdt_blob[8192] __aligned(8);
static struct fdt_builder fdt_b;
static struct bootinfo fdt_bi;

static int fdt_init_quietly(struct fdt *f, const void *blob, size_t size)
{
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the refusals are expected */
	int err = fdt_init(f, blob, size);
	console_loglevel = saved;
	return err;
}

static u32 virt_tree(void)
{
	return fdt_builder_virt_tree(fdt_blob, sizeof(fdt_blob));
}

/* The blob offset of a node's first property (its FDT_PROP token). */
static u32 blob_offset_of_prop(const struct fdt *f, int node)
{
	return f->off_struct + (u32)fdt_first_property_offset(f, node);
}

KTEST(fdt, virt_tree_paths_and_names)
{
	struct fdt f;
	u32 size = virt_tree();
	KT_ASSERT(t, size > 0);
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, size), 0);
	KT_EXPECT_EQ(t, f.size, size);
	KT_EXPECT_EQ(t, f.version, 17);
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "/"), 0);
	int chosen = fdt_path_offset(&f, "/chosen");
	int cpus = fdt_path_offset(&f, "/cpus");
	KT_EXPECT(t, chosen > 0 && cpus > 0 && fdt_path_offset(&f, "/psci") > 0);
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "/memory"), -ENOENT);
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "/nothing"), -ENOENT);
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "chosen"), -EINVAL);
	int mem = fdt_path_offset(&f, "/memory@40000000");
	KT_EXPECT(t, mem > 0);
	KT_EXPECT_EQ(t, fdt_subnode_offset(&f, 0, "memory"), mem);
	KT_EXPECT_EQ(t, fdt_subnode_offset(&f, 0, "memory@40000000"), mem);
	KT_EXPECT_EQ(t, fdt_subnode_offset(&f, 0, "memory@4"), -ENOENT);
	KT_EXPECT_EQ(t, fdt_subnode_offset(&f, 0, "memor"), -ENOENT);
	int cpu1 = fdt_path_offset(&f, "/cpus/cpu@1");
	KT_EXPECT(t, cpu1 > cpus);
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "//cpus//cpu@1/"), cpu1);
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "/cpus/cpu@1/x"), -ENOENT);
	int len = 0;
	KT_EXPECT(t, strcmp(fdt_get_name(&f, cpu1, &len), "cpu@1") == 0);
	KT_EXPECT_EQ(t, len, 5);
	KT_EXPECT(t, strcmp(fdt_get_name(&f, 0, &len), "") == 0 && len == 0);
	KT_EXPECT_EQ(t, fdt_parent_offset(&f, cpu1), cpus);
	KT_EXPECT_EQ(t, fdt_parent_offset(&f, cpus), 0);
	KT_EXPECT_EQ(t, fdt_parent_offset(&f, 0), -ENOENT);
	KT_EXPECT_EQ(t, fdt_parent_offset(&f, fdt_path_offset(&f, "/soc/pic@1000")),
		     fdt_path_offset(&f, "/soc"));

	/* The root's children, in order. */
	static const char *const want[] = { "psci",
					    "memory@40000000",
					    "memory@100000000",
					    "memory@c0000000",
					    "reserved-memory",
					    "intc@8000000",
					    "virtio_mmio@a000000",
					    "virtio_mmio@a000200",
					    "virtio_mmio@a000400",
					    "soc",
					    "cpus",
					    "chosen" };
	unsigned n = 0;
	int node;
	for (node = fdt_first_subnode(&f, 0); node >= 0; node = fdt_next_subnode(&f, node), n++)
		KT_EXPECT(t, n < ARRAY_SIZE(want) &&
				     strcmp(fdt_get_name(&f, node, NULL), want[n]) == 0);
	KT_EXPECT_EQ(t, node, -ENOENT);
	KT_EXPECT_EQ(t, n, ARRAY_SIZE(want));
	KT_EXPECT_EQ(t, fdt_first_subnode(&f, chosen), -ENOENT);
	KT_EXPECT_EQ(t, fdt_next_subnode(&f, chosen), -ENOENT); /* the last child */
}

KTEST(fdt, virt_tree_properties_and_reg)
{
	struct fdt f;
	u32 len;
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, virt_tree()), 0);
	const char *model = fdt_getprop(&f, 0, "model", &len);
	KT_ASSERT(t, model != NULL);
	KT_EXPECT_EQ(t, len, 17);
	KT_EXPECT(t, strcmp(model, "linux,dummy-virt") == 0);
	KT_EXPECT(t, (const u8 *)model > fdt_blob && (const u8 *)model + len <= fdt_blob + f.size);
	KT_EXPECT(t, fdt_getprop(&f, 0, "modem", &len) == NULL);
	KT_EXPECT(t, fdt_getprop(&f, 0, "model\0", NULL) != NULL);

	int psci = fdt_path_offset(&f, "/psci");
	KT_EXPECT_EQ(t, fdt_node_check_compatible(&f, psci, "arm,psci-0.2"), 0);
	KT_EXPECT_EQ(t, fdt_node_check_compatible(&f, psci, "arm,psci"), 0);
	KT_EXPECT_EQ(t, fdt_node_check_compatible(&f, psci, "arm,psci-0"), 1);
	KT_EXPECT_EQ(t, fdt_node_check_compatible(&f, fdt_path_offset(&f, "/chosen"), "x"),
		     -ENOENT);
	/* Every property of /psci, through the _offset walk. */
	const char *name;
	int p = fdt_first_property_offset(&f, psci);
	KT_ASSERT(t, fdt_getprop_by_offset(&f, p, &name, &len) != NULL);
	KT_EXPECT(t, strcmp(name, "method") == 0 && len == 4);
	p = fdt_next_property_offset(&f, p);
	KT_ASSERT(t, fdt_getprop_by_offset(&f, p, &name, &len) != NULL);
	KT_EXPECT(t, strcmp(name, "compatible") == 0 && len == 35);
	KT_EXPECT_EQ(t, fdt_next_property_offset(&f, p), -ENOENT);

	int mem = fdt_path_offset(&f, "/memory@100000000");
	int secmon = fdt_path_offset(&f, "/reserved-memory/secmon@4e000000");
	KT_EXPECT_EQ(t, fdt_address_cells(&f, mem), 2);
	KT_EXPECT_EQ(t, fdt_size_cells(&f, mem), 2);
	KT_EXPECT_EQ(t, fdt_address_cells(&f, secmon), 1);
	KT_EXPECT_EQ(t, fdt_size_cells(&f, fdt_path_offset(&f, "/cpus/cpu@0")), 0);
	KT_EXPECT_EQ(t, fdt_address_cells(&f, 0), 2); /* the root: defaults */
	KT_EXPECT_EQ(t, fdt_size_cells(&f, 0), 1);
	u64 base = 0, size = 0;
	KT_EXPECT_EQ(t, fdt_read_reg(&f, mem, 0, &base, &size), 0);
	KT_EXPECT_EQ(t, base, 0x100000000ull);
	KT_EXPECT_EQ(t, size, 0x100000);
	KT_EXPECT_EQ(t, fdt_read_reg(&f, mem, 1, &base, &size), 0);
	KT_EXPECT_EQ(t, base, 0x200000000ull);
	KT_EXPECT_EQ(t, size, 0x200000);
	KT_EXPECT_EQ(t, fdt_read_reg(&f, mem, 2, &base, &size), -ENOENT);
	KT_EXPECT_EQ(t, fdt_read_reg(&f, secmon, 0, &base, &size), 0);
	KT_EXPECT_EQ(t, base, 0x4e000000);
	KT_EXPECT_EQ(t, size, 0x200000);
	KT_EXPECT_EQ(t, fdt_read_reg(&f, psci, 0, &base, &size), -ENOENT);
	KT_EXPECT_EQ(t, fdt_read_reg(&f, fdt_path_offset(&f, "/cpus/cpu@100"), 0, &base, &size), 0);
	KT_EXPECT_EQ(t, base, 0x100);
	KT_EXPECT_EQ(t, size, 0);

	KT_EXPECT(t, fdt_node_is_enabled(&f, mem));
	KT_EXPECT(t, !fdt_node_is_enabled(&f, fdt_path_offset(&f, "/memory@c0000000")));
	KT_EXPECT_EQ(t, fdt_num_mem_rsv(&f), 1);
	KT_EXPECT_EQ(t, fdt_get_mem_rsv(&f, 0, &base, &size), 0);
	KT_EXPECT_EQ(t, base, 0x48000000);
	KT_EXPECT_EQ(t, size, 0x100000);
	KT_EXPECT_EQ(t, fdt_get_mem_rsv(&f, 1, &base, &size), -ENOENT);

	static const u8 cells[12] = { 0, 0, 0, 1, 0x80, 0, 0, 2, 0, 0, 0, 3 };
	KT_EXPECT_EQ(t, fdt32_ld(cells + 4), 0x80000002u);
	KT_EXPECT_EQ(t, fdt_read_cells(cells, 2), 0x180000002ull);
	KT_EXPECT_EQ(t, fdt_read_cells(cells, 3), 0x8000000200000003ull); /* the low 64 bits */
	KT_EXPECT_EQ(t, fdt_read_cells(cells, 0), 0);
}

KTEST(fdt, compatible_and_phandle_lookups)
{
	struct fdt f;
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, virt_tree()), 0);
	static const char *const want[] = { "virtio_mmio@a000000", "virtio_mmio@a000200",
					    "virtio_mmio@a000400", "virtio_mmio@2000" };
	unsigned n = 0;
	int node;
	for (node = fdt_node_offset_by_compatible(&f, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(&f, node, "virtio,mmio"), n++)
		KT_EXPECT(t, n < ARRAY_SIZE(want) &&
				     strcmp(fdt_get_name(&f, node, NULL), want[n]) == 0);
	KT_EXPECT_EQ(t, node, -ENOENT);
	KT_EXPECT_EQ(t, n, 4);
	KT_EXPECT_EQ(t, fdt_node_offset_by_compatible(&f, -1, "linux,dummy-virt"), 0);
	KT_EXPECT_EQ(t, fdt_node_offset_by_compatible(&f, -1, "virtio"), -ENOENT);
	KT_EXPECT_EQ(t, fdt_node_offset_by_phandle(&f, 0x8005),
		     fdt_path_offset(&f, "/intc@8000000"));
	KT_EXPECT_EQ(t, fdt_node_offset_by_phandle(&f, 0x10), fdt_path_offset(&f, "/soc/pic@1000"));
	KT_EXPECT_EQ(t, fdt_node_offset_by_phandle(&f, 7), -ENOENT);
	KT_EXPECT_EQ(t, fdt_node_offset_by_phandle(&f, 0), -ENOENT);
}

static bool has_reserved(const struct bootinfo *bi, u64 start, u64 end, const char *what)
{
	for (unsigned i = 0; i < bi->nr_reserved; i++)
		if (bi->reserved[i].start == start && bi->reserved[i].end == end &&
		    strcmp(bi->reserved[i].what, what) == 0)
			return true;
	return false;
}

KTEST(fdt, bootinfo_from_virt_tree)
{
	struct fdt f;
	u32 size = virt_tree();
	struct bootinfo *bi = &fdt_bi;
	memset(bi, 0, sizeof(*bi));
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, size), 0);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the /soc device's interrupt is refused */
	int err = fdt_parse_bootinfo(&f, bi, 0x4f000000);
	console_loglevel = saved;
	KT_ASSERT_EQ(t, err, 0);
	KT_EXPECT(t, strcmp(bi->loader, "devicetree") == 0);
	KT_EXPECT(t, strcmp(bi->cmdline, "ktest=fdt.* swap=vda") == 0);
	KT_ASSERT_EQ(t, bi->nr_mem, 3);
	KT_EXPECT_EQ(t, bi->mem[0].base, 0x40000000);
	KT_EXPECT_EQ(t, bi->mem[0].len, 0x10000000);
	KT_EXPECT_EQ(t, bi->mem[0].type, BOOT_MEM_USABLE);
	KT_EXPECT_EQ(t, bi->mem[1].base, 0x100000000ull);
	KT_EXPECT_EQ(t, bi->mem[2].base, 0x200000000ull);
	KT_EXPECT_EQ(t, bi->mem[2].len, 0x200000);
	KT_EXPECT_EQ(t, bi->nr_reserved, 4);
	KT_EXPECT(t, has_reserved(bi, 0x48000000, 0x48100000, "dtb /memreserve/"));
	KT_EXPECT(t, has_reserved(bi, 0x4e000000, 0x4e200000, "dtb reserved-memory"));
	KT_EXPECT(t, has_reserved(bi, 0x44000000, 0x44100000, "initrd"));
	KT_EXPECT(t, has_reserved(bi, 0x4f000000, 0x4f000000 + size, "dtb"));

	KT_ASSERT_EQ(t, bi->nr_devices, 3); /* @a000400 is disabled */
	const struct boot_device *d = bi->devices;
	KT_EXPECT(t, strcmp(d[0].compatible, "virtio,mmio") == 0);
	KT_EXPECT_EQ(t, d[0].base, 0xa000000);
	KT_EXPECT_EQ(t, d[0].size, 0x200);
	KT_EXPECT(t, d[0].has_irq && !d[0].irq_level);
	KT_EXPECT_EQ(t, d[0].irq, 32 + 16);
	KT_EXPECT_EQ(t, d[1].base, 0xa000200);
	KT_EXPECT(t, d[1].has_irq && d[1].irq_level);
	KT_EXPECT_EQ(t, d[1].irq, 32 + 17);
	KT_EXPECT_EQ(t, d[2].base, 0x2000); /* /soc: one address and one size cell */
	KT_EXPECT_EQ(t, d[2].size, 0x200);
	KT_EXPECT(t, !d[2].has_irq); /* its interrupt parent is no GIC */
}

KTEST(fdt, cpus_and_psci)
{
	struct fdt f;
	struct fdt_cpu cpus[4];
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, virt_tree()), 0);
	KT_ASSERT_EQ(t, fdt_parse_cpus(&f, cpus, 4), 3);
	KT_EXPECT_EQ(t, cpus[0].mpidr, 0);
	KT_EXPECT_EQ(t, cpus[1].mpidr, 1);
	KT_EXPECT_EQ(t, cpus[2].mpidr, 0x100);
	KT_EXPECT(t, strcmp(cpus[0].enable_method, "psci") == 0);
	KT_EXPECT_EQ(t, cpus[0].cpu_release_addr, 0);
	KT_EXPECT(t, strcmp(cpus[2].enable_method, "spin-table") == 0);
	KT_EXPECT_EQ(t, cpus[2].cpu_release_addr, 0x400000f8);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* "only the first 2 are used" */
	KT_EXPECT_EQ(t, fdt_parse_cpus(&f, cpus, 2), 2);
	console_loglevel = saved;
	KT_EXPECT(t, fdt_psci_method(&f) != NULL && strcmp(fdt_psci_method(&f), "hvc") == 0);
}

/* The Raspberry Pi 3's shape (bcm2837-rpi-3-b.dts): /soc's children have
 * VideoCore bus addresses that its ranges map to CPU addresses; a nested
 * bus with an empty ranges is the identity, one without ranges is not
 * translatable. */
static u32 rpi_tree(void)
{
	fdt_builder_init(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "");
	fdt_builder_prop_cells(&fdt_b, "#address-cells", 1, 1);
	fdt_builder_prop_cells(&fdt_b, "#size-cells", 1, 1);
	fdt_builder_begin_node(&fdt_b, "soc");
	fdt_builder_prop_cells(&fdt_b, "#address-cells", 1, 1);
	fdt_builder_prop_cells(&fdt_b, "#size-cells", 1, 1);
	fdt_builder_prop_cells(&fdt_b, "ranges", 6, 0x7e000000, 0x3f000000, 0x1000000, 0x40000000,
			       0x40000000, 0x1000);
	fdt_builder_begin_node(&fdt_b, "serial@7e201000");
	fdt_builder_prop_cells(&fdt_b, "reg", 2, 0x7e201000, 0x200);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "local_intc@40000000");
	fdt_builder_prop_cells(&fdt_b, "reg", 2, 0x40000000, 0x100);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "outside@50000000");
	fdt_builder_prop_cells(&fdt_b, "reg", 2, 0x50000000, 0x100);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "bus");
	fdt_builder_prop_cells(&fdt_b, "#address-cells", 1, 1);
	fdt_builder_prop_cells(&fdt_b, "#size-cells", 1, 1);
	fdt_builder_prop(&fdt_b, "ranges", NULL, 0);
	fdt_builder_begin_node(&fdt_b, "dev@7e300000");
	fdt_builder_prop_cells(&fdt_b, "reg", 2, 0x7e300000, 0x100);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "closed");
	fdt_builder_prop_cells(&fdt_b, "#address-cells", 1, 1);
	fdt_builder_prop_cells(&fdt_b, "#size-cells", 1, 1);
	fdt_builder_begin_node(&fdt_b, "dev@1000");
	fdt_builder_prop_cells(&fdt_b, "reg", 2, 0x1000, 0x100);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "memory@0");
	fdt_builder_prop_cells(&fdt_b, "reg", 2, 0, 0x3c000000);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_end_node(&fdt_b);
	return fdt_builder_finish(&fdt_b, fdt_blob, sizeof(fdt_blob));
}

static u64 translated(struct ktest *t, const struct fdt *f, const char *path, int want_err)
{
	u64 base = 0;
	int node = fdt_path_offset(f, path);
	KT_EXPECT(t, node >= 0);
	KT_EXPECT_EQ(t, fdt_read_reg(f, node, 0, &base, NULL), 0);
	KT_EXPECT_EQ(t, fdt_translate_address(f, node, &base), want_err);
	return base;
}

KTEST(fdt, bus_addresses_translate_through_ranges)
{
	struct fdt f;
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, rpi_tree()), 0);
	KT_EXPECT_EQ(t, translated(t, &f, "/soc/serial@7e201000", 0), 0x3f201000);
	KT_EXPECT_EQ(t, translated(t, &f, "/soc/local_intc@40000000", 0), 0x40000000);
	translated(t, &f, "/soc/outside@50000000", -ENOENT);
	KT_EXPECT_EQ(t, translated(t, &f, "/soc/bus/dev@7e300000", 0), 0x3f300000);
	translated(t, &f, "/soc/closed/dev@1000", -ENOENT);
	KT_EXPECT_EQ(t, translated(t, &f, "/memory@0", 0), 0); /* a root child: as is */
}

/* Build a tree with one node chain of the given depth (the root is 1). */
static u32 nested_tree(unsigned depth)
{
	fdt_builder_init(&fdt_b);
	for (unsigned i = 0; i < depth; i++)
		fdt_builder_begin_node(&fdt_b, i ? "n" : "");
	for (unsigned i = 0; i < depth; i++)
		fdt_builder_end_node(&fdt_b);
	return fdt_builder_finish(&fdt_b, fdt_blob, sizeof(fdt_blob));
}

KTEST(fdt, nesting_is_capped)
{
	struct fdt f;
	u32 size = nested_tree(FDT_MAX_DEPTH);
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, size), 0);
	int depth = 0, deepest = 0, max_depth = 0;
	for (int node = 0; node >= 0; node = fdt_next_node(&f, node, &depth)) {
		deepest = node;
		max_depth = depth > max_depth ? depth : max_depth;
	}
	KT_EXPECT_EQ(t, max_depth, FDT_MAX_DEPTH - 1);
	KT_EXPECT(t, fdt_parent_offset(&f, deepest) > 0);
	KT_EXPECT_EQ(t, fdt_address_cells(&f, deepest), 2);
	size = nested_tree(FDT_MAX_DEPTH + 1);
	KT_EXPECT_EQ(t, fdt_init_quietly(&f, fdt_blob, size), -EINVAL);
	/* A tree refused by fdt_init answers nothing. */
	KT_EXPECT_EQ(t, fdt_path_offset(&f, "/"), -EINVAL);
	KT_EXPECT(t, fdt_getprop(&f, 0, "x", NULL) == NULL);
	KT_EXPECT_EQ(t, fdt_num_mem_rsv(&f), 0);
}

/* Each breaks a fresh virt tree of size *size; fdt_init must refuse it. */
struct fdt_defect {
	const char *what;
	void (*apply)(struct fdt *valid, u32 *size);
};

static void break_magic(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, 0, 0xedfe0dd0);
}
static void break_truncated(struct fdt *v, u32 *size)
{
	*size -= 1; /* totalsize beyond what we may read */
}
static void break_version(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, 20, 15);
}
static void break_last_comp(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, 24, 18);
}
static void break_struct_offset(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, 8, *size - 8); /* the block now runs past totalsize */
}
static void break_struct_misaligned(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, 8, v->off_struct + 2);
}
static void break_strings_block(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, 32, v->size_strings + 1);
}
static void break_rsvmap(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, 16, (*size - 8) & ~7u); /* no (0, 0) before the end */
}
static void break_node_name(struct fdt *v, u32 *size)
{
	/* The block ends inside "psci": the name has no NUL in it. */
	u32 psci = (u32)fdt_path_offset(v, "/psci");
	fdt_builder_put32(fdt_blob, 36, psci + 6);
}
static void break_prop_len(struct fdt *v, u32 *size)
{
	u32 prop = blob_offset_of_prop(v, fdt_path_offset(v, "/chosen"));
	fdt_builder_put32(fdt_blob, prop + 4, v->size_struct);
}
static void break_prop_len_wraps(struct fdt *v, u32 *size)
{
	u32 prop = blob_offset_of_prop(v, fdt_path_offset(v, "/chosen"));
	fdt_builder_put32(fdt_blob, prop + 4, 0xfffffffc);
}
static void break_nameoff(struct fdt *v, u32 *size)
{
	u32 prop = blob_offset_of_prop(v, fdt_path_offset(v, "/chosen"));
	fdt_builder_put32(fdt_blob, prop + 8, v->size_strings);
}
static void break_strings_unterminated(struct fdt *v, u32 *size)
{
	/* The last name in the strings block loses its NUL. */
	fdt_builder_put32(fdt_blob, 32, v->size_strings - 1);
}
static void break_missing_end(struct fdt *v, u32 *size)
{
	fdt_builder_put32(fdt_blob, v->off_struct + v->size_struct - 4, FDT_NOP);
}
static void break_unknown_token(struct fdt *v, u32 *size)
{
	u32 prop = blob_offset_of_prop(v, fdt_path_offset(v, "/chosen"));
	fdt_builder_put32(fdt_blob, prop, 7);
}
static void break_extra_end_node(struct fdt *v, u32 *size)
{
	/* FDT_END becomes FDT_END_NODE: one more than was opened. */
	fdt_builder_put32(fdt_blob, v->off_struct + v->size_struct - 4, FDT_END_NODE);
}
static void break_end_inside_node(struct fdt *v, u32 *size)
{
	u32 prop = blob_offset_of_prop(v, fdt_path_offset(v, "/chosen"));
	fdt_builder_put32(fdt_blob, prop, FDT_END);
}
static void break_tiny(struct fdt *v, u32 *size)
{
	*size = 20;
}

static const struct fdt_defect fdt_defects[] = {
	{ "bad magic", break_magic },
	{ "totalsize beyond the buffer", break_truncated },
	{ "version 15", break_version },
	{ "last_comp_version 18", break_last_comp },
	{ "structure block past totalsize", break_struct_offset },
	{ "structure block misaligned", break_struct_misaligned },
	{ "strings block past totalsize", break_strings_block },
	{ "reservation block without its end", break_rsvmap },
	{ "unterminated node name", break_node_name },
	{ "property length past the block", break_prop_len },
	{ "property length wrapping", break_prop_len_wraps },
	{ "string offset past the strings block", break_nameoff },
	{ "unterminated property name", break_strings_unterminated },
	{ "missing FDT_END", break_missing_end },
	{ "unknown token", break_unknown_token },
	{ "unbalanced FDT_END_NODE", break_extra_end_node },
	{ "FDT_END inside a node", break_end_inside_node },
	{ "smaller than a header", break_tiny },
};

KTEST(fdt, malformed_blobs_are_refused)
{
	for (unsigned i = 0; i < ARRAY_SIZE(fdt_defects); i++) {
		struct fdt valid, f;
		u32 size = virt_tree();
		KT_ASSERT_EQ(t, fdt_init(&valid, fdt_blob, size), 0);
		fdt_defects[i].apply(&valid, &size);
		int err = fdt_init_quietly(&f, fdt_blob, size);
		if (!KT_EXPECT_EQ(t, err, -EINVAL))
			ktest_diag(t, "accepted: %s", fdt_defects[i].what);
	}
	/* NULL, and a version 16 header (no size_dt_struct) is fine. */
	struct fdt f;
	KT_EXPECT_EQ(t, fdt_init_quietly(&f, NULL, 100), -EINVAL);
	u32 size = virt_tree();
	fdt_builder_put32(fdt_blob, 20, 16);
	fdt_builder_put32(fdt_blob, 36, 0xffffffff); /* not read in version 16 */
	KT_EXPECT_EQ(t, fdt_init(&f, fdt_blob, size), 0);
	KT_EXPECT(t, fdt_path_offset(&f, "/chosen") > 0);
}

KTEST(fdt, bad_offsets_from_callers)
{
	struct fdt f;
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, virt_tree()), 0);
	int chosen = fdt_path_offset(&f, "/chosen");
	int prop = fdt_first_property_offset(&f, chosen);
	static const int bad[] = { -1, 2, 4, 0x40000000, 0x7ffffffc, -0x7fffffff };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		int node = bad[i];
		KT_EXPECT(t, fdt_get_name(&f, node, NULL) == NULL);
		KT_EXPECT(t, fdt_getprop(&f, node, "reg", NULL) == NULL);
		KT_EXPECT(t, fdt_first_subnode(&f, node) < 0);
		KT_EXPECT(t, fdt_next_subnode(&f, node) < 0);
		KT_EXPECT(t, fdt_parent_offset(&f, node) < 0);
		KT_EXPECT(t, fdt_next_node(&f, node, NULL) < 0);
		KT_EXPECT(t, fdt_read_reg(&f, node, 0, NULL, NULL) < 0);
		KT_EXPECT(t, fdt_getprop_by_offset(&f, node, NULL, NULL) == NULL);
		KT_EXPECT(t, fdt_next_property_offset(&f, node) < 0);
	}
	/* A property is not a node, nor a node a property. */
	KT_EXPECT(t, fdt_get_name(&f, prop, NULL) == NULL);
	KT_EXPECT(t, fdt_getprop_by_offset(&f, chosen, NULL, NULL) == NULL);
	KT_EXPECT_EQ(t, fdt_node_offset_by_compatible(&f, prop, "virtio,mmio"), -EINVAL);
}

KTEST(fdt, trees_the_boot_cannot_use)
{
	struct fdt f;
	struct fdt_cpu cpus[2];
	int saved = console_loglevel;
	/* No memory node. */
	fdt_builder_init(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "");
	fdt_builder_begin_node(&fdt_b, "chosen");
	fdt_builder_end_node(&fdt_b);
	fdt_builder_end_node(&fdt_b);
	u32 size = fdt_builder_finish(&fdt_b, fdt_blob, sizeof(fdt_blob));
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, size), 0);
	memset(&fdt_bi, 0, sizeof(fdt_bi));
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, fdt_parse_bootinfo(&f, &fdt_bi, 0), -EINVAL);
	KT_EXPECT_EQ(t, fdt_parse_cpus(&f, cpus, 2), -EINVAL); /* no /cpus */
	KT_EXPECT(t, fdt_psci_method(&f) == NULL);
	console_loglevel = saved;
	KT_EXPECT(t, strcmp(fdt_bi.cmdline, "") == 0);

	/* Absurd cell counts: a memory node whose reg cannot be read. */
	fdt_builder_init(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "");
	fdt_builder_prop_cells(&fdt_b, "#address-cells", 1, 0x40000000u);
	fdt_builder_begin_node(&fdt_b, "memory@0");
	fdt_builder_prop_string(&fdt_b, "device_type", "memory");
	fdt_builder_prop_cells(&fdt_b, "reg", 3, 0u, 0u, 0x1000u);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_begin_node(&fdt_b, "cpus");
	fdt_builder_prop_cells(&fdt_b, "#address-cells", 1, 3u);
	fdt_builder_end_node(&fdt_b);
	fdt_builder_end_node(&fdt_b);
	size = fdt_builder_finish(&fdt_b, fdt_blob, sizeof(fdt_blob));
	KT_ASSERT_EQ(t, fdt_init(&f, fdt_blob, size), 0);
	u64 base, len;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, fdt_read_reg(&f, fdt_path_offset(&f, "/memory@0"), 0, &base, &len),
		     -EINVAL);
	KT_EXPECT_EQ(t, fdt_parse_bootinfo(&f, &fdt_bi, 0), -EINVAL);
	KT_EXPECT_EQ(t, fdt_parse_cpus(&f, cpus, 2), -EINVAL);
	console_loglevel = saved;
}
