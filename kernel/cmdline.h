/*
 * The kernel command line: space-separated key=value words. Each subsystem
 * declares the keys it understands with KPARAM_*() next to the variable it
 * sets; cmdline_parse() walks the line once at boot. An unknown key or a
 * bad value is reported and the machine powers off with a failure status:
 * an experiment run with a typo in its switches must not silently run the
 * default design.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "compiler.h"
#include "types.h"

enum kparam_kind { KPARAM_KIND_U64, KPARAM_KIND_BOOL, KPARAM_KIND_STR, KPARAM_KIND_FN };

struct kparam {
	const char *key;
	enum kparam_kind kind;
	void *var;				   /* u64 *, bool *, const char ** */
	u64 min, max;				   /* for U64 */
	int (*parse)(const char *val, size_t len); /* for FN: 0 or -errno */
	const char *help;
};

#define KPARAM_DEFINE_(id, ...)                                                                    \
	static const struct kparam kparam_##id __used __section("kparams")                         \
		__aligned(8) = { __VA_ARGS__ }
#define KPARAM_U64(id, key, var, min, max, help)                                                   \
	KPARAM_DEFINE_(id, key, KPARAM_KIND_U64, var, min, max, NULL, help)
#define KPARAM_BOOL(id, key, var, help)                                                            \
	KPARAM_DEFINE_(id, key, KPARAM_KIND_BOOL, var, 0, 1, NULL, help)
#define KPARAM_STR(id, key, var, help)                                                             \
	KPARAM_DEFINE_(id, key, KPARAM_KIND_STR, var, 0, 0, NULL, help)
#define KPARAM_FN(id, key, fn, help) KPARAM_DEFINE_(id, key, KPARAM_KIND_FN, NULL, 0, 0, fn, help)

/* Parses the whole line; returns 0, or -EINVAL after printing why. */
int cmdline_parse(const char *line);
/* The same over an explicit table and buffer (tests; buf keeps STR values). */
int cmdline_parse_table(const char *line, const struct kparam *begin, const struct kparam *end,
			char *buf, size_t bufsize);

#endif
