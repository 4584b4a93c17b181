/*
 * Lock statistics (see lock_stat.h): lockstat=1.
 *
 * A class lives in a slot of its kind's table, found by hashing the
 * address of its name and probing on; the first acquisition of a class
 * claims a free slot by compare-and-swap, so any CPU in any context can
 * add a class without a lock. Two names with equal text at different
 * addresses take two slots; the report and lock_stat_read add them up.
 */
#include <asm/cpu.h>
#include "cmdline.h"
#include "lock_stat.h"
#include "percpu.h"
#include "printk.h"
#include "stats.h"
#include "string.h"

#define LOCK_CLASS_BITS 7
#define LOCK_CLASSES_MAX (1u << LOCK_CLASS_BITS) /* per kind */

/* Claimed by compare-and-swap from NULL, then never changed. */
static const char *lock_class_names[LOCK_KINDS][LOCK_CLASSES_MAX];

struct lock_stat_cpu {
	struct lock_class_stats s[LOCK_KINDS][LOCK_CLASSES_MAX];
};
/* A CPU adds to its own slot only, by atomic adds: on the host two threads
 * may share a CPU id, and in the kernel an interrupt handler's lock may
 * count between the load and the store of the code it interrupted. */
static DEFINE_PER_CPU(struct lock_stat_cpu, lock_stat_cpus);

int lock_stat_active;
static u64 lock_stat_since_ns; /* when lock_stat_active last left 0 */

static const char *const lock_kind_names[LOCK_KINDS] = { "spin", "mutex", "rwsem" };
static const char lock_unnamed[] = "?";

DEFINE_STAT_COUNTER(lock_stat_overflow); /* acquisitions of classes that found no slot */

static bool lock_stat_on_boot;
KPARAM_BOOL(lockstat, "lockstat", &lock_stat_on_boot,
	    "1: count acquisitions, contention and wait time per lock class and print the "
	    "table at the end of the boot");

static long lock_class_slot(const char *name, enum lock_kind kind)
{
	const char **names = lock_class_names[kind];
	if (!name)
		name = lock_unnamed;
	unsigned long h = (unsigned long)(((u64)(unsigned long)name * 0x9E3779B97F4A7C15ull) >>
					  (64 - LOCK_CLASS_BITS));
	for (unsigned i = 0; i < LOCK_CLASSES_MAX; i++) {
		unsigned slot = (unsigned)(h + i) % LOCK_CLASSES_MAX;
		const char *cur = __atomic_load_n(&names[slot], __ATOMIC_ACQUIRE);
		if (!cur && __atomic_compare_exchange_n(&names[slot], &cur, name, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return slot;
		if (cur == name)
			return slot;
	}
	stat_inc(lock_stat_overflow);
	return -1;
}

static struct lock_class_stats *lock_class_stats_here(const char *name, enum lock_kind kind)
{
	long slot = lock_class_slot(name, kind);
	return slot < 0 ? NULL : &this_cpu(lock_stat_cpus).s[kind][slot];
}

void lock_stat_acquired(const char *name, enum lock_kind kind)
{
	struct lock_class_stats *s = lock_class_stats_here(name, kind);
	if (s)
		__atomic_fetch_add(&s->acquisitions, 1, __ATOMIC_RELAXED);
}

void lock_stat_contended(const char *name, enum lock_kind kind, u64 wait_ns)
{
	struct lock_class_stats *s = lock_class_stats_here(name, kind);
	if (!s)
		return;
	__atomic_fetch_add(&s->acquisitions, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->contended, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->wait_ns, wait_ns, __ATOMIC_RELAXED);
	u64 max = __atomic_load_n(&s->wait_max_ns, __ATOMIC_RELAXED);
	while (wait_ns > max && !__atomic_compare_exchange_n(&s->wait_max_ns, &max, wait_ns, true,
							     __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void lock_stat_start(void)
{
	if (__atomic_add_fetch(&lock_stat_active, 1, __ATOMIC_ACQ_REL) == 1)
		__atomic_store_n(&lock_stat_since_ns, arch_time_ns(), __ATOMIC_RELAXED);
}

void lock_stat_stop(void)
{
	__atomic_sub_fetch(&lock_stat_active, 1, __ATOMIC_ACQ_REL);
}

/* Add every CPU's counts of slots kind/slot into *sum. */
static void lock_class_sum(enum lock_kind kind, unsigned slot, struct lock_class_stats *sum)
{
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		const struct lock_class_stats *s = &per_cpu(lock_stat_cpus, cpu).s[kind][slot];
		u64 max = __atomic_load_n(&s->wait_max_ns, __ATOMIC_RELAXED);
		sum->acquisitions += __atomic_load_n(&s->acquisitions, __ATOMIC_RELAXED);
		sum->contended += __atomic_load_n(&s->contended, __ATOMIC_RELAXED);
		sum->wait_ns += __atomic_load_n(&s->wait_ns, __ATOMIC_RELAXED);
		if (max > sum->wait_max_ns)
			sum->wait_max_ns = max;
	}
}

/* The class's counts over every slot whose name reads name. */
static bool lock_class_read(const char *name, enum lock_kind kind, struct lock_class_stats *out)
{
	bool found = false;
	memset(out, 0, sizeof(*out));
	for (unsigned slot = 0; slot < LOCK_CLASSES_MAX; slot++) {
		const char *cur = __atomic_load_n(&lock_class_names[kind][slot], __ATOMIC_ACQUIRE);
		if (cur && strcmp(cur, name) == 0) {
			lock_class_sum(kind, slot, out);
			found = true;
		}
	}
	return found;
}

bool lock_stat_read(const char *name, enum lock_kind kind, struct lock_class_stats *out)
{
	return lock_class_read(name ? name : lock_unnamed, kind, out);
}

struct lock_stat_row {
	const char *name;
	enum lock_kind kind;
	struct lock_class_stats s;
};

/* The report's rows: static, because the report runs once at the end of
 * the boot, and too big for a kernel stack. */
static struct lock_stat_row lock_stat_rows[LOCK_KINDS * LOCK_CLASSES_MAX];

static bool lock_stat_row_before(const struct lock_stat_row *a, const struct lock_stat_row *b)
{
	if (a->s.wait_ns != b->s.wait_ns)
		return a->s.wait_ns > b->s.wait_ns;
	return a->s.acquisitions > b->s.acquisitions;
}

/* One row per class name and kind, merged, sorted by wait time. */
static unsigned lock_stat_collect(void)
{
	unsigned n = 0;
	for (unsigned kind = 0; kind < LOCK_KINDS; kind++) {
		for (unsigned slot = 0; slot < LOCK_CLASSES_MAX; slot++) {
			const char *name =
				__atomic_load_n(&lock_class_names[kind][slot], __ATOMIC_ACQUIRE);
			bool seen = false;
			for (unsigned r = 0; name && r < n && !seen; r++)
				seen = lock_stat_rows[r].kind == kind &&
				       strcmp(lock_stat_rows[r].name, name) == 0;
			if (!name || seen)
				continue;
			struct lock_stat_row *row = &lock_stat_rows[n];
			row->name = name;
			row->kind = (enum lock_kind)kind;
			lock_class_read(name, row->kind, &row->s);
			if (row->s.acquisitions)
				n++;
		}
	}
	for (unsigned i = 1; i < n; i++) { /* insertion sort: a few dozen rows */
		struct lock_stat_row row = lock_stat_rows[i];
		unsigned j = i;
		for (; j > 0 && lock_stat_row_before(&row, &lock_stat_rows[j - 1]); j--)
			lock_stat_rows[j] = lock_stat_rows[j - 1];
		lock_stat_rows[j] = row;
	}
	return n;
}

/* "12.3" from a value in tenths. */
static void lock_stat_tenths(char *buf, size_t size, u64 tenths)
{
	snprintk(buf, size, "%lu.%lu", (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
}

static void lock_stat_print_row(const struct lock_stat_row *row)
{
	const struct lock_class_stats *s = &row->s;
	char pct[16], total[24], avg[24], max[24];
	lock_stat_tenths(pct, sizeof(pct),
			 s->acquisitions
				 ? (s->contended * 1000 + s->acquisitions / 2) / s->acquisitions
				 : 0);
	lock_stat_tenths(total, sizeof(total), s->wait_ns / 100000);
	lock_stat_tenths(avg, sizeof(avg), s->contended ? s->wait_ns / s->contended / 100 : 0);
	lock_stat_tenths(max, sizeof(max), s->wait_max_ns / 100);
	pr_info("lock_stat: %-22s %-5s %11lu %9lu %5s%% %11s %9s %10s\n", row->name,
		lock_kind_names[row->kind], (unsigned long)s->acquisitions,
		(unsigned long)s->contended, pct, total, avg, max);
}

void lock_stat_report(void)
{
	u64 since = __atomic_load_n(&lock_stat_since_ns, __ATOMIC_RELAXED);
	unsigned n = lock_stat_collect();
	pr_info("lock_stat: %u classes over %lu ms; wait: from asking for the lock to having it "
		"(spinning, or asleep for a mutex or rwsem)\n",
		n, (unsigned long)((arch_time_ns() - since) / 1000000));
	pr_info("lock_stat: %-22s %-5s %11s %9s %6s %11s %9s %10s\n", "class", "kind", "acquired",
		"contended", "cont", "wait-ms", "avg-us", "max-us");
	for (unsigned i = 0; i < n; i++)
		lock_stat_print_row(&lock_stat_rows[i]);
	if (stat_read(lock_stat_overflow))
		pr_warn("lock_stat: %lu acquisitions of classes past the table's %u per kind were "
			"not counted (LOCK_CLASSES_MAX)\n",
			(unsigned long)stat_read(lock_stat_overflow), LOCK_CLASSES_MAX);
}

void lock_stat_boot_start(void)
{
	if (!lock_stat_on_boot)
		return;
	pr_info("lock_stat: counting every lock class until the end of the boot\n");
	lock_stat_start();
}

void lock_stat_boot_end(void)
{
	if (!lock_stat_on_boot)
		return;
	lock_stat_stop();
	lock_stat_report();
}
