/*
 * kmalloc.*: size classes, alignment, zeroing, whole-page sizes, that
 * freed memory goes back to the page allocator, and parallel use.
 */
#include <asm/cpu.h>
#include "kernel/atomic.h"
#include "kernel/ktest.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"
#include "tests/test_kit.h"

#define NOFAIL (GFP_KERNEL | __GFP_NOWARN)

static size_t class_of(size_t size)
{
	size_t c = 16;
	while (c < size)
		c <<= 1;
	return c;
}

KTEST(kmalloc, every_size_class_is_aligned_and_usable)
{
	static const size_t sizes[] = { 1,   15,  16,  17,  31,	  32,	33,   64,   100, 128,
					200, 256, 300, 512, 1000, 1024, 1500, 2047, 2048 };
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = kmalloc(sizes[i], NOFAIL);
		KT_ASSERT(t, p != NULL);
		KT_EXPECT_EQ(t, (unsigned long)p % class_of(sizes[i]), 0);
		struct page *page = virt_to_page(p);
		KT_EXPECT(t, page->flags & PG_slab);
		KT_EXPECT_EQ(t, 16u << page->slab_class, class_of(sizes[i]));
		memset(p, 0xab, sizes[i]);
		KT_EXPECT_EQ(t, p[sizes[i] - 1], 0xab);
		kfree(p);
	}
}

KTEST(kmalloc, kzalloc_returns_zeroed_memory)
{
	for (size_t size = 16; size <= 8192; size *= 2) {
		unsigned char *p = kmalloc(size, NOFAIL);
		KT_ASSERT(t, p != NULL);
		memset(p, 0xff, size);
		kfree(p);
		p = kzalloc(size, NOFAIL);
		KT_ASSERT(t, p != NULL);
		size_t nonzero = 0;
		for (size_t i = 0; i < size; i++)
			nonzero += p[i] != 0;
		KT_EXPECT_EQ(t, nonzero, 0);
		kfree(p);
	}
}

#define MANY 2000

/* Objects of random sizes filled with their own index: any two that
 * overlapped would show the other's bytes. */
KTEST(kmalloc, many_objects_never_overlap)
{
	static unsigned char *obj[MANY];
	static u16 len[MANY];
	unsigned long base = test_drained_free_pages();
	u64 seed = 42;

	for (unsigned i = 0; i < MANY; i++) {
		len[i] = (u16)(1 + test_rand(&seed) % 2048);
		obj[i] = kmalloc(len[i], NOFAIL);
		KT_ASSERT(t, obj[i] != NULL);
		memset(obj[i], (int)(i & 0xff), len[i]);
	}
	unsigned long bad = 0;
	for (unsigned i = 0; i < MANY; i++)
		for (unsigned j = 0; j < len[i]; j++)
			bad += obj[i][j] != (i & 0xff);
	KT_EXPECT_EQ(t, bad, 0);
	for (unsigned i = 0; i < MANY; i++) {
		unsigned k = (unsigned)((i * 7919u) % MANY); /* free in a scattered order */
		kfree(obj[k]);
		obj[k] = NULL;
	}
	for (unsigned i = 0; i < MANY; i++)
		kfree(obj[i]); /* the ones the scatter missed; NULL is a no-op */
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
}

KTEST(kmalloc, big_sizes_take_whole_pages)
{
	static const struct {
		size_t size;
		unsigned order;
	} cases[] = {
		{ 2049, 0 },  { 4096, 0 },	{ 4097, 1 },	  { 65536, 4 },
		{ 65537, 5 }, { 1ul << 20, 8 }, { 2ul << 20, 9 },
	};
	unsigned long base = test_drained_free_pages();

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		void *p = kmalloc(cases[i].size, NOFAIL);
		KT_ASSERT(t, p != NULL);
		KT_EXPECT_EQ(t, (unsigned long)p % PAGE_SIZE, 0);
		struct page *page = virt_to_page(p);
		KT_EXPECT(t, page->flags & PG_kmalloc_large);
		KT_EXPECT_EQ(t, page->order, cases[i].order);
		KT_EXPECT_EQ(t, nr_free_pages(), base - (1ul << cases[i].order));
		memset(p, 0x5a, cases[i].size);
		kfree(p);
		KT_EXPECT_EQ(t, nr_free_pages(), base);
	}
}

KTEST(kmalloc, too_big_fails_cleanly)
{
	unsigned long base = test_drained_free_pages();
	KT_EXPECT(t, kmalloc((2ul << 20) + 1, NOFAIL) == NULL);
	KT_EXPECT(t, kmalloc(~(size_t)0, NOFAIL) == NULL);
	KT_EXPECT(t, kzalloc(1ul << 40, NOFAIL) == NULL);
	KT_EXPECT_EQ(t, nr_free_pages(), base);
}

KTEST(kmalloc, zero_size_and_null_free)
{
	kfree(NULL);
	unsigned char *p = kmalloc(0, NOFAIL);
	KT_ASSERT(t, p != NULL);
	KT_EXPECT_EQ(t, (unsigned long)p % 16, 0);
	KT_EXPECT(t, virt_to_page(p)->flags & PG_slab);
	kfree(p);
}

/* Slab pages return to the page allocator once their last object is
 * freed, so a burst of small allocations leaves nothing behind. */
KTEST(kmalloc, empty_slab_pages_go_back)
{
	static void *obj[1024];
	unsigned long base = test_drained_free_pages();

	for (unsigned i = 0; i < ARRAY_SIZE(obj); i++) {
		obj[i] = kmalloc(64, NOFAIL);
		KT_ASSERT(t, obj[i] != NULL);
	}
	/* 1024 objects of 64 bytes need at least 16 pages. */
	KT_EXPECT(t, base - nr_free_pages() >= 1024 * 64 / PAGE_SIZE);
	struct page *page = virt_to_page(obj[ARRAY_SIZE(obj) - 1]);
	for (unsigned i = 0; i < ARRAY_SIZE(obj); i++)
		kfree(obj[i]);
	KT_EXPECT(t, !(page->flags & PG_slab));
	KT_EXPECT_EQ(t, nr_free_pages(), base);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
}

#define PAR_SLOTS 64
#define PAR_ROUNDS 4000

static void kmalloc_stress_cpu(void *arg)
{
	atomic_long_t *bad = arg;
	unsigned char *slot[PAR_SLOTS] = { 0 };
	u16 len[PAR_SLOTS];
	unsigned cpu = arch_cpu_id();
	u64 seed = 0x9e3779b97f4a7c15ull + cpu;

	for (unsigned r = 0; r < PAR_ROUNDS; r++) {
		unsigned s = (unsigned)(test_rand(&seed) % PAR_SLOTS);
		unsigned char mark = (unsigned char)(cpu * PAR_SLOTS + s);
		if (slot[s]) {
			for (unsigned i = 0; i < len[s]; i++)
				if (slot[s][i] != mark)
					atomic_long_inc(bad);
			kfree(slot[s]);
			slot[s] = NULL;
			continue;
		}
		u64 x = test_rand(&seed);
		len[s] = (u16)((x & 15) == 0 ? 2049 + x % 8000 : 1 + x % 2048);
		slot[s] = kmalloc(len[s], NOFAIL);
		if (slot[s])
			memset(slot[s], mark, len[s]);
	}
	for (unsigned s = 0; s < PAR_SLOTS; s++)
		kfree(slot[s]);
}

KTEST(kmalloc, parallel_alloc_free_all_cpus)
{
	atomic_long_t bad = ATOMIC_INIT(0);
	unsigned long base = test_drained_free_pages();

	smp_call_on_cpus(cpu_online_mask, kmalloc_stress_cpu, &bad);
	KT_EXPECT_EQ(t, atomic_long_read(&bad), 0);
	KT_EXPECT_EQ(t, test_drained_free_pages(), base);
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
}
