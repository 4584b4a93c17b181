/*
 * vma.*: the sorted VMA set. Every test checks the set with
 * vma_set_verify() (order, no overlap, AVL balance, counts) and ends with
 * nr_free_pages() back where it started, so a VMA that was not freed
 * shows up as a leaked kmalloc page.
 */
#include <asm/pgtable.h>
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "mm/page_alloc.h"
#include "mm/vma.h"
#include "tests/test_kit.h"

#define P PAGE_SIZE
#define RW (PAGE_PROT_READ | PAGE_PROT_WRITE)

static int add(struct vma_set *s, unsigned long start, unsigned long end)
{
	struct vma *v = vma_alloc(start, end, RW, VMA_ANON);
	if (!v)
		return -ENOMEM;
	int err = vma_insert(s, v);
	if (err)
		vma_free(v);
	return err;
}

KTEST(vma, insert_and_lookup)
{
	unsigned long before = test_drained_free_pages();
	struct vma_set s;
	vma_set_init(&s);
	KT_EXPECT(t, vma_lookup(&s, 0x10000) == NULL);
	KT_EXPECT(t, vma_first(&s) == NULL);
	KT_ASSERT_EQ(t, add(&s, 10 * P, 20 * P), 0);
	KT_ASSERT_EQ(t, add(&s, 30 * P, 40 * P), 0);
	KT_ASSERT_EQ(t, add(&s, 20 * P, 30 * P), 0); /* touching both: allowed */
	KT_EXPECT_EQ(t, s.count, 3);

	KT_EXPECT(t, vma_lookup(&s, 10 * P - 1) == NULL);
	struct vma *v = vma_lookup(&s, 10 * P);
	KT_ASSERT(t, v);
	KT_EXPECT_EQ(t, v->start, 10 * P);
	KT_EXPECT_EQ(t, v->prot, RW);
	KT_EXPECT_EQ(t, v->flags, VMA_ANON);
	KT_EXPECT_EQ(t, vma_lookup(&s, 20 * P - 1)->start, 10 * P);
	KT_EXPECT_EQ(t, vma_lookup(&s, 20 * P)->start, 20 * P);
	KT_EXPECT_EQ(t, vma_lookup(&s, 40 * P - 1)->start, 30 * P);
	KT_EXPECT(t, vma_lookup(&s, 40 * P) == NULL);
	KT_EXPECT_EQ(t, vma_find(&s, 0)->start, 10 * P);
	KT_EXPECT(t, vma_find(&s, 40 * P) == NULL);
	KT_EXPECT_EQ(t, vma_set_verify(&s), 0);
	vma_set_destroy(&s);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

KTEST(vma, overlapping_insert_is_refused)
{
	unsigned long before = test_drained_free_pages();
	struct vma_set s;
	vma_set_init(&s);
	KT_ASSERT_EQ(t, add(&s, 10 * P, 20 * P), 0);
	KT_EXPECT_EQ(t, add(&s, 10 * P, 20 * P), -EEXIST); /* same */
	KT_EXPECT_EQ(t, add(&s, 5 * P, 11 * P), -EEXIST);  /* overlaps the start */
	KT_EXPECT_EQ(t, add(&s, 19 * P, 25 * P), -EEXIST); /* overlaps the end */
	KT_EXPECT_EQ(t, add(&s, 12 * P, 13 * P), -EEXIST); /* inside */
	KT_EXPECT_EQ(t, add(&s, 1 * P, 100 * P), -EEXIST); /* around */
	KT_EXPECT_EQ(t, add(&s, 5 * P, 10 * P), 0);
	KT_EXPECT_EQ(t, add(&s, 20 * P, 21 * P), 0);
	KT_EXPECT_EQ(t, s.count, 3);
	KT_EXPECT(t, vma_alloc(3 * P, 3 * P, RW, 0) == NULL);	  /* empty */
	KT_EXPECT(t, vma_alloc(3 * P, 4 * P + 1, RW, 0) == NULL); /* unaligned */
	KT_EXPECT_EQ(t, vma_set_verify(&s), 0);
	vma_set_destroy(&s);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

KTEST(vma, split_for_partial_unmap)
{
	unsigned long before = test_drained_free_pages();
	struct vma_set s;
	vma_set_init(&s);
	KT_ASSERT_EQ(t, add(&s, 10 * P, 20 * P), 0);
	KT_ASSERT_EQ(t, add(&s, 30 * P, 40 * P), 0);
	struct vma *v = vma_lookup(&s, 10 * P);
	v->prot = PAGE_PROT_READ;
	/* munmap [14, 16): split at 14 and 16, drop the middle */
	struct vma *mid = vma_split(&s, v, 14 * P);
	KT_ASSERT(t, mid);
	struct vma *tail = vma_split(&s, mid, 16 * P);
	KT_ASSERT(t, tail);
	KT_EXPECT_EQ(t, s.count, 4);
	KT_EXPECT_EQ(t, vma_set_verify(&s), 0);
	vma_remove(&s, mid);
	vma_free(mid);
	KT_EXPECT_EQ(t, s.count, 3);
	KT_EXPECT(t, vma_lookup(&s, 14 * P) == NULL);
	KT_EXPECT(t, vma_lookup(&s, 15 * P) == NULL);
	KT_EXPECT(t, vma_lookup(&s, 13 * P) == v);
	KT_EXPECT(t, vma_lookup(&s, 16 * P) == tail);
	KT_EXPECT_EQ(t, v->end, 14 * P);
	KT_EXPECT_EQ(t, tail->start, 16 * P);
	KT_EXPECT_EQ(t, tail->end, 20 * P);
	KT_EXPECT_EQ(t, tail->prot, PAGE_PROT_READ); /* inherited */
	KT_EXPECT(t, vma_next(&s, v) == tail);
	KT_EXPECT_EQ(t, vma_next(&s, tail)->start, 30 * P);
	/* the hole can be filled again */
	KT_EXPECT_EQ(t, add(&s, 14 * P, 16 * P), 0);
	KT_EXPECT_EQ(t, vma_set_verify(&s), 0);
	vma_set_destroy(&s);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}

/* 1000 VMAs inserted in random order, then half removed in random order:
 * iteration stays sorted, every one is found, and the tree stays
 * logarithmic (AVL: height <= 1.44 log2 n, so <= 15 for 1000). */
KTEST(vma, many_in_random_order_stay_sorted_and_balanced)
{
	enum { N = 1000 };
	static unsigned order[N];
	unsigned long before = test_drained_free_pages();
	struct vma_set s;
	vma_set_init(&s);
	u64 seed = 0x9e3779b97f4a7c15ul;
	for (unsigned i = 0; i < N; i++)
		order[i] = i;
	for (unsigned i = N - 1; i > 0; i--) {
		unsigned j = test_rand(&seed) % (i + 1), tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (unsigned i = 0; i < N; i++)
		KT_ASSERT_EQ(t, add(&s, (order[i] * 3 + 1) * P, (order[i] * 3 + 3) * P), 0);
	KT_EXPECT_EQ(t, s.count, N);
	KT_EXPECT_EQ(t, vma_set_verify(&s), 0);
	KT_EXPECT(t, vma_set_height(&s) <= 15);

	struct vma *v;
	unsigned i = 0, unsorted = 0;
	for_each_vma (&s, v) {
		unsorted += v->start != (i * 3 + 1) * P;
		i++;
	}
	KT_EXPECT_EQ(t, i, N);
	KT_EXPECT_EQ(t, unsorted, 0);
	unsigned missing = 0;
	for (i = 0; i < N; i++) {
		missing += vma_lookup(&s, (i * 3 + 2) * P + 5) == NULL; /* inside */
		missing += vma_lookup(&s, (i * 3) * P) != NULL;		/* in a gap */
	}
	KT_EXPECT_EQ(t, missing, 0);

	for (i = 0; i < N; i += 2) {
		struct vma *r = vma_lookup(&s, (order[i] * 3 + 1) * P);
		KT_ASSERT(t, r);
		vma_remove(&s, r);
		vma_free(r);
	}
	KT_EXPECT_EQ(t, s.count, N / 2);
	KT_EXPECT_EQ(t, vma_set_verify(&s), 0);
	KT_EXPECT(t, vma_set_height(&s) <= 14);
	vma_set_destroy(&s);
	KT_EXPECT_EQ(t, s.count, 0);
	KT_EXPECT(t, vma_first(&s) == NULL);
	KT_EXPECT_EQ(t, test_drained_free_pages(), before);
}
