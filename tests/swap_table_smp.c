/*
 * The swap table on several CPUs: concurrent allocation and freeing with
 * the accounting check after every round; a lock-free swap cache lookup
 * racing the RCU-deferred free of its cluster's table; seed 002's sleeping
 * table allocation while another task takes the per-CPU cluster, on the
 * same CPU and after a wakeup that moves it, on the fixed design and on the
 * v3 fallback (whose lost cluster the check must catch).
 */
#include "kernel/fault_inject.h"
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
#include "tests/test_design.h"

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
 * Seed 002: "mm, swap: implement dynamic allocation of swap table" (v3) and
 * Chris Mason's review. swap_cluster_alloc_table() drops its locks to
 * allocate a table with sleeping allowed, and while it sleeps the per-CPU
 * cluster can change. No test hook: the scenario is forced with the
 * kernel's run-time switches.
 *
 * Task A isolates a free cluster Y; its atomic table allocation fails
 * (fail.page_alloc for A's task name, once: memory pressure) and it
 * sleeps at swap:table-alloc-sleep until some CPU installs a new current
 * cluster (swap:new-percpu-cluster). Task B allocates while A sleeps: it
 * isolates Z and makes it its CPU's current cluster; its race point wakes
 * A. A wakes on a CPU whose current cluster is Z:
 *   same CPU: B is pinned to A's CPU and runs because A sleeps;
 *   another CPU: A is not pinned, sched.migrate_on_wake=1, and B runs on
 *   the next online CPU, where its wakeup moves A.
 * With the default swap.table_alloc_fallback=isolated A allocates from Y
 * and the accounting check is clean; with =percpu (the v3 patch) A
 * allocates from Z, Y is on no list and owned by nobody, and swap_check()
 * must report that very cluster lost.
 */
#define SEED002_A "seed002-a"

struct seed002_task {
	unsigned type;
	swp_entry_t e;
	int err;
	unsigned cpu_after;
};

static int seed002_alloc(void *p)
{
	struct seed002_task *a = p;
	a->err = swap_alloc_type(a->type, 0, &a->e);
	a->cpu_after = arch_cpu_id();
	return 0;
}

static enum swap_table_alloc_fallback seed002_saved_fallback;
static bool seed002_saved_migrate_on_wake;

static void seed002_restore(void *arg)
{
	(void)arg;
	swap_table_alloc_fallback = seed002_saved_fallback;
	sched_migrate_on_wake = seed002_saved_migrate_on_wake;
}

static void seed002_fail_page_alloc_off(void *arg)
{
	(void)arg;
	fault_attr_disable(&fail_page_alloc);
}

/* The switches, the injected failure and the race points, all undone when
 * the test ends. */
static bool seed002_arm(struct ktest *t, bool percpu_fallback, bool migrate_on_wake)
{
	seed002_saved_fallback = swap_table_alloc_fallback;
	seed002_saved_migrate_on_wake = sched_migrate_on_wake;
	if (!ktest_defer(t, seed002_restore, NULL))
		return false;
	swap_table_alloc_fallback =
		percpu_fallback ? SWAP_TABLE_FALLBACK_PERCPU : SWAP_TABLE_FALLBACK_ISOLATED;
	sched_migrate_on_wake = migrate_on_wake;

	static const struct test_race_point points[] = {
		{ "swap:table-alloc-sleep", TEST_RACE_SLEEP("swap:new-percpu-cluster", -1) },
		{ "swap:new-percpu-cluster", TEST_RACE_COUNT },
	};
	if (!test_race_arm(t, points, ARRAY_SIZE(points)))
		return false;
	if (!ktest_defer(t, seed002_fail_page_alloc_off, NULL))
		return false;
	return KT_EXPECT_EQ(t, fault_attr_set(&fail_page_alloc, "task=" SEED002_A ",times=1"), 0);
}

/* A is asleep in its table allocation: past the race point, blocked and
 * switched out (so that a wakeup may move it). */
static bool seed002_wait_until_asleep(struct ktest *t, struct task *a)
{
	u64 start = arch_time_ns();
	while (race_hits("swap:table-alloc-sleep") == 0 || task_state(a) != TASK_BLOCKED ||
	       task_curr(a)) {
		if (arch_time_ns() - start > 5 * TEST_SEC) {
			ktest_fail(t, "task A never slept in its table allocation");
			return false;
		}
		yield();
	}
	return true;
}

/* The one cluster waiting for its table: the one A isolated. */
static int seed002_table_alloc_cluster(struct swap_info *si)
{
	int found = -1;
	for (unsigned i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster *ci = &si->clusters[i];
		unsigned long irq = swap_cluster_lock(ci);
		if (ci->state == CLUSTER_TABLE_ALLOC)
			found = found < 0 ? (int)i : -2;
		swap_cluster_unlock(ci, irq);
	}
	return found;
}

static unsigned entry_cluster(swp_entry_t e)
{
	return (unsigned)(swp_offset(e) / swap_cluster_slots);
}

/* What A and B did, after both are joined. */
static void seed002_check(struct ktest *t, struct swap_info *si, bool percpu_fallback, int y,
			  struct seed002_task *a, struct seed002_task *b, unsigned a_cpu,
			  unsigned b_cpu)
{
	unsigned z = entry_cluster(b->e);
	KT_EXPECT(t, (int)z != y);
	KT_EXPECT_EQ(t, si->pcp_cluster[b_cpu][0], z + 1);
	u64 lost = test_stat("swap_check_lost_clusters");
	if (percpu_fallback)
		console_loglevel = LOG_EMERG; /* the check's complaints are the point */
	int problems = swap_check();
	console_loglevel = LOG_ERR;
	ktest_diag(t,
		   "%s: A slept on CPU %u holding cluster %d, B made cluster %u CPU %u's current, "
		   "A woke on CPU %u and allocated from cluster %u; check: %d problems",
		   percpu_fallback ? "table_alloc_fallback=percpu (v3)" : "fixed design", a_cpu, y,
		   z, b_cpu, a->cpu_after, entry_cluster(a->e), problems);
	if (percpu_fallback) {
		/* The harm: A took B's cluster, and Y is on no list and owned
		 * by nobody; the check reports that one cluster lost. */
		KT_EXPECT_EQ(t, entry_cluster(a->e), z);
		KT_EXPECT(t, problems > 0);
		KT_EXPECT_EQ(t, test_stat("swap_check_lost_clusters"), lost + 1);
		KT_EXPECT(t, y >= 0 && si->clusters[y].state == CLUSTER_ISOLATED);
		KT_EXPECT_EQ(t, swap_test_find_lost_clusters(si), 1);
	} else {
		KT_EXPECT_EQ(t, entry_cluster(a->e), (unsigned)y);
		KT_EXPECT_EQ(t, problems, 0);
		KT_EXPECT_EQ(t, test_stat("swap_check_lost_clusters"), lost);
	}
}

static void seed002_run(struct ktest *t, struct swap_test *s, bool percpu_fallback,
			bool migrate_on_wake)
{
	unsigned a_cpu = test_other_cpu();
	unsigned b_cpu = migrate_on_wake ? cpu_next_online(a_cpu) : a_cpu;
	struct seed002_task a = { (unsigned)s->type, { 0 }, -ENOSPC, NR_CPUS_MAX },
			    b = { (unsigned)s->type, { 0 }, -ENOSPC, NR_CPUS_MAX };
	static const char *const counters[] = {
		"swap_table_alloc_sleeps",	     "swap_table_alloc_pcp_changed",
		"swap_table_alloc_percpu_fallbacks", "sched_wake_migrations",
		"swap_check_lost_clusters",	     NULL
	};
	struct ktest_stats stats;
	u64 sleeps = test_stat("swap_table_alloc_sleeps");
	u64 changed = test_stat("swap_table_alloc_pcp_changed");
	u64 moves = test_stat("sched_wake_migrations");
	u64 timeouts = race_wait_timeouts();
	ktest_stats_begin(&stats, counters);
	if (!seed002_arm(t, percpu_fallback, migrate_on_wake))
		return;

	struct task *ta = migrate_on_wake
				  ? kthread_create_unbound(seed002_alloc, &a, a_cpu, SEED002_A)
				  : kthread_create_on_cpu(seed002_alloc, &a, a_cpu, SEED002_A);
	KT_ASSERT(t, ta);
	int y = seed002_wait_until_asleep(t, ta) ? seed002_table_alloc_cluster(s->si) : -1;
	KT_EXPECT(t, y >= 0);
	/* B, pinned, installs its CPU's current cluster while A sleeps. */
	struct task *tb = kthread_create_on_cpu(seed002_alloc, &b, b_cpu, "seed002-b");
	KT_EXPECT(t, tb);
	if (tb)
		kthread_join(tb);
	kthread_join(ta);
	race_disarm_all();
	ktest_stats_print(t, &stats);
	/* The contended event: A slept, and woke to another current cluster
	 * (on another CPU, moved by its wakeup, with migrate_on_wake). */
	KT_EXPECT_EQ(t, test_stat("swap_table_alloc_sleeps"), sleeps + 1);
	KT_EXPECT_EQ(t, test_stat("swap_table_alloc_pcp_changed"), changed + 1);
	KT_EXPECT_EQ(t, a.cpu_after, b_cpu);
	KT_EXPECT_EQ(t, test_stat("sched_wake_migrations"), moves + (migrate_on_wake ? 1 : 0));
	KT_EXPECT_EQ(t, race_wait_timeouts(), timeouts);
	if (KT_EXPECT_EQ(t, a.err, 0) && KT_EXPECT_EQ(t, b.err, 0))
		seed002_check(t, s->si, percpu_fallback, y, &a, &b, a_cpu, b_cpu);
	if (a.err == 0)
		KT_EXPECT_EQ(t, swap_free(a.e), 0);
	if (b.err == 0)
		KT_EXPECT_EQ(t, swap_free(b.e), 0);
}

static void seed002_case(struct ktest *t, bool percpu_fallback, bool migrate_on_wake)
{
	struct swap_test s;
	if (!test_design_defaults(t) || /* dynamic tables, before the swapon */
	    !swap_test_begin(t, &s, "swt-smp", SMP_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	seed002_run(t, &s, percpu_fallback, migrate_on_wake);
	swap_test_end(t, &s);
}

/* Same CPU: a task that runs while A sleeps replaces the per-CPU cluster. */
KTEST(swap_table_smp, seed002_same_cpu_sleeping_table_alloc_keeps_its_cluster)
{
	seed002_case(t, false, false);
}

KTEST(swap_table_smp, seed002_same_cpu_v3_fallback_loses_a_cluster_and_the_check_catches_it)
{
	seed002_case(t, true, false);
}

/* Another CPU: A's wakeup moves it (sched.migrate_on_wake=1). */
KTEST(swap_table_smp, seed002_woken_on_another_cpu_sleeping_table_alloc_keeps_its_cluster)
{
	if (test_require_cpus(t, 2))
		seed002_case(t, false, true);
}

KTEST(swap_table_smp,
      seed002_woken_on_another_cpu_v3_fallback_loses_a_cluster_and_the_check_catches_it)
{
	if (test_require_cpus(t, 2))
		seed002_case(t, true, true);
}
