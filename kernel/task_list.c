/*
 * The list of every task (see task_list.h). Taken with irqsave like the
 * run-queue locks that may nest inside it (sched_task_snapshot).
 */
#include <asm/cpu.h>
#include "list.h"
#include "printk.h"
#include "sched.h"
#include "spinlock.h"
#include "task.h"
#include "task_list.h"

/* How long a dying machine's report waits for the lock a stuck CPU may
 * hold, and how far it walks the list without it. */
#define TASK_LIST_REPORT_WAIT_NS (50 * 1000 * 1000ull)
#define TASK_LIST_REPORT_MAX 4096

static DEFINE_SPINLOCK(sched_tasks_lock);
static LIST_HEAD(sched_tasks); /* struct task.task_link; under sched_tasks_lock */

void sched_tasks_add(struct task *t)
{
	unsigned long irq = spin_lock_irqsave(&sched_tasks_lock);
	list_add_tail(&t->task_link, &sched_tasks);
	spin_unlock_irqrestore(&sched_tasks_lock, irq);
}

void sched_tasks_del(struct task *t)
{
	unsigned long irq = spin_lock_irqsave(&sched_tasks_lock);
	list_del(&t->task_link);
	spin_unlock_irqrestore(&sched_tasks_lock, irq);
}

void sched_for_each_task(void (*fn)(struct task *t, void *arg), void *arg)
{
	struct task *t;
	unsigned long irq = arch_irq_save();
	bool locked = true, dying = __atomic_load_n(&oops_in_progress, __ATOMIC_RELAXED);
	unsigned n = 0;

	if (dying)
		locked = spin_trylock_for(&sched_tasks_lock, TASK_LIST_REPORT_WAIT_NS);
	else
		spin_lock(&sched_tasks_lock);
	if (!locked)
		printk(LOG_ERR, "sched: the task list is locked by cpu %d; walked without it\n",
		       spin_lock_holder(&sched_tasks_lock));
	list_for_each_entry (t, &sched_tasks, task_link) {
		if (!locked && ++n > TASK_LIST_REPORT_MAX)
			break;
		fn(t, arg);
	}
	if (locked)
		spin_unlock(&sched_tasks_lock);
	arch_irq_restore(irq);
}
