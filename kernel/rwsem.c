/*
 * Reader/writer semaphore (see rwsem.h). The state is three counters
 * under a spinlock; sleeping is wait_event() on the semaphore's queue,
 * whose condition takes the lock itself (a successful check is the
 * acquisition), so no wakeup can fall between the check and the sleep.
 */
#include <asm/cpu.h>
#include "lock_stat.h"
#include "panic.h"
#include "rwsem.h"
#include "sched.h"

void init_rwsem(struct rw_semaphore *sem, const char *name)
{
	spin_lock_init(&sem->lock, name);
	sem->readers = 0;
	sem->writer = NULL;
	sem->writers_waiting = 0;
	wait_queue_head_init(&sem->wq, name);
	sem->name = name;
}

/* A reader may enter when no writer holds or waits for the lock. */
static bool rwsem_try_read(struct rw_semaphore *sem)
{
	spin_lock(&sem->lock);
	bool ok = !sem->writer && sem->writers_waiting == 0;
	if (ok)
		sem->readers++;
	spin_unlock(&sem->lock);
	return ok;
}

/* waiting: the caller counted itself in writers_waiting. */
static bool rwsem_try_write(struct rw_semaphore *sem, bool waiting)
{
	spin_lock(&sem->lock);
	bool ok = !sem->writer && sem->readers == 0;
	if (ok) {
		sem->writer = current;
		if (waiting)
			sem->writers_waiting--;
	}
	spin_unlock(&sem->lock);
	return ok;
}

/* For lockstat=1: an acquisition after a failed first try waited since
 * start (0: the statistics were off when it began). */
static void rwsem_stat(struct rw_semaphore *sem, u64 start)
{
	if (start)
		lock_stat_contended(sem->name, LOCK_RWSEM, arch_time_ns() - start);
	else if (lock_stat_on())
		lock_stat_acquired(sem->name, LOCK_RWSEM);
}

static u64 rwsem_wait_start(void)
{
	return lock_stat_on() ? arch_time_ns() : 0;
}

void down_read(struct rw_semaphore *sem)
{
	u64 start = 0;
	if (!rwsem_try_read(sem)) {
		start = rwsem_wait_start();
		wait_event(sem->wq, rwsem_try_read(sem));
	}
	rwsem_stat(sem, start);
}

bool down_read_trylock(struct rw_semaphore *sem)
{
	if (!rwsem_try_read(sem))
		return false;
	rwsem_stat(sem, 0);
	return true;
}

void up_read(struct rw_semaphore *sem)
{
	spin_lock(&sem->lock);
	if (sem->readers <= 0)
		panic("rwsem: %s: up_read without readers", sem->name);
	bool last = --sem->readers == 0;
	spin_unlock(&sem->lock);
	if (last)
		wake_up_all(&sem->wq);
}

void down_write(struct rw_semaphore *sem)
{
	if (rwsem_try_write(sem, false)) {
		rwsem_stat(sem, 0);
		return;
	}
	u64 start = rwsem_wait_start();
	spin_lock(&sem->lock);
	sem->writers_waiting++;
	spin_unlock(&sem->lock);
	wait_event(sem->wq, rwsem_try_write(sem, true));
	rwsem_stat(sem, start);
}

bool down_write_trylock(struct rw_semaphore *sem)
{
	if (!rwsem_try_write(sem, false))
		return false;
	rwsem_stat(sem, 0);
	return true;
}

void up_write(struct rw_semaphore *sem)
{
	spin_lock(&sem->lock);
	if (sem->writer != current)
		panic("rwsem: %s: up_write by task %s, not the writer", sem->name, current->name);
	sem->writer = NULL;
	spin_unlock(&sem->lock);
	wake_up_all(&sem->wq);
}

bool rwsem_is_read_locked(struct rw_semaphore *sem)
{
	spin_lock(&sem->lock);
	bool r = sem->readers > 0;
	spin_unlock(&sem->lock);
	return r;
}

bool rwsem_is_write_locked_by_me(struct rw_semaphore *sem)
{
	spin_lock(&sem->lock);
	bool w = sem->writer == current;
	spin_unlock(&sem->lock);
	return w;
}
