/*
 * A read-only view of physical memory [0, size) at base: how the parsers of
 * loader and firmware structures (multiboot, ACPI) reach the bytes they
 * read, without knowing how those bytes are mapped. The kernel's view is
 * the boot direct map of the first 4 GiB; a fuzz target's or a test's is a
 * buffer. Every read goes through phys_view_ptr, which refuses a range
 * that is not wholly inside the view, so a pointer in a table cannot make
 * a parser read memory the view does not cover.
 */
#ifndef KERNEL_PHYS_VIEW_H
#define KERNEL_PHYS_VIEW_H

#include "types.h"

struct phys_view {
	const u8 *base; /* where physical address 0 is readable */
	u64 size;	/* bytes readable from base */
};

/* The bytes [pa, pa + len) through the view, or NULL when any is outside. */
static inline const void *phys_view_ptr(const struct phys_view *v, u64 pa, u64 len)
{
	if (pa > v->size || len > v->size - pa)
		return NULL;
	return v->base + pa;
}

/* How many bytes may be read at pa (0 when pa is outside). */
static inline u64 phys_view_avail(const struct phys_view *v, u64 pa)
{
	return pa < v->size ? v->size - pa : 0;
}

#endif
