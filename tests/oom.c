/*
 * oom.*: the OOM killer (mm/oom_kill.c). Issue 11 item 6: out of memory
 * used to kill only the task that faulted, so four tasks sharing an mm
 * died one by one with RAM and swap still full. Now the largest mm is
 * killed, every task of it, and its memory and swap slots come back at
 * once, before its tasks are joined.
 *
 * Each case holds all memory but OOM_TEST_LEAVE pages above the min watermark
 * (so the work is the same at 48 MiB and at 4 GiB) and swaps to a small
 * RAM device of its own with the other devices off, so that it fills.
 * The console stays at LOG_ERR (swap_test_begin): the OOM killer's line shows.
 */
#include "drivers/ramswap.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "mm/oom_kill.h"
#include "swap_path_test.h"

#define OOM_TEST_LEAVE 512ul		/* pages left free above min */
#define OOM_TEST_SWAP_BYTES (2ul << 20) /* 511 slots */
#define OOM_TEST_TASKS 4

static unsigned long oom_test_addr(unsigned long page)
{
	return MM_TEST_REGION + page * PAGE_SIZE;
}

struct oom_test_job {
	struct mm *mm;
	unsigned long first, n;
	u64 tag;
	bool hold;   /* after writing, wait to be killed (or stop) */
	int written; /* atomic */
	int stop;    /* atomic */
};

/*
 * Write a word into each page. A holding job then waits, looking for the
 * kill in its loop as a task that never faults must (fatal_signal_pending),
 * and ends itself the way a fault of a killed task ends it. Not killed, it
 * touches its memory and returns 0.
 */
static int oom_test_job_run(void *arg)
{
	struct oom_test_job *j = arg;
	for (unsigned long p = j->first; p < j->first + j->n; p++)
		mm_test_write(j->mm, oom_test_addr(p), swap_path_value(j->tag, p, 0));
	__atomic_store_n(&j->written, 1, __ATOMIC_SEQ_CST);
	if (!j->hold)
		return 0;
	/* No deadline of its own: on a loaded host the others may take long to
	 * write (a 20 s one ended a task before the kill, once, on 8 vCPUs);
	 * the test always sets stop before it joins. */
	while (!fatal_signal_pending(current) && !__atomic_load_n(&j->stop, __ATOMIC_SEQ_CST))
		yield();
	/* Killed before the test said stop, or in the same instant: the
	 * kill wins, as a fault of a killed task would. */
	if (fatal_signal_pending(current))
		mm_fault_kill_current(0, 0, 0, -ENOMEM);
	(void)mm_test_read(j->mm, oom_test_addr(j->first));
	return 0;
}

/* Exit status: pages whose word differs. */
static int oom_test_job_check(void *arg)
{
	struct oom_test_job *j = arg;
	int bad = 0;
	for (unsigned long p = j->first; p < j->first + j->n; p++)
		bad += mm_test_read(j->mm, oom_test_addr(p)) != swap_path_value(j->tag, p, 0);
	return bad;
}

/* Start nr jobs over pages [0, n) of mm, on CPUs other than avoid when
 * there are enough (avoid = -1: any). */
static void oom_test_start(struct ktest *t, struct task **tasks, struct oom_test_job *jobs,
			   unsigned nr, struct mm *mm, unsigned long n, u64 tag, bool hold,
			   int avoid)
{
	unsigned cpu_index = 0;
	for (unsigned i = 0; i < nr; i++) {
		unsigned long first = i * n / nr, last = (i + 1) * n / nr;
		jobs[i] = (struct oom_test_job){ mm, first, last - first, tag, hold, 0, 0 };
		unsigned cpu = test_nth_cpu(cpu_index++);
		if ((int)cpu == avoid && nr_cpus_online > 2)
			cpu = test_nth_cpu(cpu_index++);
		tasks[i] = kthread_create_in_mm(oom_test_job_run, &jobs[i], cpu, "oom-test", mm);
		KT_EXPECT(t, tasks[i] != NULL);
	}
}

static void oom_test_wait_written(struct oom_test_job *jobs, unsigned nr)
{
	for (unsigned i = 0; i < nr; i++)
		while (!__atomic_load_n(&jobs[i].written, __ATOMIC_SEQ_CST))
			yield();
}

/* The exact counters against a page-table walk: the write lock keeps
 * faults out and reclaim's rmap walks (which trylock it) away. */
static void oom_test_check_counters(struct ktest *t, struct mm *mm, unsigned long n)
{
	unsigned long anon = 0, swap = 0;
	down_write(&mm->mmap_lock);
	for (unsigned long p = 0; p < n; p++) {
		pte_t pte = mm_test_pte(mm, oom_test_addr(p));
		if (pte_present(pte))
			anon += pte_anon_folio(pte) != NULL;
		else if (!pte_none(pte))
			swap++;
	}
	KT_EXPECT_EQ(t, get_mm_counter(mm, MM_ANONPAGES), anon);
	KT_EXPECT_EQ(t, get_mm_counter(mm, MM_SWAPENTS), swap);
	up_write(&mm->mmap_lock);
	ktest_diag(t, "mm %lu: %lu pages in RAM, %lu swap entries (counters and walk agree)",
		   mm->id, anon, swap);
}

/* An mm of n pages; *free_before: free pages once it exists but before
 * its VMA does (the reap frees the VMA, the test still holds the mm). */
static struct mm *oom_test_mm(struct ktest *t, unsigned long n, unsigned long *free_before)
{
	struct mm *mm = mm_create();
	KT_EXPECT(t, mm != NULL);
	if (!mm)
		return NULL;
	*free_before = swap_test_settled_free();
	if (!KT_EXPECT_EQ(t, mm_mmap(mm, MM_TEST_REGION, n * PAGE_SIZE, MM_TEST_RW), 0)) {
		mm_put(mm);
		return NULL;
	}
	return mm;
}

/* After a reap: nothing mapped, nothing in swap, only the root table. */
static void oom_test_check_reaped(struct ktest *t, struct mm *mm)
{
	KT_EXPECT(t, mm_is_oom_victim(mm));
	KT_EXPECT_EQ(t, get_mm_counter(mm, MM_ANONPAGES), 0);
	KT_EXPECT_EQ(t, get_mm_counter(mm, MM_SWAPENTS), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&mm->nr_pgtables), 1);
}

/* A case's surroundings: its device alone in service, memory held. */
/* What each scenario prints as "# stat NAME +N" lines. */
static const char *const oom_test_stat_names[] = {
	"oom_kills",
	"oom_reaped_pages",
	"oom_reaped_swap",
	"oom_victim_exits",
	"oom_no_victim",
	"swap_write_end_last_ref",
	NULL,
};

struct oom_test_env {
	struct ktest_stats stats;
	struct swap_path_env e;
	struct swap_test_others others;
	struct list_head held;
	unsigned long avail; /* pages of RAM above min plus free swap slots */
};

static bool oom_test_begin(struct ktest *t, struct oom_test_env *o, const char *dev)
{
	ktest_stats_begin(&o->stats, oom_test_stat_names);
	if (!swap_path_begin(t, &o->e, dev, OOM_TEST_SWAP_BYTES, 0))
		return false;
	swap_test_others_off(t, &o->others, o->e.s.type);
	list_init(&o->held);
	mm_test_eat_memory(&o->held, OOM_TEST_LEAVE);
	o->avail = nr_free_pages() - page_alloc_watermarks()->min +
		   (unsigned long)(o->e.s.si->nr_usable - (u64)atomic_long_read(&o->e.s.si->inuse));
	return true;
}

static void oom_test_end(struct ktest *t, struct oom_test_env *o)
{
	ktest_stats_print(t, &o->stats);
	mm_test_give_back(&o->held);
	swap_test_others_on(t, &o->others);
	swap_path_end(t, &o->e);
}

/* Every page and slot the test's mms held is back (their roots aside:
 * the test still holds the mms). */
static void oom_test_check_all_back(struct ktest *t, struct oom_test_env *o,
				    unsigned long free_before)
{
	swap_test_wait_io();
	swap_pcp_drain(o->e.s.si);
	KT_EXPECT_EQ(t, atomic_long_read(&o->e.s.si->inuse), 0);
	KT_EXPECT_EQ(t, swap_test_settled_free(), free_before);
}

/* Join the nr tasks; each must end with status want. */
/* A holding job not killed stops here (and fails want). */
static void oom_test_join(struct ktest *t, struct task **tasks, struct oom_test_job *jobs,
			  unsigned nr, int want)
{
	for (unsigned i = 0; i < nr; i++) {
		__atomic_store_n(&jobs[i].stop, 1, __ATOMIC_SEQ_CST);
		if (tasks[i])
			KT_EXPECT_EQ(t, kthread_join(tasks[i]), want);
	}
}

/*
 * Four tasks sharing one mm each write more than RAM and swap can hold
 * (so that on one CPU the first alone runs out; the others, not started
 * yet, are killed too and end at their first fault). One kill (not four),
 * every task ends with -ENOMEM, and before anyone joins them every page
 * and slot is back. Returns what the victim held (pages and swap entries).
 */
static unsigned long oom_test_four_tasks_run_out(struct ktest *t, struct oom_test_env *o)
{
	const unsigned long n = 5 * o->avail;
	unsigned long free_before;
	struct mm *mm = oom_test_mm(t, n, &free_before);
	if (!mm)
		return 0;
	u64 kills = test_stat("oom_kills"), exits = test_stat("oom_victim_exits");
	u64 pages = test_stat("oom_reaped_pages"), swap = test_stat("oom_reaped_swap");
	struct task *tasks[OOM_TEST_TASKS];
	struct oom_test_job jobs[OOM_TEST_TASKS];
	u64 t0 = arch_time_ns();
	oom_test_start(t, tasks, jobs, OOM_TEST_TASKS, mm, n, 1, false, -1);
	oom_test_join(t, tasks, jobs, OOM_TEST_TASKS, -ENOMEM);
	u64 ms = (arch_time_ns() - t0) / TEST_MS;
	KT_EXPECT_EQ(t, test_stat("oom_kills"), kills + 1);
	KT_EXPECT_EQ(t, test_stat("oom_victim_exits"), exits + OOM_TEST_TASKS);
	oom_test_check_reaped(t, mm);
	oom_test_check_all_back(t, o, free_before);
	mm_put(mm);
	unsigned long size = (unsigned long)(test_stat("oom_reaped_pages") - pages +
					     test_stat("oom_reaped_swap") - swap);
	ktest_diag(t, "%lu pages available, %lu written over, victim held %lu; killed after %lu ms",
		   o->avail, n, size, (unsigned long)ms);
	return size;
}

/* Four tasks in a new mm write size pages, then every page reads back. */
static void oom_test_workload_completes(struct ktest *t, unsigned long size)
{
	struct mm *mm = mm_test_create(t, size);
	if (!mm)
		return;
	u64 kills = test_stat("oom_kills"), t0 = arch_time_ns();
	struct task *tasks[OOM_TEST_TASKS];
	struct oom_test_job jobs[OOM_TEST_TASKS];
	oom_test_start(t, tasks, jobs, OOM_TEST_TASKS, mm, size, 2, false, -1);
	oom_test_join(t, tasks, jobs, OOM_TEST_TASKS, 0);
	u64 t1 = arch_time_ns();
	struct oom_test_job all = { mm, 0, size, 2, false, 0, 0 };
	KT_EXPECT_EQ(t, mm_test_run(mm, test_nth_cpu(1), oom_test_job_check, &all), 0);
	KT_EXPECT_EQ(t, test_stat("oom_kills"), kills);
	ktest_diag(t, "the new workload wrote in %lu ms, read back in %lu ms",
		   (unsigned long)((t1 - t0) / TEST_MS),
		   (unsigned long)((arch_time_ns() - t1) / TEST_MS));
	mm_put(mm);
}

/*
 * What the new workload needs besides its pages: its tasks' stacks and
 * structures, and its page tables (a victim that held nearly all of
 * memory left no room for them: a second kill on 8 CPUs, make matrix).
 */
#define OOM_TEST_OWN_PAGES (OOM_TEST_TASKS * ((KTHREAD_STACK_SIZE >> PAGE_SHIFT) + 1) + 8)

/* Then, the victim mm gone, a new workload of the victim's size (less
 * its own overhead) runs to completion. */
static void oom_test_four_tasks_then_again(struct ktest *t, const char *dev)
{
	struct oom_test_env o;
	if (!oom_test_begin(t, &o, dev))
		return;
	unsigned long size = oom_test_four_tasks_run_out(t, &o);
	if (KT_EXPECT(t, size > o.avail / 2))
		oom_test_workload_completes(t, size - OOM_TEST_OWN_PAGES);
	oom_test_end(t, &o);
}

KTEST(oom, four_tasks_sharing_an_mm_are_killed_and_reaped_at_once)
{
	oom_test_four_tasks_then_again(t, "oom-swap");
}

#define OOM_TEST_ASYNC_DEVICE "oom-async"

/* An asynchronous RAM device of the test's own, its completions on
 * another CPU when there is one. */
static bool oom_test_async_device(struct ktest *t)
{
	return test_ramswap(t, OOM_TEST_ASYNC_DEVICE, OOM_TEST_SWAP_BYTES, true,
			    test_other_cpu()) != NULL;
}

/* The same on an asynchronous device: writes may be in flight at the
 * kill, and reclaim waits for them before it declares OOM. */
KTEST(oom, four_tasks_on_an_async_swap_device_are_killed_and_reaped)
{
	if (oom_test_async_device(t))
		oom_test_four_tasks_then_again(t, OOM_TEST_ASYNC_DEVICE);
}

/*
 * A big mm whose four tasks hold their memory and do nothing; a small one
 * then runs out. The big one is killed (its tasks, running on other CPUs,
 * see the kill in their loop and end at their next access), and the small
 * one's fault is retried and its work completes.
 */
KTEST(oom, victim_is_the_largest_mm_not_the_faulting_tasks)
{
	struct oom_test_env o;
	if (!oom_test_begin(t, &o, "oom-swap"))
		return;
	const unsigned long na = o.avail * 3 / 4, nb = o.avail * 3 / 4;
	unsigned long free_before;
	struct mm *big = oom_test_mm(t, na, &free_before), *small = mm_test_create(t, nb);
	KT_ASSERT(t, big && small);
	u64 kills = test_stat("oom_kills");
	struct task *tasks[OOM_TEST_TASKS];
	struct oom_test_job jobs[OOM_TEST_TASKS];
	oom_test_start(t, tasks, jobs, OOM_TEST_TASKS, big, na, 3, true, -1);
	oom_test_wait_written(jobs, OOM_TEST_TASKS);
	oom_test_check_counters(t, big, na);
	KT_EXPECT(t, get_mm_counter(big, MM_SWAPENTS) > 0);

	u64 exits = test_stat("oom_victim_exits");
	struct oom_test_job sj = { small, 0, nb, 4, false, 0, 0 };
	KT_EXPECT_EQ(t, mm_test_run(small, test_nth_cpu(0), oom_test_job_run, &sj), 0);
	KT_EXPECT_EQ(t, test_stat("oom_kills"), kills + 1);
	for (unsigned i = 0; i < OOM_TEST_TASKS; i++) {
		__atomic_store_n(&jobs[i].stop, 1, __ATOMIC_SEQ_CST);
		if (tasks[i])
			KT_EXPECT_EQ(t, kthread_join(tasks[i]), -ENOMEM);
	}
	KT_EXPECT_EQ(t, test_stat("oom_victim_exits"), exits + OOM_TEST_TASKS);
	oom_test_check_reaped(t, big);
	KT_EXPECT(t, !mm_is_oom_victim(small));
	oom_test_check_counters(t, small, nb);
	KT_EXPECT_EQ(t, mm_test_run(small, test_nth_cpu(1), oom_test_job_check, &sj), 0);
	mm_put(small);
	oom_test_check_all_back(t, &o, free_before);
	mm_put(big);
	oom_test_end(t, &o);
}

#define OOM_TEST_ASYNC_PAGES 64ul

/*
 * Writeback in flight at the kill: on an asynchronous RAM device whose
 * completions run on another CPU, the first write's completion is held
 * (the folio still under writeback) until the reap is done. The reap drops
 * the swap entries; the folios stay in the swap cache until their writes
 * end, and each write's own reference then frees its folio (page_io.c):
 * every folio and slot comes back, none freed twice. The kill is asked
 * for directly, as Linux's sysrq-f does: oc.mm = NULL.
 */
KTEST(oom, reap_with_swap_writes_in_flight)
{
	/* The write completion is held on another CPU. */
	if (!test_require_cpus(t, 2))
		return;
	unsigned io_cpu = test_other_cpu();
	if (!oom_test_async_device(t))
		return;
	struct oom_test_env o;
	if (!oom_test_begin(t, &o, OOM_TEST_ASYNC_DEVICE))
		return;
	unsigned long free_before;
	struct mm *mm = oom_test_mm(t, OOM_TEST_ASYNC_PAGES, &free_before);
	KT_ASSERT(t, mm);
	long folios = folio_nr_live();
	struct task *tasks[2];
	struct oom_test_job jobs[2];
	oom_test_start(t, tasks, jobs, 2, mm, OOM_TEST_ASYNC_PAGES, 5, true, (int)io_cpu);
	oom_test_wait_written(jobs, 2);

	const struct test_race_point points[] = {
		{ "swapout:write-end-io", TEST_RACE_HOLD("oom:reap-done", -1) },
		{ "oom:reap-done", TEST_RACE_COUNT },
	};
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
	u64 timeouts = race_wait_timeouts(), last_ref = test_stat("swap_write_end_last_ref");
	unsigned long freed = 1;
	KT_EXPECT_EQ(t,
		     madvise_pageout(mm, MM_TEST_REGION, OOM_TEST_ASYNC_PAGES * PAGE_SIZE, &freed),
		     0);
	KT_EXPECT_EQ(t, freed, 0); /* every write is in flight */
	u64 t0 = arch_time_ns();
	while (race_hits("swapout:write-end-io") == 0 && arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	KT_EXPECT(t, swap_io_pending() > 0);

	struct oom_control oc = { .mm = NULL, .seq = oom_kill_seq() };
	KT_EXPECT_EQ(t, out_of_memory(&oc), OOM_RETRY);
	KT_EXPECT_EQ(t, oc.victim_id, mm->id);
	KT_EXPECT_EQ(t, oc.victim_tasks, 2);
	KT_EXPECT_EQ(t, oc.reaped_swap, OOM_TEST_ASYNC_PAGES);
	oom_test_join(t, tasks, jobs, 2, -ENOMEM);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, race_hits("oom:reap-done"), 1);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts); /* held until the reap */
	race_disarm_all();
	ktest_diag(t, "write ends that dropped the last reference: %lu",
		   (unsigned long)(test_stat("swap_write_end_last_ref") - last_ref));
	oom_test_check_reaped(t, mm);
	KT_EXPECT_EQ(t, folio_nr_live(), folios);
	oom_test_check_all_back(t, &o, free_before);
	mm_put(mm);
	oom_test_end(t, &o);
}

/* A fork of an OOM victim fails: the reaper empties it, and a copy would
 * be a child with holes where its parent's memory was (make stress saw a
 * fork child die with -EFAULT reading its parent's range). */
KTEST(oom, fork_of_a_killed_mm_fails)
{
	struct mm *mm = mm_test_create(t, 4);
	KT_ASSERT(t, mm);
	mm_test_write(mm, MM_TEST_REGION, 1);
	struct mm *child = mm_fork(mm);
	KT_EXPECT(t, child != NULL); /* not a victim: the fork works */
	if (child)
		mm_put(child);
	mm_flag_set(mm, MMF_OOM_VICTIM);
	KT_EXPECT(t, mm_fork(mm) == NULL);
	mm_put(mm);
}
