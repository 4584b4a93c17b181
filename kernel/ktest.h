/*
 * ktest: the in-kernel test runner. A test is a function registered with
 * KTEST(suite, case) into the "ktest_cases" linker section; the same test
 * file builds into the kernel and into the host test program. ktest_run()
 * runs the cases whose "suite.case" name matches a glob and prints TAP 13
 * (the version Debian 12's prove accepts), one KTAP-style indented block
 * per suite followed by the suite's own result line.
 *
 * Checks do not stop a test: KT_EXPECT* record a failure with file, line
 * and values; KT_ASSERT* also return from the test function.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include "compiler.h"
#include "types.h"

#define KTEST_RESOURCES_MAX 8
#define KTEST_DEFER_MAX 8

struct ktest_action {
	void (*fn)(void *arg);
	void *arg;
};

struct ktest {
	const struct ktest_case *tc;
	int failures;
	const char *skip_reason;
	/* Resources this test changes on purpose (ktest_allow_leak). */
	const char *allowed[KTEST_RESOURCES_MAX];
	const char *allowed_why[KTEST_RESOURCES_MAX];
	unsigned nr_allowed;
	/* Clean-ups (ktest_defer), run after the test in reverse order. */
	struct ktest_action deferred[KTEST_DEFER_MAX];
	unsigned nr_deferred;
};

struct ktest_case {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest *t);
};

#define KTEST(suite, name)                                                                         \
	static void ktest_##suite##__##name(struct ktest *t);                                      \
	static const struct ktest_case ktest_case_##suite##__##name __used __section(              \
		"ktest_cases") __aligned(8) = { #suite, #name, ktest_##suite##__##name };          \
	static void ktest_##suite##__##name(struct ktest *t __unused)

bool ktest_check(struct ktest *t, bool ok, const char *file, int line, const char *expr);
bool ktest_check_eq(struct ktest *t, u64 a, u64 b, const char *file, int line, const char *ea,
		    const char *eb);
__printf(2, 3) void ktest_fail(struct ktest *t, const char *fmt, ...);
__printf(2, 3) void ktest_diag(struct ktest *t, const char *fmt, ...);
void ktest_skip(struct ktest *t, const char *reason);
/* Run fn(arg) when the test ends, however it ends (a KT_ASSERT return
 * included), before the runner checks for leaks; in reverse order of
 * deferral, like KUnit's kunit_add_action. False, with the test failed,
 * when KTEST_DEFER_MAX are pending (fn then runs at once). */
bool ktest_defer(struct ktest *t, void (*fn)(void *arg), void *arg);

/* The counters that explain a scenario: ktest_stats_begin notes them (a
 * NULL-terminated list of stat names, at most KTEST_STATS_MAX), and
 * ktest_stats_print prints what each did since, as "# stat NAME +N". */
#define KTEST_STATS_MAX 12
struct ktest_stats {
	const char *const *names;
	u64 before[KTEST_STATS_MAX];
};
void ktest_stats_begin(struct ktest_stats *s, const char *const *names);
void ktest_stats_print(struct ktest *t, const struct ktest_stats *s);

#define KT_EXPECT(t, cond) ktest_check(t, !!(cond), __FILE__, __LINE__, #cond)
#define KT_EXPECT_EQ(t, a, b) ktest_check_eq(t, (u64)(a), (u64)(b), __FILE__, __LINE__, #a, #b)
#define KT_ASSERT(t, cond)                                                                         \
	do {                                                                                       \
		if (!KT_EXPECT(t, cond))                                                           \
			return;                                                                    \
	} while (0)
#define KT_ASSERT_EQ(t, a, b)                                                                      \
	do {                                                                                       \
		if (!KT_EXPECT_EQ(t, a, b))                                                        \
			return;                                                                    \
	} while (0)

/*
 * Resources every test must give back: before and after each test, once
 * everything has settled, the runner reads each one and fails a test that
 * changed one, naming it ("# FAIL leaked: free_pages -3 (...)"). A
 * resource is registered with KTEST_RESOURCE (tests/ktest_resources.c):
 * settle (may be NULL) runs first, in registration order, for all of
 * them; then read. A test that changes one on purpose says so with
 * ktest_allow_leak (resource name, why), printed as a note.
 */
struct ktest_resource {
	const char *name;
	void (*settle)(void);
	s64 (*read)(void);
};

#define KTEST_RESOURCE(id, settle_fn, read_fn)                                                     \
	static const struct ktest_resource ktest_resource_##id __used __section("ktest_resources") \
		__aligned(8) = { #id, settle_fn, read_fn }

void ktest_allow_leak(struct ktest *t, const char *resource, const char *why);

/* Does suite.name match glob (alternatives separated by commas; one
 * starting with '-' excludes)? */
bool ktest_name_matches(const char *suite, const char *name, const char *glob);

/* Runs every case matching glob; returns the number of failed cases, or
 * -ENOENT (after saying so) when the glob matches nothing. */
int ktest_run(const char *glob);
/* The machine is dying (panic, hung-task report): print the running test,
 * if any, and its suite as "not ok" with why, so a TAP reader fails that
 * boot and goes on with the next (no "Bail out!", which stops a whole
 * prove run). */
void ktest_report_dying(const char *why);
/* The ktest= value from the command line, NULL when absent. */
extern const char *ktest_glob;

#endif
