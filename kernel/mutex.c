/*
 * Mutex with direct hand-off (see mutex.h). Each waiter queues a
 * mutex_waiter on its stack; the unlocker makes the first waiter the owner
 * before waking it, so a woken waiter never has to compete again.
 */
#include <asm/cpu.h>
#include "lock_stat.h"
#include "mutex.h"
#include "panic.h"
#include "sched.h"

struct mutex_waiter {
	struct task *task;
	struct list_head link; /* on mutex.waiters until handed the lock; under wait_lock */
};

void mutex_init(struct mutex *m, const char *name)
{
	spin_lock_init(&m->wait_lock, name);
	m->owner = NULL;
	list_init(&m->waiters);
	m->name = name;
}

void mutex_lock(struct mutex *m)
{
	struct task *me = current;
	struct mutex_waiter w = { .task = me };
	u64 start;

	unsigned long irq = spin_lock_irqsave(&m->wait_lock);
	if (m->owner == me)
		panic("mutex: %s: recursive lock by task %s", m->name, me->name);
	if (!m->owner) {
		__atomic_store_n(&m->owner, me, __ATOMIC_RELAXED);
		spin_unlock_irqrestore(&m->wait_lock, irq);
		if (lock_stat_on())
			lock_stat_acquired(m->name, LOCK_MUTEX);
		return;
	}
	start = lock_stat_on() ? arch_time_ns() : 0;
	list_add_tail(&w.link, &m->waiters);
	while (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != me) {
		set_current_state(TASK_BLOCKED);
		spin_unlock_irqrestore(&m->wait_lock, irq);
		schedule();
		irq = spin_lock_irqsave(&m->wait_lock);
	}
	set_current_state(TASK_RUNNING);
	spin_unlock_irqrestore(&m->wait_lock, irq);
	if (start)
		lock_stat_contended(m->name, LOCK_MUTEX, arch_time_ns() - start);
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long irq = spin_lock_irqsave(&m->wait_lock);
	bool got = m->owner == NULL;
	if (got)
		__atomic_store_n(&m->owner, current, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&m->wait_lock, irq);
	if (got && lock_stat_on())
		lock_stat_acquired(m->name, LOCK_MUTEX);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	unsigned long irq = spin_lock_irqsave(&m->wait_lock);
	if (m->owner != current)
		panic("mutex: %s: unlocked by task %s, owner %s", m->name, current->name,
		      m->owner ? m->owner->name : "(none)");
	if (list_empty(&m->waiters)) {
		__atomic_store_n(&m->owner, NULL, __ATOMIC_RELAXED);
	} else {
		struct mutex_waiter *w = list_first_entry(&m->waiters, struct mutex_waiter, link);
		list_del(&w->link);
		__atomic_store_n(&m->owner, w->task, __ATOMIC_RELAXED);
		wake_up_task(w->task);
	}
	spin_unlock_irqrestore(&m->wait_lock, irq);
}

bool mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != NULL;
}

bool mutex_held_by_me(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == current;
}
