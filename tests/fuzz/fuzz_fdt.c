/*
 * The device tree reader (drivers/fdt.c, drivers/fdt_bootinfo.c) on a blob
 * as a loader could hand it over in x0. Input: the blob, copied into a
 * buffer of exactly its size so that ASan sees any read past it. An
 * accepted tree is read the way the arm64 boot reads it (bootinfo, CPUs,
 * PSCI) and then walked node by node and property by property; every
 * name and value returned must lie inside the blob, and the walks must
 * end.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "drivers/fdt.h"
#include "kernel/errno.h"

static struct bootinfo bi;
static const u8 *blob_start, *blob_end;

static void check_inside(const void *p, u64 len)
{
	const u8 *b = p;
	if (b < blob_start || b > blob_end || len > (u64)(blob_end - b))
		abort();
}

static void walk_node(const struct fdt *f, int node)
{
	int len;
	const char *name = fdt_get_name(f, node, &len);
	if (!name || len < 0)
		abort();
	check_inside(name, (u64)len + 1);
	int parent = fdt_parent_offset(f, node);
	if (node != f->root && parent < 0)
		abort();
	/* The node is among its parent's children. */
	if (parent >= 0) {
		int child = fdt_first_subnode(f, parent), n = 0;
		while (child >= 0 && child != node && n++ < 100000)
			child = fdt_next_subnode(f, child);
		if (child != node)
			abort();
	}
	for (int p = fdt_first_property_offset(f, node); p >= 0;
	     p = fdt_next_property_offset(f, p)) {
		const char *pname;
		u32 plen;
		const void *v = fdt_getprop_by_offset(f, p, &pname, &plen);
		if (!v)
			abort(); /* fdt_init checked every property */
		check_inside(v, plen);
		check_inside(pname, strlen(pname) + 1);
		if (fdt_getprop(f, node, pname, NULL) == NULL)
			abort();
	}
	u64 base, size;
	for (unsigned i = 0; i < 4 && fdt_read_reg(f, node, i, &base, &size) == 0; i++)
		fdt_translate_address(f, node, &base);
	fdt_node_check_compatible(f, node, "virtio,mmio");
	fdt_node_is_enabled(f, node);
	fdt_address_cells(f, node);
	fdt_size_cells(f, node);
	if (parent >= 0 && fdt_subnode_offset(f, parent, name) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	blob_start = copy;
	blob_end = copy + size;
	struct fdt f;
	if (fdt_init(&f, copy, size) == 0) {
		memset(&bi, 0, sizeof(bi));
		if (fdt_parse_bootinfo(&f, &bi, 0x40000000) == 0 && bi.nr_mem == 0)
			abort();
		if (bi.cmdline[0])
			check_inside(bi.cmdline, strlen(bi.cmdline) + 1);
		if (bi.nr_mem > BOOT_MAX_MEM_REGIONS || bi.nr_devices > BOOT_MAX_DEVICES ||
		    bi.nr_reserved > BOOT_MAX_RESERVED)
			abort();
		struct fdt_cpu cpus[4];
		int n = fdt_parse_cpus(&f, cpus, 4);
		if (n > 4 || (n < 0 && n != -EINVAL))
			abort();
		fdt_psci_method(&f);
		u64 addr, len;
		for (int i = 0; i < fdt_num_mem_rsv(&f); i++)
			if (fdt_get_mem_rsv(&f, (unsigned)i, &addr, &len) != 0)
				abort();
		static const char *const paths[] = { "/",     "/chosen", "/cpus",
						     "/psci", "/memory", "//a/b/" };
		for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			fdt_path_offset(&f, paths[i]);
		int depth = 0;
		for (int node = f.root; node >= 0; node = fdt_next_node(&f, node, &depth))
			walk_node(&f, node);
		for (int node = fdt_node_offset_by_compatible(&f, -1, "arm,psci"); node >= 0;
		     node = fdt_node_offset_by_compatible(&f, node, "arm,psci"))
			;
	}
	free(copy);
	return 0;
}
