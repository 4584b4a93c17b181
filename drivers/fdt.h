/*
 * The flattened device tree (FDT, a "DTB"): how arm64 firmware and loaders
 * (QEMU virt, U-Boot, the Raspberry Pi firmware) describe the machine. The
 * boot code gets a pointer in x0, wraps it in a struct fdt with fdt_init(),
 * and reads the tree with the functions below, named as in libfdt and
 * Linux so that a reader of either recognises them.
 *
 * The format (Devicetree Specification v0.4, chapter 5): a big-endian
 * header, a memory reservation block of (address, size) pairs ending in
 * (0, 0), a structure block of 32-bit tokens (FDT_BEGIN_NODE name,
 * FDT_PROP len nameoff value, FDT_END_NODE, FDT_NOP, FDT_END) and a
 * strings block holding property names.
 *
 * The blob is untrusted input. fdt_init() checks the header and walks the
 * whole structure block once (every token, name, property length, string
 * offset, the nesting depth, FDT_END), so the other functions work on a
 * tree known to be well formed; they still check every read against the
 * blob. A node is named by its offset in the structure block (0 is
 * normally the root), as in libfdt. Values returned (names, property
 * values) point into the blob, which must stay mapped while they are used.
 * Read-only after fdt_init: no locking.
 */
#ifndef DRIVERS_FDT_H
#define DRIVERS_FDT_H

#include "kernel/bootinfo.h"
#include "kernel/types.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE 0x2
#define FDT_PROP 0x3
#define FDT_NOP 0x4
#define FDT_END 0x9

#define FDT_HEADER_SIZE 40     /* version 17 */
#define FDT_V16_HEADER_SIZE 36 /* no size_dt_struct */
#define FDT_MAX_DEPTH 32       /* deeper trees are refused */
#define FDT_MAX_NCELLS 4       /* #address-cells / #size-cells, as libfdt */

struct fdt {
	const u8 *blob;
	u32 size;	/* totalsize, checked against what we may read */
	u32 off_struct; /* structure block: offset and size in the blob */
	u32 size_struct;
	u32 off_strings; /* strings block */
	u32 size_strings;
	u32 off_mem_rsv; /* reservation block, nr_mem_rsv entries before (0,0) */
	u32 nr_mem_rsv;
	u32 version;
	u32 boot_cpuid_phys;
	int root; /* offset of the root node (after any leading FDT_NOPs) */
};

/* Validate the header, the blocks' bounds against max_size (the bytes we
 * may read) and the structure block; 0, or -EINVAL after a pr_err saying
 * what is wrong. */
int fdt_init(struct fdt *f, const void *blob, size_t max_size);

/* Nodes. An exact path ("/", "/chosen", "/cpus/cpu@0"): each component
 * must equal the node's full name, so "/memory" does not find
 * "/memory@40000000" (fdt_subnode_offset does). -ENOENT when absent,
 * -EINVAL for a path not starting with '/'. */
int fdt_path_offset(const struct fdt *f, const char *path);
/* The child of parent called name; a name without '@' also matches a child
 * whose name is name@unit-address (the first such child). -ENOENT. */
int fdt_subnode_offset(const struct fdt *f, int parent, const char *name);
int fdt_first_subnode(const struct fdt *f, int node); /* -ENOENT when none */
int fdt_next_subnode(const struct fdt *f, int node);  /* -ENOENT when none */
/* The next node in document order after node; *depth (may be NULL) is
 * kept relative: +1 into a child, -1 per closing node. -ENOENT at the end
 * of the tree, or when *depth would drop below 0. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
int fdt_parent_offset(const struct fdt *f, int node); /* -ENOENT for the root */
const char *fdt_get_name(const struct fdt *f, int node, int *len);
/* The node whose "phandle" (or "linux,phandle") is phandle; -ENOENT. */
int fdt_node_offset_by_phandle(const struct fdt *f, u32 phandle);

/* Properties. fdt_getprop: NULL when absent; the value lies inside the
 * blob, *len (may be NULL) bytes. The _offset functions walk all
 * properties of a node: first/next return a property offset or -ENOENT. */
const void *fdt_getprop(const struct fdt *f, int node, const char *name, u32 *len);
int fdt_first_property_offset(const struct fdt *f, int node);
int fdt_next_property_offset(const struct fdt *f, int prop);
const void *fdt_getprop_by_offset(const struct fdt *f, int prop, const char **name, u32 *len);

/* 0 when the node's "compatible" string list contains compat, 1 when it
 * does not, -ENOENT when the node has no compatible. */
int fdt_node_check_compatible(const struct fdt *f, int node, const char *compat);
/* The next node after start (-1: from the beginning) whose compatible
 * contains compat; -ENOENT. */
int fdt_node_offset_by_compatible(const struct fdt *f, int start, const char *compat);

/* #address-cells / #size-cells of the node's parent bus (what the node's
 * "reg" is written in): 2 and 1 when the parent does not say, and for the
 * root. The value is returned as written; fdt_read_reg refuses more than
 * FDT_MAX_NCELLS. */
u32 fdt_address_cells(const struct fdt *f, int node);
u32 fdt_size_cells(const struct fdt *f, int node);
/* The idx-th (address, size) pair of "reg"; -ENOENT past the end or when
 * there is no reg, -EINVAL for a malformed one (cell counts, length). */
int fdt_read_reg(const struct fdt *f, int node, unsigned idx, u64 *base, u64 *size);
/* *addr, a bus address of node's parent bus, as a CPU physical address
 * (every ancestor's "ranges"); -ENOENT when a bus does not map it. */
int fdt_translate_address(const struct fdt *f, int node, u64 *addr);
/* "status" absent, "okay" or "ok". */
bool fdt_node_is_enabled(const struct fdt *f, int node);

/* The blob's memory reservation block (/memreserve/ in a .dts). */
int fdt_num_mem_rsv(const struct fdt *f);
int fdt_get_mem_rsv(const struct fdt *f, unsigned idx, u64 *addr, u64 *size); /* -ENOENT */

/* Big-endian reads; the caller has checked that the bytes are there
 * (fdt_read_cells: cells * 4 bytes; more than two cells keep the low 64
 * bits, as Linux's of_read_number). */
u32 fdt32_ld(const void *p);
u64 fdt64_ld(const void *p);
u64 fdt_read_cells(const void *p, unsigned cells);

/* Fill bi from the tree (loader-neutral; see fdt.c): memory, reserved
 * ranges, command line, virtio-mmio devices. Appends to bi's lists.
 * 0, or -EINVAL when the tree describes no memory. */
int fdt_parse_bootinfo(const struct fdt *f, struct bootinfo *bi, u64 dtb_phys);

/* One /cpus/cpu@N node, for SMP bring-up. */
struct fdt_cpu {
	u64 mpidr;		/* reg: MPIDR_EL1 affinity bits */
	char enable_method[16]; /* "psci", "spin-table", "" when absent */
	u64 cpu_release_addr;	/* spin-table only, else 0 */
};

/* The enabled /cpus children with device_type "cpu", in tree order: the
 * count (capped at max, with a warning) or -EINVAL. */
int fdt_parse_cpus(const struct fdt *f, struct fdt_cpu *cpus, unsigned max);
/* /psci's (compatible "arm,psci*") conduit: "hvc", "smc", or NULL. */
const char *fdt_psci_method(const struct fdt *f);

#endif
