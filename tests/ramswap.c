/* ramswap and the blockdev checks, on a small private device. */
#include "drivers/blockdev.h"
#include "drivers/ramswap.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "test_cpus.h"
#include "test_kit.h"

/* A 4 MiB device of the case's own. */
static struct blockdev *test_dev(struct ktest *t)
{
	return test_ramswap(t, "ramswap-test", 4ul << 20, false, 0);
}

static int called;
static void count_end_io(struct blk_request *rq)
{
	called++;
}

KTEST(ramswap, is_synchronous_with_stable_writes)
{
	struct blockdev *bd = test_dev(t);
	KT_ASSERT(t, bd != NULL);
	KT_EXPECT(t, bd->synchronous_io);
	KT_EXPECT(t, bd->stable_writes);
	KT_EXPECT_EQ(t, bd->nr_sectors, 8192);
	struct page *pg = alloc_page(GFP_KERNEL);
	KT_ASSERT(t, pg != NULL);
	called = 0;
	struct blk_request rq = {
		.op = BLK_READ, .sector = 8, .nr_pages = 1, .pages = &pg, .end_io = count_end_io
	};
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), 0);
	KT_EXPECT_EQ(t, called, 1); /* completed inside the call */
	KT_EXPECT_EQ(t, rq.status, 0);
	free_page(pg);
}

/* Data written at a sector that is not page-aligned, straddling the
 * 2 MiB storage block boundary, reads back identically. */
KTEST(ramswap, unaligned_write_across_blocks_reads_back)
{
	struct blockdev *bd = test_dev(t);
	KT_ASSERT(t, bd != NULL);
	struct page *w[3], *r[3];
	for (unsigned i = 0; i < 3; i++) {
		w[i] = alloc_page(GFP_KERNEL);
		r[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KT_ASSERT(t, w[i] && r[i]);
		u8 *p = page_address(w[i]);
		for (unsigned k = 0; k < PAGE_SIZE; k++)
			p[k] = (u8)(k * 7 + i * 31 + 1);
	}
	u64 sector = (2ul << 20) / SECTOR_SIZE - 11; /* ends 1.5 pages past the boundary */
	KT_EXPECT_EQ(t, blk_rw_sync(bd, BLK_WRITE, sector, w, 3), 0);
	KT_EXPECT_EQ(t, blk_rw_sync(bd, BLK_READ, sector, r, 3), 0);
	for (unsigned i = 0; i < 3; i++) {
		KT_EXPECT(t, memcmp(page_address(w[i]), page_address(r[i]), PAGE_SIZE) == 0);
		free_page(w[i]);
		free_page(r[i]);
	}
}

KTEST(ramswap, bad_requests_refused_before_the_device)
{
	struct blockdev *bd = test_dev(t);
	KT_ASSERT(t, bd != NULL);
	struct page *pg = alloc_page(GFP_KERNEL);
	KT_ASSERT(t, pg != NULL);
	u64 before = bd->nr_requests;
	called = 0;
	struct blk_request rq = { .op = BLK_WRITE,
				  .sector = bd->nr_sectors - 7,
				  .nr_pages = 1,
				  .pages = &pg,
				  .end_io = count_end_io };
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), -ERANGE); /* 1 sector past the end */
	rq.sector = bd->nr_sectors;
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), -ERANGE);
	rq.sector = ~0ull - 3; /* overflowing end */
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), -ERANGE);
	rq.sector = 0;
	rq.nr_pages = 0;
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), -EINVAL);
	rq.nr_pages = BLK_MAX_PAGES + 1;
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), -EINVAL);
	KT_EXPECT_EQ(t, called, 0);
	KT_EXPECT_EQ(t, bd->nr_requests, before);
	rq.nr_pages = 1;
	rq.sector = bd->nr_sectors - 8; /* the last page: fine */
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), 0);
	KT_EXPECT_EQ(t, called, 1);
	free_page(pg);
}

KTEST(ramswap, registry_finds_by_name_and_refuses_duplicates)
{
	struct blockdev *bd = test_dev(t);
	KT_ASSERT(t, bd != NULL);
	KT_EXPECT(t, blockdev_get("ramswap-test") == bd);
	KT_EXPECT(t, blockdev_get("no-such-device") == NULL);
	static struct blockdev dup = { .name = "ramswap-test" };
	KT_EXPECT_EQ(t, blockdev_register(&dup), -EEXIST);
}

/* The asynchronous variant: not synchronous_io; every request is done
 * by its task on the CPU it was given, in submission order, and the data
 * reads back. */
struct async_probe {
	unsigned cpu;
	unsigned seq; /* completion order */
};
static unsigned async_done; /* atomic */

static void async_end_io(struct blk_request *rq)
{
	struct async_probe *p = rq->private;
	p->cpu = arch_cpu_id();
	p->seq = __atomic_fetch_add(&async_done, 1, __ATOMIC_ACQ_REL);
}

KTEST(ramswap, async_device_completes_on_its_cpu_in_order)
{
	if (!test_require_cpus(t, 2))
		return;
	unsigned cpu = test_other_cpu();
	struct blockdev *bd = test_ramswap(t, "ramswap-async", 1ul << 20, true, cpu);
	KT_ASSERT(t, bd != NULL);
	KT_EXPECT(t, !bd->synchronous_io);
	KT_EXPECT(t, bd->stable_writes);
	enum { N = 8 };
	struct page *pg[N];
	struct blk_request rq[N];
	struct async_probe probe[N];
	for (unsigned i = 0; i < N; i++) {
		pg[i] = alloc_page(GFP_KERNEL);
		KT_ASSERT(t, pg[i] != NULL);
		memset(page_address(pg[i]), 0x40 + (int)i, PAGE_SIZE);
	}
	__atomic_store_n(&async_done, 0, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < N; i++) {
		rq[i] = (struct blk_request){ .op = BLK_WRITE,
					      .sector = 8 * i,
					      .nr_pages = 1,
					      .pages = &pg[i],
					      .end_io = async_end_io,
					      .private = &probe[i] };
		KT_EXPECT_EQ(t, blk_submit(bd, &rq[i]), 0);
	}
	u64 t0 = arch_time_ns();
	while (__atomic_load_n(&async_done, __ATOMIC_ACQUIRE) < N &&
	       arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	KT_ASSERT_EQ(t, __atomic_load_n(&async_done, __ATOMIC_ACQUIRE), N);
	for (unsigned i = 0; i < N; i++) {
		KT_EXPECT_EQ(t, probe[i].cpu, cpu);
		KT_EXPECT_EQ(t, probe[i].seq, i);
		KT_EXPECT_EQ(t, rq[i].status, 0);
		memset(page_address(pg[i]), 0, PAGE_SIZE);
	}
	/* Read back through the same device, synchronously waited for. */
	for (unsigned i = 0; i < N; i++) {
		KT_EXPECT_EQ(t, blk_rw_sync(bd, BLK_READ, 8 * i, &pg[i], 1), 0);
		KT_EXPECT_EQ(t, ((u8 *)page_address(pg[i]))[PAGE_SIZE - 1], 0x40 + i);
		free_page(pg[i]);
	}
	KT_EXPECT_EQ(t, ramswap_torn_writes(bd), 0); /* no page changed under its write */
}

static void complete_end_io(struct blk_request *rq)
{
	__atomic_store_n((int *)rq->private, 1, __ATOMIC_RELEASE);
}

/*
 * The integrity check of an asynchronous device: a page changed after its
 * write was submitted and before the worker copied it (held at
 * ramswap:write-before-copy) is a torn write: counted, and the device
 * stores the changed data, not what was submitted.
 */
KTEST(ramswap, async_write_changed_before_the_copy_is_a_torn_write)
{
	if (!test_require_cpus(t, 2))
		return;
	unsigned cpu = test_other_cpu();
	struct blockdev *bd = test_ramswap(t, "ramswap-dif", 1ul << 20, true, cpu);
	KT_ASSERT(t, bd != NULL);
	struct page *pg = alloc_page(GFP_KERNEL);
	KT_ASSERT(t, pg != NULL);
	memset(page_address(pg), 0x11, PAGE_SIZE);
	const struct test_race_point points[] = {
		{ "ramswap:write-before-copy", TEST_RACE_HOLD("ramswap_test:changed", (int)cpu) },
		{ "ramswap_test:changed", TEST_RACE_COUNT },
	};
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
	u64 torn = test_stat("ramswap_torn_writes");
	int done = 0;
	struct blk_request rq = { .op = BLK_WRITE,
				  .sector = 8,
				  .nr_pages = 1,
				  .pages = &pg,
				  .end_io = complete_end_io,
				  .private = &done };
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), 0);
	u64 t0 = arch_time_ns();
	while (race_hits("ramswap:write-before-copy") == 0 && arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	KT_EXPECT_EQ(t, race_hits("ramswap:write-before-copy"), 1);
	((u8 *)page_address(pg))[100] = 0x22; /* under the write */
	race_point("ramswap_test:changed");
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE) && arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	KT_EXPECT(t, __atomic_load_n(&done, __ATOMIC_ACQUIRE));
	race_disarm_all();
	KT_EXPECT_EQ(t, ramswap_torn_writes(bd), 1);
	KT_EXPECT_EQ(t, test_stat("ramswap_torn_writes"), torn + 1);
	memset(page_address(pg), 0, PAGE_SIZE);
	KT_EXPECT_EQ(t, blk_rw_sync(bd, BLK_READ, 8, &pg, 1), 0);
	KT_EXPECT_EQ(t, ((u8 *)page_address(pg))[100], 0x22); /* stored: not what was submitted */
	KT_EXPECT_EQ(t, ((u8 *)page_address(pg))[101], 0x11);
	free_page(pg);
}
