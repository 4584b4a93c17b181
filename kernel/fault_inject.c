/*
 * Fault injection (see fault_inject.h).
 */
#include <asm/cpu.h>
#include "cmdline.h"
#include "errno.h"
#include "fault_inject.h"
#include "printk.h"
#include "sched.h"
#include "stats.h"
#include "string.h"

#define FAULT_ATTR_INIT(id, gfp)                                                                   \
	{                                                                                          \
		.name = #id, .gfp_options = gfp, .interval = 1, .times = -1, .cpu = -1, .seed = 1  \
	}

struct fault_attr fail_page_alloc = FAULT_ATTR_INIT(page_alloc, true);
struct fault_attr fail_kmalloc = FAULT_ATTR_INIT(kmalloc, false);
struct fault_attr fail_swap_read = FAULT_ATTR_INIT(swap_read, false);
struct fault_attr fail_swap_write = FAULT_ATTR_INIT(swap_write, false);
struct fault_attr fail_swap_alloc = FAULT_ATTR_INIT(swap_alloc, false);

static struct fault_attr *const fault_attrs[] = {
	&fail_page_alloc, &fail_kmalloc, &fail_swap_read, &fail_swap_write, &fail_swap_alloc,
};

/* splitmix64: a good 64-bit mix of (seed, call number), so each decision
 * is independent of every other and needs no state. */
static u64 fault_mix(u64 seed, u64 n)
{
	u64 z = seed + n * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Does the call pass the CPU and task filters? The task is whatever runs
 * on the CPU: in an interrupt handler, the task it interrupted. */
static bool fault_filters_pass(const struct fault_attr *attr)
{
	if (attr->cpu >= 0 && arch_cpu_id() != (unsigned)attr->cpu)
		return false;
	if (attr->task[0]) {
		struct task *t = current;
		if (!t || !glob_match(attr->task, t->name))
			return false;
	}
	return true;
}

/* Linux's space=: the first space bytes go through. */
static bool fault_space_left(struct fault_attr *attr, size_t size)
{
	long left = atomic_long_read(&attr->space_left);
	while (left > 0) {
		long next = left > (long)size ? left - (long)size : 0;
		if (__atomic_compare_exchange_n(&attr->space_left.v, &left, next, false,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

/* Take one of the times= failures; false when none is left. */
static bool fault_take_time(struct fault_attr *attr)
{
	if (attr->times < 0)
		return true;
	long left = atomic_long_read(&attr->times_left);
	while (left > 0) {
		if (__atomic_compare_exchange_n(&attr->times_left.v, &left, left - 1, false,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

bool should_fail_slow(struct fault_attr *attr, size_t size)
{
	if (!fault_filters_pass(attr) || fault_space_left(attr, size))
		return false;
	u64 n = (u64)atomic_long_add_return(&attr->calls, 1);
	if (attr->interval > 1 && n % attr->interval)
		return false;
	if (fault_mix(attr->seed, n) % FAULT_PPM >= attr->probability)
		return false;
	if (!fault_take_time(attr))
		return false;
	long nr = atomic_long_add_return(&attr->injected, 1);
	if (attr->verbose) {
		struct task *t = current;
		pr_info("fault_inject: fail.%s: failure %ld at call %lu on cpu %u, task %s\n",
			attr->name, nr, (unsigned long)n, arch_cpu_id(), t ? t->name : "-");
	}
	return true;
}

bool should_fail_alloc(struct fault_attr *attr, unsigned order, bool may_reclaim, size_t size)
{
	if (!__atomic_load_n(&attr->enabled, __ATOMIC_ACQUIRE))
		return false;
	if (order < attr->min_order || (may_reclaim && attr->ignore_reclaim))
		return false;
	return should_fail_slow(attr, size);
}

static void fault_attr_defaults(struct fault_attr *attr)
{
	attr->probability = FAULT_PPM;
	attr->interval = 1;
	attr->times = -1;
	attr->cpu = -1;
	attr->task[0] = '\0';
	attr->seed = 1;
	attr->space = 0;
	attr->verbose = 0;
	attr->min_order = 0;
	attr->ignore_reclaim = false;
}

/* "5", "0.5", "0.0001" percent -> per million. */
static int fault_parse_percent(const char *s, size_t len, u32 *ppm)
{
	const char *dot = memchr(s, '.', len);
	size_t ilen = dot ? (size_t)(dot - s) : len, flen = dot ? len - ilen - 1 : 0;
	u64 whole = 0, frac = 0;
	if ((ilen == 0 && flen == 0) || flen > 4 || (dot && flen == 0))
		return -EINVAL;
	if (ilen && str_parse_u64(s, ilen, &whole, false))
		return -EINVAL;
	if (flen && str_parse_u64(dot + 1, flen, &frac, false))
		return -EINVAL;
	for (size_t i = flen; i < 4; i++)
		frac *= 10;
	if (whole > 100 || (whole == 100 && frac))
		return -EINVAL;
	*ppm = (u32)(whole * 10000 + frac);
	return 0;
}

/* One key=value of the list; the bad value's message is the caller's. */
static int fault_parse_opt(struct fault_attr *attr, const char *k, size_t klen, const char *v,
			   size_t vlen)
{
	u64 n = 0;
#define KEY_IS(s) (klen == sizeof(s) - 1 && memcmp(k, s, klen) == 0)
	if (KEY_IS("probability"))
		return fault_parse_percent(v, vlen, &attr->probability);
	if (KEY_IS("task")) {
		if (vlen == 0 || vlen >= sizeof(attr->task))
			return -EINVAL;
		memcpy(attr->task, v, vlen);
		attr->task[vlen] = '\0';
		return 0;
	}
	if (KEY_IS("times") && vlen == 2 && memcmp(v, "-1", 2) == 0) {
		attr->times = -1;
		return 0;
	}
	if (str_parse_u64(v, vlen, &n, KEY_IS("space")))
		return -EINVAL;
	if (KEY_IS("interval") && n >= 1)
		attr->interval = n;
	else if (KEY_IS("times") && n <= (1ull << 62))
		attr->times = (long)n;
	else if (KEY_IS("cpu") && n < NR_CPUS_MAX)
		attr->cpu = (int)n;
	else if (KEY_IS("seed"))
		attr->seed = n;
	else if (KEY_IS("space") && n <= (1ull << 62))
		attr->space = n;
	else if (KEY_IS("verbose") && n <= 1)
		attr->verbose = (unsigned)n;
	else if (KEY_IS("min_order") && attr->gfp_options && n < 32)
		attr->min_order = (unsigned)n;
	else if (KEY_IS("ignore_reclaim") && attr->gfp_options && n <= 1)
		attr->ignore_reclaim = n;
	else
		return -EINVAL;
	return 0;
#undef KEY_IS
}

int fault_attr_parse(struct fault_attr *attr, const char *s, size_t len)
{
	fault_attr_defaults(attr);
	attr->configured = false;
	if (len == 0 || (len == 1 && s[0] == '0'))
		return 0;
	while (len) {
		const char *comma = memchr(s, ',', len);
		size_t one = comma ? (size_t)(comma - s) : len;
		const char *eq = memchr(s, '=', one);
		if (!eq || fault_parse_opt(attr, s, (size_t)(eq - s), eq + 1,
					   one - (size_t)(eq - s) - 1)) {
			pr_err("fault_inject: fail.%s: bad option '%.*s' (probability=PERCENT, "
			       "interval=N>=1, times=N|-1, cpu=N, task=GLOB, seed=N, space=BYTES, "
			       "verbose=0|1%s)\n",
			       attr->name, (int)one, s,
			       attr->gfp_options ? ", min_order=N, ignore_reclaim=0|1" : "");
			return -EINVAL;
		}
		if (!comma)
			break;
		len -= one + 1;
		s = comma + 1;
	}
	attr->configured = true;
	return 0;
}

void fault_attr_enable(struct fault_attr *attr)
{
	atomic_long_set(&attr->times_left, attr->times);
	atomic_long_set(&attr->space_left, (long)attr->space);
	atomic_long_set(&attr->calls, 0);
	atomic_long_set(&attr->injected, 0);
	__atomic_store_n(&attr->enabled, attr->configured && attr->probability > 0,
			 __ATOMIC_RELEASE);
}

void fault_attr_disable(struct fault_attr *attr)
{
	__atomic_store_n(&attr->enabled, false, __ATOMIC_RELEASE);
}

int fault_attr_set(struct fault_attr *attr, const char *s)
{
	fault_attr_disable(attr);
	int err = fault_attr_parse(attr, s, strlen(s));
	if (!err)
		fault_attr_enable(attr);
	return err;
}

u64 fault_attr_calls(const struct fault_attr *attr)
{
	return (u64)atomic_long_read(&attr->calls);
}

u64 fault_attr_injected(const struct fault_attr *attr)
{
	return (u64)atomic_long_read(&attr->injected);
}

static void fault_attr_print(const struct fault_attr *attr)
{
	unsigned pct = attr->probability / 10000, frac = attr->probability % 10000;
	pr_info("fault_inject: fail.%s on: probability %u.%04u%%, interval %lu, times %ld, cpu %d, "
		"task '%s', seed %lu, space %lu, min_order %u, ignore_reclaim %d\n",
		attr->name, pct, frac, (unsigned long)attr->interval, attr->times, attr->cpu,
		attr->task[0] ? attr->task : "*", (unsigned long)attr->seed,
		(unsigned long)attr->space, attr->min_order, attr->ignore_reclaim);
}

void fault_inject_start(void)
{
	for (size_t i = 0; i < sizeof(fault_attrs) / sizeof(fault_attrs[0]); i++) {
		struct fault_attr *attr = fault_attrs[i];
		if (!attr->configured || !attr->probability)
			continue;
		fault_attr_enable(attr);
		fault_attr_print(attr);
	}
}

#define FAULT_ATTR_PARAM(id, help)                                                                 \
	static int fail_##id##_param(const char *val, size_t len)                                  \
	{                                                                                          \
		return fault_attr_parse(&fail_##id, val, len);                                     \
	}                                                                                          \
	KPARAM_FN(fail_##id, "fail." #id, fail_##id##_param, help);                                \
	static u64 fail_##id##_calls_read(void)                                                    \
	{                                                                                          \
		return fault_attr_calls(&fail_##id);                                               \
	}                                                                                          \
	static u64 fail_##id##_injected_read(void)                                                 \
	{                                                                                          \
		return fault_attr_injected(&fail_##id);                                            \
	}                                                                                          \
	DEFINE_STAT_FN(fail_##id##_calls, fail_##id##_calls_read);                                 \
	DEFINE_STAT_FN(fail_##id##_injected, fail_##id##_injected_read)

FAULT_ATTR_PARAM(page_alloc, "fail alloc_pages: probability=PCT,interval=N,times=N,cpu=N,"
			     "task=GLOB,seed=N,space=B,verbose=1,min_order=N,ignore_reclaim=1");
FAULT_ATTR_PARAM(kmalloc, "fail kmalloc (same options, without min_order/ignore_reclaim)");
FAULT_ATTR_PARAM(swap_read, "fail swap reads with -EIO as the device would (same options)");
FAULT_ATTR_PARAM(swap_write, "fail swap writes with -EIO as the device would (same options)");
FAULT_ATTR_PARAM(swap_alloc, "fail swap slot allocation as if swap were full (same options)");
