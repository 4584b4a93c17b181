/*
 * RCU grace periods from per-CPU quiescent states (see rcu.h). The same
 * file builds into the kernel and the host program.
 *
 * One global state under rcu.lock: at most one grace period is in progress,
 * and qs_pending holds the CPUs that have not yet passed a quiescent state
 * since it began. Callbacks move through three FIFO segments:
 *   next: queued since the current grace period began (need the next one)
 *   wait: waiting for the current grace period
 *   done: their grace period ended; the rcu thread runs them
 * When the last CPU reports, wait moves to done and, if next is not empty,
 * a new grace period starts at once. Because the segments keep call order,
 * callbacks run in the order they were queued, which rcu_barrier() uses.
 */
#include "completion.h"
#include "panic.h"
#include "printk.h"
#include "rcu.h"
#include "sched.h"
#include "spinlock.h"
#include "stats.h"
#include "wait.h"

DEFINE_PER_CPU_DECLARED(rcu_nesting);

struct rcu_segment {
	struct rcu_head *head;
	struct rcu_head **tail;
};

static struct {
	spinlock_t lock;
	unsigned long qs_pending; /* CPUs still to report; under lock, read locklessly as a hint */
	bool gp_active;		  /* a grace period is in progress; under lock */
	u64 gp_completed;	  /* grace periods ended; under lock */
	struct rcu_segment next, wait, done; /* under lock */
} rcu = {
	.lock = SPINLOCK_INIT("rcu"),
	.next = { NULL, &rcu.next.head },
	.wait = { NULL, &rcu.wait.head },
	.done = { NULL, &rcu.done.head },
};

static DECLARE_WAIT_QUEUE_HEAD(rcu_thread_wq);
static struct task *rcu_thread;

DEFINE_STAT_COUNTER(rcu_grace_periods);
DEFINE_STAT_COUNTER(rcu_callbacks);

static bool segment_empty(const struct rcu_segment *s)
{
	return s->head == NULL;
}

static void segment_append(struct rcu_segment *to, struct rcu_segment *from)
{
	if (segment_empty(from))
		return;
	*to->tail = from->head;
	to->tail = from->tail;
	from->head = NULL;
	from->tail = &from->head;
}

/* With rcu.lock held: begin waiting for every online CPU. */
static void rcu_gp_start_locked(void)
{
	segment_append(&rcu.wait, &rcu.next);
	rcu.gp_active = true;
	/* Before smp_init the boot CPU is not in the mask yet, but runs. */
	unsigned long cpus = __atomic_load_n(&cpu_online_mask, __ATOMIC_ACQUIRE);
	__atomic_store_n(&rcu.qs_pending, cpus | (1ul << arch_cpu_id()), __ATOMIC_SEQ_CST);
}

/* With rcu.lock held: the last CPU reported. Returns true when callbacks
 * became ready. */
static bool rcu_gp_end_locked(void)
{
	rcu.gp_active = false;
	rcu.gp_completed++;
	stat_inc(rcu_grace_periods);
	segment_append(&rcu.done, &rcu.wait);
	if (!segment_empty(&rcu.next))
		rcu_gp_start_locked();
	return !segment_empty(&rcu.done);
}

/*
 * cpu is outside any read-side section now. The full barrier orders this
 * CPU's earlier reads before the report, so a writer that sees the grace
 * period end (and frees) cannot free memory a read is still using.
 */
void rcu_report_qs(unsigned cpu)
{
	unsigned long bit = 1ul << cpu;

	smp_mb();
	if (!(__atomic_load_n(&rcu.qs_pending, __ATOMIC_RELAXED) & bit))
		return;
	bool ready = false;
	unsigned long irq = spin_lock_irqsave(&rcu.lock);
	if (rcu.gp_active && (rcu.qs_pending & bit)) {
		unsigned long left = rcu.qs_pending & ~bit;
		__atomic_store_n(&rcu.qs_pending, left, __ATOMIC_RELAXED);
		if (!left)
			ready = rcu_gp_end_locked();
	}
	spin_unlock_irqrestore(&rcu.lock, irq);
	if (ready)
		wake_up(&rcu_thread_wq);
}

void rcu_note_context_switch(unsigned cpu)
{
	if (per_cpu(rcu_nesting, cpu) != 0)
		panic("rcu: cpu %u: task %s blocks inside an RCU read-side section (nesting %d)",
		      cpu, current->name, per_cpu(rcu_nesting, cpu));
	rcu_report_qs(cpu);
}

void rcu_quiescent_state(void)
{
	rcu_note_context_switch(arch_cpu_id());
}

/* From the tick interrupt on cpu: the interrupted code is a reader only if
 * the counter says so (interrupts see their own CPU's program order). */
void rcu_tick(unsigned cpu)
{
	if (per_cpu(rcu_nesting, cpu) == 0)
		rcu_report_qs(cpu);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	unsigned long irq = spin_lock_irqsave(&rcu.lock);
	*rcu.next.tail = head;
	rcu.next.tail = &head->next;
	if (!rcu.gp_active)
		rcu_gp_start_locked();
	spin_unlock_irqrestore(&rcu.lock, irq);
}

struct rcu_waiter {
	struct rcu_head head;
	struct completion done;
};

static void rcu_waiter_wake(struct rcu_head *head)
{
	complete(&container_of(head, struct rcu_waiter, head)->done);
}

/*
 * Both are a callback plus a completion: the callback runs after a grace
 * period that began after the call (so synchronize_rcu is satisfied) and
 * after every earlier callback (so rcu_barrier is satisfied).
 */
static void rcu_wait_for_callback(void)
{
	struct rcu_waiter w;

	ASSERT(!rcu_read_lock_held());
	init_completion(&w.done);
	call_rcu(&w.head, rcu_waiter_wake);
	wait_for_completion(&w.done);
}

void synchronize_rcu(void)
{
	rcu_wait_for_callback();
}

void rcu_barrier(void)
{
	rcu_wait_for_callback();
}

u64 rcu_completed_grace_periods(void)
{
	unsigned long irq = spin_lock_irqsave(&rcu.lock);
	u64 n = rcu.gp_completed;
	spin_unlock_irqrestore(&rcu.lock, irq);
	return n;
}

static bool rcu_has_done(void)
{
	unsigned long irq = spin_lock_irqsave(&rcu.lock);
	bool has = !segment_empty(&rcu.done);
	spin_unlock_irqrestore(&rcu.lock, irq);
	return has;
}

/* The callback thread: takes the whole done segment and runs it with no
 * lock held, so callbacks may block (complete, kfree, mutex). */
static int rcu_thread_fn(void *arg)
{
	for (;;) {
		wait_event(rcu_thread_wq, rcu_has_done());
		unsigned long irq = spin_lock_irqsave(&rcu.lock);
		struct rcu_head *list = rcu.done.head;
		rcu.done.head = NULL;
		rcu.done.tail = &rcu.done.head;
		spin_unlock_irqrestore(&rcu.lock, irq);
		while (list) {
			struct rcu_head *next = list->next;
			list->func(list);
			stat_inc(rcu_callbacks);
			list = next;
		}
	}
	return 0;
}

void rcu_init(void)
{
	rcu_thread = kthread_create_on_cpu(rcu_thread_fn, NULL, 0, "rcu");
	if (!rcu_thread)
		panic("rcu: cannot create the callback thread");
}
