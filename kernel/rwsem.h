/*
 * Reader/writer semaphore: a sleeping lock that any number of readers or
 * one writer may hold. The mm's mmap lock is one (page faults read,
 * munmap/fork/teardown write). Built on a wait queue: a task that cannot
 * take the lock sleeps on it and re-tries when woken; every release wakes
 * all sleepers, who race again for the lock.
 *
 * Writers are preferred: once a writer waits, new readers wait too, so a
 * stream of faults cannot starve munmap. Holders may block or yield. Tasks
 * only (not interrupt handlers). Lock order: docs/ARCHITECTURE.md, "Lock
 * order".
 */
#ifndef KERNEL_RWSEM_H
#define KERNEL_RWSEM_H

#include "spinlock.h"
#include "types.h"
#include "wait.h"

struct task;

struct rw_semaphore {
	spinlock_t lock;	   /* protects readers, writer, writers_waiting */
	int readers;		   /* tasks holding it for read; under lock */
	struct task *writer;	   /* task holding it for write or NULL; under lock */
	int writers_waiting;	   /* writers sleeping for it; under lock */
	struct wait_queue_head wq; /* sleepers of both kinds */
	const char *name;
};

void init_rwsem(struct rw_semaphore *sem, const char *name);
void down_read(struct rw_semaphore *sem);
bool down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
bool down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);

/* For assertions: held by anyone for read, or by the caller for write. */
bool rwsem_is_read_locked(struct rw_semaphore *sem);
bool rwsem_is_write_locked_by_me(struct rw_semaphore *sem);

#endif
