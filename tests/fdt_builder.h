/*
 * A tiny flattened-device-tree writer for tests (kernel and host) and for
 * the fuzz seeds: begin_node / prop / end_node in document order, then
 * finish lays out a valid version 17 blob (header, memory reservation
 * block, structure block, strings block), big-endian as the spec wants.
 * Tests that need a malformed blob break a valid one afterwards; the
 * offsets they need come from fdt_builder_struct_offset and the header.
 * Overflowing the builder's buffers is remembered and makes finish fail.
 */
#ifndef TESTS_FDT_BUILDER_H
#define TESTS_FDT_BUILDER_H

#include "kernel/types.h"

#define FDT_BUILDER_STRUCT_MAX 4096
#define FDT_BUILDER_STRINGS_MAX 1024
#define FDT_BUILDER_RSV_MAX 8

struct fdt_builder {
	u8 structs[FDT_BUILDER_STRUCT_MAX];
	u32 struct_len;
	char strings[FDT_BUILDER_STRINGS_MAX];
	u32 strings_len;
	u64 rsv[FDT_BUILDER_RSV_MAX][2];
	unsigned nr_rsv;
	bool overflow;
};

void fdt_builder_init(struct fdt_builder *b);
void fdt_builder_add_mem_rsv(struct fdt_builder *b, u64 addr, u64 size);
void fdt_builder_begin_node(struct fdt_builder *b, const char *name);
void fdt_builder_prop(struct fdt_builder *b, const char *name, const void *val, u32 len);
void fdt_builder_prop_string(struct fdt_builder *b, const char *name, const char *s);
/* n cells, big-endian, from the variable arguments (each a u32). */
void fdt_builder_prop_cells(struct fdt_builder *b, const char *name, unsigned n, ...);
void fdt_builder_end_node(struct fdt_builder *b);
/* A raw token, for tests that build what the spec forbids. */
void fdt_builder_token(struct fdt_builder *b, u32 token);
/* Where the next token goes, as an offset in the structure block. */
u32 fdt_builder_struct_offset(const struct fdt_builder *b);
/* Appends FDT_END and writes the blob to out; its size (totalsize), or 0
 * when it does not fit in cap or the builder overflowed. */
u32 fdt_builder_finish(struct fdt_builder *b, u8 *out, u32 cap);

/* Big-endian stores into a blob, for tests that break one. */
void fdt_builder_put32(u8 *blob, u32 off, u32 v);

/* A QEMU-virt-like tree (tests/fdt.c lists what is in it); its size. */
u32 fdt_builder_virt_tree(u8 *out, u32 cap);

#endif
