/*
 * Fault injection (kernel/fault_inject.h): should_fail honours
 * probability, interval, times, space and the CPU and task filters, and
 * the same seed makes the same decisions; the command-line syntax refuses
 * what it does not understand; each site fails the way the real thing
 * does (alloc_pages and kmalloc return NULL, a swap read kills only the
 * task that faulted and loses nothing, a swap write keeps the page dirty
 * in memory, a swap allocation keeps the page mapped).
 */
#include "kernel/errno.h"
#include "kernel/fault_inject.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"
#include "mm/vmscan.h"
#include "swap_path_test.h"
#include "test_cpus.h"

/* A private attribute: the kernel's own ones stay untouched. */
static struct fault_attr test_attr = { .name = "test" };

static unsigned count_failures(struct fault_attr *attr, unsigned calls)
{
	unsigned n = 0;
	for (unsigned i = 0; i < calls; i++)
		n += should_fail(attr, 1);
	return n;
}

KTEST(fault_inject, off_never_fails_and_counts_nothing)
{
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=0"), 0);
	KT_EXPECT_EQ(t, count_failures(&test_attr, 1000), 0);
	KT_EXPECT_EQ(t, fault_attr_calls(&test_attr), 0);
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "0"), 0);
	KT_EXPECT_EQ(t, count_failures(&test_attr, 1000), 0);
	fault_attr_disable(&test_attr);
}

KTEST(fault_inject, probability_100_fails_every_call)
{
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "seed=3"), 0); /* probability 100 by default */
	KT_EXPECT_EQ(t, count_failures(&test_attr, 1000), 1000);
	KT_EXPECT_EQ(t, fault_attr_calls(&test_attr), 1000);
	KT_EXPECT_EQ(t, fault_attr_injected(&test_attr), 1000);
	fault_attr_disable(&test_attr);
	KT_EXPECT_EQ(t, count_failures(&test_attr, 10), 0);
}

/* 10% of 100,000 calls (sd ~95) and 0.01% of 1,000,000 (about 100, sd 10). */
KTEST(fault_inject, probability_is_honoured)
{
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=10,seed=5"), 0);
	unsigned n = count_failures(&test_attr, 100000);
	KT_EXPECT(t, n > 9500 && n < 10500);
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=0.01,seed=5"), 0);
	n = count_failures(&test_attr, 1000000);
	KT_EXPECT(t, n > 50 && n < 150);
	ktest_diag(t, "0.01%% of 1000000 calls: %u failures", n);
	fault_attr_disable(&test_attr);
}

KTEST(fault_inject, interval_fails_every_nth_call)
{
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=100,interval=3"), 0);
	for (unsigned i = 1; i <= 30; i++)
		KT_EXPECT_EQ(t, should_fail(&test_attr, 1), i % 3 == 0);
	fault_attr_disable(&test_attr);
}

KTEST(fault_inject, times_limits_the_failures)
{
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=50,times=7,seed=9"), 0);
	KT_EXPECT_EQ(t, count_failures(&test_attr, 10000), 7);
	KT_EXPECT_EQ(t, fault_attr_injected(&test_attr), 7);
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "times=1"), 0);
	KT_EXPECT(t, should_fail(&test_attr, 1));
	KT_EXPECT(t, !should_fail(&test_attr, 1));
	fault_attr_disable(&test_attr);
}

KTEST(fault_inject, space_lets_bytes_through_first)
{
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "space=10K"), 0);
	KT_EXPECT(t, !should_fail(&test_attr, 4096));
	KT_EXPECT(t, !should_fail(&test_attr, 4096));
	KT_EXPECT(t, !should_fail(&test_attr, 4096)); /* 10240 - 8192 left: through */
	KT_EXPECT(t, should_fail(&test_attr, 4096));
	fault_attr_disable(&test_attr);
}

/* The same seed and the same calls: the same decisions; another seed:
 * others. */
KTEST(fault_inject, same_seed_replays_the_same_decisions)
{
	static bool first[512];
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=30,seed=42"), 0);
	for (unsigned i = 0; i < 512; i++)
		first[i] = should_fail(&test_attr, 1);
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=30,seed=42"), 0);
	unsigned same = 0;
	for (unsigned i = 0; i < 512; i++)
		same += should_fail(&test_attr, 1) == first[i];
	KT_EXPECT_EQ(t, same, 512);
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "probability=30,seed=43"), 0);
	same = 0;
	for (unsigned i = 0; i < 512; i++)
		same += should_fail(&test_attr, 1) == first[i];
	KT_EXPECT(t, same < 450);
	fault_attr_disable(&test_attr);
}

static int fail_once(void *arg)
{
	return should_fail(arg, 1);
}

static int run_named(const char *name, unsigned cpu)
{
	struct task *tk = kthread_create_on_cpu(fail_once, &test_attr, cpu, name);
	return tk ? kthread_join(tk) : -ENOMEM;
}

KTEST(fault_inject, task_filter_matches_names_by_glob)
{
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, "task=fi-yes*"), 0);
	KT_EXPECT_EQ(t, run_named("fi-yes-1", arch_cpu_id()), 1);
	KT_EXPECT_EQ(t, run_named("fi-no", arch_cpu_id()), 0);
	KT_EXPECT_EQ(t, fault_attr_calls(&test_attr), 1); /* the other one was filtered */
	fault_attr_disable(&test_attr);
}

KTEST(fault_inject, cpu_filter_fails_only_there)
{
	unsigned other = test_other_cpu();
	if (other == arch_cpu_id()) {
		ktest_skip(t, "one CPU");
		return;
	}
	char spec[32];
	snprintk(spec, sizeof(spec), "cpu=%u", other);
	KT_ASSERT_EQ(t, fault_attr_set(&test_attr, spec), 0);
	KT_EXPECT(t, !should_fail(&test_attr, 1));
	KT_EXPECT_EQ(t, run_named("fi-cpu", other), 1);
	fault_attr_disable(&test_attr);
}

static int parse(struct fault_attr *attr, const char *s)
{
	return fault_attr_parse(attr, s, strlen(s));
}

KTEST(fault_inject, parse_reads_every_option_and_refuses_bad_ones)
{
	struct fault_attr a = { .name = "parse", .gfp_options = true };
	KT_ASSERT_EQ(t,
		     parse(&a, "probability=5,interval=2,times=100,cpu=1,task=stress*,seed=42,"
			       "space=1M,verbose=1,min_order=2,ignore_reclaim=1"),
		     0);
	KT_EXPECT_EQ(t, a.probability, 50000);
	KT_EXPECT_EQ(t, a.interval, 2);
	KT_EXPECT_EQ(t, a.times, 100);
	KT_EXPECT_EQ(t, a.cpu, 1);
	KT_EXPECT(t, strcmp(a.task, "stress*") == 0);
	KT_EXPECT_EQ(t, a.seed, 42);
	KT_EXPECT_EQ(t, a.space, 1ul << 20);
	KT_EXPECT_EQ(t, a.min_order, 2);
	KT_EXPECT(t, a.ignore_reclaim && a.configured);
	KT_ASSERT_EQ(t, parse(&a, "probability=0.0001,times=-1"), 0);
	KT_EXPECT_EQ(t, a.probability, 1);
	KT_EXPECT_EQ(t, a.times, -1);
	KT_EXPECT_EQ(t, a.cpu, -1); /* not given: reset */
	static const char *const bad[] = {
		"probability=101",
		"probability=100.5",
		"probability=0.00001",
		"probability=",
		"probability=x",
		"interval=0",
		"times=-2",
		"cpu=99",
		"seed=",
		"nosuch=1",
		"probability",
		"verbose=2",
		"task=",
		"task=a-name-far-too-long-for-a-task",
		NULL,
	};
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* each one says why */
	for (unsigned i = 0; bad[i]; i++) {
		if (!KT_EXPECT_EQ(t, parse(&a, bad[i]), -EINVAL))
			ktest_diag(t, "accepted '%s'", bad[i]);
	}
	struct fault_attr plain = { .name = "plain" };
	KT_EXPECT_EQ(t, parse(&plain, "min_order=1"), -EINVAL); /* allocators only */
	console_loglevel = saved;
}

KTEST(fault_inject, page_alloc_and_kmalloc_fail_as_told)
{
	char spec[64];
	snprintk(spec, sizeof(spec), "task=%s,times=1", current->name);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_page_alloc, spec), 0);
	u64 failures = test_stat("page_alloc_failures");
	KT_EXPECT(t, alloc_page(GFP_KERNEL | __GFP_NOWARN) == NULL);
	KT_EXPECT_EQ(t, test_stat("page_alloc_failures"), failures + 1);
	struct page *p = alloc_page(GFP_KERNEL); /* times=1: spent */
	KT_EXPECT(t, p != NULL);
	if (p)
		free_page(p);
	/* min_order=1 spares order 0; ignore_reclaim=1 spares GFP_USER. */
	snprintk(spec, sizeof(spec), "task=%s,min_order=1,ignore_reclaim=1", current->name);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_page_alloc, spec), 0);
	p = alloc_page(GFP_KERNEL);
	KT_EXPECT(t, p != NULL);
	if (p)
		free_page(p);
	p = alloc_pages(GFP_USER, 1);
	KT_EXPECT(t, p != NULL);
	if (p)
		free_pages(p, 1);
	KT_EXPECT(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1) == NULL);
	fault_attr_disable(&fail_page_alloc);

	snprintk(spec, sizeof(spec), "task=%s,times=1", current->name);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_kmalloc, spec), 0);
	KT_EXPECT(t, kmalloc(100, GFP_KERNEL) == NULL);
	void *v = kmalloc(100, GFP_KERNEL);
	KT_EXPECT(t, v != NULL);
	kfree(v);
	KT_EXPECT_EQ(t, fault_attr_injected(&fail_kmalloc), 1);
	fault_attr_disable(&fail_kmalloc);
}

#define FAULT_INJECT_BYTES (8ul << 20)

/* A page in swap and not in the swap cache: the next touch must read. */
static pte_t fault_inject_swapped_out(struct ktest *t, struct mm *mm, unsigned long page)
{
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION + page * PAGE_SIZE, PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	pte_t pte = mm_test_pte(mm, MM_TEST_REGION + page * PAGE_SIZE);
	if (pte_is_swap(pte))
		swap_cache_drop_clean(pte_to_swp_entry(pte));
	return pte;
}

/* As tests/kernel/swap_errors.c with blkdebug, on any device: the failed
 * read kills the reader only, leaves the entry intact and uncached, and
 * the next read gets the data. */
KTEST(fault_inject, swap_read_error_kills_only_the_reader_and_loses_nothing)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-fi", FAULT_INJECT_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, 2);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 2, 1), 0);
	pte_t pte = fault_inject_swapped_out(t, mm, 0);
	fault_inject_swapped_out(t, mm, 1);
	KT_ASSERT(t, pte_is_swap(pte));
	u64 kills = test_stat("swapin_read_kills"), errs = test_stat("swap_read_errors");
	KT_ASSERT_EQ(t, fault_attr_set(&fail_swap_read, "task=mm-test,times=1"), 0);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the messages are expected */
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 1, 1), -EIO);
	console_loglevel = saved;
	KT_EXPECT_EQ(t, test_stat("swapin_read_kills"), kills + 1);
	KT_EXPECT_EQ(t, test_stat("swap_read_errors"), errs + 1);
	KT_EXPECT(t, pte_same(mm_test_pte(mm, MM_TEST_REGION), pte));
	KT_EXPECT(t, !swap_cache_peek(pte_to_swp_entry(pte)));
	KT_EXPECT_EQ(t, swap_count(pte_to_swp_entry(pte)), 1);
	/* times=1 is spent: both pages read back intact. */
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 2, 1), 0);
	KT_EXPECT_EQ(t, fault_attr_injected(&fail_swap_read), 1);
	fault_attr_disable(&fail_swap_read);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* The failed write keeps the page dirty in the swap cache; it reads back
 * from memory, and the next pageout writes it. */
KTEST(fault_inject, swap_write_error_keeps_the_page_and_writes_it_later)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-fi", FAULT_INJECT_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 1), 0);
	char spec[64];
	snprintk(spec, sizeof(spec), "task=%s,times=1", current->name);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_swap_write, spec), 0);
	u64 werr = test_stat("swap_write_errors"), writes = test_stat("pswpout");
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	swap_test_wait_io();
	console_loglevel = saved;
	KT_EXPECT_EQ(t, test_stat("swap_write_errors"), werr + 1);
	KT_EXPECT_EQ(t, test_stat("pswpout"), writes);
	pte_t pte = mm_test_pte(mm, MM_TEST_REGION);
	KT_ASSERT(t, pte_is_swap(pte));
	struct folio *folio = swap_cache_get_folio(pte_to_swp_entry(pte));
	KT_ASSERT(t, folio != NULL);
	KT_EXPECT(t, folio_test_dirty(folio));
	folio_put(folio);
	u64 reads = test_stat("pswpin");
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 1, 1), 0); /* from memory */
	KT_EXPECT_EQ(t, test_stat("pswpin"), reads);
	pte = fault_inject_swapped_out(t, mm, 0); /* times=1 spent: written now */
	KT_EXPECT(t, pte_is_swap(pte));
	KT_EXPECT_EQ(t, test_stat("pswpout"), writes + 1);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 1, 1), 0); /* from the device */
	KT_EXPECT_EQ(t, test_stat("pswpin"), reads + 1);
	fault_attr_disable(&fail_swap_write);
	mm_put(mm);
	swap_path_end(t, &e);
}

/* No slot: the page stays mapped, as when swap is full. */
KTEST(fault_inject, swap_alloc_failure_keeps_the_page_mapped)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-fi", FAULT_INJECT_BYTES, 0))
		return;
	struct mm *mm = mm_test_create(t, 1);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, 1, 1), 0);
	char spec[64];
	snprintk(spec, sizeof(spec), "task=%s,times=1", current->name);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_swap_alloc, spec), 0);
	u64 no_swap = test_stat("reclaim_no_swap");
	KT_EXPECT_EQ(t, madvise_pageout(mm, MM_TEST_REGION, PAGE_SIZE, NULL), 0);
	KT_EXPECT_EQ(t, test_stat("reclaim_no_swap"), no_swap + 1);
	KT_EXPECT(t, pte_present(mm_test_pte(mm, MM_TEST_REGION)));
	KT_EXPECT(t, pte_is_swap(fault_inject_swapped_out(t, mm, 0)));
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, 1, 1), 0);
	fault_attr_disable(&fail_swap_alloc);
	mm_put(mm);
	swap_path_end(t, &e);
}

/*
 * swapoff and read errors: one that goes away costs a pass, not the
 * swapoff (it gave up at the first failed read, so the stress test with
 * fail.swap_read= never completed one); one that stays fails it with
 * -EIO, the device stays on and the data with it.
 */
KTEST(fault_inject, swapoff_retries_a_page_whose_read_failed)
{
	struct swap_path_env e;
	if (!swap_path_begin(t, &e, "swt-fi", FAULT_INJECT_BYTES, 0))
		return;
	struct swap_test_others others;
	swap_test_others_off(t, &others, e.s.type);
	const unsigned long n = 8;
	struct mm *mm = mm_test_create(t, n);
	KT_ASSERT(t, mm);
	KT_EXPECT_EQ(t, swap_path_write(mm, 0, n, 7), 0);
	for (unsigned long p = 0; p < n; p++)
		KT_EXPECT(t, pte_is_swap(fault_inject_swapped_out(t, mm, p)));
	char spec[64];
	snprintk(spec, sizeof(spec), "task=%s", current->name); /* every read fails */
	KT_ASSERT_EQ(t, fault_attr_set(&fail_swap_read, spec), 0);
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG;
	KT_EXPECT_EQ(t, swapoff((unsigned)e.s.type), -EIO);
	KT_EXPECT(t, swap_type_blockdev((unsigned)e.s.type) != NULL);
	snprintk(spec, sizeof(spec), "task=%s,times=3", current->name);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_swap_read, spec), 0);
	u64 errs = test_stat("swap_read_errors"), skipped = test_stat("swapoff_read_errors");
	u64 ra_errs = test_stat("swap_ra_read_errors");
	struct blockdev *bd = swap_type_blockdev((unsigned)e.s.type);
	KT_EXPECT_EQ(t, swapoff((unsigned)e.s.type), 0);
	console_loglevel = saved;
	KT_EXPECT_EQ(t, test_stat("swap_read_errors"), errs + 3);
	/* Each failure skipped a page, or dropped a page read ahead (quietly:
	 * mm/swap_readahead.c), which a later pass reads itself. */
	KT_EXPECT_EQ(t,
		     test_stat("swapoff_read_errors") - skipped +
			     (test_stat("swap_ra_read_errors") - ra_errs),
		     3);
	fault_attr_disable(&fail_swap_read);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->rss_swap), 0);
	KT_EXPECT_EQ(t, swap_path_check(mm, 0, n, 7), 0);
	mm_put(mm);
	e.s.type = swap_test_swapon(bd, NULL, 0, SWAP_TEST_PRIO); /* for swap_path_end */
	KT_ASSERT(t, e.s.type >= 0);
	e.s.si = swap_test_info(e.s.type);
	swap_test_others_on(t, &others);
	swap_path_end(t, &e);
}

/* The accounting check needs no memory: with every allocation failing
 * it used to report a problem ("no memory for the check"), which
 * swap.check=1 turns into a panic at swapoff. */
KTEST(fault_inject, swap_check_needs_no_memory)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-fi", FAULT_INJECT_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	char spec[64];
	snprintk(spec, sizeof(spec), "task=%s", current->name);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_kmalloc, spec), 0);
	KT_ASSERT_EQ(t, fault_attr_set(&fail_page_alloc, spec), 0);
	KT_EXPECT_EQ(t, swap_check(), 0);
	fault_attr_disable(&fail_kmalloc);
	fault_attr_disable(&fail_page_alloc);
	swap_test_end(t, &s);
}
