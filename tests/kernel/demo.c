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
 * Sized from the RAM: skipped above 256 MiB (make test's other boots run
 * every test with 512 MiB; the demo boots use 64 MiB).
 */
#include "drivers/blockdev.h"
#include "kernel/printk.h"
#include "mm/page_alloc.h"
#include "mm/swap_in.h"
#include "tests/swap_path_test.h"

#define DEMO_TASKS 4
#define DEMO_MAX_RAM (256ul << 20)

struct demo_job {
	struct mm *mm;
	unsigned long first, n; /* pages of the region */
	u64 tag;
	unsigned long bad;      /* words that did not read back */
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
		volatile u64 *w = (volatile u64 *)(SWAPP_REGION + p * PAGE_SIZE);
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
		volatile u64 *w = (volatile u64 *)(SWAPP_REGION + p * PAGE_SIZE);
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
		jobs[i] = (struct demo_job){ mm, first + i * each, i + 1 == DEMO_TASKS ? n - i * each : each,
					     tag, 0 };
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

KTEST(demo, four_tasks_write_4x_ram_fork_halfway_verify_every_byte)
{
	unsigned long ram = nr_total_pages() * PAGE_SIZE;
	if (ram > DEMO_MAX_RAM) {
		ktest_skip(t, "sized for make run's 64 MiB (boot with MEM=64M)");
		return;
	}
	int type = swapp_find_type("vda");
	if (type < 0) {
		ktest_fail(t, "the demo needs the swap disk (make run attaches one)");
		return;
	}
	unsigned long n = 4 * nr_total_pages(), half = n / 2;
	struct mm *parent = swapp_mm(t, n);
	KT_ASSERT(t, parent);
	pr_info("demo: %lu MiB of RAM, %lu MiB written by %u tasks on %u CPUs, swap on %s (%lu MiB)\n",
		ram >> 20, (n * PAGE_SIZE) >> 20, DEMO_TASKS, nr_cpus_online,
		swap_type_blockdev((unsigned)type)->name,
		(unsigned long)(swap_type_nr_slots((unsigned)type) * PAGE_SIZE >> 20));
	swapin_latency_reset();
	unsigned long bad = 0, q = half / 8;
	u64 t0 = arch_time_ns(), copies = mmt_stat("cow_copy"), reuses = mmt_stat("cow_reuse");
	KT_EXPECT_EQ(t, demo_phase(parent, demo_write, 0, half, 1, &bad), 0);
	pr_info("demo: first half written (%lu ms); fork\n",
		(unsigned long)((arch_time_ns() - t0) / 1000000));
	struct mm *child = mm_fork(parent);
	KT_ASSERT(t, child);
	KT_EXPECT_EQ(t, demo_phase(parent, demo_write, half, n - half, 1, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(child, demo_write, 0, q, 2, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(parent, demo_write, 0, q, 3, &bad), 0);
	pr_info("demo: parent wrote the second half, child and parent rewrote %lu pages (%lu ms); verifying\n",
		q, (unsigned long)((arch_time_ns() - t0) / 1000000));
	KT_EXPECT_EQ(t, demo_phase(parent, demo_verify, 0, q, 3, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(parent, demo_verify, q, n - q, 1, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(child, demo_verify, 0, q, 2, &bad), 0);
	KT_EXPECT_EQ(t, demo_phase(child, demo_verify, q, half - q, 1, &bad), 0);
	KT_EXPECT_EQ(t, bad, 0);
	pr_info("demo: %lu words differ; %lu ms in all; pswpout %lu pswpin %lu, COW copies %lu reuses %lu\n",
		bad, (unsigned long)((arch_time_ns() - t0) / 1000000),
		(unsigned long)mmt_stat("pswpout"), (unsigned long)mmt_stat("pswpin"),
		(unsigned long)(mmt_stat("cow_copy") - copies),
		(unsigned long)(mmt_stat("cow_reuse") - reuses));
	/* The child's writes copied every page it shared; the parent then
	 * wrote its own pages again without copying them all. */
	KT_EXPECT(t, mmt_stat("cow_copy") - copies >= q);
	KT_EXPECT(t, mmt_stat("cow_reuse") > reuses);
	KT_EXPECT(t, mmt_stat("pswpout") > n / 2);
	KT_EXPECT(t, mmt_stat("pswpin") > 0);
	mm_put(child);
	mm_put(parent);
	swapp_settle();
	KT_EXPECT_EQ(t, atomic_long_read(&swapt_info(type)->inuse), 0);
}
