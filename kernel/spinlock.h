/*
 * Spinlocks: ticket locks, so CPUs get the lock in the order they asked
 * (fair). The _irqsave variants also disable interrupts on this CPU; use
 * them for any lock an interrupt handler can take.
 *
 * Or test-and-set (spinlock=tas, and spinlock=auto, the default, under a
 * hypervisor; kernel/spinlock.c): wait until it is free, then try for it.
 * A ticket lock hands the lock to the next ticket in line even when that
 * waiter's virtual CPU is not running on the host, and everyone behind it
 * waits for the host to run it again (lock-waiter preemption); Linux falls
 * back to test-and-set in a guest without paravirtual spinlocks
 * (virt_spin_lock).
 * Both ways use the same lock word: free when next == owner, taken by
 * moving next past owner.
 *
 * With lockstat=1 every acquisition is counted under the lock's name, and
 * a waiter's time from asking to having it (kernel/lock_stat.h).
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <asm/cpu.h>
#include "atomic.h"
#include "lock_stat.h"
#include "types.h"

/* The two tickets, also as one word: test-and-set takes the lock by one
 * compare-and-swap of both, so it succeeds only while next == owner. */
union spin_tickets {
	u32 val;
	struct {
		u16 next;  /* ticket handed to the next arriving CPU (atomic) */
		u16 owner; /* ticket now holding the lock (atomic) */
	};
};

typedef struct spinlock {
	union {
		u32 val; /* both tickets (union spin_tickets; atomic) */
		struct {
			u16 next;
			u16 owner;
		};
	};
	s32 holder; /* CPU holding it plus one, 0 if free (so a zeroed lock is
		     * free): for assertions and reports; atomic */
	const char *name;
} spinlock_t;

#define SPINLOCK_INIT(n)                                                                           \
	{                                                                                          \
		.val = 0, .holder = 0, .name = n                                                   \
	}
#define DEFINE_SPINLOCK(x) spinlock_t x = SPINLOCK_INIT(#x)

static inline void spin_lock_init(spinlock_t *l, const char *name)
{
	l->val = 0;
	l->holder = 0;
	l->name = name;
}

extern bool spin_lock_test_and_set; /* set once at boot, before other CPUs run */

/* The CPU holding l, or -1 (for reports). */
static inline int spin_lock_holder(spinlock_t *l)
{
	return __atomic_load_n(&l->holder, __ATOMIC_RELAXED) - 1;
}

/* Panics naming the lock (kernel/spinlock.c). */
__noreturn void spin_lock_recursion(spinlock_t *l);

/*
 * Taking a lock this CPU already holds never ends: an interrupt handler
 * that takes a lock the interrupted code holds without _irqsave, or a
 * plain recursion. It spins with whatever interrupts it had, and with
 * them off, nothing else on this CPU ever runs again (the blk-errors hang
 * of issue 11). Only this CPU writes its own id into holder, so seeing it
 * there before we spin is proof: panic with the lock's name instead (where
 * a CPU id means one context at a time: not on the host, asm/cpu.h).
 */
static inline void spin_lock_check_recursion(spinlock_t *l)
{
	if (arch_cpu_id_is_exclusive() &&
	    unlikely(__atomic_load_n(&l->holder, __ATOMIC_RELAXED) == (s32)arch_cpu_id() + 1))
		spin_lock_recursion(l);
}

/*
 * Both tickets in one compare-and-swap, from free (next == owner) to
 * taken. Comparing next alone against an owner read earlier would let a
 * CPU that stalled between the two (a descheduled vCPU) take a lock that
 * is held, once next has wrapped round to the stale value. Not counted in
 * the lock statistics: spin_trylock below and spin_lock count.
 */
static inline bool __spin_trylock(spinlock_t *l)
{
	union spin_tickets old, new;
	old.val = __atomic_load_n(&l->val, __ATOMIC_RELAXED);
	if (old.next != old.owner)
		return false;
	new = old;
	new.next++;
	if (!__atomic_compare_exchange_n(&l->val, &old.val, new.val, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&l->holder, (s32)arch_cpu_id() + 1, __ATOMIC_RELAXED);
	return true;
}

/* An acquisition that did not wait, for lockstat=1 (kernel/lock_stat.h):
 * one load and a branch while the statistics are off. */
static inline void spin_lock_acquired(spinlock_t *l)
{
	if (unlikely(lock_stat_on()))
		lock_stat_acquired(l->name, LOCK_SPIN);
}

static inline bool spin_trylock(spinlock_t *l)
{
	if (!__spin_trylock(l))
		return false;
	spin_lock_acquired(l);
	return true;
}

/*
 * No lock here is held for more than a few microseconds, so a wait of
 * SPIN_LOCKUP_SECS is a lockup, not contention (Linux's "spinlock lockup
 * suspected"). The waiter looks at the clock once every
 * SPIN_LOOPS_PER_CHECK turns; spin_lock_lockup (spinlock.c) then panics
 * with the lock's name, its word and its holder, after every other CPU's
 * backtrace: a hang becomes a report that names who holds what.
 */
#define SPIN_LOCKUP_SECS 10
#define SPIN_LOOPS_PER_CHECK (1u << 14)

struct spin_wait {
	u64 since; /* first look at the clock, 0 before */
	u32 loops;
};

void spin_lock_check_lockup(spinlock_t *l, struct spin_wait *w);

static inline void spin_wait_relax(spinlock_t *l, struct spin_wait *w)
{
	arch_cpu_relax();
	if (unlikely(++w->loops == SPIN_LOOPS_PER_CHECK))
		spin_lock_check_lockup(l, w);
}

static inline bool spin_is_locked(spinlock_t *l);

/* The waiting half of spin_lock (spinlock.c): the lock was taken when
 * asked for; ticket is ours in ticket mode. */
void spin_lock_contended(spinlock_t *l, u16 ticket);

static inline void spin_lock(spinlock_t *l)
{
	spin_lock_check_recursion(l);
	if (spin_lock_test_and_set) {
		if (likely(__spin_trylock(l)))
			spin_lock_acquired(l);
		else
			spin_lock_contended(l, 0);
		return;
	}
	u16 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	if (unlikely(__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)) {
		spin_lock_contended(l, me);
		return;
	}
	__atomic_store_n(&l->holder, (s32)arch_cpu_id() + 1, __ATOMIC_RELAXED);
	spin_lock_acquired(l);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->holder, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

static inline bool spin_held_by_me(spinlock_t *l)
{
	return spin_is_locked(l) &&
	       __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == (s32)arch_cpu_id() + 1;
}

/* Panics naming the lock and the caller's place (kernel/spinlock.c). */
__noreturn void spin_lock_not_held(spinlock_t *l, const char *file, int line);

/*
 * A function whose comment says "ci->lock held" or "PTL held" checks it
 * (Linux's lockdep_assert_held, spinlocks only here; mutex_assert_held
 * and rwsem_is_write_locked_by_me for the sleeping locks). Always on: one
 * load and a compare. On the host, where a CPU id may be shared by two
 * threads, it can miss a lock another thread holds, never accuse wrongly.
 */
#define lockdep_assert_held(l)                                                                     \
	do {                                                                                       \
		if (unlikely(!spin_held_by_me(l)))                                                 \
			spin_lock_not_held(l, __FILE__, __LINE__);                                 \
	} while (0)

/* For reports from a stuck machine: try for up to ns, then give up (the
 * holder may never let go). */
static inline bool spin_trylock_for(spinlock_t *l, u64 ns)
{
	u64 end = arch_time_ns() + ns;
	while (!spin_trylock(l)) {
		if (arch_time_ns() >= end)
			return false;
		arch_cpu_relax();
	}
	return true;
}

/* Pick the waiting style (spinlock.c); before the other CPUs start. */
void spinlock_choose(void);

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = arch_irq_save();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif
