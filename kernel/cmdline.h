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

enum kparam_kind {
	KPARAM_KIND_U64,
	KPARAM_KIND_BOOL,
	KPARAM_KIND_STR,
	KPARAM_KIND_FN,
	KPARAM_KIND_ENUM
};

/* One word an ENUM key accepts. An alias is one more row with the same
 * value (swap.bypass_sync_cache=1 means pin-sleep); the first row with a
 * value is its name, the one kparam_choice_name() returns. */
struct kparam_choice {
	const char *name;
	int value;
};

struct kparam {
	const char *key;
	enum kparam_kind kind;
	void *var;    /* u64 *, bool *, const char **, ENUM: see below */
	u64 min, max; /* for U64 */
	int (*parse)(const char *val, size_t len); /* for FN: 0 or -errno */
	const char *help;
	const struct kparam_choice *choices; /* for ENUM: the accepted words */
	unsigned nr_choices;
	unsigned var_size; /* for ENUM: sizeof(int) (an int or enum) or sizeof(bool) */
};

#define KPARAM_DEFINE_(id, ...)                                                                    \
	static const struct kparam kparam_##id __used __section("kparams")                         \
		__aligned(8) = { __VA_ARGS__ }
#define KPARAM_U64(id, key_, var_, min_, max_, help_)                                              \
	KPARAM_DEFINE_(id, .key = key_, .kind = KPARAM_KIND_U64, .var = var_, .min = min_,         \
		       .max = max_, .help = help_)
#define KPARAM_BOOL(id, key_, var_, help_)                                                         \
	KPARAM_DEFINE_(id, .key = key_, .kind = KPARAM_KIND_BOOL, .var = var_, .max = 1,           \
		       .help = help_)
#define KPARAM_STR(id, key_, var_, help_)                                                          \
	KPARAM_DEFINE_(id, .key = key_, .kind = KPARAM_KIND_STR, .var = var_, .help = help_)
#define KPARAM_FN(id, key_, fn_, help_)                                                            \
	KPARAM_DEFINE_(id, .key = key_, .kind = KPARAM_KIND_FN, .parse = fn_, .help = help_)

/*
 * A key whose value is one word of the array choices[]; the word's value is
 * stored into *var, an enum, an int or a bool. cmdline.c stores an enum
 * through an int *: GCC gives an enum with no negative value the type
 * unsigned int (int with one), and C lets an object be written through
 * the signed or unsigned version of its type. The assertion refuses a
 * target of another size (an enum built with -fshort-enums, a u8, a long).
 * Any other word is refused with the list of the accepted ones.
 */
#define KPARAM_ENUM(id, key_, var_, choices_, help_)                                               \
	_Static_assert(sizeof(*(var_)) == sizeof(int) ||                                           \
			       __builtin_types_compatible_p(__typeof__(*(var_)), bool),            \
		       "KPARAM_ENUM " key_ ": the variable must be an int, an enum or a bool");    \
	KPARAM_DEFINE_(id, .key = key_, .kind = KPARAM_KIND_ENUM, .var = var_, .help = help_,      \
		       .choices = choices_, .nr_choices = ARRAY_SIZE(choices_),                    \
		       .var_size = sizeof(*(var_)))

/* The name of value in choices (its first row), or "?" if none has it. */
const char *kparam_choice_name(const struct kparam_choice *choices, unsigned nr, int value);

/* Parses the whole line; returns 0, or -EINVAL after printing why. */
int cmdline_parse(const char *line);
/* The same over an explicit table and buffer (tests; buf keeps STR values). */
int cmdline_parse_table(const char *line, const struct kparam *begin, const struct kparam *end,
			char *buf, size_t bufsize);

#endif
