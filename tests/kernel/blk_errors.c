/*
 * Kernel only: I/O errors the device reports reach exactly the requests
 * they belong to. tools/test.sh attaches vda through QEMU's blkdebug
 * driver with rules failing reads that touch sector blktest.bad_read and
 * writes that touch blktest.bad_write (errno 5, every time). 32 requests
 * of 4 pages with gaps between them (so QEMU cannot merge neighbours)
 * are in flight together; the one covering the bad sector must fail with
 * -EIO and all others succeed with correct data. Also: requests past the
 * capacity are refused before the device sees them.
 */
#include <asm/page.h>
#include "drivers/blockdev.h"
#include "kernel/completion.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"

#define NR_RQ 32
#define RQ_PAGES 4
#define RQ_STRIDE 64 /* sectors: 32 of data, 32 of gap */

extern u64 blktest_bad_read_sector(void);
extern u64 blktest_bad_write_sector(void);
extern struct blockdev *blktest_disk(struct ktest *t);

struct batch {
	struct completion done;
	struct blk_request rq[NR_RQ];
	struct page *pages[NR_RQ][RQ_PAGES];
};

static void batch_end_io(struct blk_request *rq)
{
	complete(rq->private);
}

static void fill(struct batch *b, unsigned i, u8 seed)
{
	for (unsigned p = 0; p < RQ_PAGES; p++)
		memset(page_address(b->pages[i][p]), seed + i * RQ_PAGES + p, PAGE_SIZE);
}

static bool check(struct batch *b, unsigned i, u8 seed)
{
	for (unsigned p = 0; p < RQ_PAGES; p++) {
		const u8 *d = page_address(b->pages[i][p]);
		for (unsigned k = 0; k < PAGE_SIZE; k++)
			if (d[k] != (u8)(seed + i * RQ_PAGES + p))
				return false;
	}
	return true;
}

/* Run all NR_RQ requests concurrently; returns how many were accepted. */
static unsigned run_batch(struct ktest *t, struct blockdev *bd, struct batch *b, enum blk_op op,
			  u64 start)
{
	unsigned accepted = 0;
	init_completion(&b->done);
	for (unsigned i = 0; i < NR_RQ; i++) {
		b->rq[i] = (struct blk_request){
			.op = op,
			.sector = start + (u64)i * RQ_STRIDE,
			.nr_pages = RQ_PAGES,
			.pages = b->pages[i],
			.end_io = batch_end_io,
			.private = &b->done,
		};
		int err = blk_submit(bd, &b->rq[i]);
		if (err)
			ktest_fail(t, "request %u refused: %d", i, err);
		else
			accepted++;
	}
	for (unsigned i = 0; i < accepted; i++) {
		while (bd->polling && !completion_done(&b->done)) {
			blk_poll(bd);
			yield();
		}
		KT_EXPECT_EQ(t, wait_for_completion_timeout(&b->done, 30000000000ull), 0);
	}
	return accepted;
}

static struct batch *batch_alloc(void)
{
	struct batch *b = alloc_pages_va(GFP_KERNEL | __GFP_ZERO, 1);
	if (!b)
		return NULL;
	for (unsigned i = 0; i < NR_RQ; i++)
		for (unsigned p = 0; p < RQ_PAGES; p++)
			if (!(b->pages[i][p] = alloc_page(GFP_KERNEL)))
				return NULL; /* test fails; the leak does not matter then */
	return b;
}

static void batch_free(struct batch *b)
{
	for (unsigned i = 0; i < NR_RQ; i++)
		for (unsigned p = 0; p < RQ_PAGES; p++)
			free_page(b->pages[i][p]);
	free_pages_va(b, 1);
}

/* Requests start so that the bad sector is 13 sectors into request 16. */
static u64 layout_start(u64 bad)
{
	return bad - 16 * RQ_STRIDE - 13;
}

static void expect_only_16_failed(struct ktest *t, struct batch *b, const char *what)
{
	for (unsigned i = 0; i < NR_RQ; i++) {
		int want = i == 16 ? -EIO : 0;
		if (b->rq[i].status != want)
			ktest_fail(t, "%s request %u (sectors %lu..%lu): status %d, expected %d",
				   what, i, (unsigned long)b->rq[i].sector,
				   (unsigned long)b->rq[i].sector + RQ_PAGES * 8 - 1,
				   b->rq[i].status, want);
	}
}

KTEST(blk_errors, injected_write_error_fails_exactly_that_request)
{
	u64 bad = blktest_bad_write_sector();
	if (!bad) {
		ktest_skip(t, "no blkdebug rules (blktest.bad_write=)");
		return;
	}
	struct blockdev *bd = blktest_disk(t);
	if (!bd)
		return;
	struct batch *b = batch_alloc();
	KT_ASSERT(t, b != NULL);
	u64 start = layout_start(bad), errors = bd->nr_errors;
	for (unsigned i = 0; i < NR_RQ; i++)
		fill(b, i, 0x40);
	KT_EXPECT_EQ(t, run_batch(t, bd, b, BLK_WRITE, start), NR_RQ);
	expect_only_16_failed(t, b, "write");
	KT_EXPECT_EQ(t, bd->nr_errors, errors + 1);
	/* The successful writes landed: read them back. */
	for (unsigned i = 0; i < NR_RQ; i++)
		memset(page_address(b->pages[i][0]), 0, PAGE_SIZE);
	run_batch(t, bd, b, BLK_READ, start);
	for (unsigned i = 0; i < NR_RQ; i++) {
		KT_EXPECT_EQ(t, b->rq[i].status, 0);
		if (i != 16 && !check(b, i, 0x40))
			ktest_fail(t, "request %u: data read back differs from what was written",
				   i);
	}
	batch_free(b);
}

KTEST(blk_errors, injected_read_error_fails_exactly_that_request)
{
	u64 bad = blktest_bad_read_sector();
	if (!bad) {
		ktest_skip(t, "no blkdebug rules (blktest.bad_read=)");
		return;
	}
	struct blockdev *bd = blktest_disk(t);
	if (!bd)
		return;
	struct batch *b = batch_alloc();
	KT_ASSERT(t, b != NULL);
	u64 start = layout_start(bad);
	for (unsigned i = 0; i < NR_RQ; i++)
		fill(b, i, 0x90);
	KT_EXPECT_EQ(t, run_batch(t, bd, b, BLK_WRITE, start), NR_RQ);
	for (unsigned i = 0; i < NR_RQ; i++) {
		KT_EXPECT_EQ(t, b->rq[i].status, 0);
		memset(page_address(b->pages[i][1]), 0, PAGE_SIZE);
	}
	u64 errors = bd->nr_errors;
	KT_EXPECT_EQ(t, run_batch(t, bd, b, BLK_READ, start), NR_RQ);
	expect_only_16_failed(t, b, "read");
	KT_EXPECT_EQ(t, bd->nr_errors, errors + 1);
	for (unsigned i = 0; i < NR_RQ; i++)
		if (i != 16 && !check(b, i, 0x90))
			ktest_fail(t, "request %u: wrong data after a neighbour's read error", i);
	batch_free(b);
}

KTEST(blk_errors, past_capacity_refused_before_the_device)
{
	struct blockdev *bd = blktest_disk(t);
	if (!bd)
		return;
	struct page *pg = alloc_page(GFP_KERNEL);
	KT_ASSERT(t, pg != NULL);
	u64 before = bd->nr_requests;
	struct blk_request rq = { .op = BLK_READ,
				  .sector = bd->nr_sectors - 4,
				  .nr_pages = 1,
				  .pages = &pg,
				  .end_io = batch_end_io };
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), -ERANGE);
	rq.sector = bd->nr_sectors + 100;
	rq.op = BLK_WRITE;
	KT_EXPECT_EQ(t, blk_submit(bd, &rq), -ERANGE);
	KT_EXPECT_EQ(t, bd->nr_requests, before);
	/* The last whole page is fine. */
	KT_EXPECT_EQ(t, blk_rw_sync(bd, BLK_READ, bd->nr_sectors - 8, &pg, 1), 0);
	free_page(pg);
}
