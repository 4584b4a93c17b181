/*
 * kmalloc: a small slab allocator. Requests up to 2048 bytes round up to a
 * power-of-two size class (16..2048); each class carves whole pages into
 * objects of its size, so every object is aligned to its size. A free
 * object holds the next free object of its page in its first word, and a
 * marker (a magic number xor its own address) in its second, which lets
 * kfree() catch most double frees for the price of one load. A class keeps
 * the pages that have a free object on its partial list; a page whose
 * objects are all free goes back to the page allocator.
 *
 * Larger requests get a block of whole pages; PG_kmalloc_large marks its
 * head, and struct page's order (set by alloc_pages) tells kfree its size.
 */
#include "kernel/fault_inject.h"
#include "kmalloc.h"
#include "page_alloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

#define KMALLOC_MIN_SHIFT 4  /* 16 bytes: room for the link and the marker */
#define KMALLOC_MAX_SHIFT 11 /* 2048 bytes */
#define KMALLOC_NR_CLASSES (KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1)
#define KMALLOC_FREE_MAGIC 0x6b667265656f626aul

struct kmalloc_class {
	spinlock_t lock;
	unsigned size;		  /* object size, a power of two */
	struct list_head partial; /* lock: slab pages with a free object */
	unsigned long nr_pages;	  /* lock: slab pages of this class */
};

#define KCLASS(i)                                                                                  \
	[i] = { SPINLOCK_INIT("kmalloc"), 1u << (i + KMALLOC_MIN_SHIFT),                           \
		LIST_HEAD_INIT(kmalloc_classes[i].partial), 0 }
static struct kmalloc_class kmalloc_classes[KMALLOC_NR_CLASSES] = {
	KCLASS(0), KCLASS(1), KCLASS(2), KCLASS(3), KCLASS(4), KCLASS(5), KCLASS(6), KCLASS(7),
};

struct free_object {
	struct free_object *next;
	unsigned long marker; /* KMALLOC_FREE_MAGIC ^ address while free */
};

static unsigned long free_marker(const void *obj)
{
	return KMALLOC_FREE_MAGIC ^ (unsigned long)obj;
}

static unsigned size_to_class(size_t size)
{
	unsigned c = 0;
	while ((1ul << (c + KMALLOC_MIN_SHIFT)) < size)
		c++;
	return c;
}

static void slab_init(struct page *page, unsigned c)
{
	unsigned size = kmalloc_classes[c].size;
	char *base = page_address(page);
	struct free_object *head = NULL;

	page_flag_set(page, PG_slab);
	page->slab_class = (u8)c;
	page->slab_inuse = 0;
	for (unsigned off = PAGE_SIZE; off >= size; off -= size) {
		struct free_object *obj = (struct free_object *)(base + off - size);
		obj->next = head;
		obj->marker = free_marker(obj);
		head = obj;
	}
	page->slab_freelist = head;
}

/* Pop an object from the first partial page; the class lock is held. */
static void *slab_take(struct kmalloc_class *cls)
{
	struct page *page = list_first_entry(&cls->partial, struct page, lru);
	struct free_object *obj = page->slab_freelist;

	if (obj->marker != free_marker(obj))
		panic("kmalloc: free object %p of size %u was written after kfree", (void *)obj,
		      cls->size);
	page->slab_freelist = obj->next;
	obj->marker = 0;
	page->slab_inuse++;
	if (!page->slab_freelist)
		list_del(&page->lru); /* full: on no list until an object is freed */
	return obj;
}

static void *kmalloc_small(unsigned c, gfp_t gfp)
{
	struct kmalloc_class *cls = &kmalloc_classes[c];
	unsigned long flags = spin_lock_irqsave(&cls->lock);

	if (list_empty(&cls->partial)) {
		/* Allocate outside the lock: alloc_pages may drain every CPU. */
		spin_unlock_irqrestore(&cls->lock, flags);
		struct page *page = alloc_pages(gfp & ~__GFP_ZERO, 0);
		if (!page)
			return NULL;
		slab_init(page, c);
		flags = spin_lock_irqsave(&cls->lock);
		list_add(&page->lru, &cls->partial);
		cls->nr_pages++;
	}
	void *obj = slab_take(cls);
	spin_unlock_irqrestore(&cls->lock, flags);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, cls->size);
	return obj;
}

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned order = get_order(size);
	if (order >= MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("kmalloc: %lu bytes is more than the largest block (%lu)\n",
				(unsigned long)size, PAGE_SIZE << (MAX_ORDER - 1));
		return NULL;
	}
	struct page *page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	page_flag_set(page, PG_kmalloc_large);
	return page_address(page);
}

/* kmalloc(0) returns a minimum-size object, so NULL always means failure. */
void *kmalloc(size_t size, gfp_t gfp)
{
	/* fail.kmalloc= (kernel/fault_inject.h): fail as if out of memory. */
	if (should_fail_alloc(&fail_kmalloc, 0, gfp & __GFP_RECLAIM, size))
		return NULL;
	if (size <= (1ul << KMALLOC_MAX_SHIFT))
		return kmalloc_small(size_to_class(size), gfp);
	return kmalloc_large(size, gfp);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static void kfree_small(struct page *page, void *p)
{
	struct kmalloc_class *cls = &kmalloc_classes[page->slab_class];
	unsigned long off = (unsigned long)((char *)p - (char *)page_address(page));
	struct free_object *obj = p;

	if (off & (cls->size - 1))
		panic("kmalloc: kfree(%p): not the start of a %u-byte object", p, cls->size);
	unsigned long flags = spin_lock_irqsave(&cls->lock);
	if (!(page_flags(page) & PG_slab) || obj->marker == free_marker(obj))
		panic("kmalloc: kfree(%p): double free (%u-byte object)", p, cls->size);
	bool was_full = !page->slab_freelist;
	obj->next = page->slab_freelist;
	obj->marker = free_marker(obj);
	page->slab_freelist = obj;
	page->slab_inuse--;
	if (was_full)
		list_add(&page->lru, &cls->partial);
	bool empty = page->slab_inuse == 0;
	if (empty) {
		list_del(&page->lru);
		page_flag_clear(page, PG_slab);
		page->slab_freelist = NULL;
		cls->nr_pages--;
	}
	spin_unlock_irqrestore(&cls->lock, flags);
	if (empty)
		free_page(page);
}

void kfree(const void *cp)
{
	void *p = (void *)cp;

	if (!p)
		return;
	pfn_t pfn = virt_to_phys(p) >> PAGE_SHIFT;
	if (!pfn_valid(pfn))
		panic("kmalloc: kfree(%p): not a kmalloc pointer (outside RAM)", p);
	struct page *page = pfn_to_page(pfn);
	unsigned long pflags = page_flags(page);
	if (pflags & PG_slab) {
		kfree_small(page, p);
	} else if ((pflags & PG_kmalloc_large) && p == page_address(page)) {
		page_flag_clear(page, PG_kmalloc_large);
		free_pages(page, page_order(page));
	} else {
		panic("kmalloc: kfree(%p): not a kmalloc pointer (pfn %#lx flags %#lx)", p,
		      (unsigned long)pfn, pflags);
	}
}
