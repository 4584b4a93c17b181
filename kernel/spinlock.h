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
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <asm/cpu.h>
#include "atomic.h"
#include "types.h"

typedef struct spinlock {
	u16 next;      /* ticket handed to the next arriving CPU (atomic) */
	u16 owner;     /* ticket now holding the lock (atomic) */
	s32 holder;    /* CPU holding it, -1 if free: for assertions */
	const char *name;
} spinlock_t;

#define SPINLOCK_INIT(n) { 0, 0, -1, n }
#define DEFINE_SPINLOCK(x) spinlock_t x = SPINLOCK_INIT(#x)

static inline void spin_lock_init(spinlock_t *l, const char *name)
{
	l->next = l->owner = 0;
	l->holder = -1;
	l->name = name;
}

extern bool spin_lock_test_and_set; /* set once at boot, before other CPUs run */

static inline bool spin_trylock(spinlock_t *l)
{
	u16 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u16 expect = owner;
	if (!__atomic_compare_exchange_n(&l->next, &expect, (u16)(owner + 1), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	l->holder = (s32)arch_cpu_id();
	return true;
}

static inline bool spin_is_locked(spinlock_t *l);

static inline void spin_lock(spinlock_t *l)
{
	if (spin_lock_test_and_set) {
		while (!spin_trylock(l))
			while (spin_is_locked(l))
				arch_cpu_relax();
		return;
	}
	u16 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		arch_cpu_relax();
	l->holder = (s32)arch_cpu_id();
}

static inline void spin_unlock(spinlock_t *l)
{
	l->holder = -1;
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

static inline bool spin_held_by_me(spinlock_t *l)
{
	return spin_is_locked(l) && l->holder == (s32)arch_cpu_id();
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
