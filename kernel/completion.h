/*
 * Completions: "this thing happened" for one or many waiters, as in Linux.
 * complete() lets one waiter through (counting, so a complete() before the
 * wait is not lost), complete_all() lets every present and future waiter
 * through. complete*() may be called from interrupt handlers (swap I/O
 * completion wakes its waiters that way).
 */
#ifndef KERNEL_COMPLETION_H
#define KERNEL_COMPLETION_H

#include "types.h"
#include "wait.h"

#define COMPLETION_ALL 0xffffffffu

struct completion {
	unsigned done; /* completions not yet consumed, or COMPLETION_ALL; under wait.lock */
	struct wait_queue_head wait; /* exclusive waiters */
};

#define COMPLETION_INIT(name)                                                                      \
	{                                                                                          \
		0, WAIT_QUEUE_HEAD_INIT((name).wait)                                               \
	}
#define DECLARE_COMPLETION(name) struct completion name = COMPLETION_INIT(name)

void init_completion(struct completion *c);
void reinit_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
/* 0 when completed, -ETIMEDOUT after timeout_ns without completion. */
int wait_for_completion_timeout(struct completion *c, u64 timeout_ns);
bool completion_done(struct completion *c);

#endif
