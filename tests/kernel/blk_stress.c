/*
 * Kernel only: block devices under load. Streams of random requests
 * (4 KiB..2 MiB, log-uniform sizes, sometimes at a sector that is not
 * page-aligned, sometimes from scattered pages) each write a pattern that
 * encodes the device byte offset and a generation, read it back into a
 * poisoned buffer and verify every byte. Each stream owns a slice of the
 * device past the first page (the swap header stays intact), so requests
 * in flight never overlap and every read has one right answer.
 *
 * Command line: blktest.disk=NAME (default vda), blktest.requests=N (written-and-read-back requests
 * per device, default 2000; make stress uses 20000), blktest.inflight=N (default 64),
 * blktest.need_disk=1 (fail rather than skip without vda), blktest.bad_read= / blktest.bad_write=
 * (sectors where QEMU's blkdebug injects EIO; the error test runs only when they are given).
 */
#include <asm/page.h>
#include "drivers/blockdev.h"
#include "kernel/cmdline.h"
#include "kernel/hung_task.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/wait.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"
#include "../test_cpus.h"
#include "../test_kit.h"

static u64 nr_requests = 2000, nr_inflight = 64, bad_read, bad_write;
static bool need_disk;
static const char *disk_name;
KPARAM_STR(blktest_disk, "blktest.disk", &disk_name,
	   "virtio disk the block tests use (default vda)");
KPARAM_U64(blktest_requests, "blktest.requests", &nr_requests, 1, 1000000,
	   "block stress test: requests written and read back per device");
KPARAM_U64(blktest_inflight, "blktest.inflight", &nr_inflight, 1, 256,
	   "block stress test: requests in flight");
KPARAM_BOOL(blktest_need_disk, "blktest.need_disk", &need_disk,
	    "block tests fail (instead of skipping) when no virtio disk is attached");
KPARAM_U64(blktest_bad_read, "blktest.bad_read", &bad_read, 0, ~0ull,
	   "sector where blkdebug fails reads (error test; 0: not run)");
KPARAM_U64(blktest_bad_write, "blktest.bad_write", &bad_write, 0, ~0ull,
	   "sector where blkdebug fails writes (error test; 0: not run)");

struct stress;

struct stream {
	struct stress *st;
	unsigned id;
	u64 slot_first, slot_pages; /* device pages owned by this stream */
	struct page *base;	    /* 2 MiB buffer */
	struct page **pages;
	struct blk_request rq;
	u64 rng;
	u32 gen;
	bool reading;
	struct list_head link; /* on stress.done */
};

struct stress {
	struct blockdev *bd;
	spinlock_t lock;
	struct list_head done; /* finished streams; under lock */
	struct wait_queue_head wq;
	u64 started, verified, io_errors, bad_words;
	u64 bytes;
};

static u64 pattern(u64 dev_byte, u32 gen)
{
	return dev_byte ^ ((u64)gen * 0x9e3779b97f4a7c15ull);
}

static void stream_end_io(struct blk_request *rq)
{
	struct stream *s = rq->private;
	unsigned long flags = spin_lock_irqsave(&s->st->lock);
	list_add_tail(&s->link, &s->st->done);
	spin_unlock_irqrestore(&s->st->lock, flags);
	wake_up(&s->st->wq);
}

/* Pick size, place and page order of the next request; fill the pattern. */
static void stream_prepare(struct stream *s)
{
	unsigned order = test_rand(&s->rng) % 10;
	unsigned nr = (1u << order) + test_rand(&s->rng) % (1u << order);
	if (nr > BLK_MAX_PAGES)
		nr = BLK_MAX_PAGES;
	if (nr > s->slot_pages - 1)
		nr = s->slot_pages - 1;
	u64 off = test_rand(&s->rng) % (s->slot_pages - nr);
	unsigned sub = (test_rand(&s->rng) & 3) == 0 ? test_rand(&s->rng) % 8 : 0;
	unsigned stride = (test_rand(&s->rng) & 1) ? 1 : (2 * (test_rand(&s->rng) % 200) + 1);
	unsigned start = test_rand(&s->rng) % BLK_MAX_PAGES;
	for (unsigned i = 0; i < nr; i++)
		s->pages[i] = s->base + (start + i * stride) % BLK_MAX_PAGES;
	s->gen++;
	s->rq = (struct blk_request){
		.op = BLK_WRITE,
		.sector = (s->slot_first + off) * 8 + sub,
		.nr_pages = nr,
		.pages = s->pages,
		.end_io = stream_end_io,
		.private = s,
	};
	for (unsigned i = 0; i < nr; i++) {
		u64 *w = page_address(s->pages[i]);
		u64 dev = (s->rq.sector << SECTOR_SHIFT) + (u64)i * PAGE_SIZE;
		for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
			w[k] = pattern(dev + 8 * k, s->gen);
	}
	s->reading = false;
}

static unsigned stream_verify(struct stream *s)
{
	unsigned bad = 0;
	for (unsigned i = 0; i < s->rq.nr_pages; i++) {
		const u64 *w = page_address(s->pages[i]);
		u64 dev = (s->rq.sector << SECTOR_SHIFT) + (u64)i * PAGE_SIZE;
		for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
			bad += w[k] != pattern(dev + 8 * k, s->gen);
	}
	return bad;
}

static int stream_submit(struct ktest *t, struct stream *s)
{
	int err = blk_submit(s->st->bd, &s->rq);
	if (err)
		ktest_fail(t, "stream %u: blk_submit refused a valid request: %d", s->id, err);
	return err;
}

/* A stream finished an I/O: check it, then read back or start the next.
 * Returns false when the stream is done. */
static bool stream_step(struct ktest *t, struct stress *st, struct stream *s)
{
	if (s->rq.status) {
		st->io_errors++;
		ktest_fail(t, "stream %u: %s of %u pages at sector %lu failed: %d", s->id,
			   s->reading ? "read" : "write", s->rq.nr_pages,
			   (unsigned long)s->rq.sector, s->rq.status);
		return false;
	}
	st->bytes += (u64)s->rq.nr_pages * PAGE_SIZE;
	if (!s->reading) {
		for (unsigned i = 0; i < s->rq.nr_pages; i++)
			memset(page_address(s->pages[i]), 0x5a, PAGE_SIZE);
		s->reading = true;
		s->rq.op = BLK_READ;
		return stream_submit(t, s) == 0;
	}
	unsigned bad = stream_verify(s);
	if (bad) {
		st->bad_words += bad;
		ktest_fail(
			t,
			"stream %u: %u of %u words wrong after reading back %u pages at sector %lu",
			s->id, bad, s->rq.nr_pages * 512, s->rq.nr_pages,
			(unsigned long)s->rq.sector);
	}
	st->verified++;
	if (st->started >= nr_requests)
		return false;
	st->started++;
	stream_prepare(s);
	return stream_submit(t, s) == 0;
}

/* Wait for a finished stream; false after 30 s without any (a hang). */
static bool wait_done(struct stress *st)
{
	u64 start = arch_time_ns();
	while (!test_done_list_any(&st->lock, &st->done)) {
		if (arch_time_ns() - start > 30 * TEST_SEC)
			return false;
		if (st->bd->polling) {
			blk_poll(st->bd);
			yield();
		} else {
			wait_event_timeout(st->wq, test_done_list_any(&st->lock, &st->done),
					   TEST_SEC);
		}
	}
	return true;
}

static void free_streams(struct stream *ss, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (ss[i].base)
			free_pages(ss[i].base, 9);
		kfree(ss[i].pages);
	}
	kfree(ss);
}

/* Streams whose 2 MiB buffers fit in half the free memory above the min
 * watermark (a 64 MiB machine cannot give 64 of them). */
static unsigned streams_that_fit(unsigned want)
{
	unsigned long free = nr_free_pages(), min = page_alloc_watermarks()->min;
	unsigned long fit = free > min ? (free - min) / 2 / (1ul << 9) : 0;
	return (unsigned)MIN((unsigned long)want, fit);
}

static void run_stress(struct ktest *t, struct blockdev *bd)
{
	struct stress st = { .bd = bd };
	spin_lock_init(&st.lock, "blkstress");
	list_init(&st.done);
	wait_queue_head_init(&st.wq, "blkstress");
	unsigned n = streams_that_fit((unsigned)nr_inflight);
	if (n < 2) {
		ktest_skip(t, "needs 8 MiB free for two 2 MiB stream buffers");
		return;
	}
	if (n < nr_inflight)
		ktest_diag(t,
			   "%u requests in flight, not %lu: as many 2 MiB buffers as fit in half "
			   "the free memory",
			   n, (unsigned long)nr_inflight);
	u64 dev_pages = blockdev_pages(bd);
	KT_ASSERT(t, dev_pages > 1 + 2 * n);
	struct stream *ss = kzalloc(n * sizeof(*ss), GFP_KERNEL);
	KT_ASSERT(t, ss != NULL);
	for (unsigned i = 0; i < n; i++) {
		struct stream *s = &ss[i];
		s->st = &st;
		s->id = i;
		s->slot_pages = (dev_pages - 1) / n;
		s->slot_first = 1 + i * s->slot_pages;
		s->rng = 0x2545f4914f6cdd1dull * (i + 1);
		s->base = alloc_pages(GFP_KERNEL, 9);
		s->pages = kmalloc(BLK_MAX_PAGES * sizeof(struct page *), GFP_KERNEL);
		if (!s->base || !s->pages) {
			free_streams(ss, n);
			KT_ASSERT(t, !"memory for the stream buffers");
		}
	}
	u64 errors_before = bd->nr_errors, irqs_before = bd->nr_irqs, t0 = arch_time_ns();
	unsigned active = 0;
	for (unsigned i = 0; i < n && st.started < nr_requests; i++) {
		st.started++;
		stream_prepare(&ss[i]);
		if (stream_submit(t, &ss[i]) == 0)
			active++;
	}
	while (active) {
		if (!wait_done(&st)) {
			ktest_fail(t, "%s: no completion for 30 s with %u requests in flight",
				   bd->name, active);
			return; /* buffers may still be in the device's hands: leak them */
		}
		struct list_head *l;
		while ((l = test_done_list_pop(&st.lock, &st.done))) {
			if (!stream_step(t, &st, list_entry(l, struct stream, link)))
				active--;
			/* Checking and refilling up to 2 MiB per request is slow
			 * under emulation (arm64 TCG): with a completion always
			 * waiting (ramswap; virtio-mmio, whose notify QEMU serves
			 * at once), this loop never sleeps. Let this CPU's other
			 * tasks (rcu, kswapd) run, and tell the hung-task watchdog
			 * that a verified request is progress: it sees none when
			 * no task switches, and a loaded host stretched 20,000
			 * requests past its 20 s. */
			touch_hung_task_watchdog();
			yield();
		}
	}
	u64 ms = (arch_time_ns() - t0) / 1000000 + 1;
	ktest_diag(t,
		   "%s: %lu requests of 4 KiB..2 MiB written and verified, %u in flight, %lu MiB "
		   "moved in %lu ms",
		   bd->name, (unsigned long)st.verified, n, (unsigned long)(st.bytes >> 20),
		   (unsigned long)ms);
	KT_EXPECT_EQ(t, st.verified, nr_requests);
	KT_EXPECT_EQ(t, st.bad_words, 0);
	KT_EXPECT_EQ(t, st.io_errors, 0);
	KT_EXPECT_EQ(t, bd->nr_errors, errors_before);
	/* An interrupt-driven device really completed through interrupts. */
	if (!bd->polling && !bd->synchronous_io)
		KT_EXPECT(t, bd->nr_irqs > irqs_before);
	free_streams(ss, n);
}

u64 blktest_bad_read_sector(void)
{
	return bad_read;
}
u64 blktest_bad_write_sector(void)
{
	return bad_write;
}
struct blockdev *blktest_disk(struct ktest *t);

/* The disk tests use vda (or blktest.disk); without it they skip, unless
 * told it must be there. */
struct blockdev *blktest_disk(struct ktest *t)
{
	const char *name = disk_name ? disk_name : "vda";
	struct blockdev *bd = blockdev_get(name);
	if (!bd && need_disk)
		ktest_fail(t, "no virtio disk %s (blktest.need_disk=1)", name);
	else if (!bd)
		ktest_skip(t, "no virtio disk attached");
	return bd;
}

KTEST(blk, stress_virtio_random_requests_verified)
{
	struct blockdev *bd = blktest_disk(t);
	if (bd)
		run_stress(t, bd);
}

KTEST(blk, stress_ramswap_random_requests_verified)
{
	struct blockdev *bd = blockdev_get("ramswap0");
	if (!bd) {
		ktest_skip(t, "no ramswap0 (boot with ramswap.size=)");
		return;
	}
	run_stress(t, bd);
}

/* FLUSH reaches the device (QEMU offers VIRTIO_BLK_F_FLUSH) and completes
 * without error; on ramswap it is a no-op that still completes. */
KTEST(blk, flush_completes)
{
	struct blockdev *bd = blktest_disk(t);
	if (!bd)
		return;
	KT_EXPECT(t, bd->can_flush);
	u64 before = bd->nr_requests;
	KT_EXPECT_EQ(t, blk_rw_sync(bd, BLK_FLUSH, 0, NULL, 0), 0);
	KT_EXPECT_EQ(t, bd->nr_requests, before + 1);
	struct blockdev *rs = blockdev_get("ramswap0");
	if (rs)
		KT_EXPECT_EQ(t, blk_rw_sync(rs, BLK_FLUSH, 0, NULL, 0), 0);
}
