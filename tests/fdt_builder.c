/* The test FDT writer (see fdt_builder.h). */
#include "tests/fdt_builder.h"
#include "drivers/fdt.h"
#include "kernel/string.h"

void fdt_builder_put32(u8 *blob, u32 off, u32 v)
{
	blob[off] = (u8)(v >> 24);
	blob[off + 1] = (u8)(v >> 16);
	blob[off + 2] = (u8)(v >> 8);
	blob[off + 3] = (u8)v;
}

void fdt_builder_init(struct fdt_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void fdt_builder_add_mem_rsv(struct fdt_builder *b, u64 addr, u64 size)
{
	if (b->nr_rsv == FDT_BUILDER_RSV_MAX) {
		b->overflow = true;
		return;
	}
	b->rsv[b->nr_rsv][0] = addr;
	b->rsv[b->nr_rsv++][1] = size;
}

/* len bytes at the end of the structure block, zero-padded to 4. */
static void fdt_builder_append(struct fdt_builder *b, const void *p, u32 len)
{
	u32 padded = (len + 3) & ~3u;
	if (padded > FDT_BUILDER_STRUCT_MAX - b->struct_len) {
		b->overflow = true;
		return;
	}
	memset(b->structs + b->struct_len, 0, padded);
	memcpy(b->structs + b->struct_len, p, len);
	b->struct_len += padded;
}

void fdt_builder_token(struct fdt_builder *b, u32 token)
{
	u8 be[4];
	fdt_builder_put32(be, 0, token);
	fdt_builder_append(b, be, 4);
}

u32 fdt_builder_struct_offset(const struct fdt_builder *b)
{
	return b->struct_len;
}

void fdt_builder_begin_node(struct fdt_builder *b, const char *name)
{
	fdt_builder_token(b, FDT_BEGIN_NODE);
	fdt_builder_append(b, name, (u32)strlen(name) + 1);
}

void fdt_builder_end_node(struct fdt_builder *b)
{
	fdt_builder_token(b, FDT_END_NODE);
}

/* The offset of name in the strings block, added when new. */
static u32 fdt_builder_string(struct fdt_builder *b, const char *name)
{
	u32 len = (u32)strlen(name) + 1;
	for (u32 off = 0; off < b->strings_len; off += (u32)strlen(b->strings + off) + 1)
		if (strcmp(b->strings + off, name) == 0)
			return off;
	if (len > FDT_BUILDER_STRINGS_MAX - b->strings_len) {
		b->overflow = true;
		return 0;
	}
	memcpy(b->strings + b->strings_len, name, len);
	b->strings_len += len;
	return b->strings_len - len;
}

void fdt_builder_prop(struct fdt_builder *b, const char *name, const void *val, u32 len)
{
	u8 hdr[8];
	fdt_builder_token(b, FDT_PROP);
	fdt_builder_put32(hdr, 0, len);
	fdt_builder_put32(hdr, 4, fdt_builder_string(b, name));
	fdt_builder_append(b, hdr, 8);
	if (len)
		fdt_builder_append(b, val, len);
}

void fdt_builder_prop_string(struct fdt_builder *b, const char *name, const char *s)
{
	fdt_builder_prop(b, name, s, (u32)strlen(s) + 1);
}

void fdt_builder_prop_cells(struct fdt_builder *b, const char *name, unsigned n, ...)
{
	u8 cells[4 * 16];
	va_list ap;
	if (n > 16) {
		b->overflow = true;
		return;
	}
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		fdt_builder_put32(cells, 4 * i, va_arg(ap, u32));
	va_end(ap);
	fdt_builder_prop(b, name, cells, 4 * n);
}

u32 fdt_builder_finish(struct fdt_builder *b, u8 *out, u32 cap)
{
	fdt_builder_token(b, FDT_END);
	u32 off_rsv = FDT_HEADER_SIZE;
	u32 off_struct = off_rsv + 16 * (b->nr_rsv + 1);
	u32 off_strings = off_struct + b->struct_len;
	u32 total = off_strings + b->strings_len;
	if (b->overflow || total > cap)
		return 0;
	memset(out, 0, total);
	fdt_builder_put32(out, 0, FDT_MAGIC);
	fdt_builder_put32(out, 4, total);
	fdt_builder_put32(out, 8, off_struct);
	fdt_builder_put32(out, 12, off_strings);
	fdt_builder_put32(out, 16, off_rsv);
	fdt_builder_put32(out, 20, 17); /* version */
	fdt_builder_put32(out, 24, 16); /* last_comp_version */
	fdt_builder_put32(out, 28, 0);	/* boot_cpuid_phys */
	fdt_builder_put32(out, 32, b->strings_len);
	fdt_builder_put32(out, 36, b->struct_len);
	for (unsigned i = 0; i < b->nr_rsv; i++)
		for (unsigned j = 0; j < 2; j++) {
			fdt_builder_put32(out, off_rsv + 16 * i + 8 * j, (u32)(b->rsv[i][j] >> 32));
			fdt_builder_put32(out, off_rsv + 16 * i + 8 * j + 4, (u32)b->rsv[i][j]);
		}
	memcpy(out + off_struct, b->structs, b->struct_len);
	memcpy(out + off_strings, b->strings, b->strings_len);
	return total;
}

static void virt_virtio(struct fdt_builder *b, const char *name, u32 base, u32 spi, u32 flags,
			bool enabled)
{
	fdt_builder_begin_node(b, name);
	fdt_builder_prop(b, "dma-coherent", NULL, 0);
	fdt_builder_prop_cells(b, "interrupts", 3, 0u, spi, flags);
	fdt_builder_prop_cells(b, "reg", 4, 0u, base, 0u, 0x200u);
	fdt_builder_prop_string(b, "compatible", "virtio,mmio");
	if (!enabled)
		fdt_builder_prop_string(b, "status", "disabled");
	fdt_builder_end_node(b);
}

static void virt_cpu(struct fdt_builder *b, const char *name, u32 mpidr, const char *method)
{
	fdt_builder_begin_node(b, name);
	fdt_builder_prop_string(b, "device_type", "cpu");
	fdt_builder_prop_string(b, "compatible", "arm,cortex-a57");
	fdt_builder_prop_cells(b, "reg", 1, mpidr);
	fdt_builder_prop_string(b, "enable-method", method);
	if (strcmp(method, "spin-table") == 0)
		fdt_builder_prop_cells(b, "cpu-release-addr", 2, 0u, 0x400000f8u);
	fdt_builder_end_node(b);
}

u32 fdt_builder_virt_tree(u8 *out, u32 cap)
{
	static struct fdt_builder b; /* 5 KiB: not on a kernel stack */
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	fdt_builder_init(&b);
	fdt_builder_add_mem_rsv(&b, 0x48000000, 0x100000);
	fdt_builder_begin_node(&b, "");
	fdt_builder_prop_cells(&b, "interrupt-parent", 1, 0x8005u);
	fdt_builder_prop_string(&b, "model", "linux,dummy-virt");
	fdt_builder_prop_cells(&b, "#size-cells", 1, 2u);
	fdt_builder_prop_cells(&b, "#address-cells", 1, 2u);
	fdt_builder_prop_string(&b, "compatible", "linux,dummy-virt");

	fdt_builder_begin_node(&b, "psci");
	fdt_builder_prop_string(&b, "method", "hvc");
	fdt_builder_prop(&b, "compatible", psci_compat, sizeof(psci_compat));
	fdt_builder_end_node(&b);

	fdt_builder_begin_node(&b, "memory@40000000");
	fdt_builder_prop_cells(&b, "reg", 4, 0u, 0x40000000u, 0u, 0x10000000u);
	fdt_builder_prop_string(&b, "device_type", "memory");
	fdt_builder_end_node(&b);
	/* Two ranges in one node, the second above 4 GiB. */
	fdt_builder_begin_node(&b, "memory@100000000");
	fdt_builder_prop_cells(&b, "reg", 8, 1u, 0u, 0u, 0x100000u, 2u, 0u, 0u, 0x200000u);
	fdt_builder_prop_string(&b, "device_type", "memory");
	fdt_builder_end_node(&b);
	fdt_builder_begin_node(&b, "memory@c0000000"); /* disabled: not memory */
	fdt_builder_prop_cells(&b, "reg", 4, 0u, 0xc0000000u, 0u, 0x1000000u);
	fdt_builder_prop_string(&b, "device_type", "memory");
	fdt_builder_prop_string(&b, "status", "disabled");
	fdt_builder_end_node(&b);

	fdt_builder_begin_node(&b, "reserved-memory");
	fdt_builder_prop_cells(&b, "#address-cells", 1, 1u);
	fdt_builder_prop_cells(&b, "#size-cells", 1, 1u);
	fdt_builder_prop(&b, "ranges", NULL, 0);
	fdt_builder_begin_node(&b, "secmon@4e000000");
	fdt_builder_prop_cells(&b, "reg", 2, 0x4e000000u, 0x200000u);
	fdt_builder_prop(&b, "no-map", NULL, 0);
	fdt_builder_end_node(&b);
	fdt_builder_begin_node(&b, "linux,cma"); /* no reg: nothing to reserve */
	fdt_builder_prop_cells(&b, "size", 1, 0x1000000u);
	fdt_builder_prop(&b, "reusable", NULL, 0);
	fdt_builder_end_node(&b);
	fdt_builder_end_node(&b);

	fdt_builder_begin_node(&b, "intc@8000000");
	fdt_builder_prop_cells(&b, "phandle", 1, 0x8005u);
	fdt_builder_prop_cells(&b, "reg", 8, 0u, 0x8000000u, 0u, 0x10000u, 0u, 0x8010000u, 0u,
			       0x10000u);
	fdt_builder_prop_string(&b, "compatible", "arm,cortex-a15-gic");
	fdt_builder_prop(&b, "interrupt-controller", NULL, 0);
	fdt_builder_prop_cells(&b, "#interrupt-cells", 1, 3u);
	fdt_builder_end_node(&b);

	virt_virtio(&b, "virtio_mmio@a000000", 0xa000000, 16, 1, true);
	virt_virtio(&b, "virtio_mmio@a000200", 0xa000200, 17, 4, true);
	virt_virtio(&b, "virtio_mmio@a000400", 0xa000400, 18, 1, false);

	/* A bus with its own, non-GIC, interrupt controller. */
	fdt_builder_begin_node(&b, "soc");
	fdt_builder_prop_cells(&b, "#address-cells", 1, 1u);
	fdt_builder_prop_cells(&b, "#size-cells", 1, 1u);
	fdt_builder_prop_cells(&b, "interrupt-parent", 1, 0x10u);
	fdt_builder_begin_node(&b, "pic@1000");
	fdt_builder_prop_cells(&b, "phandle", 1, 0x10u);
	fdt_builder_prop_string(&b, "compatible", "brcm,bcm2835-armctrl-ic");
	fdt_builder_prop(&b, "interrupt-controller", NULL, 0);
	fdt_builder_prop_cells(&b, "#interrupt-cells", 1, 2u);
	fdt_builder_end_node(&b);
	fdt_builder_begin_node(&b, "virtio_mmio@2000");
	fdt_builder_prop_cells(&b, "interrupts", 2, 1u, 5u);
	fdt_builder_prop_cells(&b, "reg", 2, 0x2000u, 0x200u);
	fdt_builder_prop_string(&b, "compatible", "virtio,mmio");
	fdt_builder_end_node(&b);
	fdt_builder_end_node(&b);

	fdt_builder_begin_node(&b, "cpus");
	fdt_builder_prop_cells(&b, "#size-cells", 1, 0u);
	fdt_builder_prop_cells(&b, "#address-cells", 1, 1u);
	fdt_builder_begin_node(&b, "cpu-map"); /* no device_type: not a CPU */
	fdt_builder_end_node(&b);
	virt_cpu(&b, "cpu@0", 0, "psci");
	virt_cpu(&b, "cpu@1", 1, "psci");
	virt_cpu(&b, "cpu@100", 0x100, "spin-table");
	fdt_builder_end_node(&b);

	fdt_builder_begin_node(&b, "chosen");
	fdt_builder_prop_string(&b, "bootargs", "ktest=fdt.* swap=vda");
	fdt_builder_prop_cells(&b, "linux,initrd-start", 1, 0x44000000u);
	fdt_builder_prop_cells(&b, "linux,initrd-end", 2, 0u, 0x44100000u);
	fdt_builder_end_node(&b);

	fdt_builder_end_node(&b);
	return fdt_builder_finish(&b, out, cap);
}
