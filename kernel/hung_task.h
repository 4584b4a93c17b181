/*
 * The hung-task watchdog (kernel/hung_task.c): a kernel thread that notices
 * when no task has run for debug.hung= seconds (default 20, 0 = off) and
 * prints, once per stall, every task with a backtrace of where it waits.
 * start_kernel starts it after smp_init; tests shorten the threshold.
 * Kernel only (it reads the kernel scheduler's saved frames).
 */
#ifndef KERNEL_HUNG_TASK_H
#define KERNEL_HUNG_TASK_H

#include "types.h"

/* Start the watchdog thread; 0 or -ENOMEM. */
int hung_task_start(void);

/* Report after ns without progress (0: never) instead of debug.hung's
 * seconds; returns the previous threshold. For tests. */
u64 hung_task_set_threshold_ns(u64 ns);

/* Sleep until the "hung_task_reports" stat exceeds seen, without waking
 * in between (which would be progress); false after timeout_ns. */
bool hung_task_wait_for_report(u64 seen, u64 timeout_ns);

/* A long computation that makes progress without ever switching tasks
 * says so, as Linux's touch_softlockup_watchdog: each call counts as
 * progress (the block stress on a device that has every completion ready
 * at once never sleeps: 20 s of verified requests looked like a hang). Not
 * for wait loops: a task waiting for something must stay reportable. */
void touch_hung_task_watchdog(void);

/* Print the report now, headed by why: for a test that sees its tasks stop
 * making progress while they keep running (a livelock), which the
 * watchdog cannot tell from work. */
void hung_task_dump(const char *why);

#endif
