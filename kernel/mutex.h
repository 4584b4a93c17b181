/*
 * Mutex: a sleeping lock with an owner and FIFO waiters. A task that finds
 * it taken sleeps; mutex_unlock() hands the lock directly to the oldest
 * waiter (no barging), so waiters are served strictly in arrival order.
 * The folio lock is not built this way: it is a page flag with hashed
 * wait queues and no owner or hand-off (mm/folio.h).
 *
 * Only tasks may use it (not interrupt handlers), and the owner may block
 * or yield while holding it. Lock order: docs/ARCHITECTURE.md, "Lock
 * order".
 */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include "list.h"
#include "spinlock.h"
#include "types.h"

struct task;

struct mutex {
	spinlock_t wait_lock;	  /* protects owner and waiters */
	struct task *owner;	  /* NULL when free; under wait_lock */
	struct list_head waiters; /* struct mutex_waiter, FIFO; under wait_lock */
	const char *name;
};

#define MUTEX_INIT(n)                                                                              \
	{                                                                                          \
		SPINLOCK_INIT(#n), NULL, LIST_HEAD_INIT((n).waiters), #n                           \
	}
#define DEFINE_MUTEX(n) struct mutex n = MUTEX_INIT(n)

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(struct mutex *m);
bool mutex_held_by_me(struct mutex *m);

#define mutex_assert_held(m) ASSERT(mutex_held_by_me(m))

#endif
