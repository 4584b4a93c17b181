/*
 * The swap stress test (make test runs 60 s of it, make stress longer):
 * four tasks on four CPUs, each in an address space of its own as large
 * as the RAM (4x RAM in all), do random operations for stress.seconds=:
 *
 *   touch    a run of 1..16 pages: every byte checked against the page's
 *            shadow version, then (half the time) the next version written
 *   pageout  a run of up to 64 pages (madvise_pageout)
 *   munmap   a run of up to 64 pages at any offset (large folios split or
 *            partly unmapped), mapped again empty: it must read as zeros
 *   fork     a child checks a sample against the parent and writes its own
 *            pattern there; the parent must still read its own data
 *
 * while a fifth task swaps the second disk (vdb) off and on every two
 * seconds: its pages come back through memory and go out to vda. At the
 * end every byte of every region is checked once more, everything is
 * freed, and every page, swap slot and swap table must be back.
 *
 * A task that stops making progress for STRESS_STALL_SEC (a livelock: the
 * hung-task watchdog only sees blocked tasks) stops the boot with every
 * task's state and every counter printed.
 *
 * With fault injection on (fail.*=, kernel/fault_inject.h) a task may be
 * killed by its fault: a swap read that failed (-EIO) or memory that could
 * not be had (-ENOMEM, the OOM kill). Its address space is then torn down
 * and its data gone with it, as a killed process's would be; the task is
 * restarted on a fresh empty region (its shadow versions zeroed). A killed
 * fork child is counted and its sample dropped. The final check, killed
 * by a read, resumes at the page it died on. Every other task's data must
 * survive byte for byte, and nothing may leak.
 */
#include "kernel/cmdline.h"
#include "kernel/fault_inject.h"
#include "kernel/hung_task.h"
#include "kernel/panic.h"
#include "kernel/task.h"
#include "mm/oom_kill.h"
#include "mm/page_alloc.h"
#include "mm/swap_in.h"
#include "tests/swap_path_test.h"

#define STRESS_TASKS 4
#define STRESS_STALL_SEC 30
#define STRESS_SWAPOFF_EVERY_NS (2 * TEST_SEC)
#define STRESS_FORK_SAMPLE 32

static u64 stress_seconds;
KPARAM_U64(stress_seconds, "stress.seconds", &stress_seconds, 0, 7 * 86400,
	   "run the swap stress test (tests/kernel/swap_stress.c) this long (0: skip it)");
static u64 stress_seed = 1;
KPARAM_U64(stress_seed, "stress.seed", &stress_seed, 1, ~0ull,
	   "the swap stress test's random seed (the run is random, not reproducible)");

static bool stress_stop; /* atomic: the tasks finish their operation and exit */

struct stress_job {
	struct mm *mm;
	unsigned long n; /* pages in the region */
	u16 *version;	 /* per page; 0: never written since mapped (zeros) */
	unsigned id;
	u64 rng;
	/* results */
	unsigned long ops, touches, writes, pageouts, munmaps, forks;
	unsigned long bad_words, bad_child;
	unsigned long kills, child_kills, check_kills; /* by injected faults */
	unsigned long check_next;		       /* the final check resumes here */
	unsigned long munmap_nomem;		       /* munmaps refused for want of memory */
	unsigned long first_bad_page;		       /* valid when bad_words */
	int err;
};

/* The word w of page p at version v of task tag (0 for version 0). */
static u64 stress_word(unsigned tag, unsigned long p, u16 v, unsigned w)
{
	if (!v)
		return 0;
	u64 x = ((u64)tag << 56) ^ ((u64)v << 40) ^ (p << 9) ^ w;
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29) ^ 1; /* never 0 */
}

static volatile u64 *stress_page(unsigned long p)
{
	return (volatile u64 *)(MM_TEST_REGION + p * PAGE_SIZE);
}

static unsigned long stress_check_page(unsigned tag, unsigned long p, u16 v)
{
	volatile u64 *w = stress_page(p);
	unsigned long bad = 0;
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		bad += w[i] != stress_word(tag, p, v, i);
	return bad;
}

static void stress_fill_page(unsigned tag, unsigned long p, u16 v)
{
	volatile u64 *w = stress_page(p);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = stress_word(tag, p, v, i);
}

static void stress_note_bad(struct stress_job *j, unsigned long p, unsigned long bad)
{
	if (bad && !j->bad_words)
		j->first_bad_page = p;
	j->bad_words += bad;
}

/* A run of 1, 2, 4, 8 or 16 pages, aligned to its size (mTHP folios). */
static void stress_pick_run(struct stress_job *j, unsigned long *first, unsigned long *len)
{
	*len = 1ul << (test_rand(&j->rng) % 5);
	*first = ALIGN_DOWN(test_rand(&j->rng) % j->n, *len);
	if (*first + *len > j->n)
		*len = j->n - *first;
}

static void stress_touch(struct stress_job *j)
{
	unsigned long first, len;
	stress_pick_run(j, &first, &len);
	bool write = test_rand(&j->rng) & 1;
	for (unsigned long p = first; p < first + len; p++) {
		stress_note_bad(j, p, stress_check_page(j->id, p, j->version[p]));
		if (write) {
			u16 v = (u16)(j->version[p] + 1);
			j->version[p] = v ? v : 1;
			stress_fill_page(j->id, p, j->version[p]);
			j->writes++;
		}
	}
	j->touches++;
}

/* Any offset, up to 64 pages (clipped at the end of the region). */
static void stress_span(struct stress_job *j, unsigned long *first, unsigned long *len)
{
	*first = test_rand(&j->rng) % j->n;
	*len = 1 + test_rand(&j->rng) % 64;
	if (*first + *len > j->n)
		*len = j->n - *first;
}

static void stress_pageout(struct stress_job *j)
{
	unsigned long first, len;
	stress_span(j, &first, &len);
	int err = madvise_pageout(j->mm, MM_TEST_REGION + first * PAGE_SIZE, len * PAGE_SIZE, NULL);
	if (err && !j->err)
		j->err = err;
	j->pageouts++;
}

/* Memory may be short for the new VMA: try again for a while. (The
 * loop used to stop at the first -ENOMEM, which it was meant to retry:
 * fail.kmalloc= found it.) A munmap that could not split its VMAs
 * (-ENOMEM) unmapped nothing: the data stays. */
static void stress_munmap(struct stress_job *j)
{
	unsigned long first, len;
	stress_span(j, &first, &len);
	unsigned long start = MM_TEST_REGION + first * PAGE_SIZE;
	int err = mm_munmap(j->mm, start, len * PAGE_SIZE);
	if (err == -ENOMEM) {
		j->munmap_nomem++;
		return;
	}
	for (int tries = 0; !err && tries < 1000; tries++) {
		err = mm_mmap(j->mm, start, len * PAGE_SIZE, MM_TEST_RW);
		if (err != -ENOMEM)
			break;
		if (tries < 999)
			err = 0; /* try again */
		yield();
	}
	if (err) {
		/* Touching the hole would kill the task: stop here. */
		j->err = err;
		__atomic_store_n(&stress_stop, true, __ATOMIC_RELEASE);
		return;
	}
	for (unsigned long p = first; p < first + len; p++)
		j->version[p] = 0;
	j->munmaps++;
}

struct stress_child {
	struct stress_job *parent;
	unsigned long page[STRESS_FORK_SAMPLE];
	unsigned long bad; /* parent's data not seen, or own writes lost */
};

/* In the child mm: the parent's data, then our own over it. */
static int stress_child_run(void *arg)
{
	struct stress_child *c = arg;
	struct stress_job *j = c->parent;
	u64 rng = j->rng ^ 0x5bd1e995;
	for (unsigned i = 0; i < STRESS_FORK_SAMPLE; i++) {
		unsigned long p = test_rand(&rng) % j->n;
		bool again = false;
		for (unsigned k = 0; k < i; k++)
			again |= c->page[k] == p;
		c->page[i] = p;
		if (!again) /* else it holds our own earlier write */
			c->bad += stress_check_page(j->id, p, j->version[p]);
		stress_fill_page(STRESS_TASKS + j->id, p, (u16)(i + 1));
	}
	for (unsigned i = 0; i < STRESS_FORK_SAMPLE; i++) {
		/* A page sampled twice holds the later write. */
		unsigned last = i;
		for (unsigned k = i + 1; k < STRESS_FORK_SAMPLE; k++)
			if (c->page[k] == c->page[i])
				last = k;
		c->bad += stress_check_page(STRESS_TASKS + j->id, c->page[i], (u16)(last + 1));
	}
	return 0;
}

/* Did a fault kill the task (a failed swap read, or the OOM kill)? */
static bool stress_killed(int err)
{
	return err == -EIO || err == -ENOMEM;
}

static void stress_fork(struct stress_job *j)
{
	struct mm *child = mm_fork(j->mm);
	if (!child)
		return; /* out of memory: allowed, nothing changed */
	struct stress_child c = { .parent = j };
	struct task *t =
		kthread_create_in_mm(stress_child_run, &c, arch_cpu_id(), "stress-child", child);
	int err = t ? kthread_join(t) : 0;
	mm_put(child);
	if (stress_killed(err))
		j->child_kills++; /* what it checked before it died still counts */
	else if (err && !j->err)
		j->err = err;
	j->bad_child += c.bad;
	/* The child's writes stayed in the child. */
	for (unsigned i = 0; i < STRESS_FORK_SAMPLE; i++)
		stress_note_bad(j, c.page[i],
				stress_check_page(j->id, c.page[i], j->version[c.page[i]]));
	test_rand(&j->rng);
	j->forks++;
}

static int stress_task(void *arg)
{
	struct stress_job *j = arg;
	while (!__atomic_load_n(&stress_stop, __ATOMIC_ACQUIRE)) {
		unsigned r = (unsigned)(test_rand(&j->rng) % 100);
		if (r < 75)
			stress_touch(j);
		else if (r < 88)
			stress_pageout(j);
		else if (r < 98)
			stress_munmap(j);
		else
			stress_fork(j);
		__atomic_store_n(&j->ops, j->ops + 1, __ATOMIC_RELEASE);
		yield();
	}
	return 0;
}

static int stress_check_all(void *arg)
{
	struct stress_job *j = arg;
	for (unsigned long p = j->check_next; p < j->n; p++) {
		j->check_next = p; /* a read that kills us here: resume at p */
		stress_note_bad(j, p, stress_check_page(j->id, p, j->version[p]));
		if (p % 64 == 0)
			yield();
	}
	return 0;
}

/* Out of memory (fail.page_alloc= too): try again a while. */
static int stress_swapon(struct blockdev *bd)
{
	int type = -ENOMEM;
	for (int tries = 0; type == -ENOMEM && tries < 1000; tries++) {
		if (tries) {
			set_current_state(TASK_BLOCKED);
			schedule_timeout(TEST_SEC / 100);
		}
		type = swapon_blockdev(bd, SWAP_TEST_PRIO);
	}
	return type;
}

/* The second disk, swapped off and on while the others work. */
struct stress_swapper {
	struct blockdev *bd;
	int type; /* while on */
	unsigned long cycles, failures;
	int err; /* the first swapon failure: the disk is then off */
};

static int stress_swapper_run(void *arg)
{
	struct stress_swapper *s = arg;
	while (!__atomic_load_n(&stress_stop, __ATOMIC_ACQUIRE)) {
		set_current_state(TASK_BLOCKED);
		schedule_timeout(STRESS_SWAPOFF_EVERY_NS);
		int err = swapoff((unsigned)s->type);
		if (err) {
			/* -ENOMEM, -EBUSY: the device stays on (swapoff says why). */
			s->failures++;
			continue;
		}
		s->type = stress_swapon(s->bd);
		if (s->type < 0) {
			s->err = s->type;
			break;
		}
		__atomic_store_n(&s->cycles, s->cycles + 1, __ATOMIC_RELEASE);
	}
	return 0;
}

static void stress_print_progress(struct stress_job *jobs, struct stress_swapper *s, u64 secs)
{
	unsigned long ops = 0, forks = 0, munmaps = 0;
	for (unsigned i = 0; i < STRESS_TASKS; i++) {
		ops += jobs[i].ops;
		forks += jobs[i].forks;
		munmaps += jobs[i].munmaps;
	}
	pr_info("stress: %lu s: %lu operations (%lu forks, %lu munmaps), swapoff/on %lu, "
		"pswpout %lu pswpin %lu, free pages %lu\n",
		(unsigned long)secs, ops, forks, munmaps, s->cycles,
		(unsigned long)test_stat("pswpout"), (unsigned long)test_stat("pswpin"),
		nr_free_pages());
}

/* Every task and counter, then the CPUs again 2 s later: which of them
 * still switch. */
static void stress_report_stall(const char *why)
{
	hung_task_dump(why);
	set_current_state(TASK_BLOCKED);
	schedule_timeout(2 * TEST_SEC);
	sched_print_cpus(LOG_ERR);
}

/* Task i of job j (no memory for it: try again a while). */
static struct task *stress_start_task(struct stress_job *j, unsigned i)
{
	struct task *task = NULL;
	for (int tries = 0; !task && tries < 1000; tries++) {
		task = kthread_create_in_mm(stress_task, j, test_nth_cpu(i), "stress", j->mm);
		if (!task)
			yield();
	}
	return task;
}

/* A job's address space: its region mapped, empty. Allocations may fail
 * on purpose (fail.page_alloc=, fail.kmalloc=): try again a while. */
static struct mm *stress_mm_create(unsigned long n)
{
	for (int tries = 0; tries < 1000; tries++) {
		struct mm *mm = mm_create();
		if (mm && mm_mmap(mm, MM_TEST_REGION, n * PAGE_SIZE, MM_TEST_RW) == 0)
			return mm;
		if (mm)
			mm_put(mm);
		yield();
	}
	return NULL;
}

/* A killed task's address space goes, with its data; the job starts
 * again on a fresh empty region. */
static bool stress_job_reset(struct ktest *t, struct stress_job *j)
{
	mm_put(j->mm);
	j->mm = stress_mm_create(j->n);
	memset(j->version, 0, j->n * sizeof(*j->version));
	j->kills++;
	return KT_EXPECT(t, j->mm != NULL);
}

/* Task i is dead: restart it if a fault killed it. False: end the run. */
static bool stress_restart(struct ktest *t, struct stress_job *j, struct task **task, unsigned i)
{
	int err = kthread_join(*task);
	*task = NULL;
	if (!stress_killed(err)) {
		pr_err("stress: task %u ended early (status %d): stopping the run\n", i, err);
		j->err = err ? err : -EINVAL;
		return false;
	}
	if (!stress_job_reset(t, j))
		return false;
	pr_info("stress: task %u killed (%d): restarted on a fresh region (%lu kills)\n", i, err,
		j->kills);
	*task = stress_start_task(j, i);
	return KT_EXPECT(t, *task != NULL);
}

/* Wait out the run, watching that each task still gets somewhere. A
 * task killed by a fault is restarted; one that ended otherwise, or the
 * swapper ending, ends the run. */
static void stress_watch(struct ktest *t, struct stress_job *jobs, struct stress_swapper *s,
			 struct task **tasks)
{
	unsigned long last_ops[STRESS_TASKS] = { 0 }, last_cycles = 0;
	u64 last_move[STRESS_TASKS + 1], start = arch_time_ns();
	for (unsigned i = 0; i <= STRESS_TASKS; i++)
		last_move[i] = start;
	for (u64 sec = 1; sec <= stress_seconds; sec++) {
		set_current_state(TASK_BLOCKED);
		schedule_timeout(start + sec * TEST_SEC > arch_time_ns()
					 ? start + sec * TEST_SEC - arch_time_ns()
					 : 0);
		u64 now = arch_time_ns();
		for (unsigned i = 0; i < STRESS_TASKS; i++) {
			if (tasks[i] && task_state(tasks[i]) == TASK_DEAD &&
			    !stress_restart(t, &jobs[i], &tasks[i], i))
				return;
			if (!tasks[i])
				return;
		}
		if (!tasks[STRESS_TASKS] || task_state(tasks[STRESS_TASKS]) == TASK_DEAD) {
			pr_err("stress: the swapoff task ended early: stopping the run\n");
			return;
		}
		for (unsigned i = 0; i < STRESS_TASKS; i++) {
			unsigned long ops = __atomic_load_n(&jobs[i].ops, __ATOMIC_ACQUIRE);
			if (ops != last_ops[i]) {
				last_ops[i] = ops;
				last_move[i] = now;
			} else if (now - last_move[i] > STRESS_STALL_SEC * TEST_SEC) {
				stress_report_stall("stress: a task made no progress for 30 s");
				panic("stress: task %u stuck (livelock?): see the tasks and "
				      "counters above",
				      i);
			}
		}
		unsigned long cycles = __atomic_load_n(&s->cycles, __ATOMIC_ACQUIRE);
		if (cycles != last_cycles || s->err || s->failures) {
			last_cycles = cycles;
			last_move[STRESS_TASKS] = now;
		} else if (now - last_move[STRESS_TASKS] > 3 * STRESS_STALL_SEC * TEST_SEC) {
			stress_report_stall("stress: swapoff made no progress for 90 s");
			panic("stress: swapoff stuck: see the tasks and counters above");
		}
		if (sec % 10 == 0 || sec == stress_seconds)
			stress_print_progress(jobs, s, sec);
	}
}

/* The end: a task killed meanwhile leaves a fresh region (nothing to
 * check); any other exit status is a failure. */
static void stress_join_all(struct ktest *t, struct stress_job *jobs, struct task **tasks)
{
	for (unsigned i = 0; i <= STRESS_TASKS; i++) {
		if (!KT_EXPECT(t, tasks[i] != NULL))
			continue;
		int err = kthread_join(tasks[i]);
		if (i < STRESS_TASKS && stress_killed(err))
			stress_job_reset(t, &jobs[i]);
		else
			KT_EXPECT_EQ(t, err, 0);
	}
}

/* Every byte of job i's region. A failed swap read kills the checker
 * (the entry stays, uncached, to be read again): go on from that page.
 * An OOM kill of the region's mm (fail.page_alloc= makes them) is final:
 * every later fault in it fails, and its data went with it, as a killed
 * process's would; nothing is left to check (retrying it 10,000 times
 * failed make stress ARCH=arm64). */
static void stress_check_region(struct ktest *t, struct stress_job *j, unsigned i)
{
	int err;
	j->check_next = 0;
	do {
		err = mm_test_run(j->mm, test_nth_cpu(i), stress_check_all, j);
		if (err == -ENOMEM && mm_is_oom_victim(j->mm)) {
			pr_info("stress: task %u's region OOM-killed while checked: dropped\n", i);
			stress_job_reset(t, j);
			return;
		}
	} while (stress_killed(err) && ++j->check_kills < 10000);
	KT_EXPECT_EQ(t, err, 0);
}

static bool stress_setup(struct ktest *t, struct stress_job *jobs, struct stress_swapper *s,
			 unsigned long n)
{
	s->bd = blockdev_get("vdb");
	if (!s->bd) {
		ktest_fail(t, "stress: needs a second swap disk vdb (make test attaches one)");
		return false;
	}
	s->type = stress_swapon(s->bd);
	if (!KT_EXPECT(t, s->type >= 0))
		return false;
	for (unsigned i = 0; i < STRESS_TASKS; i++) {
		struct stress_job *j = &jobs[i];
		*j = (struct stress_job){ .n = n,
					  .id = i,
					  .rng = stress_seed * 0x2545f4914f6cdd1dull + i };
		j->mm = stress_mm_create(n);
		for (int tries = 0; !j->version && tries < 1000; tries++)
			j->version = alloc_pages_va(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
						    get_order(n * sizeof(u16)));
		if (!KT_EXPECT(t, j->mm != NULL) || !KT_EXPECT(t, j->version != NULL))
			return false;
	}
	return true;
}

KTEST(stress, swap_touch_fork_munmap_pageout_swapoff_verify_every_byte)
{
	if (!stress_seconds) {
		ktest_skip(t, "runs with stress.seconds=N (make test: 60; make stress DURATION=)");
		return;
	}
	if (nr_cpus_online < STRESS_TASKS) {
		ktest_fail(t, "stress: needs 4 CPUs");
		return;
	}
	int vda = swap_test_find_type("vda");
	if (vda < 0) {
		ktest_fail(t, "stress: needs the swap disk vda");
		return;
	}
	struct swap_info *si = swap_test_info(vda);
	swap_pcp_drain(si);
	unsigned long base = swap_test_settled_free(), n = nr_total_pages();
	long folios = folio_nr_live();
	struct stress_job jobs[STRESS_TASKS];
	struct stress_swapper s = { 0 };
	memset(jobs, 0, sizeof(jobs));
	__atomic_store_n(&stress_stop, false, __ATOMIC_RELEASE);
	if (!stress_setup(t, jobs, &s, n))
		goto out;
	static const char *const counters[] = { "pswpout",
						"pswpin",
						"swapoff_pages_in",
						"cow_copy",
						"swapin_refaults",
						"reclaim_direct_runs",
						"oom_kills",
						"page_alloc_failures",
						NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	pr_info("stress: %lu s, %u tasks x %lu MiB (4x the RAM), swap on vda and vdb (vdb off and "
		"on "
		"every 2 s), seed %lu\n",
		(unsigned long)stress_seconds, STRESS_TASKS, (n * PAGE_SIZE) >> 20,
		(unsigned long)stress_seed);

	struct task *tasks[STRESS_TASKS + 1] = { 0 };
	for (unsigned i = 0; i < STRESS_TASKS; i++)
		tasks[i] = stress_start_task(&jobs[i], i);
	for (int tries = 0; !tasks[STRESS_TASKS] && tries < 1000; tries++)
		tasks[STRESS_TASKS] = kthread_create_on_cpu(
			stress_swapper_run, &s, test_nth_cpu(STRESS_TASKS), "stress-swapoff");
	stress_watch(t, jobs, &s, tasks);
	__atomic_store_n(&stress_stop, true, __ATOMIC_RELEASE);
	stress_join_all(t, jobs, tasks);
	pr_info("stress: stopped; checking every byte of the %u regions\n", STRESS_TASKS);
	for (unsigned i = 0; i < STRESS_TASKS; i++)
		stress_check_region(t, &jobs[i], i);

	unsigned long bad = 0, child_bad = 0;
	for (unsigned i = 0; i < STRESS_TASKS; i++) {
		struct stress_job *j = &jobs[i];
		ktest_diag(t,
			   "task %u: %lu ops: %lu touches (%lu page writes), %lu pageouts, %lu "
			   "munmaps, "
			   "%lu forks; %lu bad words%s",
			   i, j->ops, j->touches, j->writes, j->pageouts, j->munmaps, j->forks,
			   j->bad_words, j->bad_words ? " (see first_bad_page)" : "");
		if (j->kills || j->child_kills || j->check_kills || j->munmap_nomem)
			ktest_diag(
				t,
				"task %u: killed by faults: %lu times (restarted on a fresh "
				"region), "
				"%lu fork children, final check %lu times (resumed); %lu munmaps "
				"refused (-ENOMEM)",
				i, j->kills, j->child_kills, j->check_kills, j->munmap_nomem);
		if (j->bad_words)
			ktest_diag(t, "task %u: first bad page %lu", i, j->first_bad_page);
		KT_EXPECT_EQ(t, j->err, 0);
		bad += j->bad_words;
		child_bad += j->bad_child;
	}
	ktest_diag(t, "swapoff/swapon of vdb: %lu cycles, %lu swapoffs refused", s.cycles,
		   s.failures);
	ktest_stats_print(t, &stats);
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, child_bad, 0);
	KT_EXPECT_EQ(t, s.err, 0);
	/* Every swapoff may be refused when allocations fail on purpose: it
	 * gives up at the first page it has no memory for, as Linux's does. */
	KT_EXPECT(t, s.cycles > 0 || fault_attr_injected(&fail_page_alloc) ||
			     fault_attr_injected(&fail_kmalloc));
	KT_EXPECT(t, test_stat("pswpin") > 0);
out:
	for (unsigned i = 0; i < STRESS_TASKS; i++) {
		if (jobs[i].mm)
			mm_put(jobs[i].mm);
		if (jobs[i].version)
			free_pages_va(jobs[i].version, get_order(n * sizeof(u16)));
	}
	swap_test_wait_io();
	if (s.bd && s.type >= 0)
		KT_EXPECT_EQ(t, swapoff((unsigned)s.type), 0);
	swap_test_wait_io();
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 0);
	KT_EXPECT_EQ(t, folio_nr_live(), folios);
	swap_pcp_drain(si);
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swap_test_settled_free(), base);
	stress_print_progress(jobs, &s, stress_seconds);
}
