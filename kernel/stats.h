/*
 * Counters that explain what happened: each is registered into the
 * "kstats" linker section and printed at the end of a boot as a TAP
 * diagnostic line "# stat NAME VALUE". A counter is an atomic long; a
 * computed stat has a read function instead.
 */
#ifndef KERNEL_STATS_H
#define KERNEL_STATS_H

#include "atomic.h"
#include "compiler.h"

struct kstat {
	const char *name;
	atomic_long_t *counter;
	u64 (*read)(void);
	bool centi; /* read() returns hundredths: printed with two decimals */
};

#define DEFINE_STAT_COUNTER(id)                                                                    \
	atomic_long_t stat_##id;                                                                   \
	static const struct kstat kstat_##id __used __section("kstats")                            \
		__aligned(8) = { #id, &stat_##id, NULL, false }
#define DECLARE_STAT_COUNTER(id) extern atomic_long_t stat_##id
#define DEFINE_STAT_FN(id, fn)                                                                     \
	static const struct kstat kstat_##id __used __section("kstats")                            \
		__aligned(8) = { #id, NULL, fn, false }
/* A computed stat in hundredths, printed as "8.06". */
#define DEFINE_STAT_FN_CENTI(id, fn)                                                               \
	static const struct kstat kstat_##id __used __section("kstats")                            \
		__aligned(8) = { #id, NULL, fn, true }

#define stat_inc(id) atomic_long_inc(&stat_##id)
#define stat_add(id, n) atomic_long_add(&stat_##id, (long)(n))
#define stat_read(id) ((u64)atomic_long_read(&stat_##id))

void stats_print(void);
/* Value of a registered stat by name, for tests; false if unknown. */
bool stats_get(const char *name, u64 *value);

#endif
