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

struct ktest {
	const struct ktest_case *tc;
	int failures;
	const char *skip_reason;
};

struct ktest_case {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest *t);
};

#define KTEST(suite, name)                                                      \
	static void ktest_##suite##__##name(struct ktest *t);                    \
	static const struct ktest_case ktest_case_##suite##__##name __used      \
		__section("ktest_cases") __aligned(8) = {                        \
			#suite, #name, ktest_##suite##__##name                   \
		};                                                               \
	static void ktest_##suite##__##name(struct ktest *t __unused)

bool ktest_check(struct ktest *t, bool ok, const char *file, int line, const char *expr);
bool ktest_check_eq(struct ktest *t, u64 a, u64 b, const char *file, int line,
		    const char *ea, const char *eb);
__printf(2, 3) void ktest_fail(struct ktest *t, const char *fmt, ...);
__printf(2, 3) void ktest_diag(struct ktest *t, const char *fmt, ...);
void ktest_skip(struct ktest *t, const char *reason);

/* The counters that explain a scenario: ktest_stats_begin notes them (a
 * NULL-terminated list of stat names, at most KTEST_STATS_MAX), and
 * ktest_stats_print prints what each did since, as "# stat NAME +N". */
#define KTEST_STATS_MAX 8
struct ktest_stats {
	const char *const *names;
	u64 before[KTEST_STATS_MAX];
};
void ktest_stats_begin(struct ktest_stats *s, const char *const *names);
void ktest_stats_print(struct ktest *t, const struct ktest_stats *s);

#define KT_EXPECT(t, cond) ktest_check(t, !!(cond), __FILE__, __LINE__, #cond)
#define KT_EXPECT_EQ(t, a, b) \
	ktest_check_eq(t, (u64)(a), (u64)(b), __FILE__, __LINE__, #a, #b)
#define KT_ASSERT(t, cond)                     \
	do {                                   \
		if (!KT_EXPECT(t, cond))       \
			return;                \
	} while (0)
#define KT_ASSERT_EQ(t, a, b)                  \
	do {                                   \
		if (!KT_EXPECT_EQ(t, a, b))    \
			return;                \
	} while (0)

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
