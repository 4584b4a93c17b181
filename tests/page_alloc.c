/*
 * page_alloc.*: the buddy allocator and its per-CPU lists, on the live
 * allocator. Every test measures nr_free_pages() after draining the per-CPU
 * lists, does its work, and checks that the count came back exactly and
 * that page_alloc_verify() finds the lists consistent.
 */
#include <asm/cpu.h>
#include "kernel/atomic.h"
#include "kernel/bootinfo.h"
#include "kernel/ktest.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "tests/test_kit.h"

#define NOFAIL (GFP_KERNEL | __GFP_NOWARN)

/* A chain of blocks threaded through their own first bytes: lets a test
 * hold every free page in the machine without memory of its own. */
struct chain_link {
	struct chain_link *next;
	unsigned order;
};

static void chain_push(struct chain_link **chain, struct page *page, unsigned order)
{
	struct chain_link *l = page_address(page);
	l->next = *chain;
	l->order = order;
	*chain = l;
}

static unsigned long chain_free(struct chain_link **chain)
{
	unsigned long n = 0;
	while (*chain) {
		struct chain_link *l = *chain;
		*chain = l->next;
		free_pages_va(l, l->order);
		n++;
	}
	return n;
}

KTEST(page_alloc, lists_consistent_after_boot)
{
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
	KT_EXPECT(t, nr_total_pages() > PAGE_ALLOC_MIN_PAGES);
	KT_EXPECT(t, nr_free_pages() <= nr_total_pages());
	KT_EXPECT_EQ(t, test_stat("mem_total_kib"), nr_total_pages() * (PAGE_SIZE / 1024));
	KT_EXPECT_EQ(t, test_stat("mem_free_kib"), nr_free_pages() * (PAGE_SIZE / 1024));
}

KTEST(page_alloc, every_order_restores_free_count)
{
	unsigned long base = test_drained_free_pages();
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		struct page *p = alloc_pages(NOFAIL, o);
		KT_ASSERT(t, p != NULL);
		KT_EXPECT_EQ(t, nr_free_pages(), base - (1ul << o));
		KT_EXPECT_EQ(t, p->order, o);
		KT_EXPECT_EQ(t, atomic_read(&p->refcount), 1);
		KT_EXPECT_EQ(t, p->flags, 0);
		free_pages(p, o);
		KT_EXPECT_EQ(t, nr_free_pages(), base);
	}
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
}

KTEST(page_alloc, blocks_are_naturally_aligned)
{
	struct page *held[MAX_ORDER][4];
	unsigned long base = test_drained_free_pages();

	for (unsigned o = 0; o < MAX_ORDER; o++)
		for (unsigned i = 0; i < 4; i++) {
			held[o][i] = alloc_pages(NOFAIL, o);
			KT_ASSERT(t, held[o][i] != NULL);
			KT_EXPECT_EQ(t, page_to_pfn(held[o][i]) & ((1ul << o) - 1), 0);
			KT_EXPECT_EQ(t, (unsigned long)page_to_phys(held[o][i]) % (PAGE_SIZE << o),
				     0);
		}
	for (unsigned o = 0; o < MAX_ORDER; o++)
		for (unsigned i = 0; i < 4; i++)
			free_pages(held[o][i], o);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
}

/*
 * Free all of an order-9 block but its first page: the buddy structure
 * leaves exactly one free block of each order 0..8 inside it (pages 1,
 * 2-3, 4-7, ..., 256-511). Freeing page 0 then merges all of them back
 * into one order-9 block.
 */
KTEST(page_alloc, split_and_merge_restores_order9)
{
	unsigned long before[MAX_ORDER], base = test_drained_free_pages();
	struct page *block = alloc_pages(NOFAIL, MAX_ORDER - 1);
	KT_ASSERT(t, block != NULL);
	for (unsigned o = 0; o < MAX_ORDER; o++)
		before[o] = page_alloc_nr_free_order(o);

	split_page(block, MAX_ORDER - 1);
	for (unsigned i = 1; i < (1u << (MAX_ORDER - 1)); i++)
		free_page(block + i);
	page_alloc_drain_all();
	for (unsigned o = 0; o < MAX_ORDER - 1; o++) {
		KT_EXPECT_EQ(t, page_alloc_nr_free_order(o), before[o] + 1);
		struct page *head = block + (1u << o);
		KT_EXPECT_EQ(t, head->flags, PG_buddy);
		KT_EXPECT_EQ(t, head->order, o);
	}
	KT_EXPECT_EQ(t, page_alloc_nr_free_order(MAX_ORDER - 1), before[MAX_ORDER - 1]);

	free_page(block);
	page_alloc_drain_all();
	KT_EXPECT_EQ(t, block->flags, PG_buddy);
	KT_EXPECT_EQ(t, block->order, MAX_ORDER - 1);
	for (unsigned o = 0; o < MAX_ORDER - 1; o++)
		KT_EXPECT_EQ(t, page_alloc_nr_free_order(o), before[o]);
	KT_EXPECT_EQ(t, page_alloc_nr_free_order(MAX_ORDER - 1), before[MAX_ORDER - 1] + 1);
	KT_EXPECT_EQ(t, nr_free_pages(), base);
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
}

/*
 * Take every page: GFP_KERNEL must stop exactly at the min watermark and
 * count its failures; GFP_ATOMIC may then go on into half of the reserve.
 * Then give everything back and find the allocator as it was.
 */
KTEST(page_alloc, exhaustion_stops_at_min_and_recovers)
{
	const struct watermarks *wm = page_alloc_watermarks();
	unsigned long base = test_drained_free_pages();
	u64 failures = test_stat("page_alloc_failures");
	struct chain_link *chain = NULL;
	struct page *p;

	for (unsigned o = MAX_ORDER; o-- > 0;)
		while ((p = alloc_pages(NOFAIL, o)))
			chain_push(&chain, p, o);
	KT_EXPECT_EQ(t, nr_free_pages(), wm->min);
	KT_EXPECT(t, alloc_pages(NOFAIL, 0) == NULL);
	KT_EXPECT(t, test_stat("page_alloc_failures") >= failures + MAX_ORDER + 1);

	unsigned long atomic_pages = 0;
	while ((p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0))) {
		chain_push(&chain, p, 0);
		atomic_pages++;
	}
	KT_EXPECT_EQ(t, atomic_pages, wm->min / 2);
	KT_EXPECT_EQ(t, nr_free_pages(), wm->min - wm->min / 2);
	KT_EXPECT(t, alloc_pages(NOFAIL, 0) == NULL);

	chain_free(&chain);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
	p = alloc_pages(NOFAIL, MAX_ORDER - 1);
	KT_EXPECT(t, p != NULL);
	if (p)
		free_pages(p, MAX_ORDER - 1);
}

KTEST(page_alloc, order_too_large_fails_and_counts)
{
	unsigned long base = test_drained_free_pages();
	u64 failures = test_stat("page_alloc_failures");
	KT_EXPECT(t, alloc_pages(NOFAIL, MAX_ORDER) == NULL);
	KT_EXPECT(t, alloc_pages(NOFAIL, 40) == NULL);
	KT_EXPECT_EQ(t, test_stat("page_alloc_failures"), failures + 2);
	KT_EXPECT_EQ(t, nr_free_pages(), base);
}

KTEST(page_alloc, pcp_refill_takes_one_batch)
{
	struct pcp_limits lim = page_alloc_pcp_limits();
	unsigned long flags = arch_irq_save(); /* stay on this CPU */
	unsigned cpu = arch_cpu_id();
	unsigned long base = test_drained_free_pages();
	u64 refills = test_stat("pcp_refills");

	KT_EXPECT_EQ(t, page_alloc_pcp_count(cpu), 0);
	struct page *p = alloc_page(NOFAIL);
	KT_EXPECT(t, p != NULL);
	KT_EXPECT_EQ(t, page_alloc_pcp_count(cpu), lim.batch - 1);
	KT_EXPECT_EQ(t, test_stat("pcp_refills"), refills + 1);
	KT_EXPECT_EQ(t, nr_free_pages(), base - 1);
	if (p)
		free_page(p);
	KT_EXPECT_EQ(t, page_alloc_pcp_count(cpu), lim.batch);
	KT_EXPECT_EQ(t, nr_free_pages(), base);
	page_alloc_drain_all();
	for (unsigned c = 0; c < NR_CPUS_MAX; c++)
		KT_EXPECT_EQ(t, page_alloc_pcp_count(c), 0);
	KT_EXPECT_EQ(t, nr_free_pages(), base);
	arch_irq_restore(flags);
}

KTEST(page_alloc, pcp_list_never_exceeds_high)
{
	struct pcp_limits lim = page_alloc_pcp_limits();
	unsigned long flags = arch_irq_save();
	unsigned cpu = arch_cpu_id();
	unsigned long base = test_drained_free_pages();
	u64 drains = test_stat("pcp_drains");
	struct chain_link *chain = NULL;
	unsigned long n = 2 * lim.high + lim.batch;

	KT_EXPECT(t, lim.batch >= 1 && lim.high > lim.batch);
	for (unsigned long i = 0; i < n; i++) {
		struct page *p = alloc_page(NOFAIL);
		KT_ASSERT(t, p != NULL);
		chain_push(&chain, p, 0);
	}
	bool bounded = true;
	while (chain) {
		struct chain_link *l = chain;
		chain = l->next;
		free_pages_va(l, 0);
		bounded &= page_alloc_pcp_count(cpu) <= lim.high;
	}
	KT_EXPECT(t, bounded);
	KT_EXPECT(t, page_alloc_pcp_count(cpu) > 0);
	KT_EXPECT(t, test_stat("pcp_drains") > drains);
	KT_EXPECT_EQ(t, nr_free_pages(), base);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
	KT_EXPECT_EQ(t, page_alloc_pcp_count(cpu), 0);
	arch_irq_restore(flags);
}

static u64 pattern_word(unsigned long block, unsigned long word)
{
	return 0x9e3779b97f4a7c15ull * (block + 1) ^ word;
}

#define PATTERN_BLOCKS 128

/* Fill many blocks of mixed orders with patterns unique to each block and
 * word; any overlap between two allocations shows up as a wrong word. */
KTEST(page_alloc, allocations_never_overlap)
{
	static struct page *blocks[PATTERN_BLOCKS];
	static unsigned orders[PATTERN_BLOCKS];
	unsigned long base = test_drained_free_pages();
	u64 seed = 0x1234567;

	for (unsigned b = 0; b < PATTERN_BLOCKS; b++) {
		orders[b] = (unsigned)(test_rand(&seed) % 5);
		blocks[b] = alloc_pages(NOFAIL, orders[b]);
		KT_ASSERT(t, blocks[b] != NULL);
		u64 *w = page_address(blocks[b]);
		for (unsigned long i = 0; i < (PAGE_SIZE << orders[b]) / 8; i++)
			w[i] = pattern_word(b, i);
	}
	unsigned long bad = 0;
	for (unsigned b = 0; b < PATTERN_BLOCKS; b++) {
		u64 *w = page_address(blocks[b]);
		for (unsigned long i = 0; i < (PAGE_SIZE << orders[b]) / 8; i++)
			bad += w[i] != pattern_word(b, i);
		free_pages(blocks[b], orders[b]);
	}
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
}

static bool all_zero(const void *p, size_t len)
{
	const u64 *w = p;
	for (size_t i = 0; i < len / 8; i++)
		if (w[i])
			return false;
	return true;
}

KTEST(page_alloc, gfp_zero_clears_recycled_pages)
{
	for (unsigned o = 0; o < 4; o += 3) {
		for (unsigned round = 0; round < 4; round++) {
			void *va = alloc_pages_va(NOFAIL, o);
			KT_ASSERT(t, va != NULL);
			memset(va, 0xa5, PAGE_SIZE << o);
			free_pages_va(va, o);
			va = alloc_pages_va(NOFAIL | __GFP_ZERO, o);
			KT_ASSERT(t, va != NULL);
			KT_EXPECT(t, all_zero(va, PAGE_SIZE << o));
			free_pages_va(va, o);
		}
	}
}

KTEST(page_alloc, pfn_page_and_address_round_trip)
{
	unsigned long base = test_drained_free_pages();
	struct page *p = alloc_pages(NOFAIL, 2);
	KT_ASSERT(t, p != NULL);
	char *va = page_address(p);
	KT_EXPECT(t, pfn_to_page(page_to_pfn(p)) == p);
	KT_EXPECT(t, virt_to_page(va) == p);
	KT_EXPECT(t, virt_to_page(va + PAGE_SIZE - 1) == p);
	KT_EXPECT(t, virt_to_page(va + 3 * PAGE_SIZE) == p + 3);
	KT_EXPECT_EQ(t, virt_to_phys(va), page_to_phys(p));
	KT_EXPECT(t, pfn_valid(page_to_pfn(p)));
	free_pages(p, 2);
	void *v = alloc_pages_va(NOFAIL, 1);
	KT_ASSERT(t, v != NULL);
	KT_EXPECT_EQ(t, virt_to_page(v)->order, 1);
	free_pages_va(v, 1);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
}

/* Holes, firmware-reserved regions, bootinfo.reserved[] ranges and the
 * page array itself must all be PG_reserved: never handed out. */
KTEST(page_alloc, reserved_memory_is_never_managed)
{
	unsigned long bad = 0, checked = 0;
	const struct bootinfo *bi = &bootinfo;

	for (unsigned i = 0; i < bi->nr_reserved; i++) {
		pfn_t end = (bi->reserved[i].end + PAGE_SIZE - 1) >> PAGE_SHIFT;
		for (pfn_t pfn = bi->reserved[i].start >> PAGE_SHIFT; pfn < end && pfn < max_pfn;
		     pfn++)
			if (pfn_valid(pfn)) {
				bad += !page_is_reserved(pfn_to_page(pfn));
				checked++;
			}
	}
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		if (r->type == BOOT_MEM_USABLE || !r->len)
			continue;
		pfn_t end = (r->base + r->len + PAGE_SIZE - 1) >> PAGE_SHIFT;
		for (pfn_t pfn = r->base >> PAGE_SHIFT; pfn < end && pfn < max_pfn; pfn++)
			if (pfn_valid(pfn)) {
				bad += !page_is_reserved(pfn_to_page(pfn));
				checked++;
			}
	}
	char *map = (char *)(mem_map + min_pfn), *map_end = (char *)(mem_map + max_pfn);
	for (char *va = map; va < map_end; va += PAGE_SIZE, checked++)
		bad += !page_is_reserved(virt_to_page(va));
	KT_EXPECT(t, checked > 256);
	KT_EXPECT_EQ(t, bad, 0);
}

KTEST(page_alloc, watermarks_follow_the_documented_formula)
{
	const struct watermarks *wm = page_alloc_watermarks();
	struct watermarks w = page_alloc_compute_watermarks(nr_total_pages());
	KT_EXPECT_EQ(t, wm->min, w.min);
	KT_EXPECT_EQ(t, wm->low, w.low);
	KT_EXPECT_EQ(t, wm->high, w.high);
	KT_EXPECT(t, wm->min > 0 && wm->min < wm->low && wm->low < wm->high);
	KT_EXPECT(t, wm->high < nr_total_pages() / 2);

	w = page_alloc_compute_watermarks(131072); /* 512 MiB: sqrt(16 * 524288) KiB */
	KT_EXPECT_EQ(t, w.min, 724);
	KT_EXPECT_EQ(t, w.low, 724 + 181);
	KT_EXPECT_EQ(t, w.high, 724 + 2 * 181);
	w = page_alloc_compute_watermarks(256); /* 1 MiB: capped at an eighth */
	KT_EXPECT_EQ(t, w.min, 32);
	KT_EXPECT_EQ(t, w.low, 40);
	w = page_alloc_compute_watermarks(4194304); /* 16 GiB: 0.1% step wins */
	KT_EXPECT_EQ(t, w.min, 4096);
	KT_EXPECT_EQ(t, w.low, 4096 + 4194);
}

/*
 * Every online CPU at once: random orders (mostly small, sometimes 2 MiB),
 * each block stamped with a pattern at every 512 bytes and checked before
 * it is freed. Afterwards the per-order counters must match the lists and
 * every page must be back.
 */
#define STRESS_SLOTS 32
#define STRESS_ROUNDS 3000

struct stress_state {
	atomic_long_t bad;
	atomic_long_t failed;
};

static u64 stress_word(struct page *p, unsigned long i)
{
	return page_to_pfn(p) * 31 + i;
}

static void stress_fill(struct page *p, unsigned order, bool check, struct stress_state *st)
{
	u64 *w = page_address(p);
	for (unsigned long i = 0; i < (PAGE_SIZE << order) / 8; i += 64) {
		if (!check)
			w[i] = stress_word(p, i);
		else if (w[i] != stress_word(p, i))
			atomic_long_inc(&st->bad);
	}
}

static void stress_cpu(void *arg)
{
	struct stress_state *st = arg;
	struct page *slot[STRESS_SLOTS] = { 0 };
	unsigned order[STRESS_SLOTS];
	u64 seed = 0x243f6a8885a308d3ull ^ ((u64)arch_cpu_id() << 32);

	for (unsigned r = 0; r < STRESS_ROUNDS; r++) {
		unsigned s = (unsigned)(test_rand(&seed) % STRESS_SLOTS);
		if (slot[s]) {
			stress_fill(slot[s], order[s], true, st);
			free_pages(slot[s], order[s]);
			slot[s] = NULL;
			continue;
		}
		u64 x = test_rand(&seed);
		order[s] = (x & 63) == 0 ? MAX_ORDER - 1 : (unsigned)((x >> 8) % 4);
		slot[s] = alloc_pages(NOFAIL, order[s]);
		if (!slot[s]) {
			atomic_long_inc(&st->failed);
			continue;
		}
		stress_fill(slot[s], order[s], false, st);
	}
	for (unsigned s = 0; s < STRESS_SLOTS; s++)
		if (slot[s]) {
			stress_fill(slot[s], order[s], true, st);
			free_pages(slot[s], order[s]);
		}
}

KTEST(page_alloc, parallel_stress_all_cpus)
{
	struct stress_state st = { ATOMIC_INIT(0), ATOMIC_INIT(0) };
	unsigned long base = test_drained_free_pages();

	smp_call_on_cpus(cpu_online_mask, stress_cpu, &st);
	ktest_diag(t, "%u CPUs, %ld failed allocations", nr_cpus_online,
		   atomic_long_read(&st.failed));
	KT_EXPECT_EQ(t, atomic_long_read(&st.bad), 0);
	KT_EXPECT_EQ(t, nr_free_pages(), base);
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
}
