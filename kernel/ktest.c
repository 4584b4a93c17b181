#include "ktest.h"
#include "panic.h"
#include "cmdline.h"
#include "errno.h"
#include "printk.h"
#include "stats.h"
#include "string.h"

extern const struct ktest_case __start_ktest_cases[], __stop_ktest_cases[];
extern const struct ktest_resource __start_ktest_resources[], __stop_ktest_resources[];

const char *ktest_glob;
KPARAM_STR(ktest, "ktest", &ktest_glob,
	   "run the tests matching GLOB (suite.case) instead of the default job");

static DEFINE_STAT_COUNTER(ktest_passed);
static DEFINE_STAT_COUNTER(ktest_failed);
static DEFINE_STAT_COUNTER(ktest_skipped);

static __printf(1, 2) void tap(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

bool ktest_check(struct ktest *t, bool ok, const char *file, int line, const char *expr)
{
	if (!ok) {
		t->failures++;
		tap("        # FAIL %s:%d: %s\n", file, line, expr);
	}
	return ok;
}

bool ktest_check_eq(struct ktest *t, u64 a, u64 b, const char *file, int line, const char *ea,
		    const char *eb)
{
	if (a != b) {
		t->failures++;
		tap("        # FAIL %s:%d: %s == %s (%lu != %lu, 0x%lx != 0x%lx)\n", file, line, ea,
		    eb, (unsigned long)a, (unsigned long)b, (unsigned long)a, (unsigned long)b);
	}
	return a == b;
}

void ktest_fail(struct ktest *t, const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->failures++;
	tap("        # FAIL %s\n", buf);
}

void ktest_diag(struct ktest *t __unused, const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tap("        # %s\n", buf);
}

void ktest_stats_begin(struct ktest_stats *s, const char *const *names)
{
	s->names = names;
	for (unsigned i = 0; names[i] && i < KTEST_STATS_MAX; i++) {
		s->before[i] = 0;
		stats_get(names[i], &s->before[i]);
	}
}

void ktest_stats_print(struct ktest *t, const struct ktest_stats *s)
{
	for (unsigned i = 0; s->names[i] && i < KTEST_STATS_MAX; i++) {
		u64 now = 0;
		if (!stats_get(s->names[i], &now))
			ktest_diag(t, "stat %s (no such counter)", s->names[i]);
		else
			ktest_diag(t, "stat %s +%lu", s->names[i],
				   (unsigned long)(now - s->before[i]));
	}
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skip_reason = reason;
}

/*
 * glob may list alternatives separated by commas ("smoke.*,demo.*"); an
 * alternative that starts with '-' excludes what it matches, whatever the
 * others say ("*,-demo.*": everything but the demo).
 */
bool ktest_name_matches(const char *suite, const char *name, const char *glob)
{
	char full[128], one[128];
	bool included = false;
	snprintk(full, sizeof(full), "%s.%s", suite, name);
	while (*glob) {
		size_t n = 0;
		while (glob[n] && glob[n] != ',')
			n++;
		bool exclude = glob[0] == '-';
		size_t skip = exclude ? 1 : 0;
		if (n - skip < sizeof(one)) {
			memcpy(one, glob + skip, n - skip);
			one[n - skip] = 0;
			if (glob_match(one, full) || glob_match(one, suite)) {
				if (exclude)
					return false;
				included = true;
			}
		}
		glob += n + (glob[n] == ',');
	}
	return included;
}

static bool ktest_matches(const struct ktest_case *tc, const char *glob)
{
	return ktest_name_matches(tc->suite, tc->name, glob);
}

/* The linker keeps registration order; a suite's cases may come from
 * several files, so suites are gathered by name, first appearance first. */
static bool suite_seen_before(const struct ktest_case *tc, const char *glob)
{
	for (const struct ktest_case *p = __start_ktest_cases; p < tc; p++)
		if (strcmp(p->suite, tc->suite) == 0 && ktest_matches(p, glob))
			return true;
	return false;
}

bool ktest_defer(struct ktest *t, void (*fn)(void *arg), void *arg)
{
	if (t->nr_deferred == KTEST_DEFER_MAX) {
		ktest_fail(t, "more than %d clean-ups deferred", KTEST_DEFER_MAX);
		fn(arg);
		return false;
	}
	t->deferred[t->nr_deferred++] = (struct ktest_action){ fn, arg };
	return true;
}

static void ktest_run_deferred(struct ktest *t)
{
	while (t->nr_deferred) {
		struct ktest_action *a = &t->deferred[--t->nr_deferred];
		a->fn(a->arg);
	}
}

void ktest_allow_leak(struct ktest *t, const char *resource, const char *why)
{
	if (t->nr_allowed == KTEST_RESOURCES_MAX) {
		ktest_fail(t, "more than %d ktest_allow_leak", KTEST_RESOURCES_MAX);
		return;
	}
	t->allowed[t->nr_allowed] = resource;
	t->allowed_why[t->nr_allowed++] = why;
}

struct ktest_snapshot {
	s64 v[KTEST_RESOURCES_MAX];
};

static unsigned ktest_nr_resources(void)
{
	unsigned n = (unsigned)(__stop_ktest_resources - __start_ktest_resources);
	if (n > KTEST_RESOURCES_MAX)
		panic("ktest: %u resources registered, room for %d (KTEST_RESOURCES_MAX)", n,
		      KTEST_RESOURCES_MAX);
	return n;
}

/* Settle everything (I/O, RCU callbacks, per-CPU lists), then read. */
static void ktest_snapshot(struct ktest_snapshot *s)
{
	unsigned n = ktest_nr_resources();
	for (unsigned i = 0; i < n; i++)
		if (__start_ktest_resources[i].settle)
			__start_ktest_resources[i].settle();
	for (unsigned i = 0; i < n; i++)
		s->v[i] = __start_ktest_resources[i].read();
}

static const char *ktest_allowed(const struct ktest *t, const char *name)
{
	for (unsigned i = 0; i < t->nr_allowed; i++)
		if (strcmp(t->allowed[i], name) == 0)
			return t->allowed_why[i];
	return NULL;
}

/* A test that left a resource changed fails, unless it said why. */
static void ktest_check_leaks(struct ktest *t, const struct ktest_snapshot *before)
{
	struct ktest_snapshot after;
	ktest_snapshot(&after);
	for (unsigned i = 0; i < ktest_nr_resources(); i++) {
		s64 d = after.v[i] - before->v[i];
		if (!d)
			continue;
		const char *name = __start_ktest_resources[i].name;
		const char *why = ktest_allowed(t, name);
		if (why) {
			tap("        # note: %s %s%ld (allowed: %s)\n", name, d > 0 ? "+" : "",
			    (long)d, why);
			continue;
		}
		t->failures++;
		tap("        # FAIL leaked: %s %s%ld (%ld before the test, %ld after)\n", name,
		    d > 0 ? "+" : "", (long)d, (long)before->v[i], (long)after.v[i]);
	}
}

/* The test running now, for a report from a dying machine (the boot
 * task writes these; a panic or hung report on any CPU reads them). */
static struct {
	const struct ktest_case *tc;
	int index;	/* the suite's number in the top-level plan */
	int case_index; /* the case's number in its suite */
} ktest_running;

void ktest_report_dying(const char *why)
{
	const struct ktest_case *tc = __atomic_load_n(&ktest_running.tc, __ATOMIC_ACQUIRE);
	if (!tc)
		return;
	tap("\n    not ok %d %s.%s # %s\n", ktest_running.case_index, tc->suite, tc->name, why);
	tap("not ok %d %s # %s in %s.%s\n", ktest_running.index, tc->suite, why, tc->suite,
	    tc->name);
}

static int suite_run(const char *suite, const char *glob, int index)
{
	int n = 0, i = 0, failed = 0;

	for (const struct ktest_case *tc = __start_ktest_cases; tc < __stop_ktest_cases; tc++)
		if (strcmp(tc->suite, suite) == 0 && ktest_matches(tc, glob))
			n++;
	tap("    # Subtest: %s\n    1..%d\n", suite, n);
	for (const struct ktest_case *tc = __start_ktest_cases; tc < __stop_ktest_cases; tc++) {
		if (strcmp(tc->suite, suite) != 0 || !ktest_matches(tc, glob))
			continue;
		struct ktest t = { .tc = tc };
		struct ktest_snapshot before;
		ktest_running.index = index;
		ktest_running.case_index = ++i;
		__atomic_store_n(&ktest_running.tc, tc, __ATOMIC_RELEASE);
		ktest_snapshot(&before);
		tc->fn(&t);
		ktest_run_deferred(&t);
		ktest_check_leaks(&t, &before);
		__atomic_store_n(&ktest_running.tc, NULL, __ATOMIC_RELEASE);
		if (t.failures) {
			failed++;
			stat_inc(ktest_failed);
			tap("    not ok %d %s.%s\n", i, tc->suite, tc->name);
		} else if (t.skip_reason) {
			stat_inc(ktest_skipped);
			tap("    ok %d %s.%s # SKIP %s\n", i, tc->suite, tc->name, t.skip_reason);
		} else {
			stat_inc(ktest_passed);
			tap("    ok %d %s.%s\n", i, tc->suite, tc->name);
		}
	}
	tap("%sok %d %s\n", failed ? "not " : "", index, suite);
	return failed;
}

int ktest_run(const char *glob)
{
	int suites = 0, failed = 0;

	for (const struct ktest_case *tc = __start_ktest_cases; tc < __stop_ktest_cases; tc++)
		if (ktest_matches(tc, glob) && !suite_seen_before(tc, glob))
			suites++;
	if (suites == 0) {
		pr_err("ktest: no test matches '%s'\n", glob);
		tap("TAP version 13\n1..1\nnot ok 1 ktest # no test matches '%s'\n", glob);
		return -ENOENT;
	}
	tap("TAP version 13\n1..%d\n", suites);
	int index = 0;
	for (const struct ktest_case *tc = __start_ktest_cases; tc < __stop_ktest_cases; tc++)
		if (ktest_matches(tc, glob) && !suite_seen_before(tc, glob))
			failed += suite_run(tc->suite, glob, ++index);
	return failed;
}
