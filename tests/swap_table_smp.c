/*
 * The swap table on several CPUs: concurrent allocation and freeing with
 * the accounting check after every round; a lock-free swap cache lookup
 * racing the RCU-deferred free of its cluster's table; seed 002's sleeping
 * table allocation with a migration in the middle, on the fixed design and
 * on the reviewed bug (whose lost cluster the check must catch).
 */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "mm/folio.h"
#include "mm/kmalloc.h"
#include "mm/swap_table.h"
#include "swap_test.h"
#include "test_cpus.h"

#define SMP_BYTES (32ul << 20) /* 16 clusters */

struct smp_worker {
	unsigned id;
	u64 seed;
	u8 *owner; /* per slot: 0, or the id + 1 of the worker holding it */
	unsigned type;
	unsigned nr_slots;
	int errors;
	unsigned allocs, enospc;
	bool done;
};

#define WORKER_HELD 32

static bool claim(struct smp_worker *w, u64 off, unsigned nr, u8 from, u8 to)
{
	bool ok = true;
	for (unsigned i = 0; i < nr; i++) {
		u8 expect = from;
		if (!__atomic_compare_exchange_n(&w->owner[off + i], &expect, to, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			ok = false;
	}
	return ok;
}

/* Random orders 0..4; hold up to WORKER_HELD runs, free at random. Every
 * run is claimed in the shared owner map: a slot handed out twice fails. */
static int smp_worker_fn(void *arg)
{
	struct smp_worker *w = arg;
	swp_entry_t held[WORKER_HELD];
	unsigned orders[WORKER_HELD], n = 0;
	for (unsigned step = 0; step < 400; step++) {
		if (n == WORKER_HELD || (n && test_rand(&w->seed) % 3 == 0)) {
			unsigned k = (unsigned)(test_rand(&w->seed) % n);
			if (!claim(w, swp_offset(held[k]), 1u << orders[k], (u8)(w->id + 1), 0))
				w->errors++;
			if (swap_free_nr(held[k], 1u << orders[k]))
				w->errors++;
			held[k] = held[--n];
			orders[k] = orders[n];
			continue;
		}
		unsigned order = (unsigned)(test_rand(&w->seed) % 5);
		swp_entry_t e;
		int err = swap_alloc_type(w->type, order, &e);
		if (err == -ENOSPC) {
			w->enospc++;
			continue;
		}
		if (err || swp_type(e) != w->type || swp_offset(e) % (1u << order)) {
			w->errors++;
			continue;
		}
		if (!claim(w, swp_offset(e), 1u << order, 0, (u8)(w->id + 1)))
			w->errors++;
		held[n] = e;
		orders[n++] = order;
		w->allocs++;
		if (step % 16 == 0)
			yield();
	}
	while (n--) {
		claim(w, swp_offset(held[n]), 1u << orders[n], (u8)(w->id + 1), 0);
		if (swap_free_nr(held[n], 1u << orders[n]))
			w->errors++;
	}
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return 0;
}

KTEST(swap_table_smp, cpus_allocate_and_free_concurrently_check_every_round)
{
	if (!test_require_cpus(t, 2))
		return;
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-smp", SMP_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	unsigned ncpu = MIN(nr_cpus_online, (unsigned)NR_CPUS_MAX);
	u8 *owner = kzalloc(si->nr_slots, GFP_KERNEL);
	KT_ASSERT(t, owner);
	struct smp_worker w[NR_CPUS_MAX];
	unsigned allocs = 0, enospc = 0, checks = 0;
	for (unsigned round = 0; round < 6 && !t->failures; round++) {
		struct task *tasks[NR_CPUS_MAX];
		for (unsigned i = 0; i < ncpu; i++) {
			w[i] = (struct smp_worker){ i,
						    0x9e3779b97f4a7c15ull * (round * 8 + i + 1),
						    owner,
						    (unsigned)type,
						    (unsigned)si->nr_slots,
						    0,
						    0,
						    0,
						    false };
			tasks[i] = kthread_create_on_cpu(smp_worker_fn, &w[i], test_nth_cpu(i),
							 "swap-smp");
			KT_ASSERT(t, tasks[i]);
		}
		/* The check takes every lock, so it also holds while they run. */
		for (unsigned i = 0; i < ncpu; i++) {
			while (!__atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE)) {
				KT_EXPECT_EQ(t, swap_check(), 0);
				checks++;
				yield();
			}
		}
		for (unsigned i = 0; i < ncpu; i++) {
			kthread_join(tasks[i]);
			KT_EXPECT_EQ(t, w[i].errors, 0);
			allocs += w[i].allocs;
			enospc += w[i].enospc;
		}
		KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 0);
		KT_EXPECT_EQ(t, swap_check(), 0);
	}
	ktest_diag(t,
		   "%u CPUs, 6 rounds: %u allocations, %u -ENOSPC, %u checks while running, %lu "
		   "steals in all so far",
		   ncpu, allocs, enospc, checks, (unsigned long)test_stat("swap_alloc_steal"));
	KT_EXPECT(t, allocs > 0);
	kfree(owner);
	swap_test_end(t, &s);
}

/*
 * A lookup holds the table pointer of a cluster (inside its RCU read
 * section) while another CPU empties that cluster, so its table is freed.
 * The reader is held at swap:cache-get-table until the table has been
 * queued for freeing (swap:table-freed), then reads its word: it must see
 * the slot free (a miss), from memory that is still the table. The table
 * goes only after the reader leaves (on the host, ASan poisons freed pages,
 * so a table freed early would be caught as a use after free).
 */
struct reader_arg {
	swp_entry_t entry;
	struct folio *got;
};

static int lookup_reader(void *p)
{
	struct reader_arg *r = p;
	r->got = swap_cache_get_folio(r->entry);
	return 0;
}

KTEST(swap_table_smp, lookup_races_the_free_of_its_table)
{
	if (!test_require_cpus(t, 2))
		return;
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-smp", SMP_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	struct swap_info *si = s.si;
	struct folio *f = folio_alloc(GFP_KERNEL, 0);
	KT_ASSERT(t, f);
	folio_lock(f);
	KT_ASSERT_EQ(t, folio_alloc_swap(f), 0);
	swp_entry_t e = folio_swap_entry(f);
	swap_pcp_drain(si); /* the cluster is on a list now: emptying it frees the table */
	struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(e));
	KT_EXPECT(t, ci->table != NULL);

	unsigned other = test_other_cpu();
	const struct test_race_point points[] = {
		{ "swap:cache-get-table", TEST_RACE_HOLD("swap:table-freed", (int)other) },
		{ "swap:table-freed", TEST_RACE_COUNT },
	};
	KT_ASSERT(t, test_race_arm(t, points, ARRAY_SIZE(points)));
	u64 timeouts = race_wait_timeouts(), misses = test_stat("swap_cache_lookup_misses");
	struct reader_arg r = { e, NULL };
	struct task *reader = kthread_create_on_cpu(lookup_reader, &r, other, "lookup");
	KT_ASSERT(t, reader);
	/* The reader cannot pass its point before the table is queued. */
	while (race_hits("swap:cache-get-table") == 0)
		yield();
	swap_cache_del_folio(f); /* the only slot: the cluster empties, its table goes */
	KT_EXPECT(t, ci->table == NULL);
	kthread_join(reader);
	KT_EXPECT(t, r.got == NULL);
	KT_EXPECT_EQ(t, race_hits("swap:table-freed"), 1);
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
	KT_EXPECT_EQ(t, test_stat("swap_cache_lookup_misses"), misses + 1);
	race_disarm_all();
	rcu_barrier();
	KT_EXPECT_EQ(t, swap_table_bytes_in_rcu(), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&si->table_bytes), 0);
	ktest_diag(t, "reader held the table across its free; lookup missed; table freed after the "
		      "grace period");
	folio_unlock(f);
	folio_put(f);
	swap_test_end(t, &s);
}

/*
 * Seed 002. CPU B has a current order-0 cluster X. A task on CPU A needs a
 * new cluster: it isolates free cluster Y, the atomic table allocation
 * fails (memory pressure, injected), it drops its locks to sleep, and
 * while asleep it is moved to CPU B. The fixed allocator keeps using Y and
 * relists it; the v3 patch switched to B's current cluster X and lost Y,
 * which the accounting check must catch.
 */
#ifdef CONFIG_TEST_HOOKS
static unsigned seed002_target_cpu;

static void seed002_migrate(void)
{
	task_migrate(current, seed002_target_cpu);
}

struct seed002_arg {
	unsigned type;
	swp_entry_t e;
	int err;
	unsigned cpu_after;
};

static int seed002_alloc(void *p)
{
	struct seed002_arg *a = p;
	a->err = swap_alloc_type(a->type, 0, &a->e);
	a->cpu_after = arch_cpu_id();
	return 0;
}

static int run_alloc_on(unsigned cpu, struct seed002_arg *a)
{
	struct task *task = kthread_create_on_cpu(seed002_alloc, a, cpu, "seed002");
	return task ? kthread_join(task) : -ENOMEM;
}

static void seed002_case(struct ktest *t, bool bug)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-smp", SMP_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	unsigned a_cpu = arch_cpu_id(), b_cpu = test_other_cpu();
	struct seed002_arg on_b = { (unsigned)type, { 0 }, -1, 0 },
			   on_a = { (unsigned)type, { 0 }, -1, 0 };
	KT_ASSERT_EQ(t, run_alloc_on(b_cpu, &on_b), 0);
	KT_ASSERT_EQ(t, on_b.err, 0);
	KT_EXPECT(t, si->pcp_cluster[b_cpu][0] != 0);

	u64 sleeps = test_stat("swap_table_alloc_sleeps");
	static const char *const counters[] = { "swap_table_alloc_sleeps", "swap_table_allocs",
						"swap_alloc_ok", "swap_check_problems", NULL };
	struct ktest_stats stats;
	ktest_stats_begin(&stats, counters);
	seed002_target_cpu = b_cpu;
	swap_test_hooks.fail_atomic_table_allocs = 1;
	swap_test_hooks.table_alloc_sleep = seed002_migrate;
	swap_test_hooks.seed002_bug = bug;
	KT_EXPECT_EQ(t, run_alloc_on(a_cpu, &on_a), 0);
	swap_test_hooks = (struct swap_test_hooks){ 0 };
	KT_ASSERT_EQ(t, on_a.err, 0);
	KT_EXPECT_EQ(t, on_a.cpu_after, b_cpu);
	KT_EXPECT_EQ(t, test_stat("swap_table_alloc_sleeps"), sleeps + 1);

	if (bug)
		console_loglevel = LOG_EMERG; /* the check's complaints are the point */
	int problems = swap_check();
	console_loglevel = LOG_ERR;
	ktest_diag(t,
		   "%s: allocation slept on CPU %u, woke on CPU %u; accounting check: %d problems",
		   bug ? "seed 002 v3 (bug on)" : "fixed design", a_cpu, on_a.cpu_after, problems);
	ktest_stats_print(t, &stats);
	if (bug) {
		KT_EXPECT(t, problems > 0);
		KT_EXPECT_EQ(t, swap_test_find_lost_clusters(si), 1);
	} else {
		KT_EXPECT_EQ(t, problems, 0);
		KT_EXPECT_EQ(t, swap_test_find_lost_clusters(si), 0);
		/* It allocated from the cluster it isolated, not from B's. */
		KT_EXPECT(t, swp_offset(on_a.e) / swap_cluster_slots !=
				     swp_offset(on_b.e) / swap_cluster_slots);
	}
	KT_EXPECT_EQ(t, swap_free(on_a.e), 0);
	KT_EXPECT_EQ(t, swap_free(on_b.e), 0);
	swap_test_end(t, &s);
}
#else
static void seed002_case(struct ktest *t, bool bug)
{
	(void)t;
	(void)bug;
}
#endif

/* Both cases force the sleep and the migration with the test hooks. */
static bool seed002_can_run(struct ktest *t)
{
#ifndef CONFIG_TEST_HOOKS
	ktest_skip(t, "built without test hooks (TEST_HOOKS=0)");
	return false;
#endif
	if (!test_require_cpus(t, 2))
		return false;
	return true;
}

KTEST(swap_table_smp, seed002_sleeping_table_alloc_keeps_its_cluster)
{
	if (seed002_can_run(t))
		seed002_case(t, false);
}

KTEST(swap_table_smp, seed002_v3_bug_loses_a_cluster_and_the_check_catches_it)
{
	if (seed002_can_run(t))
		seed002_case(t, true);
}
