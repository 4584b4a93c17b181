#include "stats.h"
#include "printk.h"
#include "string.h"

extern const struct kstat __start_kstats[], __stop_kstats[];

static u64 kstat_value(const struct kstat *s)
{
	return s->counter ? (u64)atomic_long_read(s->counter) : s->read();
}

bool stats_get(const char *name, u64 *value)
{
	for (const struct kstat *s = __start_kstats; s < __stop_kstats; s++)
		if (strcmp(s->name, name) == 0) {
			*value = kstat_value(s);
			return true;
		}
	return false;
}

/* A report from a dying machine (oops_in_progress) leaves out the values
 * computed by a function: those take locks (every swap cluster's), which
 * the stuck CPU may hold. */
void stats_print(void)
{
	char buf[128];
	bool dying = __atomic_load_n(&oops_in_progress, __ATOMIC_RELAXED);
	for (const struct kstat *s = __start_kstats; s < __stop_kstats; s++) {
		if (dying && s->read)
			continue;
		u64 v = kstat_value(s);
		int n = s->centi ? snprintk(buf, sizeof(buf), "# stat %s %lu.%02lu\n", s->name,
					    (unsigned long)(v / 100), (unsigned long)(v % 100))
				 : snprintk(buf, sizeof(buf), "# stat %s %lu\n", s->name,
					    (unsigned long)v);
		console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	}
}
