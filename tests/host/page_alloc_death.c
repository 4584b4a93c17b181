/*
 * page_alloc.death_* (host only): the checks that end in panic() cannot
 * run in the kernel's test boot, so here each one runs in a forked child,
 * and the test passes when the child panicked (status 1) with the
 * expected message. The child's console output goes to a pipe.
 */
#include "kernel/ktest.h"
#include "death.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"

static void double_free_order0(void)
{
	struct page *p = alloc_page(GFP_KERNEL);
	free_page(p);
	free_page(p);
}

static void double_free_order3(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 3);
	free_pages(p, 3);
	free_pages(p, 3);
}

/* Free a page that sits inside a free block without being its head. */
static void free_inside_free_block(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 4);
	free_pages(p, 4);
	p[5].order = 0;
	free_page(p + 5);
}

static void free_with_wrong_order(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 2);
	free_pages(p, 1);
}

/* The first page the array describes (min_pfn, 2 MiB with the host's
 * map, arch/host/platform.c): inside the "kernel image" range, so
 * reserved. */
static void free_reserved_page(void)
{
	free_page(pfn_to_page(min_pfn));
}

static void kfree_twice(void)
{
	void *a = kmalloc(100, GFP_KERNEL), *b = kmalloc(100, GFP_KERNEL);
	kfree(a);
	kfree(a);
	kfree(b);
}

static void kfree_middle_of_object(void)
{
	char *a = kmalloc(256, GFP_KERNEL);
	kfree(a + 8);
}

static void kfree_page_allocator_page(void)
{
	kfree(alloc_pages_va(GFP_KERNEL, 0));
}

static void free_pages_of_kmalloc_page(void)
{
	free_pages_va(kmalloc(8192, GFP_KERNEL), 1);
}

KTEST(page_alloc, death_double_free_is_caught)
{
	expect_panic_in_child(t, double_free_order0, "mm: double free of pfn");
	expect_panic_in_child(t, double_free_order3, "mm: double free of pfn");
	expect_panic_in_child(t, free_inside_free_block, "mm: double free of pfn");
}

KTEST(page_alloc, death_bad_free_is_caught)
{
	expect_panic_in_child(t, free_with_wrong_order, "allocated with order 2");
	expect_panic_in_child(t, free_reserved_page, "mm: free_pages of reserved pfn 0x200");
	expect_panic_in_child(t, free_pages_of_kmalloc_page, "which kmalloc owns");
}

KTEST(kmalloc, death_bad_kfree_is_caught)
{
	expect_panic_in_child(t, kfree_twice, "double free (128-byte object)");
	expect_panic_in_child(t, kfree_middle_of_object, "not the start of a 256-byte object");
	expect_panic_in_child(t, kfree_page_allocator_page, "not a kmalloc pointer");
}
