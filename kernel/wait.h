/*
 * Wait queues: a list of tasks waiting for a condition, as in Linux. A
 * waiter puts an entry (on its own stack) on the queue, marks itself
 * TASK_BLOCKED, re-checks the condition and only then calls schedule();
 * a waker changes the condition first and then calls wake_up(), so a wakeup
 * can never fall between the check and the sleep.
 *
 * wake_up() wakes every non-exclusive waiter and one exclusive waiter;
 * wake_up_all() wakes all. Both may be called from interrupt handlers: the
 * queue lock is taken with interrupts disabled. A woken entry is removed
 * from the queue by the waker.
 *
 * Lock order: docs/ARCHITECTURE.md, "Lock order".
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include "list.h"
#include "spinlock.h"
#include "types.h"

struct task;

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head; /* struct wait_queue_entry, FIFO; under lock */
};

#define WQ_FLAG_EXCLUSIVE 1u

struct wait_queue_entry {
	struct task *task;
	unsigned flags;	       /* WQ_FLAG_EXCLUSIVE */
	struct list_head link; /* on wait_queue_head.head, or empty; under its lock */
};

#define WAIT_QUEUE_HEAD_INIT(name)                                                                 \
	{                                                                                          \
		SPINLOCK_INIT(#name), LIST_HEAD_INIT((name).head)                                  \
	}
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = WAIT_QUEUE_HEAD_INIT(name)

void wait_queue_head_init(struct wait_queue_head *wq, const char *name);
void wait_entry_init(struct wait_queue_entry *w);

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);

void wake_up(struct wait_queue_head *wq);
void wake_up_all(struct wait_queue_head *wq);
bool wait_queue_active(struct wait_queue_head *wq);

/* With wq->lock held: queue w, wake up to nr_exclusive exclusive waiters
 * (and all non-exclusive ones). For primitives built on wait queues. */
void __add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *w);
void __wake_up_locked(struct wait_queue_head *wq, int nr_exclusive);

void schedule(void);
u64 schedule_timeout(u64 timeout_ns);
u64 arch_time_ns(void);

/* Sleep until cond is true. Not from interrupt handlers. */
#define wait_event(wq, cond)                                                                       \
	do {                                                                                       \
		struct wait_queue_entry __w;                                                       \
		if (cond)                                                                          \
			break;                                                                     \
		wait_entry_init(&__w);                                                             \
		for (;;) {                                                                         \
			prepare_to_wait(&(wq), &__w);                                              \
			if (cond)                                                                  \
				break;                                                             \
			schedule();                                                                \
		}                                                                                  \
		finish_wait(&(wq), &__w);                                                          \
	} while (0)

/* Sleep until cond is true or timeout_ns passed. Evaluates to true when
 * cond became true, false on timeout. */
#define wait_event_timeout(wq, cond, timeout_ns)                                                   \
	({                                                                                         \
		struct wait_queue_entry __w;                                                       \
		u64 __left = (timeout_ns);                                                         \
		bool __ok = (cond);                                                                \
		if (!__ok) {                                                                       \
			wait_entry_init(&__w);                                                     \
			for (;;) {                                                                 \
				prepare_to_wait(&(wq), &__w);                                      \
				if ((__ok = (cond)) || !__left)                                    \
					break;                                                     \
				__left = schedule_timeout(__left);                                 \
			}                                                                          \
			finish_wait(&(wq), &__w);                                                  \
		}                                                                                  \
		__ok;                                                                              \
	})

#endif
