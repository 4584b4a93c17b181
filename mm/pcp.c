/*
 * Per-CPU lists of free order-0 pages, in front of the buddy lists: most
 * allocations and frees are single pages, and serving them from a list
 * only this CPU uses keeps them off the zone lock. A list is refilled with
 * a batch of pages when empty and gives the coldest batch back when it
 * grows past its high mark (Linux's per_cpu_pages, pcp->batch/pcp->high).
 *
 * Each list has its own spinlock, taken with irqsave (so the CPU cannot
 * change under us either). Its owner is almost the only user; the lock
 * exists so that page_alloc_drain_all() can empty another CPU's list
 * without an IPI.
 */
#include "page_alloc_internal.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/stats.h"

struct per_cpu_pages {
	spinlock_t lock;
	struct list_head list; /* lock; hottest page first */
	unsigned count;	       /* lock */
};

static DEFINE_PER_CPU(struct per_cpu_pages, pcp);
static unsigned pcp_batch = 1, pcp_high = 6; /* set at init */

DEFINE_STAT_COUNTER(pcp_refills);
DEFINE_STAT_COUNTER(pcp_drains);

/*
 * Linux sizes the batch at about a quarter of a thousandth of the zone
 * per CPU, at most 63 pages; high is six batches. Our zones are small,
 * so: batch = managed / 4096 clamped to [1, 31], high = 6 * batch.
 */
void pcp_init(unsigned long managed_pages)
{
	pcp_batch = (unsigned)MIN(MAX(managed_pages / 4096, 1ul), 31ul);
	pcp_high = 6 * pcp_batch;
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		struct per_cpu_pages *p = &per_cpu(pcp, cpu);
		spin_lock_init(&p->lock, "pcp");
		list_init(&p->list);
		p->count = 0;
	}
}

static void pcp_refill(struct per_cpu_pages *p)
{
	spin_lock(&zone.lock);
	for (unsigned i = 0; i < pcp_batch; i++) {
		struct page *page = buddy_take(0);
		if (!page)
			break;
		page_flags_store(page, PG_pcp);
		list_add_tail(&page->lru, &p->list);
		p->count++;
	}
	spin_unlock(&zone.lock);
	stat_inc(pcp_refills);
}

/* Give the n coldest pages back to the buddy lists. */
static void pcp_drain_locked(struct per_cpu_pages *p, unsigned n)
{
	spin_lock(&zone.lock);
	while (n-- && p->count) {
		struct page *page = list_entry(p->list.prev, struct page, lru);
		list_del(&page->lru);
		p->count--;
		page_flags_store(page, 0);
		buddy_give(page_to_pfn(page), 0);
	}
	spin_unlock(&zone.lock);
	stat_inc(pcp_drains);
}

struct page *pcp_alloc(void)
{
	unsigned long flags = arch_irq_save();
	struct per_cpu_pages *p = &this_cpu(pcp);
	struct page *page = NULL;

	spin_lock(&p->lock);
	if (!p->count)
		pcp_refill(p);
	if (p->count) {
		page = list_first_entry(&p->list, struct page, lru);
		list_del(&page->lru);
		p->count--;
		page_flags_store(page, 0);
	}
	spin_unlock(&p->lock);
	arch_irq_restore(flags);
	return page;
}

void pcp_free(struct page *page)
{
	unsigned long flags = arch_irq_save();
	struct per_cpu_pages *p = &this_cpu(pcp);

	spin_lock(&p->lock);
	page_flags_store(page, PG_pcp);
	list_add(&page->lru, &p->list);
	p->count++;
	if (p->count > pcp_high)
		pcp_drain_locked(p, pcp_batch);
	spin_unlock(&p->lock);
	arch_irq_restore(flags);
}

void page_alloc_drain_all(void)
{
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		struct per_cpu_pages *p = &per_cpu(pcp, cpu);
		unsigned long flags = spin_lock_irqsave(&p->lock);
		if (p->count)
			pcp_drain_locked(p, p->count);
		spin_unlock_irqrestore(&p->lock, flags);
	}
}

unsigned page_alloc_pcp_count(unsigned cpu)
{
	return cpu < NR_CPUS_MAX ? READ_ONCE(per_cpu(pcp, cpu).count) : 0;
}

struct pcp_limits page_alloc_pcp_limits(void)
{
	return (struct pcp_limits){ pcp_batch, pcp_high };
}

unsigned long pcp_lock_all(void)
{
	unsigned long flags = arch_irq_save();
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		spin_lock(&per_cpu(pcp, cpu).lock);
	return flags;
}

void pcp_unlock_all(unsigned long flags)
{
	for (unsigned cpu = NR_CPUS_MAX; cpu-- > 0;)
		spin_unlock(&per_cpu(pcp, cpu).lock);
	arch_irq_restore(flags);
}

int pcp_verify_locked(unsigned cpu, unsigned long *pages)
{
	struct per_cpu_pages *p = &per_cpu(pcp, cpu);
	unsigned long n = 0;
	int bad = 0;
	struct page *page;

	list_for_each_entry (page, &p->list, lru) {
		if (page_flags(page) != PG_pcp) {
			pr_err("mm: verify: pfn %#lx on cpu%u's list has flags %#lx\n",
			       (unsigned long)page_to_pfn(page), cpu, page_flags(page));
			bad++;
		}
		n++;
	}
	if (n != p->count) {
		pr_err("mm: verify: cpu%u's list has %lu pages, count says %u\n", cpu, n, p->count);
		bad++;
	}
	*pages = n;
	return bad;
}
