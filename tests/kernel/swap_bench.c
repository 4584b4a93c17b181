/*
 * Kernel only: the swap benchmark of make bench, in a configuration a
 * Linux guest can be measured in too (tools/bench.sh: QEMU -m 256M -smp 2,
 * machine pc, CPU qemu64, a 1 GiB mkswap image as virtio-blk with
 * cache=unsafe). One task writes a pattern over a region larger than RAM
 * (the write pass, swapping out), reads every page back in order, then in
 * random order, verifying each page. The first touch of every page is
 * timed. Per pass it prints MiB/s, the first-touch latency mean, p50 and
 * p99 in microseconds, and the pages swapped out and in, then the
 * first-touch latency histogram of the pass in log2 buckets of
 * microseconds, for plots (tools/plot.sh):
 *   # hist DEV ORDER PASS LO:COUNT LO:COUNT ...
 * PASS is write, seq-read or random-read; bucket LO counts touches of LO
 * to 2*LO-1 us (bucket 0: under 1 us); empty buckets are left out.
 *
 * Before each read pass it times the device's own QD1 read latency
 * (tests/kernel/blk_qd1.c), and after it sets the pass's swap-in faults
 * against it: per fault, the whole fault (do_swap_page) minus the fault's
 * own wait for its read is software overhead, and issue 14's goal is an
 * overhead of at most 20% of the QD1 read. Both come from one boot, so a
 * busy host slows both alike. Nothing is asserted: a benchmark reports.
 *
 * Cases: virtio-blk (vda) and ramswap0, at order 0 and with mTHP order 4;
 * and the readahead designs side by side (readahead_modes_virtio_order0).
 * The region is swapbench.mib (make bench: 512 on virtio-blk; a RAM device
 * holds its data in guest RAM, so its boot gets a smaller region). Without
 * it the cases skip: they are not for make test's boots.
 */
#include "drivers/blockdev.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"
#include "mm/swap_in.h"
#include "tests/kernel/blk_qd1.h"
#include "tests/kernel/compute_control.h"
#include "mm/swap_readahead.h"
#include "tests/swap_path_test.h"

static u64 bench_mib;
KPARAM_U64(swapbench_mib, "swapbench.mib", &bench_mib, 0, 65536,
	   "swap benchmark: MiB of anonymous memory written and read back (0: skip it)");

struct swap_bench {
	unsigned long npages;
	u32 *lat_us; /* first-touch latency of each page, this pass */
	u32 *order;  /* page visiting order, this pass */
	unsigned long bad;
	u64 pass_ns;
};

static u64 bench_word(unsigned long page, unsigned w)
{
	return (page << 20) ^ ((u64)w << 3) ^ 0x5bd1e9955bd1e995ull;
}

/* One pass over the pages in b->order: write or read-and-verify. */
static void bench_pass(struct swap_bench *b, bool write)
{
	u64 start = arch_time_ns();
	for (unsigned long k = 0; k < b->npages; k++) {
		unsigned long p = b->order[k];
		volatile u64 *w = (volatile u64 *)(MM_TEST_REGION + p * PAGE_SIZE);
		u64 t0 = arch_time_ns();
		if (write)
			w[0] = bench_word(p, 0);
		else
			b->bad += w[0] != bench_word(p, 0);
		u64 dt = (arch_time_ns() - t0) / 1000;
		b->lat_us[k] = dt > 0xffffffffull ? 0xffffffffu : (u32)dt;
		for (unsigned i = 1; i < PAGE_SIZE / 8; i++) {
			if (write)
				w[i] = bench_word(p, i);
			else
				b->bad += w[i] != bench_word(p, i);
		}
		if (k % 256 == 0)
			yield();
	}
	b->pass_ns = arch_time_ns() - start;
}

static int bench_write(void *arg)
{
	bench_pass(arg, true);
	return 0;
}

static int bench_read(void *arg)
{
	bench_pass(arg, false);
	return 0;
}

/* The "# hist" line of a pass, from its latencies sorted ascending. */
static void bench_hist(const u32 *sorted, unsigned long n, const char *dev, unsigned order,
		       const char *pass)
{
	char line[448];
	int len = snprintk(line, sizeof(line), "# hist %s %u ", dev, order);
	for (const char *c = pass; *c && len < (int)sizeof(line) - 1; c++)
		line[len++] = *c == ' ' ? '-' : *c; /* "seq read" -> "seq-read" */
	unsigned long k = 0;
	while (k < n && len < (int)sizeof(line) - 24) {
		u32 lo = sorted[k] ? 1u << (31 - __builtin_clz(sorted[k])) : 0;
		u64 hi = lo ? 2ull * lo : 1; /* first latency past this bucket */
		unsigned long count = 0;
		while (k < n && sorted[k] < hi) {
			count++;
			k++;
		}
		len += snprintk(line + len, sizeof(line) - len, " %u:%lu", lo, count);
	}
	pr_info("%s\n", line);
}

static void bench_report(struct swap_bench *b, const char *dev, unsigned order, const char *pass,
			 u64 out, u64 in)
{
	u64 sum = 0;
	for (unsigned long k = 0; k < b->npages; k++)
		sum += b->lat_us[k];
	test_sort_u32(b->lat_us, b->npages);
	u64 bytes = (u64)b->npages * PAGE_SIZE;
	u64 pass_us = b->pass_ns / 1000 ? b->pass_ns / 1000 : 1;
	u64 centi_mib_s = (bytes >> 10) * 100 * 1000000 / pass_us / 1024;
	pr_info("bench: swap %-8s order %u %-11s %4lu MiB in %5lu ms: %5lu.%02lu MiB/s; first "
		"touch mean %lu us, p50 %u us, p99 %u us; pswpout %lu pswpin %lu\n",
		dev, order, pass, (unsigned long)(bytes >> 20),
		(unsigned long)(b->pass_ns / 1000000), (unsigned long)(centi_mib_s / 100),
		(unsigned long)(centi_mib_s % 100), (unsigned long)(sum / b->npages),
		b->lat_us[b->npages / 2], b->lat_us[b->npages * 99 / 100], (unsigned long)out,
		(unsigned long)in);
	bench_hist(b->lat_us, b->npages, dev, order, pass);
}

/* a as a percentage of b, rounded. */
static unsigned long bench_pct(u64 a, u64 b)
{
	return b ? (unsigned long)((a * 100 + b / 2) / b) : 0;
}

static const char *bench_goal(unsigned long pct)
{
	return pct <= 20 ? "reached" : "not reached";
}

/* The pass's swap-in faults (swap_stats.c's histograms, reset before the
 * pass) against the QD1 read latency measured before it. */
static void bench_report_overhead(const char *dev, unsigned order, const char *pass,
				  const struct blk_qd1 *qd1)
{
	u64 faults = swapin_latency_count();
	if (!faults)
		return;
	u64 ns[SWAPIN_LAT_NR][2];
	char us[SWAPIN_LAT_NR][2][24], q50[24], q99[24];
	for (unsigned h = 0; h < SWAPIN_LAT_NR; h++) {
		ns[h][0] = swapin_latency_percentile_ns(h, 50);
		ns[h][1] = swapin_latency_percentile_ns(h, 99);
		blk_qd1_us(us[h][0], ns[h][0]);
		blk_qd1_us(us[h][1], ns[h][1]);
	}
	pr_info("bench: swap %-8s order %u %-11s %lu swap-in faults: whole fault p50 %s us, p99 "
		"%s us; own I/O wait p50 %s us, p99 %s us; software overhead (per fault: whole "
		"minus own I/O wait) p50 %s us, p99 %s us\n",
		dev, order, pass, (unsigned long)faults, us[SWAPIN_LAT_TOTAL][0],
		us[SWAPIN_LAT_TOTAL][1], us[SWAPIN_LAT_IO_WAIT][0], us[SWAPIN_LAT_IO_WAIT][1],
		us[SWAPIN_LAT_OVERHEAD][0], us[SWAPIN_LAT_OVERHEAD][1]);
	unsigned long p50 = bench_pct(ns[SWAPIN_LAT_OVERHEAD][0], qd1->p50_ns);
	unsigned long p99 = bench_pct(ns[SWAPIN_LAT_OVERHEAD][1], qd1->p99_ns);
	pr_info("bench: swap %-8s order %u %-11s overhead / QD1 read of %s (p50 %s us, p99 %s us): "
		"p50 %lu%% (goal <= 20%%: %s), p99 %lu%% (%s)\n",
		dev, order, pass, dev, blk_qd1_us(q50, qd1->p50_ns), blk_qd1_us(q99, qd1->p99_ns),
		p50, bench_goal(p50), p99, bench_goal(p99));
}

static void swap_bench_run(struct ktest *t, const char *dev, unsigned order)
{
	struct blockdev *bd = blockdev_get(dev);
	int type = swap_test_find_type(dev);
	if (!bench_mib) {
		ktest_skip(t, "swapbench.mib= not given (make bench runs it)");
		return;
	}
	if (!bd || type < 0) {
		ktest_skip(t, "device not attached or not on as swap");
		return;
	}
	struct swap_test_others others; /* only this device takes the pages */
	swap_test_others_off(t, &others, type);
	unsigned long old = mthp_set_orders(1ul | (1ul << order));
	struct swap_bench b = { (unsigned long)(bench_mib << 20) / PAGE_SIZE, NULL, NULL, 0, 0 };
	b.lat_us = kmalloc(b.npages * sizeof(u32), GFP_KERNEL);
	b.order = kmalloc(b.npages * sizeof(u32), GFP_KERNEL);
	struct mm *mm = mm_test_create(t, b.npages);
	if (!KT_EXPECT(t, b.lat_us && b.order && mm))
		goto out;
	static const char *const passes[] = { "write", "seq read", "random read" };
	u64 seed = 0x2545f4914f6cdd1dull;
	compute_control_run(t, "before the swap benchmark"); /* make scaling only */
	for (unsigned pass = 0; pass < 3; pass++) {
		for (unsigned long k = 0; k < b.npages; k++)
			b.order[k] = (u32)k;
		if (pass == 2) {
			for (unsigned long k = b.npages - 1; k > 0; k--) {
				unsigned long j = test_rand(&seed) % (k + 1);
				u32 x = b.order[k];
				b.order[k] = b.order[j];
				b.order[j] = x;
			}
		}
		struct blk_qd1 qd1 = { 0 };
		if (pass) {
			KT_EXPECT_EQ(t,
				     blk_qd1_measure(bd, BLK_READ, 1, blockdev_pages(bd) - 1, &qd1),
				     0);
			blk_qd1_print(bd, BLK_READ, &qd1);
		}
		u64 out = test_stat("pswpout"), in = test_stat("pswpin");
		swapin_latency_reset();
		u64 ra = test_stat("swap_ra"), hit = test_stat("swap_ra_hit");
		KT_EXPECT_EQ(t,
			     mm_test_run(mm, test_nth_cpu(0), pass ? bench_read : bench_write, &b),
			     0);
		swap_test_wait_io();
		bench_report(&b, dev, order, passes[pass], test_stat("pswpout") - out,
			     test_stat("pswpin") - in);
		if (pass)
			bench_report_overhead(dev, order, passes[pass], &qd1);
		pr_info("bench: swap %-8s order %u %-11s readahead %s page_cluster %lu: swap_ra "
			"%lu swap_ra_hit %lu\n",
			dev, order, passes[pass], swap_readahead_mode_name(swap_readahead_mode),
			(unsigned long)swap_page_cluster,
			(unsigned long)(test_stat("swap_ra") - ra),
			(unsigned long)(test_stat("swap_ra_hit") - hit));
	}
	KT_EXPECT_EQ(t, b.bad, 0);
	compute_control_run(t, "after the swap benchmark");
out:
	if (mm)
		mm_put(mm);
	kfree(b.lat_us);
	kfree(b.order);
	mthp_set_orders(old);
	swap_test_others_on(t, &others);
}

KTEST(bench_swap, virtio_order0)
{
	swap_bench_run(t, "vda", 0);
}
KTEST(bench_swap, virtio_order4)
{
	swap_bench_run(t, "vda", 4);
}
KTEST(bench_swap, ramswap_order0)
{
	swap_bench_run(t, "ramswap0", 0);
}
KTEST(bench_swap, ramswap_order4)
{
	swap_bench_run(t, "ramswap0", 4);
}

/*
 * swap.readahead= side by side in one boot (issue 14's rule for the
 * default: the most sequential throughput for at most 5% of random), on
 * virtio-blk at order 0, in the order off, cluster, vma, vma, cluster,
 * off so that a host whose speed drifts during the boot favours none.
 * Not in make bench's glob (bench_swap.virtio*): ktest=bench_swap.readahead*.
 */
KTEST(bench_swap, readahead_modes_virtio_order0)
{
	static const enum swap_readahead_mode modes[] = {
		SWAP_RA_OFF, SWAP_RA_CLUSTER, SWAP_RA_VMA, SWAP_RA_VMA, SWAP_RA_CLUSTER, SWAP_RA_OFF
	};
	enum swap_readahead_mode boot = swap_readahead_mode;
	for (unsigned i = 0; i < ARRAY_SIZE(modes) && !t->failures && !t->skip_reason; i++) {
		WRITE_ONCE(swap_readahead_mode, modes[i]);
		swap_bench_run(t, "vda", 0);
	}
	WRITE_ONCE(swap_readahead_mode, boot);
}
