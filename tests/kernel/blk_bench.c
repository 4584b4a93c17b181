/*
 * Kernel only: block throughput, printed from inside the kernel (make
 * bench). For each device: sequential and random, read and write, at
 * 4 KiB and 64 KiB per request, BENCH_DEPTH requests in flight, each case
 * running for blkbench.ms milliseconds over a window of the device past
 * its first page (the swap header is never touched). Figures are integer
 * arithmetic: MiB/s with two decimals and requests/s.
 *
 * Then the same window's queue-depth-1 latency, 4 KiB writes and reads at
 * random offsets, one request at a time (tests/kernel/blk_qd1.c): mean,
 * p50 and p99, the round trip a swap-in fault's own read cannot beat.
 */
#include <asm/page.h>
#include "drivers/blockdev.h"
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/wait.h"
#include "mm/page_alloc.h"
#include "tests/kernel/blk_qd1.h"
#include "tests/test_kit.h"

#define BENCH_DEPTH 32
#define BENCH_MAX_PAGES 16
#define BENCH_WINDOW (64ul << 20)

static u64 bench_ms = 500;
KPARAM_U64(blkbench_ms, "blkbench.ms", &bench_ms, 10, 60000,
	   "block benchmark: milliseconds per case");

struct bench_slot {
	struct blk_request rq;
	struct page *pages[BENCH_MAX_PAGES];
	struct list_head link;
};

struct bench {
	struct blockdev *bd;
	spinlock_t lock;
	struct list_head done; /* under lock */
	struct wait_queue_head wq;
	struct bench_slot slot[BENCH_DEPTH];
	u64 next_seq, window_pages, rng;
	unsigned nr_pages;
	bool random;
};

static void bench_end_io(struct blk_request *rq)
{
	struct bench_slot *s = container_of(rq, struct bench_slot, rq);
	struct bench *b = rq->private;
	unsigned long flags = spin_lock_irqsave(&b->lock);
	list_add_tail(&s->link, &b->done);
	spin_unlock_irqrestore(&b->lock, flags);
	wake_up(&b->wq);
}

static u64 next_page(struct bench *b)
{
	u64 slots = b->window_pages / b->nr_pages;
	u64 i;
	if (b->random) {
		i = test_rand(&b->rng) % slots;
	} else {
		i = b->next_seq++ % slots;
	}
	return 1 + i * b->nr_pages;
}

static int bench_submit(struct bench *b, struct bench_slot *s, enum blk_op op)
{
	s->rq = (struct blk_request){
		.op = op,
		.sector = next_page(b) * 8,
		.nr_pages = b->nr_pages,
		.pages = s->pages,
		.end_io = bench_end_io,
		.private = b,
	};
	return blk_submit(b->bd, &s->rq);
}

/* One case: keep BENCH_DEPTH requests going for bench_ms; returns false on
 * an error or a stall. */
static bool bench_case(struct ktest *t, struct bench *b, enum blk_op op, bool random, unsigned kib)
{
	b->random = random;
	b->nr_pages = kib / 4;
	b->next_seq = 0;
	b->rng = 0x9e3779b97f4a7c15ull;
	u64 done = 0, errors = 0, inflight = 0, t0 = arch_time_ns();
	u64 end = t0 + bench_ms * 1000000ull;
	for (unsigned i = 0; i < BENCH_DEPTH; i++)
		if (bench_submit(b, &b->slot[i], op) == 0)
			inflight++;
	while (inflight) {
		if (!test_done_list_any(&b->lock, &b->done)) {
			if (b->bd->polling) {
				blk_poll(b->bd);
				yield();
			} else if (!wait_event_timeout(b->wq,
						       test_done_list_any(&b->lock, &b->done),
						       10000000000ull)) {
				ktest_fail(t, "%s: stalled with %lu requests in flight",
					   b->bd->name, (unsigned long)inflight);
				return false;
			}
			continue;
		}
		struct list_head *l;
		while ((l = test_done_list_pop(&b->lock, &b->done))) {
			struct bench_slot *s = list_entry(l, struct bench_slot, link);
			inflight--;
			done++;
			errors += s->rq.status != 0;
			if (arch_time_ns() < end && bench_submit(b, s, op) == 0)
				inflight++;
		}
	}
	u64 us = (arch_time_ns() - t0) / 1000 + 1;
	u64 bytes = done * kib * 1024;
	u64 mib100 = bytes * 100 * 1000000 / us >> 20; /* bytes < 2^40 here: no overflow */
	u64 rps = done * 1000000 / us;
	pr_info("bench: %-8s %-4s %-5s %2u KiB: %5lu.%02lu MiB/s %7lu req/s (%lu requests, %lu ms, "
		"depth %u)\n",
		b->bd->name, random ? "rand" : "seq", op == BLK_READ ? "read" : "write", kib,
		(unsigned long)(mib100 / 100), (unsigned long)(mib100 % 100), (unsigned long)rps,
		(unsigned long)done, (unsigned long)(us / 1000), BENCH_DEPTH);
	KT_EXPECT_EQ(t, errors, 0);
	KT_EXPECT(t, done > 0);
	return errors == 0;
}

/* QD1 write then read latency over the benchmark's window. */
static void bench_qd1(struct ktest *t, struct bench *b)
{
	static const enum blk_op ops[] = { BLK_WRITE, BLK_READ };
	for (unsigned i = 0; i < 2; i++) {
		struct blk_qd1 res;
		if (!KT_EXPECT_EQ(t, blk_qd1_measure(b->bd, ops[i], 1, b->window_pages, &res), 0))
			return;
		blk_qd1_print(b->bd, ops[i], &res);
		KT_EXPECT_EQ(t, res.errors, 0);
	}
}

static void run_bench(struct ktest *t, struct blockdev *bd)
{
	struct bench *b = alloc_pages_va(GFP_KERNEL | __GFP_ZERO, 2);
	KT_ASSERT(t, b != NULL && sizeof(*b) <= 4 * PAGE_SIZE);
	b->bd = bd;
	spin_lock_init(&b->lock, "blkbench");
	list_init(&b->done);
	wait_queue_head_init(&b->wq, "blkbench");
	u64 dev_pages = blockdev_pages(bd) - 1;
	b->window_pages =
		dev_pages < BENCH_WINDOW / PAGE_SIZE ? dev_pages : BENCH_WINDOW / PAGE_SIZE;
	KT_ASSERT(t, b->window_pages >= BENCH_MAX_PAGES);
	struct page *buf = alloc_pages(GFP_KERNEL, 4 + 5); /* 16 pages per slot, 32 slots */
	KT_ASSERT(t, buf != NULL);
	for (unsigned i = 0; i < BENCH_DEPTH; i++)
		for (unsigned p = 0; p < BENCH_MAX_PAGES; p++)
			b->slot[i].pages[p] = buf + i * BENCH_MAX_PAGES + p;
	static const unsigned sizes[] = { 4, 64 };
	bool ok = true;
	for (unsigned s = 0; s < 2 && ok; s++)
		for (unsigned r = 0; r < 2 && ok; r++) {
			ok = bench_case(t, b, BLK_WRITE, r, sizes[s]);
			ok = ok && bench_case(t, b, BLK_READ, r, sizes[s]);
		}
	if (ok)
		bench_qd1(t, b);
	if (ok) {
		free_pages(buf, 9);
		free_pages_va(b, 2);
	}
}

extern struct blockdev *blktest_disk(struct ktest *t);

KTEST(bench, blk_virtio)
{
	struct blockdev *bd = blktest_disk(t);
	if (bd)
		run_bench(t, bd);
}

KTEST(bench, blk_ramswap)
{
	struct blockdev *bd = blockdev_get("ramswap0");
	if (!bd) {
		ktest_skip(t, "no ramswap0 (boot with ramswap.size=)");
		return;
	}
	run_bench(t, bd);
}
