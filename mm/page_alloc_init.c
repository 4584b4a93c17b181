/*
 * Bringing the page allocator up from the boot memory map:
 *   1. reduce the map to usable ranges (mm/memmap.c);
 *   2. ask the arch to direct-map RAM up to the last usable byte, with
 *      page-table pages carved from those ranges;
 *   3. carve mem_map, one struct page per pfn from min_pfn (the first
 *      usable pfn, rounded down to a largest buddy block) to max_pfn,
 *      holes included;
 *   4. mark every page reserved, then free each usable range into the
 *      buddy lists as the largest aligned blocks that fit.
 * Nothing here is undone on failure: start_kernel powers off.
 */
#include "page_alloc_internal.h"
#include "folio.h"
#include "memmap.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static struct memmap boot_memmap; /* static: too big for the boot stack */

/* mem=SIZE: use at most SIZE bytes of RAM (Linux's mem=, as on arm64: an
 * amount, lowest addresses first, not an address limit). Lets a board
 * with little RAM keep most of it for a ramswap device and still run a
 * workload several times larger than the RAM the allocator manages. */
#define MEM_LIMIT_MIN (32ul << 20)
static u64 mem_limit; /* 0: all RAM */

static int mem_limit_parse(const char *val, size_t len)
{
	u64 v;
	if (str_parse_u64(val, len, &v, true) != 0) {
		pr_err("mm: mem=%.*s: expected a size such as 512M (K, M or G suffix)\n", (int)len,
		       val);
		return -EINVAL;
	}
	if (v < MEM_LIMIT_MIN) {
		pr_err("mm: mem=%.*s: at least %lu MiB are needed to boot\n", (int)len, val,
		       MEM_LIMIT_MIN >> 20);
		return -EINVAL;
	}
	mem_limit = v;
	return 0;
}
KPARAM_FN(mem, "mem", mem_limit_parse,
	  "use at most this much RAM (a size: 512M, 1G), lowest addresses first (Linux's mem=)");

/* The early allocator the arch uses for direct-map page tables. */
static void *early_table_page(void)
{
	phys_addr_t pa = memmap_early_alloc(&boot_memmap, PAGE_SIZE, arch_direct_map_end());
	if (!pa)
		return NULL;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return phys_to_virt(pa);
}

int page_alloc_place_mem_map(struct memmap *m, pfn_t npfn, phys_addr_t below, phys_addr_t *pa)
{
	size_t bytes = (size_t)npfn * sizeof(struct page);

	*pa = memmap_early_alloc(m, bytes, below);
	if (!*pa) {
		pr_err("mm: no room for the page array (%lu KiB for %lu pfns) in %lu KiB of "
		       "usable RAM; cannot continue\n",
		       (unsigned long)(bytes >> 10), (unsigned long)npfn,
		       memmap_nr_pages(m) * (PAGE_SIZE >> 10));
		return -ENOMEM;
	}
	if (memmap_nr_pages(m) < PAGE_ALLOC_MIN_PAGES) {
		pr_err("mm: only %lu pages left after the page array (%lu KiB); need at least "
		       "%u; cannot continue\n",
		       memmap_nr_pages(m), (unsigned long)(bytes >> 10), PAGE_ALLOC_MIN_PAGES);
		return -ENOMEM;
	}
	return 0;
}

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0;
	for (unsigned long bit = 1ul << 62; bit; bit >>= 2) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

/*
 * Linux's rule (mm/page_alloc.c, init_per_zone_wmark_min and
 * __setup_per_zone_wmarks): min_free_kbytes = sqrt(16 * managed KiB),
 * clamped to [128 KiB, 64 MiB], so the reserve grows with the square root
 * of memory (512 MiB -> 2.8 MiB, 16 GiB -> 16 MiB). We also cap it at an
 * eighth of memory so tiny test machines keep most of their RAM. Then
 * low = min + step and high = min + 2 * step, with step the larger of
 * min/4 and 0.1% of memory (watermark_scale_factor = 10).
 */
struct watermarks page_alloc_compute_watermarks(unsigned long managed)
{
	unsigned long kib_per_page = PAGE_SIZE / 1024;
	unsigned long min_kib = int_sqrt(managed * kib_per_page * 16);
	min_kib = MAX(min_kib, 128ul);
	min_kib = MIN(min_kib, 65536ul);
	unsigned long min = MIN(min_kib / kib_per_page, managed / 8);
	unsigned long step = MAX(min / 4, managed / 1000);
	return (struct watermarks){ min, min + step, min + 2 * step };
}

static unsigned block_order(pfn_t pfn, pfn_t end)
{
	unsigned order = 0;
	while (order + 1 < MAX_ORDER && !(pfn & ((1ul << (order + 1)) - 1)) &&
	       pfn + (1ul << (order + 1)) <= end)
		order++;
	return order;
}

static unsigned long free_range(pfn_t start, pfn_t end)
{
	for (pfn_t pfn = start; pfn < end; pfn++)
		mem_map[pfn].flags = 0;
	for (pfn_t pfn = start; pfn < end;) {
		unsigned order = block_order(pfn, end);
		arch_page_poison(page_address(&mem_map[pfn]), PAGE_SIZE << order);
		buddy_give(pfn, order);
		pfn += 1ul << order;
	}
	return end - start;
}

static void zone_init(void)
{
	spin_lock_init(&zone.lock, "zone");
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		list_init(&zone.free_area[o].free_list);
		zone.free_area[o].nr_free = 0;
	}
}

/* The array at pa describes pfns first..end-1 (mm/page.h: mem_map is
 * offset by first, so mem_map[pfn] stays pfn's page). */
static void mem_map_init(phys_addr_t pa, pfn_t first, pfn_t end)
{
	struct page *array = phys_to_virt(pa);
	mem_map = array - first;
	min_pfn = first;
	max_pfn = end;
	memset(array, 0, (end - first) * sizeof(struct page));
	for (pfn_t pfn = first; pfn < end; pfn++) {
		mem_map[pfn].flags = PG_reserved;
		list_init(&mem_map[pfn].lru);
	}
}

int page_alloc_init(const struct bootinfo *bi)
{
	struct memmap *m = &boot_memmap;
	phys_addr_t map_pa;
	int err;

	ASSERT(!mem_map);
	err = memmap_build(m, bi, ARCH_DIRECT_MAP_LIMIT);
	if (err)
		return err;
	if (mem_limit) {
		phys_addr_t dropped = memmap_limit(m, mem_limit);
		pr_info("mm: mem=%luM: %lu MiB of usable RAM left out\n",
			(unsigned long)(mem_limit >> 20), (unsigned long)(dropped >> 20));
	}
	pfn_t npfn = memmap_end_pfn(m);
	err = arch_direct_map_extend((phys_addr_t)npfn << PAGE_SHIFT, early_table_page);
	if (err) {
		pr_err("mm: cannot direct-map RAM up to %#lx (error %d); cannot continue\n",
		       (unsigned long)npfn << PAGE_SHIFT, err);
		return -ENOMEM;
	}
	/* Largest-block aligned, so a buddy is never below the array. */
	pfn_t first = ALIGN_DOWN(m->range[0].start >> PAGE_SHIFT, (pfn_t)1 << (MAX_ORDER - 1));
	err = page_alloc_place_mem_map(m, npfn - first, arch_direct_map_end(), &map_pa);
	if (err)
		return err;
	mem_map_init(map_pa, first, npfn);
	zone_init();
	folio_wait_table_init();

	unsigned long managed = 0;
	unsigned long flags = spin_lock_irqsave(&zone.lock);
	for (unsigned i = 0; i < m->nr; i++)
		managed +=
			free_range(m->range[i].start >> PAGE_SHIFT, m->range[i].end >> PAGE_SHIFT);
	spin_unlock_irqrestore(&zone.lock, flags);

	zone.managed_pages = managed;
	zone.wm = page_alloc_compute_watermarks(managed);
	pcp_init(managed);
	atomic_long_set(&zone.free_pages, (long)managed);
	pr_info("mm: %lu MiB in %u ranges, pfns %#lx-%#lx; page array %lu KiB at %#lx\n",
		managed >> (20 - PAGE_SHIFT), m->nr, (unsigned long)first, (unsigned long)npfn - 1,
		(unsigned long)((npfn - first) * sizeof(struct page)) >> 10, (unsigned long)map_pa);
	return 0;
}
