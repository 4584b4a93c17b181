/*
 * Misuse of the sleeping primitives that must panic (host only, each in a
 * forked child, see death.h): blocking inside an RCU read-side section,
 * unlocking a mutex one does not own, taking a mutex twice.
 */
#include "death.h"
#include "kernel/completion.h"
#include "kernel/mutex.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"

/* The check is in the context switch, so the wait must reach schedule():
 * a 1 ms timeout here once expired before it did (the child process
 * descheduled for over a millisecond on a loaded host), the wait returned
 * -ETIMEDOUT without blocking and the test failed. Ten seconds only bound
 * the child should the check ever be missing. */
static void block_in_rcu_reader(void)
{
	DECLARE_COMPLETION(never);
	rcu_read_lock();
	wait_for_completion_timeout(&never, 10000000000ull);
}

KTEST(rcu, death_blocking_in_reader_is_caught)
{
	expect_panic_in_child(t, block_in_rcu_reader, "blocks inside an RCU read-side section");
}

static void unlock_unowned_mutex(void)
{
	DEFINE_MUTEX(m);
	mutex_unlock(&m);
}

KTEST(mutex, death_unlock_by_non_owner_is_caught)
{
	expect_panic_in_child(t, unlock_unowned_mutex, "unlocked by task boot, owner (none)");
}

static void lock_mutex_twice(void)
{
	DEFINE_MUTEX(m);
	mutex_lock(&m);
	mutex_lock(&m);
}

KTEST(mutex, death_recursive_lock_is_caught)
{
	expect_panic_in_child(t, lock_mutex_twice, "recursive lock by task boot");
}
