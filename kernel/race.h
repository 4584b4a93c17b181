/*
 * Race points: named places in the code where a test (or the command line)
 * can force an interleaving. A point costs one load and a not-taken branch
 * while disarmed:
 *
 *	race_point("swapin:after-cache-add");
 *
 * Armed, a point can, on each hit (optionally only on one CPU, only for
 * the first N hits):
 *   - count the hit (always, while armed);
 *   - delay: busy-wait N microseconds (safe anywhere, even under a
 *     spinlock; not deterministic, so scenarios prefer waits);
 *   - wait: hold this CPU until another named point has been reached,
 *     (a rendezvous). Waits spin, so they are allowed under spinlocks, and
 *     give up after a timeout (counted and reported) instead of hanging;
 *   - sleep: the same, but the task blocks, so the other tasks of its CPU
 *     run meanwhile and its wakeup goes through wake_up_task (where
 *     sched.migrate_on_wake may move it). Only at a point where the task
 *     may sleep: no spinlock held, interrupts on. A hit of the awaited
 *     point then wakes the sleepers (a wait-queue and run-queue lock).
 *
 * Two CPUs that wait for each other's points in turn run in an order fixed
 * by the arming, whatever the accelerator: that is how the seed races are
 * reproduced deterministically. Arming and disarming happen while no hit
 * is in progress (set up a scenario before starting its threads).
 *
 * Command line: race=POINT/OPT[/OPT...][,POINT/...] with OPT one of
 * delay=US, wait=OTHER-POINT, sleep=OTHER-POINT, cpu=N, times=N,
 * timeout=US, or "count" (only count). Point names contain ':', hence '/' between options.
 * Example: race=swapin:after-cache-add/wait=vmscan:unmapped/cpu=1
 */
#ifndef KERNEL_RACE_H
#define KERNEL_RACE_H

#include "compiler.h"
#include "types.h"

struct race_point_site {
	const char *name;
	struct race_point_state *state; /* NULL while disarmed */
};

void race_point_hit(struct race_point_site *site);

/* Each call site gets its own registration record; sites sharing a name
 * are one point. */
#define race_point(point_name)                                                                     \
	do {                                                                                       \
		static struct race_point_site __race_site __used __aligned(8)                      \
			__section("race_sites") = { point_name, NULL };                            \
		if (unlikely(__atomic_load_n(&__race_site.state, __ATOMIC_ACQUIRE)))               \
			race_point_hit(&__race_site);                                              \
	} while (0)

struct race_arming {
	u64 delay_us;	      /* busy-wait this long on each hit */
	const char *wait_for; /* hold until this point has been reached */
	u64 timeout_us;	      /* give up waiting after this (default 5 s) */
	int cpu;	      /* act only on this CPU; -1: any */
	unsigned times;	      /* act on the first N hits only; 0: every hit */
	bool sleep;	      /* wait_for by blocking, not spinning (see above) */
};

#define RACE_ARMING_DEFAULT                                                                        \
	{                                                                                          \
		0, NULL, 0, -1, 0, false                                                           \
	}

/* Arm a point (by name; every site of that name). -ENOENT for a name no
 * site has, -ENOMEM when too many points are armed. */
int race_arm(const char *name, const struct race_arming *how);
void race_disarm_all(void);
/* Hits since arming (0 for a disarmed point); waits that timed out. */
u64 race_hits(const char *name);
u64 race_wait_timeouts(void);
/* Is there a site of this name compiled in? */
bool race_point_exists(const char *name);
/* Arm from the race= syntax (the command line uses it; so can tests). */
int race_arm_from_string(const char *s, size_t len);
/* "# stat race_hits.NAME N" for every armed point (at power-off). */
void race_print_stats(void);

#endif
