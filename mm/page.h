/*
 * struct page: one per physical page frame, in one array (mem_map) indexed
 * by pfn. The allocator owns the fields while a page is free; the folio
 * layer (mm issue) adds its own meaning while it is allocated.
 * (Placeholder layout: the allocator implementation fills this in.)
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <asm/page.h>
#include "kernel/atomic.h"
#include "kernel/list.h"
#include "kernel/types.h"

struct page;

struct page *pfn_to_page(pfn_t pfn);
pfn_t page_to_pfn(const struct page *page);
void *page_address(const struct page *page);
struct page *virt_to_page(const void *va);

#endif
