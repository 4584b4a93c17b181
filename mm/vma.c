/* VMAs in a sorted list; see mm/vma.h. */
#include <asm/page.h>
#include "kernel/compiler.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kmalloc.h"
#include "vma.h"

void vma_set_init(struct vma_set *set)
{
	list_init(&set->list);
	set->count = 0;
}

void vma_set_destroy(struct vma_set *set)
{
	struct vma *v, *n;
	list_for_each_entry_safe(v, n, &set->list, node) {
		vma_remove(set, v);
		vma_free(v);
	}
	ASSERT_EQ(set->count, 0);
}

struct vma *vma_alloc(unsigned long start, unsigned long end, unsigned prot, unsigned flags)
{
	if (start >= end || !IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE))
		return NULL;
	struct vma *v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	list_init(&v->node);
	return v;
}

void vma_free(struct vma *vma)
{
	kfree(vma);
}

struct vma *vma_find(struct vma_set *set, unsigned long addr)
{
	struct vma *v;
	list_for_each_entry(v, &set->list, node) {
		if (v->end > addr)
			return v;
	}
	return NULL;
}

struct vma *vma_lookup(struct vma_set *set, unsigned long addr)
{
	struct vma *v = vma_find(set, addr);
	return v && v->start <= addr ? v : NULL;
}

/* The new VMA goes before the first one that ends above its start; it
 * overlaps that one unless it also ends at or before its start. */
int vma_insert(struct vma_set *set, struct vma *vma)
{
	ASSERT(vma->start < vma->end);
	struct vma *next = vma_find(set, vma->start);
	if (next && next->start < vma->end)
		return -EEXIST;
	list_add_tail(&vma->node, next ? &next->node : &set->list);
	set->count++;
	return 0;
}

void vma_remove(struct vma_set *set, struct vma *vma)
{
	ASSERT(set->count > 0);
	list_del(&vma->node);
	list_init(&vma->node);
	set->count--;
}

struct vma *vma_split(struct vma_set *set, struct vma *vma, unsigned long addr)
{
	ASSERT(vma->start < addr && addr < vma->end && IS_ALIGNED(addr, PAGE_SIZE));
	struct vma *tail = vma_alloc(addr, vma->end, vma->prot, vma->flags);
	if (!tail)
		return NULL;
	vma->end = addr;
	list_add(&tail->node, &vma->node);
	set->count++;
	return tail;
}

struct vma *vma_first(struct vma_set *set)
{
	return list_empty(&set->list) ? NULL : list_first_entry(&set->list, struct vma, node);
}

struct vma *vma_next(struct vma_set *set, struct vma *vma)
{
	return vma->node.next == &set->list ? NULL : list_entry(vma->node.next, struct vma, node);
}
