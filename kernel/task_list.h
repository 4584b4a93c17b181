/*
 * The list of every task, for diagnostics and the OOM killer
 * (kernel/task_list.c): the schedulers (kernel/sched.c, and arch/host's)
 * add a task when it is created and take it off at its join; the
 * hung-task report and out_of_memory walk it with sched_for_each_task
 * (kernel/sched.h). Two list operations per task life, never on the
 * switch path.
 */
#ifndef KERNEL_TASK_LIST_H
#define KERNEL_TASK_LIST_H

struct task;

void sched_tasks_add(struct task *t);
void sched_tasks_del(struct task *t);

#endif
