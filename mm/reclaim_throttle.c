/*
 * Direct reclaim throttling (see reclaim_throttle.h).
 *
 * Direct reclaim used to be one task at a time behind a mutex. On 4 CPUs
 * that mutex was contended in 58% of its acquisitions, its waiters slept
 * 20 ms on average, and the CPUs were three quarters idle: reclaimers
 * that could each have scanned their own batch of the LRU (lru_lock is
 * held only to isolate a batch) waited for one another instead.
 *
 * Why not no limit at all: several CPUs reclaiming the same LRU at once
 * fight over its locks, and on emulated CPUs that share host cores spin on
 * locks whose holder is not running; a sleeping waiter leaves its CPU to
 * the ones doing the work. So at most reclaim.direct_max reclaim at once
 * (default 2, see below; 1 is the old one-at-a-time design).
 *
 * Why some scans run alone: an out-of-memory kill may follow a scan that
 * freed nothing. While other reclaimers run, the folios they have isolated
 * are on their private lists, out of this scan's sight, and a scan can
 * find nothing while plenty is being freed. A scan that runs alone has
 * seen every folio on the LRU, as every scan did behind the mutex, so the
 * OOM decision (reclaim_retry) counts only those.
 *
 * Waiters sleep on one wait queue and re-check when anyone leaves. A task
 * waiting to run alone keeps new reclaimers out (else a steady stream of
 * them would keep it waiting for ever).
 */
#include "kernel/cmdline.h"
#include "kernel/lock_stat.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "kernel/stats.h"
#include "kernel/wait.h"
#include "reclaim_throttle.h"

static u64 reclaim_direct_max_param; /* 0: RECLAIM_DIRECT_DEFAULT, at most one per CPU */
KPARAM_U64(reclaim_direct_max, "reclaim.direct_max", &reclaim_direct_max_param, 0, 64,
	   "direct reclaimers scanning at once (0, the default: 2, or 1 with one CPU; 1: one at "
	   "a time, the old reclaim_direct_mutex design)");

/*
 * Why 2 by default: measured on the 4-CPU demo (TCG, 4 vCPUs on 2 shared
 * host cores), 2 at once cut the direct reclaimers' waits to about 40%;
 * 4 at once cut them to nothing but the demo took longer. The rmap walks
 * of reclaimers scanning the same address space serialise on its anon_vma
 * spinlock (Linux's is a rw-semaphore that rmap walks share), and each
 * reclaimer's batch sends its own TLB shootdown to every CPU: waits for
 * those answers (call_wait) grew by half. On the host test program, whose
 * spinlocks are ticket locks on an oversubscribed machine, four
 * reclaimers of one mm made oom.* crawl (lock-waiter preemption).
 */
#define RECLAIM_DIRECT_DEFAULT 2u

static DEFINE_SPINLOCK(reclaim_throttle_lock);
static unsigned reclaim_nr_inside;     /* reclaim_throttle_lock */
static bool reclaim_inside_alone;      /* the one inside runs alone (reclaim_throttle_lock) */
static unsigned reclaim_alone_waiting; /* tasks waiting to run alone (reclaim_throttle_lock) */
static DECLARE_WAIT_QUEUE_HEAD(reclaim_throttle_wait);

/* Its waits show in the lock statistics (lockstat=1) as a sleeping lock. */
static const char reclaim_throttle_class[] = "reclaim_throttle";

DEFINE_STAT_COUNTER(reclaim_direct_waits); /* a direct reclaimer slept to enter */
DEFINE_STAT_COUNTER(reclaim_direct_alone); /* scans run alone (they may lead to OOM) */

unsigned reclaim_throttle_max(void)
{
	unsigned max = (unsigned)reclaim_direct_max_param;
	return max ? max : MAX(MIN(RECLAIM_DIRECT_DEFAULT, nr_cpus_online), 1u);
}

unsigned reclaim_throttle_set_max(unsigned max)
{
	unsigned old = (unsigned)reclaim_direct_max_param;
	reclaim_direct_max_param = max;
	wake_up_all(&reclaim_throttle_wait); /* a higher limit may let waiters in */
	return old;
}

unsigned reclaim_throttle_nr_inside(void)
{
	return __atomic_load_n(&reclaim_nr_inside, __ATOMIC_RELAXED);
}

/* May this task enter now? Then it is counted in. reclaim_throttle_lock
 * held. */
static bool reclaim_throttle_may_enter(bool alone)
{
	lockdep_assert_held(&reclaim_throttle_lock);
	if (reclaim_inside_alone)
		return false;
	if (alone)
		return reclaim_nr_inside == 0;
	return reclaim_alone_waiting == 0 && reclaim_nr_inside < reclaim_throttle_max();
}

static bool reclaim_throttle_try(bool alone, bool waiting)
{
	spin_lock(&reclaim_throttle_lock);
	bool in = reclaim_throttle_may_enter(alone);
	if (in) {
		reclaim_nr_inside++;
		reclaim_inside_alone = alone;
		if (alone && waiting)
			reclaim_alone_waiting--;
	} else if (alone && !waiting) {
		reclaim_alone_waiting++; /* from now on, newcomers wait for us */
	}
	spin_unlock(&reclaim_throttle_lock);
	return in;
}

bool reclaim_throttle_enter(bool alone)
{
	if (alone)
		stat_inc(reclaim_direct_alone);
	if (reclaim_throttle_try(alone, false)) {
		if (lock_stat_on())
			lock_stat_acquired(reclaim_throttle_class, LOCK_MUTEX);
		return false;
	}
	stat_inc(reclaim_direct_waits);
	u64 start = arch_time_ns();
	wait_event(reclaim_throttle_wait, reclaim_throttle_try(alone, true));
	if (lock_stat_on())
		lock_stat_contended(reclaim_throttle_class, LOCK_MUTEX, arch_time_ns() - start);
	return true;
}

void reclaim_throttle_exit(void)
{
	spin_lock(&reclaim_throttle_lock);
	ASSERT(reclaim_nr_inside > 0);
	reclaim_nr_inside--;
	reclaim_inside_alone = false;
	spin_unlock(&reclaim_throttle_lock);
	wake_up_all(&reclaim_throttle_wait);
}
