/*
 * What the boot code wants from a device tree, read with the fdt.h
 * functions: the loader-neutral struct bootinfo (memory, reserved ranges,
 * command line, virtio-mmio devices), the CPUs for SMP bring-up and the
 * PSCI conduit. The same rules as Linux's drivers/of/fdt.c where it has
 * one: memory nodes are the root's children with device_type "memory";
 * /memreserve/ entries and /reserved-memory children are reserved.
 */
#include "fdt.h"
#include "kernel/compiler.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/* The property as a NUL-terminated string inside its value, or NULL. */
static const char *fdt_getprop_string(const struct fdt *f, int node, const char *name)
{
	u32 len;
	const char *s = fdt_getprop(f, node, name, &len);
	return s && len > 0 && memchr(s, 0, len) ? s : NULL;
}

static bool fdt_prop_is(const struct fdt *f, int node, const char *name, const char *want)
{
	const char *s = fdt_getprop_string(f, node, name);
	return s && strcmp(s, want) == 0;
}

static const char *fdt_node_name(const struct fdt *f, int node)
{
	const char *n = fdt_get_name(f, node, NULL);
	return !n ? "?" : *n ? n : "/";
}

/* A one- or two-cell value (linux,initrd-start, cpu-release-addr). */
static bool fdt_getprop_addr(const struct fdt *f, int node, const char *name, u64 *val)
{
	u32 len;
	const void *p = fdt_getprop(f, node, name, &len);
	if (!p || (len != 4 && len != 8))
		return false;
	*val = fdt_read_cells(p, len / 4);
	return true;
}

static void fdt_scan_chosen(const struct fdt *f, struct bootinfo *bi)
{
	int chosen = fdt_path_offset(f, "/chosen");
	if (chosen < 0)
		return;
	u32 len;
	if (fdt_getprop(f, chosen, "bootargs", &len)) {
		const char *args = fdt_getprop_string(f, chosen, "bootargs");
		if (args)
			bi->cmdline = args;
		else
			pr_warn("fdt: /chosen bootargs (%u bytes) is not a terminated string; "
				"ignored\n",
				len);
	}
	u64 start = 0, end = 0;
	bool has_start = fdt_getprop_addr(f, chosen, "linux,initrd-start", &start);
	bool has_end = fdt_getprop_addr(f, chosen, "linux,initrd-end", &end);
	if (has_start && has_end && end > start)
		bootinfo_reserve(bi, start, end, "initrd");
	else if (has_start || has_end)
		pr_warn("fdt: /chosen linux,initrd-start/-end incomplete or empty; not "
			"reserved\n");
}

/* Each reg range of node, as usable memory; how many were recorded. */
static unsigned fdt_add_memory(const struct fdt *f, int node, struct bootinfo *bi)
{
	unsigned added = 0;
	u64 base, size;
	for (unsigned i = 0; fdt_read_reg(f, node, i, &base, &size) == 0; i++) {
		if (size == 0)
			continue;
		if (base + size < base) {
			pr_warn("fdt: %s: range %#lx+%#lx wraps; ignored\n", fdt_node_name(f, node),
				(unsigned long)base, (unsigned long)size);
			continue;
		}
		if (bi->nr_mem == BOOT_MAX_MEM_REGIONS) {
			pr_warn("fdt: more than %d memory ranges; %#lx+%#lx and later ignored\n",
				BOOT_MAX_MEM_REGIONS, (unsigned long)base, (unsigned long)size);
			break;
		}
		bi->mem[bi->nr_mem++] = (struct boot_mem_region){ base, size, BOOT_MEM_USABLE };
		added++;
	}
	return added;
}

static void fdt_reserve_range(struct bootinfo *bi, u64 base, u64 size, const char *what)
{
	if (size == 0)
		return;
	u64 end = base + size < base ? ~0ull : base + size; /* a wrapping range: to the top */
	bootinfo_reserve(bi, base, end, what);
}

static void fdt_scan_reserved(const struct fdt *f, struct bootinfo *bi, u64 dtb_phys)
{
	u64 base, size;
	for (unsigned i = 0; fdt_get_mem_rsv(f, i, &base, &size) == 0; i++)
		fdt_reserve_range(bi, base, size, "dtb /memreserve/");
	int rmem = fdt_path_offset(f, "/reserved-memory");
	if (rmem >= 0) {
		for (int child = fdt_first_subnode(f, rmem); child >= 0;
		     child = fdt_next_subnode(f, child)) {
			if (!fdt_node_is_enabled(f, child))
				continue;
			/* Children without reg (size and alloc-ranges: to be
			 * allocated by the OS) reserve nothing here. */
			for (unsigned i = 0; fdt_read_reg(f, child, i, &base, &size) == 0; i++)
				fdt_reserve_range(bi, base, size, "dtb reserved-memory");
		}
	}
	fdt_reserve_range(bi, dtb_phys, f->size, "dtb");
}

/* GICv2 and GICv3 as Linux's irq-gic.c and irq-gic-v3.c match them. */
static const char *const gic_compatibles[] = {
	"arm,gic-v3",	      "arm,cortex-a15-gic",
	"arm,cortex-a9-gic",  "arm,cortex-a7-gic",
	"arm,gic-400",	      "arm,arm11mp-gic",
	"arm,pl390",	      "arm,arm1176jzf-devchip-gic",
	"qcom,msm-8660-qgic", "qcom,msm-qgic2",
};

static bool fdt_node_is_gic(const struct fdt *f, int node)
{
	for (unsigned i = 0; i < ARRAY_SIZE(gic_compatibles); i++)
		if (fdt_node_check_compatible(f, node, gic_compatibles[i]) == 0)
			return true;
	return false;
}

/* The interrupt controller node's interrupts go to: "interrupt-parent" on
 * the node or its nearest ancestor that has one (the root's included). */
static int fdt_interrupt_parent(const struct fdt *f, int node)
{
	for (int n = node; n >= 0; n = fdt_parent_offset(f, n)) {
		u32 len;
		const void *p = fdt_getprop(f, n, "interrupt-parent", &len);
		if (p)
			return len == 4 ? fdt_node_offset_by_phandle(f, fdt32_ld(p)) : -EINVAL;
	}
	return -ENOENT;
}

/* The device's first interrupt as a GIC INTID: <type num flags>, type 0
 * an SPI (INTID 32 + num), 1 a PPI (16 + num); flags 4/8 level, 1/2 edge. */
static void fdt_decode_gic_irq(const struct fdt *f, int node, struct boot_device *dev)
{
	const char *name = fdt_node_name(f, node);
	int gic = fdt_interrupt_parent(f, node);
	u32 len;
	const void *cells = gic < 0 ? NULL : fdt_getprop(f, gic, "#interrupt-cells", &len);
	if (!cells || len != 4 || fdt32_ld(cells) != 3 || !fdt_node_is_gic(f, gic)) {
		pr_warn("fdt: %s: interrupt parent is not a GIC with #interrupt-cells = 3; no "
			"interrupt\n",
			name);
		return;
	}
	const u8 *irq = fdt_getprop(f, node, "interrupts", &len);
	if (!irq || len < 12) {
		pr_warn("fdt: %s: no interrupts of 3 cells; no interrupt\n", name);
		return;
	}
	u32 type = fdt32_ld(irq), num = fdt32_ld(irq + 4), flags = fdt32_ld(irq + 8);
	if (type == 0 && num < 988) {
		dev->irq = 32 + num;
	} else if (type == 1 && num < 16) {
		dev->irq = 16 + num;
	} else {
		pr_warn("fdt: %s: GIC interrupt <%u %u %#x> is neither an SPI nor a PPI; no "
			"interrupt\n",
			name, type, num, flags);
		return;
	}
	dev->has_irq = true;
	dev->irq_level = (flags & 0xc) != 0;
}

static void fdt_scan_virtio_mmio(const struct fdt *f, struct bootinfo *bi)
{
	for (int node = fdt_node_offset_by_compatible(f, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(f, node, "virtio,mmio")) {
		if (!fdt_node_is_enabled(f, node))
			continue;
		if (bi->nr_devices == BOOT_MAX_DEVICES) {
			pr_warn("fdt: more than %d devices; %s and later ignored\n",
				BOOT_MAX_DEVICES, fdt_node_name(f, node));
			return;
		}
		struct boot_device *dev = &bi->devices[bi->nr_devices];
		memset(dev, 0, sizeof(*dev));
		if (fdt_read_reg(f, node, 0, &dev->base, &dev->size) != 0 || dev->size == 0) {
			pr_warn("fdt: %s: no reg; ignored\n", fdt_node_name(f, node));
			continue;
		}
		u32 len;
		const char *compat = fdt_getprop(f, node, "compatible", &len); /* non-empty */
		size_t n = strnlen(compat, len);
		n = n < sizeof(dev->compatible) - 1 ? n : sizeof(dev->compatible) - 1;
		memcpy(dev->compatible, compat, n);
		fdt_decode_gic_irq(f, node, dev);
		bi->nr_devices++;
	}
}

int fdt_parse_bootinfo(const struct fdt *f, struct bootinfo *bi, u64 dtb_phys)
{
	bi->loader = "devicetree";
	bi->loader_name = "";
	bi->cmdline = "";
	if (!f->size) {
		pr_err("fdt: no valid device tree to read\n");
		return -EINVAL;
	}
	unsigned ranges = 0;
	for (int node = fdt_first_subnode(f, f->root); node >= 0; node = fdt_next_subnode(f, node))
		if (fdt_prop_is(f, node, "device_type", "memory") && fdt_node_is_enabled(f, node))
			ranges += fdt_add_memory(f, node, bi);
	fdt_scan_chosen(f, bi);
	fdt_scan_reserved(f, bi, dtb_phys);
	fdt_scan_virtio_mmio(f, bi);
	if (ranges == 0) {
		pr_err("fdt: no memory: no enabled node with device_type \"memory\" and a "
		       "non-empty reg\n");
		return -EINVAL;
	}
	return 0;
}

int fdt_parse_cpus(const struct fdt *f, struct fdt_cpu *cpus, unsigned max)
{
	int parent = fdt_path_offset(f, "/cpus");
	if (parent < 0) {
		pr_err("fdt: no /cpus node\n");
		return -EINVAL;
	}
	u32 len, ac = 2;
	const void *p = fdt_getprop(f, parent, "#address-cells", &len);
	if (p)
		ac = len == 4 ? fdt32_ld(p) : 0;
	if (ac != 1 && ac != 2) {
		pr_err("fdt: /cpus #address-cells must be 1 or 2\n");
		return -EINVAL;
	}
	unsigned n = 0, seen = 0;
	for (int node = fdt_first_subnode(f, parent); node >= 0; node = fdt_next_subnode(f, node)) {
		if (!fdt_prop_is(f, node, "device_type", "cpu") || !fdt_node_is_enabled(f, node))
			continue;
		const void *reg = fdt_getprop(f, node, "reg", &len);
		if (!reg || len < ac * 4) {
			pr_err("fdt: %s: reg (the MPIDR) missing or under %u cells\n",
			       fdt_node_name(f, node), ac);
			return -EINVAL;
		}
		if (seen++ >= max)
			continue;
		struct fdt_cpu *cpu = &cpus[n++];
		memset(cpu, 0, sizeof(*cpu));
		cpu->mpidr = fdt_read_cells(reg, ac);
		const char *method = fdt_getprop_string(f, node, "enable-method");
		if (method) {
			size_t l = strnlen(method, sizeof(cpu->enable_method) - 1);
			memcpy(cpu->enable_method, method, l);
		}
		if (!fdt_getprop_addr(f, node, "cpu-release-addr", &cpu->cpu_release_addr))
			cpu->cpu_release_addr = 0;
	}
	if (seen == 0) {
		pr_err("fdt: no enabled cpu node (device_type \"cpu\") in /cpus\n");
		return -EINVAL;
	}
	if (seen > max)
		pr_warn("fdt: %u CPUs in /cpus; only the first %u are used\n", seen, max);
	return (int)n;
}

/* Does the list hold a string starting with prefix ("arm,psci" for
 * arm,psci, arm,psci-0.2 and arm,psci-1.0)? */
static bool fdt_compatible_has_prefix(const struct fdt *f, int node, const char *prefix)
{
	u32 len;
	const char *s = fdt_getprop(f, node, "compatible", &len);
	size_t plen = strlen(prefix);
	while (s && len > 0) {
		const char *nul = memchr(s, 0, len);
		if (!nul)
			break;
		if ((size_t)(nul - s) >= plen && memcmp(s, prefix, plen) == 0)
			return true;
		len -= (u32)(nul - s) + 1;
		s = nul + 1;
	}
	return false;
}

const char *fdt_psci_method(const struct fdt *f)
{
	int node = fdt_path_offset(f, "/psci");
	if (node < 0 || !fdt_node_is_enabled(f, node) ||
	    !fdt_compatible_has_prefix(f, node, "arm,psci"))
		return NULL;
	if (fdt_prop_is(f, node, "method", "hvc"))
		return "hvc";
	if (fdt_prop_is(f, node, "method", "smc"))
		return "smc";
	return NULL;
}
