/*
 * Lock statistics (kernel/lock_stat.c; Linux's lock_stat, read there from
 * /proc/lock_stat): per lock class, acquisitions, contended acquisitions
 * (the lock was taken when asked for) and the time spent waiting, total
 * and longest. lockstat=1 counts from the start of the boot's job to its
 * end and prints the table; tests start and stop it around their work.
 *
 * A class is a name: every lock initialised with the same name counts
 * together (all the swap cluster locks are "swap_cluster", all the
 * page-table locks "ptl"), as Linux's classes are per initialisation
 * site. Spinlocks, mutexes and rw-semaphores are counted apart (a mutex's
 * own wait_lock is a spinlock of the mutex's name). A lock without a name
 * counts as "?".
 *
 * Why: a timer profile (kernel/profile.h) cannot see a CPU spinning with
 * interrupts off, and most spinlocks of the swap path are taken so.
 *
 * The lock paths call lock_stat_acquired() on every acquisition and
 * lock_stat_contended() instead when they had to wait; both only while
 * lock_stat_on(). The counts are per CPU (no shared cache line for an
 * uncontended lock to bounce); a class is found by hashing its name's
 * address into a table claimed with compare-and-swap. Nothing here takes
 * a lock, so it may run in any context, interrupt handlers included.
 */
#ifndef KERNEL_LOCK_STAT_H
#define KERNEL_LOCK_STAT_H

#include "types.h"

enum lock_kind { LOCK_SPIN, LOCK_MUTEX, LOCK_RWSEM, LOCK_KINDS };

struct lock_class_stats {
	u64 acquisitions;
	u64 contended; /* acquisitions that had to wait */
	u64 wait_ns;   /* total time those waited */
	u64 wait_max_ns;
};

extern int lock_stat_active; /* starts not yet stopped; atomic */

static inline bool lock_stat_on(void)
{
	return __atomic_load_n(&lock_stat_active, __ATOMIC_RELAXED) > 0;
}

/* One acquisition of a lock of class name that did not wait. */
void lock_stat_acquired(const char *name, enum lock_kind kind);
/* One that waited wait_ns for it. */
void lock_stat_contended(const char *name, enum lock_kind kind, u64 wait_ns);

/* Count while at least one start is not yet stopped; counts add up. */
void lock_stat_start(void);
void lock_stat_stop(void);

/* The counts so far of the class called name (summed over CPUs);
 * false when no lock of that name was counted. */
bool lock_stat_read(const char *name, enum lock_kind kind, struct lock_class_stats *out);
/* The table, classes by total wait time. */
void lock_stat_report(void);
/* lockstat=1: start before the boot's job, stop and report after it. */
void lock_stat_boot_start(void);
void lock_stat_boot_end(void);

#endif
