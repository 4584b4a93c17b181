/*
 * Kernel only: queue-depth-1 latency of a block device (see blk_qd1.h).
 *
 * Why QD1 and not the throughput runs' figures: a swap-in fault waits for
 * one read of its own, with (without readahead) nothing else in flight, so
 * the device can do no better for it than one request's round trip. The
 * software a fault adds on top (do_swap_page's lookups, allocation, page
 * tables, locking) is then measured against that round trip, not against
 * the per-request cost of 32 requests overlapped.
 */
#include <asm/page.h>
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/kmalloc.h"
#include "tests/kernel/blk_qd1.h"
#include "tests/test_kit.h"

static u64 qd1_requests = 4000;
KPARAM_U64(blkbench_qd1, "blkbench.qd1", &qd1_requests, 100, 1000000,
	   "block and swap benchmarks: requests timed one at a time for the QD1 latency");

/* Percentile pct of the sorted samples. */
static u64 qd1_percentile(const u32 *sorted, unsigned long n, unsigned pct)
{
	unsigned long i = n * pct / 100;
	return sorted[i < n ? i : n - 1];
}

int blk_qd1_measure(struct blockdev *bd, enum blk_op op, u64 first, u64 npages, struct blk_qd1 *res)
{
	unsigned long n = (unsigned long)qd1_requests;
	u32 *ns = kmalloc(n * sizeof(u32), GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	*res = (struct blk_qd1){ 0 };
	if (!ns || !page) {
		kfree(ns);
		if (page)
			free_pages(page, 0);
		return -ENOMEM;
	}
	u64 rng = 0x853c49e6748fea9bull, sum = 0;
	for (unsigned long i = 0; i < n; i++) {
		u64 sector = (first + test_rand(&rng) % npages) << (PAGE_SHIFT - SECTOR_SHIFT);
		u64 t0 = arch_time_ns();
		int err = blk_rw_sync(bd, op, sector, &page, 1);
		u64 dt = arch_time_ns() - t0;
		ns[i] = dt > 0xffffffffull ? 0xffffffffu : (u32)dt;
		sum += ns[i];
		res->errors += err != 0;
	}
	test_sort_u32(ns, n);
	res->requests = n;
	res->mean_ns = sum / n;
	res->p50_ns = qd1_percentile(ns, n, 50);
	res->p99_ns = qd1_percentile(ns, n, 99);
	kfree(ns);
	free_pages(page, 0);
	return 0;
}

const char *blk_qd1_us(char *buf, u64 ns)
{
	snprintk(buf, 24, "%lu.%lu", (unsigned long)(ns / 1000), (unsigned long)(ns % 1000 / 100));
	return buf;
}

void blk_qd1_print(struct blockdev *bd, enum blk_op op, const struct blk_qd1 *res)
{
	char mean[24], p50[24], p99[24];
	pr_info("bench: %-8s QD1  %-5s  4 KiB: mean %s us, p50 %s us, p99 %s us (%lu requests, "
		"one at a time, random offsets; %lu errors)\n",
		bd->name, op == BLK_READ ? "read" : "write", blk_qd1_us(mean, res->mean_ns),
		blk_qd1_us(p50, res->p50_ns), blk_qd1_us(p99, res->p99_ns), res->requests,
		res->errors);
}
