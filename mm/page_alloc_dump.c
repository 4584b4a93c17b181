/*
 * Looking inside the allocator: page_alloc_dump() for people (boot log,
 * debugging), page_alloc_verify() for tests, which walks every list and
 * checks it against the counters the fast paths maintain.
 */
#include "page_alloc_internal.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

void page_alloc_dump(void)
{
	char buf[256];
	int n = 0;
	unsigned long buddy = 0;

	for (unsigned o = 0; o < MAX_ORDER; o++) {
		unsigned long nr = page_alloc_nr_free_order(o);
		buddy += nr << o;
		n += snprintk(buf + n, sizeof(buf) - (size_t)n, " %u:%lu", o, nr);
	}
	pr_info("mm: free blocks per order:%s (%lu pages)\n", buf, buddy);
	n = 0;
	unsigned cpu;
	for_each_online_cpu (cpu)
		n += snprintk(buf + n, sizeof(buf) - (size_t)n, " cpu%u:%u", cpu,
			      page_alloc_pcp_count(cpu));
	struct pcp_limits lim = page_alloc_pcp_limits();
	pr_info("mm: per-CPU lists:%s (batch %u, high %u)\n", buf, lim.batch, lim.high);
	pr_info("mm: watermarks min %lu low %lu high %lu pages; %lu of %lu pages free\n",
		zone.wm.min, zone.wm.low, zone.wm.high, nr_free_pages(), nr_total_pages());
}

static int verify_free_area(unsigned order, unsigned long *pages)
{
	struct free_area *area = &zone.free_area[order];
	unsigned long n = 0;
	int bad = 0;
	struct page *page;

	list_for_each_entry (page, &area->free_list, lru) {
		pfn_t pfn = page_to_pfn(page);
		if (page_flags(page) != PG_buddy || page_order(page) != order ||
		    (pfn & ((1ul << order) - 1)) || !pfn_valid(pfn) ||
		    pfn + (1ul << order) > max_pfn) {
			pr_err("mm: verify: pfn %#lx on the order-%u list: flags %#lx order %u\n",
			       (unsigned long)pfn, order, page_flags(page), page_order(page));
			bad++;
		}
		n++;
	}
	if (n != area->nr_free) {
		pr_err("mm: verify: order-%u list has %lu blocks, nr_free says %lu\n", order, n,
		       area->nr_free);
		bad++;
	}
	*pages += n << order;
	return bad;
}

int page_alloc_verify(void)
{
	unsigned long pages = 0, n;
	int bad = 0;

	unsigned long flags = pcp_lock_all();
	spin_lock(&zone.lock);
	for (unsigned o = 0; o < MAX_ORDER; o++)
		bad += verify_free_area(o, &pages);
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		bad += pcp_verify_locked(cpu, &n);
		pages += n;
	}
	if (pages != nr_free_pages()) {
		pr_err("mm: verify: %lu pages on the lists, nr_free_pages() says %lu\n", pages,
		       nr_free_pages());
		bad++;
	}
	spin_unlock(&zone.lock);
	pcp_unlock_all(flags);
	return bad;
}
