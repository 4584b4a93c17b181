/*
 * Queue-depth-1 latency of a block device (tests/kernel/blk_qd1.c), the
 * yardstick the benchmarks set software costs against: 4 KiB requests at
 * random page offsets, submitted one at a time, each waited for before
 * the next (blk_rw_sync), so every figure is one request's round trip
 * through the driver and the device with nothing queued beside it. The
 * block benchmark prints it for reads and writes beside its throughput
 * lines; the swap benchmark measures reads of its swap device before each
 * read pass, to set the swap-in software overhead against it in one boot.
 */
#ifndef TESTS_KERNEL_BLK_QD1_H
#define TESTS_KERNEL_BLK_QD1_H

#include "drivers/blockdev.h"

struct blk_qd1 {
	u64 mean_ns, p50_ns, p99_ns;
	unsigned long requests, errors;
};

/* Time blkbench.qd1= requests (a few thousand) of op at random pages in
 * [first, first + npages) of bd, one at a time. 0, or -ENOMEM. */
int blk_qd1_measure(struct blockdev *bd, enum blk_op op, u64 first, u64 npages,
		    struct blk_qd1 *res);
/* "bench: NAME QD1 read 4 KiB: mean .. us, p50 .. us, p99 .. us (N requests, one at a time)" */
void blk_qd1_print(struct blockdev *bd, enum blk_op op, const struct blk_qd1 *res);
/* ns as "12.3" microseconds, into buf (at least 24 bytes). */
const char *blk_qd1_us(char *buf, u64 ns);

#endif
