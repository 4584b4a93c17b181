/*
 * Wait queues (see wait.h). The same file builds into the kernel and the
 * host program: blocking itself is the scheduler's business
 * (set_current_state, schedule, wake_up_task).
 */
#include "sched.h"
#include "wait.h"

void wait_queue_head_init(struct wait_queue_head *wq, const char *name)
{
	spin_lock_init(&wq->lock, name);
	list_init(&wq->head);
}

void wait_entry_init(struct wait_queue_entry *w)
{
	w->task = current;
	w->flags = 0;
	list_init(&w->link);
}

void __add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	if (list_empty(&w->link))
		list_add_tail(&w->link, &wq->head);
}

static void prepare_common(struct wait_queue_head *wq, struct wait_queue_entry *w, unsigned flags)
{
	unsigned long irq = spin_lock_irqsave(&wq->lock);
	w->flags = flags;
	__add_wait_queue(wq, w);
	set_current_state(TASK_BLOCKED);
	spin_unlock_irqrestore(&wq->lock, irq);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	prepare_common(wq, w, 0);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	prepare_common(wq, w, WQ_FLAG_EXCLUSIVE);
}

/* The waker may already have removed w; the lock orders us after it, so
 * w (on our stack) is not touched by anyone once we return. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	set_current_state(TASK_RUNNING);
	unsigned long irq = spin_lock_irqsave(&wq->lock);
	if (!list_empty(&w->link))
		list_del(&w->link);
	spin_unlock_irqrestore(&wq->lock, irq);
}

void __wake_up_locked(struct wait_queue_head *wq, int nr_exclusive)
{
	struct wait_queue_entry *w, *n;

	list_for_each_entry_safe (w, n, &wq->head, link) {
		bool exclusive = w->flags & WQ_FLAG_EXCLUSIVE;
		list_del(&w->link);
		wake_up_task(w->task);
		if (exclusive && --nr_exclusive == 0)
			break;
	}
}

void wake_up(struct wait_queue_head *wq)
{
	unsigned long irq = spin_lock_irqsave(&wq->lock);
	__wake_up_locked(wq, 1);
	spin_unlock_irqrestore(&wq->lock, irq);
}

void wake_up_all(struct wait_queue_head *wq)
{
	unsigned long irq = spin_lock_irqsave(&wq->lock);
	__wake_up_locked(wq, -1);
	spin_unlock_irqrestore(&wq->lock, irq);
}

bool wait_queue_active(struct wait_queue_head *wq)
{
	unsigned long irq = spin_lock_irqsave(&wq->lock);
	bool active = !list_empty(&wq->head);
	spin_unlock_irqrestore(&wq->lock, irq);
	return active;
}
