/*
 * The demo that make run boots (64 MiB of RAM, a 512 MiB virtio-blk swap
 * disk): four tasks on four CPUs write a pattern over four times the RAM
 * in anonymous memory, so most of it goes to swap; halfway the address
 * space forks and the parent's tasks write the second half; then the
 * child's tasks rewrite an eighth of the first half with their own
 * pattern (copies on write, after swap-in), the parent rewrites that
 * eighth too (its pages are its own again: reused without a copy), and
 * every byte is verified in both. The counters that explain it end the boot as "# stat"
 * lines: pswpout, pswpin, swap-cache hits and misses (swapin_cache_*),
 * COW copies and reuses, mTHP swap-outs and splits, mTHP swap-ins and
 * fallbacks, swap-in latency p50 and p99.
 *
 * It is the default job on every machine, so it fits itself to what it
 * finds (tests/demo_plan.h): RAM above 64 MiB is held for the run (a
 * 4 GiB machine swaps as a 64 MiB one does, in the same time); without a
 * swap device (no virtio disk: any real PC booted from the ISO) it makes
 * a RAM swap device out of part of the RAM; the working set is four
 * times the RAM left when swap has room for it, else as much as fits.
 * It prints what it chose.
 */
#include "drivers/blockdev.h"
#include "drivers/ramswap.h"
#include "kernel/printk.h"
#include "mm/page_alloc.h"
#include "mm/swap_in.h"
#include "tests/demo_plan.h"
#include "tests/kernel/compute_control.h"
#include "tests/swap_path_test.h"

#define DEMO_TASKS 4
#define DEMO_HOLD_ORDER 9
#define DEMO_RAMSWAP "ramswap-demo"

struct demo_job {
	struct mm *mm;
	unsigned long first, n; /* pages of the region */
	u64 tag;
	unsigned long bad; /* words that did not read back */
};

static u64 demo_word(u64 tag, unsigned long page, unsigned w)
{
	return (tag << 48) ^ (page << 9) ^ w ^ 0x9e3779b97f4a7c15ull;
}

/* Every word of every page (the whole page is the pattern). */
static int demo_write(void *arg)
{
	struct demo_job *j = arg;
	for (unsigned long p = j->first; p < j->first + j->n; p++) {
		volatile u64 *w = (volatile u64 *)(MM_TEST_REGION + p * PAGE_SIZE);
		for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
			w[i] = demo_word(j->tag, p, i);
		if (p % 64 == 0)
			yield();
	}
	return 0;
}

static int demo_verify(void *arg)
{
	struct demo_job *j = arg;
	for (unsigned long p = j->first; p < j->first + j->n; p++) {
		volatile u64 *w = (volatile u64 *)(MM_TEST_REGION + p * PAGE_SIZE);
		for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
			j->bad += w[i] != demo_word(j->tag, p, i);
		if (p % 64 == 0)
			yield();
	}
	return 0;
}

/* Run fn over [first, first + n) of mm split among the tasks, one per CPU. */
static int demo_phase(struct mm *mm, int (*fn)(void *), unsigned long first, unsigned long n,
		      u64 tag, unsigned long *bad)
{
	struct demo_job jobs[DEMO_TASKS];
	struct task *tasks[DEMO_TASKS];
	unsigned long each = n / DEMO_TASKS;
	int err = 0;
	for (unsigned i = 0; i < DEMO_TASKS; i++) {
		jobs[i] = (struct demo_job){ mm, first + i * each,
					     i + 1 == DEMO_TASKS ? n - i * each : each, tag, 0 };
		tasks[i] = kthread_create_in_mm(fn, &jobs[i], test_nth_cpu(i), "demo", mm);
		if (!tasks[i])
			err = -ENOMEM;
	}
	for (unsigned i = 0; i < DEMO_TASKS; i++) {
		if (!tasks[i])
			continue;
		int r = kthread_join(tasks[i]);
		if (r && !err)
			err = r;
		*bad += jobs[i].bad;
	}
	return err;
}

/* RAM held for the run (demo_hold_pages): blocks of DEMO_HOLD_ORDER, then
 * single pages, each chained through its first word. */
struct demo_hold {
	void *blocks, *pages;
	unsigned long nr; /* pages held */
};

static void demo_hold(struct demo_hold *h, unsigned long pages)
{
	*h = (struct demo_hold){ NULL, NULL, 0 };
	while (pages - h->nr >= (1ul << DEMO_HOLD_ORDER)) {
		void *b = alloc_pages_va(GFP_KERNEL | __GFP_NOWARN, DEMO_HOLD_ORDER);
		if (!b)
			break; /* no block that large left: single pages */
		*(void **)b = h->blocks;
		h->blocks = b;
		h->nr += 1ul << DEMO_HOLD_ORDER;
	}
	while (h->nr < pages) {
		void *p = alloc_pages_va(GFP_KERNEL | __GFP_NOWARN, 0);
		if (!p)
			break;
		*(void **)p = h->pages;
		h->pages = p;
		h->nr++;
	}
}

static void demo_release(struct demo_hold *h)
{
	while (h->blocks) {
		void *b = h->blocks;
		h->blocks = *(void **)b;
		free_pages_va(b, DEMO_HOLD_ORDER);
	}
	while (h->pages) {
		void *p = h->pages;
		h->pages = *(void **)p;
		free_pages_va(p, 0);
	}
	h->nr = 0;
}

/* Free slots and slots in use over every swap device that is on; the
 * name of the first (the one the demo says it swaps to). */
static const char *demo_swap_state(unsigned long *free, long *inuse)
{
	const char *name = NULL;
	*free = 0;
	*inuse = 0;
	for (unsigned type = 0; type < MAX_SWAPFILES; type++) {
		struct blockdev *bd = swap_type_blockdev(type);
		if (!bd)
			continue;
		long used = atomic_long_read(&swap_info[type].inuse);
		*inuse += used;
		*free += swap_info[type].nr_usable - (unsigned long)used;
		name = name ? name : bd->name;
	}
	return name;
}

/* No swap device on: make one out of RAM (demo_ramswap_pages), format it
 * and switch it on. Its type, or a negative error after the test failed
 * or skipped. */
static int demo_make_ramswap(struct ktest *t, unsigned long pages)
{
	if (pages < 2) {
		ktest_skip(t, "no swap device, and too little RAM to make one out of it");
		return -ENOMEM;
	}
	pr_info("demo: no swap device is on (no virtio disk, or none usable as swap): making %s, "
		"%lu MiB of the RAM, as swap\n",
		DEMO_RAMSWAP, (pages * PAGE_SIZE) >> 20);
	struct blockdev *bd = test_ramswap(t, DEMO_RAMSWAP, (u64)pages * PAGE_SIZE, false, 0);
	int type = bd ? swap_test_swapon(bd, NULL, 0, 0) : -ENOMEM;
	if (type < 0)
		ktest_fail(t, "demo: could not make and switch on a RAM swap device");
	return type;
}

static unsigned long demo_mib(unsigned long pages)
{
	return (pages * PAGE_SIZE) >> 20;
}

/* The demo proper over n pages, with ram pages of RAM to fill. */
static void demo_run(struct ktest *t, unsigned long n, unsigned long ram)
{
	unsigned long half = n / 2;
	struct mm *parent = mm_test_create(t, n);
	KT_ASSERT(t, parent);
	swapin_latency_reset();
	unsigned long bad = 0, q = half / 8;
	u64 t0 = arch_time_ns(), copies = test_stat("cow_copy"), reuses = test_stat("cow_reuse");
	u64 out = test_stat("pswpout"), in = test_stat("pswpin");
	KT_EXPECT_EQ(t, demo_phase(parent, demo_write, 0, half, 1, &bad), 0);
	pr_info("demo: first half written (%lu ms); fork\n",
		(unsigned long)((arch_time_ns() - t0) / 1000000));
	struct mm *child = mm_fork(parent);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, demo_phase(parent, demo_write, half, n - half, 1, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(child, demo_write, 0, q, 2, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(parent, demo_write, 0, q, 3, &bad), 0);
	pr_info("demo: parent wrote the second half, child and parent rewrote %lu pages (%lu ms); "
		"verifying\n",
		q, (unsigned long)((arch_time_ns() - t0) / 1000000));
	KT_EXPECT_EQ(t, demo_phase(parent, demo_verify, 0, q, 3, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(parent, demo_verify, q, n - q, 1, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(child, demo_verify, 0, q, 2, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(child, demo_verify, q, half - q, 1, &bad), 0);
	KT_EXPECT_EQ(t, bad, 0);
	pr_info("demo: %lu words differ; %lu ms in all; pswpout %lu pswpin %lu, COW copies %lu "
		"reuses %lu\n",
		bad, (unsigned long)((arch_time_ns() - t0) / 1000000),
		(unsigned long)(test_stat("pswpout") - out),
		(unsigned long)(test_stat("pswpin") - in),
		(unsigned long)(test_stat("cow_copy") - copies),
		(unsigned long)(test_stat("cow_reuse") - reuses));
	/* The child's writes copied every page it shared; the parent then
	 * wrote its own pages again without copying them all. */
	KT_EXPECT(t, test_stat("cow_copy") - copies >= q);
	KT_EXPECT(t, test_stat("cow_reuse") > reuses);
	/* At least half of what could not stay in RAM went out, and came in. */
	KT_EXPECT(t, test_stat("pswpout") - out > (n - ram) / 2);
	KT_EXPECT(t, test_stat("pswpin") > in);
	mm_put(child);
	mm_put(parent);
	swap_test_wait_io();
}

KTEST(demo, four_tasks_write_past_ram_fork_halfway_verify_every_byte)
{
	const unsigned long reserve = page_alloc_watermarks()->high;
	unsigned long total = nr_total_pages(), free = swap_test_settled_free();
	struct demo_hold hold;
	demo_hold(&hold, demo_hold_pages(free, reserve));
	if (hold.nr)
		pr_info("demo: %lu MiB of RAM: holding %lu MiB of it, so that %lu MiB are left and "
			"the working set is at most %lu MiB (a short run on TCG)\n",
			demo_mib(total), demo_mib(hold.nr), demo_mib(DEMO_RAM_MAX_PAGES),
			demo_mib(4 * DEMO_RAM_MAX_PAGES));
	unsigned long swap_free;
	long inuse;
	int own_type = -1;
	if (!demo_swap_state(&swap_free, &inuse)) {
		own_type =
			demo_make_ramswap(t, demo_ramswap_pages(swap_test_settled_free(), reserve));
		if (own_type < 0)
			goto out;
	}
	const char *swap_name = demo_swap_state(&swap_free, &inuse);
	unsigned long ram = demo_ram_pages(swap_test_settled_free(), reserve);
	unsigned long n = demo_working_set(ram, swap_free);
	if (!n) {
		pr_info("demo: %lu MiB of RAM to fill, %lu MiB of swap free on %s: too little swap "
			"for a working set past the RAM\n",
			demo_mib(ram), demo_mib(swap_free), swap_name);
		ktest_skip(t, "too little swap for a working set of 5/4 of the RAM (attach a "
			      "larger swap disk)");
		goto out;
	}
	pr_info("demo: %lu MiB of RAM, %lu MiB of it to fill; swap on %s, %lu MiB free: writing "
		"%lu MiB (%lu.%lux the RAM%s) with %u tasks on %u CPUs\n",
		demo_mib(total), demo_mib(ram), swap_name, demo_mib(swap_free), demo_mib(n),
		(n * 10 + ram / 2) / ram / 10, (n * 10 + ram / 2) / ram % 10,
		n < 4 * ram / DEMO_ROUND_PAGES * DEMO_ROUND_PAGES
			? "; as much as fits in RAM plus swap"
			: "",
		DEMO_TASKS, nr_cpus_online);
	compute_control_run(t, "before the demo"); /* make scaling only */
	demo_run(t, n, ram);
	compute_control_run(t, "after the demo");
	unsigned long free_after;
	long inuse_after;
	demo_swap_state(&free_after, &inuse_after);
	KT_EXPECT_EQ(t, inuse_after, inuse);
out:
	if (own_type >= 0)
		KT_EXPECT_EQ(t, swapoff((unsigned)own_type), 0);
	demo_release(&hold);
}
