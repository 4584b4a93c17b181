/*
 * Race points (see race.h). The armed state lives in a small table; a site
 * points at its entry while armed. Hits are counted atomically and a wait
 * spins on the awaited point's hit count, so nothing here sleeps or takes a
 * lock on the hit path, except where a point is armed to sleep: the
 * sleeper blocks on race_sleepers, and each hit of the point it awaits
 * wakes that queue.
 */
#include <asm/cpu.h>
#include "race.h"
#include "cmdline.h"
#include "errno.h"
#include "panic.h"
#include "printk.h"
#include "sched.h"
#include "stats.h"
#include "string.h"
#include "wait.h"

#define RACE_MAX_ARMED 16
#define RACE_DEFAULT_TIMEOUT_US 5000000

struct race_point_state {
	char name[48];
	struct race_arming how;
	char wait_name[48];
	struct race_point_state *wait_state; /* the awaited point */
	u64 hits;			     /* atomic */
	u64 acted;			     /* hits that ran the action (atomic) */
	u64 wait_base;			     /* awaited point's hits at arming */
	bool wakes_sleepers;		     /* a sleeping point awaits this one */
};

extern struct race_point_site __start_race_sites[], __stop_race_sites[];

static struct race_point_state armed[RACE_MAX_ARMED];
static unsigned nr_armed;
static DEFINE_STAT_COUNTER(race_wait_timeouts);
/* Tasks held by points armed with sleep=. */
static DECLARE_WAIT_QUEUE_HEAD(race_sleepers);

static struct race_point_state *race_state_find(const char *name)
{
	for (unsigned i = 0; i < nr_armed; i++)
		if (strcmp(armed[i].name, name) == 0)
			return &armed[i];
	return NULL;
}

bool race_point_exists(const char *name)
{
	for (struct race_point_site *s = __start_race_sites; s < __stop_race_sites; s++)
		if (strcmp(s->name, name) == 0)
			return true;
	return false;
}

/* A point that is only waited for must count its hits too: arm it quietly. */
static struct race_point_state *race_state_get(const char *name)
{
	struct race_point_state *st = race_state_find(name);
	if (st)
		return st;
	if (nr_armed == RACE_MAX_ARMED || strlen(name) >= sizeof(st->name))
		return NULL;
	st = &armed[nr_armed++];
	memset(st, 0, sizeof(*st));
	memcpy(st->name, name, strlen(name) + 1);
	st->how = (struct race_arming)RACE_ARMING_DEFAULT;
	for (struct race_point_site *s = __start_race_sites; s < __stop_race_sites; s++)
		if (strcmp(s->name, name) == 0)
			__atomic_store_n(&s->state, st, __ATOMIC_RELEASE);
	return st;
}

int race_arm(const char *name, const struct race_arming *how)
{
	if (!race_point_exists(name)) {
		pr_err("race: no race point named '%s' in this kernel\n", name);
		return -ENOENT;
	}
	if (how->wait_for && !race_point_exists(how->wait_for)) {
		pr_err("race: '%s' waits for '%s', which is no race point\n", name, how->wait_for);
		return -ENOENT;
	}
	struct race_point_state *st = race_state_get(name);
	struct race_point_state *other = how->wait_for ? race_state_get(how->wait_for) : NULL;
	if (!st || (how->wait_for && !other)) {
		pr_err("race: too many armed points (at most %d)\n", RACE_MAX_ARMED);
		return -ENOMEM;
	}
	st->how = *how;
	if (!st->how.timeout_us)
		st->how.timeout_us = RACE_DEFAULT_TIMEOUT_US;
	st->wait_state = other;
	st->wait_base = other ? __atomic_load_n(&other->hits, __ATOMIC_ACQUIRE) : 0;
	if (other) {
		memcpy(st->wait_name, how->wait_for, strlen(how->wait_for) + 1);
		st->how.wait_for = st->wait_name;
		if (how->sleep)
			other->wakes_sleepers = true;
	}
	return 0;
}

void race_disarm_all(void)
{
	for (struct race_point_site *s = __start_race_sites; s < __stop_race_sites; s++)
		__atomic_store_n(&s->state, NULL, __ATOMIC_RELEASE);
	nr_armed = 0;
}

u64 race_hits(const char *name)
{
	struct race_point_state *st = race_state_find(name);
	return st ? __atomic_load_n(&st->hits, __ATOMIC_ACQUIRE) : 0;
}

u64 race_wait_timeouts(void)
{
	return stat_read(race_wait_timeouts);
}

static bool race_reached(struct race_point_state *st, u64 target)
{
	return __atomic_load_n(&st->wait_state->hits, __ATOMIC_ACQUIRE) >= target;
}

static void race_wait_timed_out(struct race_point_state *st)
{
	stat_inc(race_wait_timeouts);
	pr_warn("race: '%s' on cpu %u gave up waiting for '%s' after %lu us\n", st->name,
		arch_cpu_id(), st->wait_name, (unsigned long)st->how.timeout_us);
}

/*
 * The n-th action of a point waits for the awaited point's n-th hit since
 * arming, so "A waits for B" pairs each A with one B in turn.
 */
static void race_wait(struct race_point_state *st, u64 nth)
{
	u64 target = st->wait_base + nth;
	u64 deadline = arch_time_ns() + st->how.timeout_us * 1000;

	while (!race_reached(st, target)) {
		if (arch_time_ns() > deadline) {
			race_wait_timed_out(st);
			return;
		}
		arch_cpu_relax();
	}
}

/* race_wait, blocked on race_sleepers: the awaited point's hits wake it.
 * A point reached with interrupts off (under an irqsave lock) cannot
 * sleep: it spins as wait= does, and says so once, instead of
 * deadlocking. (A point under a plain spinlock must not be armed with
 * sleep=: nothing here can tell; the README says so.) */
static void race_sleep(struct race_point_state *st, u64 nth)
{
	u64 target = st->wait_base + nth;
	if (!arch_irqs_enabled()) {
		static bool warned;
		if (!warned) {
			warned = true;
			pr_warn("race: a sleep= point was reached with interrupts off; it spins "
				"instead\n");
		}
		race_wait(st, nth);
		return;
	}
	if (!wait_event_timeout(race_sleepers, race_reached(st, target), st->how.timeout_us * 1000))
		race_wait_timed_out(st);
}

/* Count a hit, and wake the tasks asleep at points that await this one
 * (each looks whether its own target is reached). */
static void race_count_hit(struct race_point_state *st)
{
	__atomic_add_fetch(&st->hits, 1, __ATOMIC_ACQ_REL);
	if (st->wakes_sleepers)
		wake_up_all(&race_sleepers);
}

void race_point_hit(struct race_point_site *site)
{
	struct race_point_state *st = __atomic_load_n(&site->state, __ATOMIC_ACQUIRE);

	if (!st)
		return;
	if (st->how.cpu >= 0 && (unsigned)st->how.cpu != arch_cpu_id()) {
		race_count_hit(st);
		return;
	}
	u64 nth = __atomic_add_fetch(&st->acted, 1, __ATOMIC_ACQ_REL);
	bool act = st->how.times == 0 || nth <= st->how.times;
	/* Count before waiting, so a point waited for by the other side is
	 * seen as reached even while it then waits itself. */
	race_count_hit(st);
	if (!act)
		return;
	if (st->how.delay_us)
		arch_udelay(st->how.delay_us);
	if (st->wait_state && st->how.sleep)
		race_sleep(st, nth);
	else if (st->wait_state)
		race_wait(st, nth);
}

void race_print_stats(void)
{
	char buf[96];
	for (unsigned i = 0; i < nr_armed; i++) {
		int n = snprintk(buf, sizeof(buf), "# stat race_hits.%s %lu\n", armed[i].name,
				 (unsigned long)armed[i].hits);
		console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	}
}

/* --- race= on the command line ------------------------------------------ */

/* Point names contain ':' ("swapin:after-cache-add"), so the command line
 * separates options with '/' and points with ','. race_arm() copies the
 * names, so the parse buffers are only needed during one call. */
struct race_arg {
	char name[48];
	char wait_for[48];
};

static int race_parse_opt(struct race_arming *how, const char *opt, size_t len,
			  struct race_arg *arg)
{
	const char *eq = memchr(opt, '=', len);
	u64 v;

	if (!eq)
		return len == 5 && strncmp(opt, "count", 5) == 0 ? 0 : -EINVAL;
	size_t klen = (size_t)(eq - opt), vlen = len - klen - 1;
	const char *val = eq + 1;
	bool sleep = klen == 5 && strncmp(opt, "sleep", 5) == 0;
	if ((klen == 4 && strncmp(opt, "wait", 4) == 0) || sleep) {
		if (vlen == 0 || vlen >= sizeof(arg->wait_for))
			return -EINVAL;
		memcpy(arg->wait_for, val, vlen);
		arg->wait_for[vlen] = '\0';
		how->wait_for = arg->wait_for;
		how->sleep = sleep;
		return 0;
	}
	if (str_parse_u64(val, vlen, &v, false))
		return -EINVAL;
	if (klen == 5 && strncmp(opt, "delay", 5) == 0)
		how->delay_us = v;
	else if (klen == 3 && strncmp(opt, "cpu", 3) == 0 && v < NR_CPUS_MAX)
		how->cpu = (int)v;
	else if (klen == 5 && strncmp(opt, "times", 5) == 0)
		how->times = (unsigned)v;
	else if (klen == 7 && strncmp(opt, "timeout", 7) == 0)
		how->timeout_us = v;
	else
		return -EINVAL;
	return 0;
}

static int race_parse_one(const char *s, size_t len)
{
	struct race_arming how = RACE_ARMING_DEFAULT;
	const char *slash = memchr(s, '/', len);
	size_t name_len = slash ? (size_t)(slash - s) : len;
	struct race_arg arg;

	if (name_len == 0 || name_len >= sizeof(arg.name))
		return -EINVAL;
	memcpy(arg.name, s, name_len);
	arg.name[name_len] = '\0';
	for (size_t i = name_len; i < len;) {
		size_t start = i + 1, end = start;
		while (end < len && s[end] != '/')
			end++;
		if (race_parse_opt(&how, s + start, end - start, &arg))
			return -EINVAL;
		i = end;
	}
	return race_arm(arg.name, &how);
}

int race_arm_from_string(const char *val, size_t len)
{
	while (len) {
		const char *comma = memchr(val, ',', len);
		size_t one = comma ? (size_t)(comma - val) : len;
		int err = race_parse_one(val, one);
		if (err)
			return err;
		if (!comma)
			break;
		len -= one + 1;
		val = comma + 1;
	}
	return 0;
}
KPARAM_FN(race, "race", race_arm_from_string,
	  "arm race points: POINT/delay=US/wait=POINT/sleep=POINT/cpu=N/times=N/timeout=US"
	  "[,POINT/...]");
