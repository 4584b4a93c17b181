/*
 * kmalloc and the page allocator over libc for the fuzz targets that
 * allocate (virtio_ring.c): exact-size blocks, so ASan sees every overrun.
 * Also the one kernel variable virtio_ring.c reads (nr_cpus_online).
 * "Physical" addresses are plain pointers: host_phys_base is 0.
 */
#include <stdlib.h>
#include <string.h>
#include <asm/page.h>
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"

char *host_phys_base;
size_t host_phys_size = ~(size_t)0;

/* virtio_ring.c's notify mode asks how many CPUs are online. */
unsigned nr_cpus_online = 1;

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p = malloc(size ? size : 1);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return calloc(1, size ? size : 1);
}

void kfree(const void *p)
{
	free((void *)p);
}

void *alloc_pages_va(gfp_t gfp, unsigned order)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void free_pages_va(void *va, unsigned order)
{
	free(va);
}
