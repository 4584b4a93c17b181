/*
 * Completions over a wait queue. The waiter always takes the queue lock
 * before returning, even when done is already set: a completion embedded
 * in an object (a task's "exited") may be freed by the waiter as soon as
 * it returns, so the completer must have let go of the lock by then.
 */
#include "completion.h"
#include "errno.h"
#include "sched.h"

void init_completion(struct completion *c)
{
	c->done = 0;
	wait_queue_head_init(&c->wait, "completion");
}

void reinit_completion(struct completion *c)
{
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);
	c->done = 0;
	spin_unlock_irqrestore(&c->wait.lock, irq);
}

void complete(struct completion *c)
{
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);
	if (c->done != COMPLETION_ALL)
		c->done++;
	__wake_up_locked(&c->wait, 1);
	spin_unlock_irqrestore(&c->wait.lock, irq);
}

void complete_all(struct completion *c)
{
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);
	c->done = COMPLETION_ALL;
	__wake_up_locked(&c->wait, -1);
	spin_unlock_irqrestore(&c->wait.lock, irq);
}

/* timeout_ns == 0 means no timeout. */
static int completion_wait(struct completion *c, u64 timeout_ns)
{
	struct wait_queue_entry w;
	u64 deadline = timeout_ns ? arch_time_ns() + timeout_ns : 0;
	int err = 0;

	wait_entry_init(&w);
	w.flags = WQ_FLAG_EXCLUSIVE;
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);
	while (!c->done) {
		u64 now = arch_time_ns();
		if (deadline && now >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		__add_wait_queue(&c->wait, &w);
		set_current_state(TASK_BLOCKED);
		spin_unlock_irqrestore(&c->wait.lock, irq);
		if (deadline)
			schedule_timeout(deadline - now);
		else
			schedule();
		irq = spin_lock_irqsave(&c->wait.lock);
	}
	set_current_state(TASK_RUNNING);
	if (!list_empty(&w.link))
		list_del(&w.link);
	if (!err && c->done != COMPLETION_ALL)
		c->done--;
	spin_unlock_irqrestore(&c->wait.lock, irq);
	return err;
}

void wait_for_completion(struct completion *c)
{
	completion_wait(c, 0);
}

int wait_for_completion_timeout(struct completion *c, u64 timeout_ns)
{
	return completion_wait(c, timeout_ns ? timeout_ns : 1);
}

bool completion_done(struct completion *c)
{
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);
	bool done = c->done != 0;
	spin_unlock_irqrestore(&c->wait.lock, irq);
	return done;
}
