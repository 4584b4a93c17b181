/*
 * RCU (read-copy-update): readers take no lock; a writer publishes a new
 * version with rcu_assign_pointer() and frees the old one only after a
 * grace period, a time in which every CPU passed a quiescent state and so
 * can no longer hold a reference obtained before it began. The swap table
 * of an emptied cluster is freed this way (call_rcu) while lock-free swap
 * cache lookups may still read it.
 *
 * Read side: rcu_read_lock()/rcu_read_unlock() only count nesting in a
 * per-CPU counter. That is enough because the kernel is cooperative: a
 * reader must not block or yield inside the section (schedule() asserts
 * it), so it cannot leave its CPU while reading.
 *
 * Quiescent states of a CPU: a context switch, a pass of the idle loop, a
 * tick that finds the CPU outside any read-side section, and an explicit
 * rcu_quiescent_state(). On the host: a task blocking or yielding, an idle
 * CPU seen by the host tick thread, or rcu_quiescent_state().
 *
 * Callbacks run in the "rcu" kernel thread on CPU 0, in the order they
 * were queued, never in interrupt context.
 */
#ifndef KERNEL_RCU_H
#define KERNEL_RCU_H

#include "compiler.h"
#include "percpu.h"
#include "types.h"

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

typedef void (*rcu_callback_t)(struct rcu_head *head);

DECLARE_PER_CPU(int, rcu_nesting);

static inline void rcu_read_lock(void)
{
	this_cpu(rcu_nesting)++;
	barrier();
}

static inline void rcu_read_unlock(void)
{
	barrier();
	this_cpu(rcu_nesting)--;
}

static inline bool rcu_read_lock_held(void)
{
	return this_cpu(rcu_nesting) > 0;
}

/* Publish p: everything written to *v before is visible to a reader that
 * sees v through rcu_dereference(). */
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define RCU_INITIALIZER(v) (v)

/* Run func(head) after a grace period. Any context, even interrupts. */
void call_rcu(struct rcu_head *head, rcu_callback_t func);
/* Wait for a grace period. Tasks only, not inside a read-side section. */
void synchronize_rcu(void);
/* Wait until every callback queued before the call has run. */
void rcu_barrier(void);

/* Start the callback thread; sched_init calls it. */
void rcu_init(void);

/* Quiescent-state reports. rcu_quiescent_state() is for long loops that
 * never block; the others are for the scheduler and the tick. */
void rcu_quiescent_state(void);
void rcu_report_qs(unsigned cpu);
void rcu_note_context_switch(unsigned cpu);
void rcu_tick(unsigned cpu);

u64 rcu_completed_grace_periods(void);

#endif
