/*
 * kmalloc: small objects (API pinned here; implementation in
 * mm/kmalloc.c). Power-of-two size classes carved from pages; larger
 * requests get whole pages. kfree(NULL) is a no-op.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include "kernel/types.h"
#include "gfp.h"

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *p);

#endif
