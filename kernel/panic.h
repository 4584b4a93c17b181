/*
 * panic(): print the reason, the registers and a backtrace, then power the
 * machine off with a failure status so a test run fails instead of hanging.
 * ASSERT() panics with the file, line and the failed expression.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "compiler.h"

__noreturn __printf(1, 2) void panic(const char *fmt, ...);

#define ASSERT(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(!(cond)))                                                             \
			panic("assertion failed at %s:%d: %s", __FILE__, __LINE__, #cond);         \
	} while (0)

/* ASSERT_EQ prints both values, which is what a reader needs to act. */
#define ASSERT_EQ(a, b)                                                                            \
	do {                                                                                       \
		unsigned long _a = (unsigned long)(a), _b = (unsigned long)(b);                    \
		if (unlikely(_a != _b))                                                            \
			panic("assertion failed at %s:%d: %s == %s (0x%lx != 0x%lx)", __FILE__,    \
			      __LINE__, #a, #b, _a, _b);                                           \
	} while (0)

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

/* Warn once per call site and count it; for recoverable surprises. */
#define WARN_ONCE(cond, ...)                                                                       \
	({                                                                                         \
		static bool _warned;                                                               \
		bool _c = !!(cond);                                                                \
		if (unlikely(_c) && !_warned) {                                                    \
			_warned = true;                                                            \
			pr_warn(__VA_ARGS__);                                                      \
		}                                                                                  \
		_c;                                                                                \
	})

#endif
