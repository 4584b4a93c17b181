/*
 * From the loader's memory map to usable ranges. Firmware maps are messy:
 * entries come unsorted, overlap, have zero length, and the same bytes can
 * be listed as usable and as reserved. We follow Linux's e820 rule: where
 * types disagree the more restrictive wins, so every non-usable region is
 * punched out of the usable ones just like bootinfo.reserved[].
 */
#include <asm/page.h>
#include "memmap.h"
#include "kernel/errno.h"
#include "kernel/printk.h"

static void range_insert(struct memmap *m, unsigned at, phys_addr_t start, phys_addr_t end)
{
	if (m->nr == MEMMAP_MAX_RANGES) {
		pr_warn("mm: memory map has more than %u ranges; dropping %#lx-%#lx\n",
			MEMMAP_MAX_RANGES, (unsigned long)start, (unsigned long)end);
		return;
	}
	for (unsigned i = m->nr; i > at; i--)
		m->range[i] = m->range[i - 1];
	m->range[at] = (struct phys_range){ start, end };
	m->nr++;
}

static void range_remove(struct memmap *m, unsigned at)
{
	for (unsigned i = at; i + 1 < m->nr; i++)
		m->range[i] = m->range[i + 1];
	m->nr--;
}

/* Add [start, end) keeping the list sorted and disjoint: overlapping and
 * touching ranges merge into one. */
static void memmap_add(struct memmap *m, phys_addr_t start, phys_addr_t end)
{
	unsigned i = 0;

	if (start >= end)
		return;
	while (i < m->nr && m->range[i].end < start)
		i++;
	if (i == m->nr || m->range[i].start > end) {
		range_insert(m, i, start, end);
		return;
	}
	if (start < m->range[i].start)
		m->range[i].start = start;
	if (end > m->range[i].end)
		m->range[i].end = end;
	while (i + 1 < m->nr && m->range[i + 1].start <= m->range[i].end) {
		if (m->range[i + 1].end > m->range[i].end)
			m->range[i].end = m->range[i + 1].end;
		range_remove(m, i + 1);
	}
}

/* Remove [start, end), splitting a range that contains it. */
static void memmap_punch(struct memmap *m, phys_addr_t start, phys_addr_t end)
{
	if (start >= end)
		return;
	for (unsigned i = 0; i < m->nr;) {
		struct phys_range *r = &m->range[i];
		if (r->end <= start || r->start >= end) {
			i++;
		} else if (r->start >= start && r->end <= end) {
			range_remove(m, i);
		} else if (r->start < start && r->end > end) {
			phys_addr_t tail = r->end;
			r->end = start;
			range_insert(m, i + 1, end, tail);
			i += 2;
		} else if (r->start < start) {
			r->end = start;
			i++;
		} else {
			r->start = end;
			i++;
		}
	}
}

/* Shrink every range to whole pages; the allocator only deals in pages. */
static void memmap_page_align(struct memmap *m)
{
	for (unsigned i = 0; i < m->nr;) {
		struct phys_range *r = &m->range[i];
		r->start = ALIGN_UP(r->start, (phys_addr_t)PAGE_SIZE);
		r->end = ALIGN_DOWN(r->end, (phys_addr_t)PAGE_SIZE);
		if (r->start >= r->end)
			range_remove(m, i);
		else
			i++;
	}
}

/* base + len without wrapping past the top of the address space. */
static phys_addr_t region_end(const struct boot_mem_region *r)
{
	return r->len > ~(phys_addr_t)0 - r->base ? ~(phys_addr_t)0 : r->base + r->len;
}

int memmap_build(struct memmap *m, const struct bootinfo *bi, phys_addr_t limit)
{
	phys_addr_t dropped = 0;

	m->nr = 0;
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		phys_addr_t end = region_end(r);
		if (r->type != BOOT_MEM_USABLE || r->len == 0)
			continue;
		if (end > limit) {
			dropped += end - MAX(r->base, limit);
			end = limit;
		}
		memmap_add(m, r->base, end);
	}
	for (unsigned i = 0; i < bi->nr_mem; i++)
		if (bi->mem[i].type != BOOT_MEM_USABLE)
			memmap_punch(m, bi->mem[i].base, region_end(&bi->mem[i]));
	for (unsigned i = 0; i < bi->nr_reserved; i++)
		memmap_punch(m, bi->reserved[i].start, bi->reserved[i].end);
	memmap_page_align(m);
	if (dropped)
		pr_warn("mm: ignoring %lu MiB of RAM above %lu GiB (the direct map's limit)\n",
			(unsigned long)(dropped >> 20), (unsigned long)(limit >> 30));
	if (m->nr == 0 || m->range[m->nr - 1].end <= MEMMAP_LOW_LIMIT) {
		pr_err("mm: no usable RAM above 1 MiB in the boot memory map (%u regions, "
		       "%u reserved ranges); cannot continue\n",
		       bi->nr_mem, bi->nr_reserved);
		return -ENOMEM;
	}
	return 0;
}

phys_addr_t memmap_limit(struct memmap *m, phys_addr_t bytes)
{
	phys_addr_t left = ALIGN_DOWN(bytes, (phys_addr_t)PAGE_SIZE), dropped = 0;
	unsigned keep = 0;

	for (unsigned i = 0; i < m->nr; i++) {
		struct phys_range *r = &m->range[i];
		phys_addr_t len = r->end - r->start;
		if (len > left) {
			dropped += len - left;
			r->end = r->start + left;
			len = left;
		}
		left -= len;
		if (len)
			m->range[keep++] = *r;
	}
	m->nr = keep;
	return dropped;
}

phys_addr_t memmap_early_alloc(struct memmap *m, size_t bytes, phys_addr_t below)
{
	phys_addr_t size = ALIGN_UP((phys_addr_t)bytes, (phys_addr_t)PAGE_SIZE);

	if (size == 0)
		return 0;
	for (unsigned i = 0; i < m->nr; i++) {
		struct phys_range *r = &m->range[i];
		/* Low memory is scarce and special (real-mode trampolines, ISA
		 * DMA); it also keeps address 0, our failure value, out. */
		phys_addr_t start = MAX(r->start, (phys_addr_t)MEMMAP_LOW_LIMIT);
		if (start >= r->end || r->end - start < size || start + size > below)
			continue;
		memmap_punch(m, start, start + size);
		return start;
	}
	return 0;
}

unsigned long memmap_nr_pages(const struct memmap *m)
{
	unsigned long n = 0;
	for (unsigned i = 0; i < m->nr; i++)
		n += (m->range[i].end - m->range[i].start) >> PAGE_SHIFT;
	return n;
}

pfn_t memmap_end_pfn(const struct memmap *m)
{
	return m->nr ? m->range[m->nr - 1].end >> PAGE_SHIFT : 0;
}
