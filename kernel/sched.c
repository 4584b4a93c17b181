/*
 * The kernel scheduler (see sched.h): per-CPU FIFO run queues, an idle
 * task per CPU, cooperative switching through arch_context_switch().
 *
 * The run-queue lock is held across a switch: the old task takes it in
 * __schedule() and the new task releases it in sched_finish_switch(), so
 * no other CPU can see a task half switched (a waker on another CPU that
 * takes the lock finds the old task fully off its stack). Work that must
 * happen after the old task is off its stack (completing a dead task's
 * "exited", queueing a migrating task on its new CPU) is done there too.
 */
#include <asm/context.h>
#include "errno.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "panic.h"
#include "printk.h"
#include "task_list.h"
#include "rcu.h"
#include "sched.h"
#include "smp.h"
#include "stats.h"
#include "string.h"
#include "timer.h"

struct rq {
	spinlock_t lock;
	struct list_head runnable; /* TASK_RUNNING tasks waiting for this CPU, FIFO; under lock */
	struct list_head sleepers; /* blocked tasks with a deadline; under lock */
	struct task *curr;	   /* the running task; written under lock, read by this CPU */
	struct task *idle;	   /* this CPU's idle task; set once */
	struct task *prev;	   /* task being switched away from; under lock */
	int halted;		   /* idle task is in (or entering) hlt; atomic */
	u64 nr_switches;	   /* context switches on this CPU; under lock */
};

static DEFINE_PER_CPU(struct rq, runqueues);
static struct task boot_task;
static struct task idle_tasks[NR_CPUS_MAX];
static atomic_long_t nr_tasks;
static atomic_long_t next_task_id;
static bool sched_ready;

DEFINE_STAT_COUNTER(context_switches);
DEFINE_STAT_COUNTER(progress_switches);
DECLARE_STAT_COUNTER(sched_wake_migrations); /* sched_wake.c */

static struct rq *this_rq(void)
{
	return &this_cpu(runqueues);
}

struct task *sched_current(void)
{
	return this_rq()->curr;
}

/* A CPU's idle task never changes CPU, so its own CPU's run queue names it. */
bool is_idle_task(const struct task *t)
{
	return t && t == READ_ONCE(per_cpu(runqueues, READ_ONCE(t->cpu) % NR_CPUS_MAX).idle);
}

unsigned long sched_nr_tasks(void)
{
	return (unsigned long)atomic_long_read(&nr_tasks);
}

u64 sched_context_switches(void)
{
	return stat_read(context_switches);
}

u64 sched_progress_switches(void)
{
	return stat_read(progress_switches);
}

void sched_mark_current_watchdog(void)
{
	WRITE_ONCE(current->watchdog, true);
}

/* How long a dying machine's report waits for a run-queue lock a stuck
 * CPU may hold. */
#define SCHED_REPORT_LOCK_WAIT_NS (50 * 1000 * 1000ull)

/*
 * A task is a kmalloc'ed struct task plus a KTHREAD_STACK_SIZE stack of
 * whole pages; kthread_join gives both back. A thread may be started
 * while memory is short (the swap demo starts its workers after the
 * machine has run out): the stack reclaims first, and when reclaim leaves
 * free pages at the min watermark (seen once: "cannot start demo: out of
 * task memory", its writes lost), the struct and the stack may dip into
 * the reserve below it, as Linux lets __GFP_HIGH allocations do. A task
 * is small and gives its memory back when joined.
 */
static struct task *task_alloc(void)
{
	struct task *t = kzalloc(sizeof(*t), GFP_KERNEL | __GFP_NOWARN);
	if (!t)
		t = kzalloc(sizeof(*t), GFP_KERNEL | __GFP_HIGH);
	if (!t)
		return NULL;
	t->stack = alloc_pages_va(GFP_USER | __GFP_NOWARN, KTHREAD_STACK_ORDER);
	if (!t->stack)
		t->stack = alloc_pages_va(GFP_USER | __GFP_HIGH, KTHREAD_STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	t->stack_size = KTHREAD_STACK_SIZE;
	return t;
}

static void task_free(struct task *t)
{
	free_pages_va(t->stack, KTHREAD_STACK_ORDER);
	kfree(t);
}

/* The lowest word of every kthread stack; a switch checks it, so an
 * overflow is reported at the next switch instead of corrupting memory. */
#define STACK_CANARY 0x57ac4ca2a2757ac4ull

static void task_check_stack(struct task *t)
{
	if (t->stack && *(u64 *)t->stack != STACK_CANARY)
		panic("sched: task %s overflowed its %lu-byte stack", t->name,
		      (unsigned long)t->stack_size);
}

static void task_init(struct task *t, const char *name, unsigned cpu)
{
	snprintk(t->name, sizeof(t->name), "%s", name);
	t->id = (u64)atomic_long_add_return(&next_task_id, 1);
	t->state = TASK_RUNNING;
	t->cpu = cpu;
	t->pinned = true;
	t->migrate_to = -1;
	list_init(&t->run_link);
	list_init(&t->sleep_link);
	init_completion(&t->exited);
}

/* Lock the run queue of the CPU t is on; t->cpu can change until we hold it. */
static struct rq *task_rq_lock(struct task *t, unsigned long *irq)
{
	for (;;) {
		unsigned cpu = READ_ONCE(t->cpu);
		struct rq *rq = &per_cpu(runqueues, cpu);
		*irq = spin_lock_irqsave(&rq->lock);
		if (READ_ONCE(t->cpu) == cpu)
			return rq;
		spin_unlock_irqrestore(&rq->lock, *irq);
	}
}

static void rq_enqueue(struct rq *rq, struct task *t)
{
	ASSERT(!t->on_rq);
	list_add_tail(&t->run_link, &rq->runnable);
	t->on_rq = true;
}

static void rq_dequeue(struct task *t)
{
	list_del(&t->run_link);
	t->on_rq = false;
}

static void rq_cancel_sleep(struct task *t)
{
	if (t->sleeping_timed) {
		list_del(&t->sleep_link);
		t->sleeping_timed = false;
	}
}

/* With rq->lock held: make a blocked task of this rq runnable. */
static void rq_wake_locked(struct rq *rq, struct task *t)
{
	__atomic_store_n(&t->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
	rq_cancel_sleep(t);
	/* The running task is "curr" until its own schedule() sees RUNNING. */
	if (rq->curr != t)
		rq_enqueue(rq, t);
}

static bool rq_expire_sleepers(struct rq *rq, u64 now)
{
	struct task *t, *n;
	bool woke = false;

	list_for_each_entry_safe (t, n, &rq->sleepers, sleep_link) {
		if (t->deadline_ns <= now) {
			rq_wake_locked(rq, t);
			woke = true;
		}
	}
	return woke;
}

/*
 * A task was queued on cpu: interrupt it if its idle task halts. A CPU
 * running a task will look at its queue at its next switch anyway (the
 * kernel is cooperative, an IPI would not preempt it). The idle task sets
 * "halted" before its last look at the queue and we look at "halted" after
 * queueing, each with a full barrier between, so one of us sees the other.
 */
static void rq_kick(unsigned cpu)
{
	if (cpu == arch_cpu_id())
		return;
	smp_mb();
	if (__atomic_load_n(&per_cpu(runqueues, cpu).halted, __ATOMIC_RELAXED))
		smp_send_resched(cpu);
}

static void sched_lock_two(struct rq *a, struct rq *b, unsigned long *irq)
{
	*irq = arch_irq_save();
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void sched_unlock_two(struct rq *a, struct rq *b, unsigned long irq)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
	arch_irq_restore(irq);
}

/*
 * Lock the run queue of t's CPU and that of the CPU select_task_rq() picks
 * for it (mostly the same one); t->cpu can change until we hold them.
 * Returns the CPU picked.
 */
static unsigned task_rq_lock_wake(struct task *t, struct rq **from, struct rq **to,
				  unsigned long *irq)
{
	for (;;) {
		unsigned cpu = READ_ONCE(t->cpu), target = select_task_rq(t, cpu);
		*from = &per_cpu(runqueues, cpu);
		*to = &per_cpu(runqueues, target);
		sched_lock_two(*from, *to, irq);
		if (READ_ONCE(t->cpu) == cpu)
			return target;
		sched_unlock_two(*from, *to, *irq);
	}
}

/*
 * sched.migrate_on_wake: a blocked task that is switched out has no live
 * stack and is on no run queue (at most on from's sleepers, with a
 * deadline), so under both run-queue locks it can change CPU and be queued
 * on target's. One still switching away (from->curr: it set TASK_BLOCKED
 * and has not reached schedule() yet) stays: it never left its CPU.
 */
static struct rq *move_woken_task(struct task *t, struct rq *from, unsigned target)
{
	struct rq *to = &per_cpu(runqueues, target);
	lockdep_assert_held(&from->lock);
	lockdep_assert_held(&to->lock);
	if (from == to || from->curr == t || t->migrate_to >= 0)
		return from;
	rq_cancel_sleep(t);
	WRITE_ONCE(t->cpu, target);
	stat_inc(sched_wake_migrations);
	return to;
}

bool wake_up_task(struct task *t)
{
	unsigned long irq;
	struct rq *from, *to;
	unsigned target = task_rq_lock_wake(t, &from, &to, &irq);

	if (task_state(t) != TASK_BLOCKED) {
		sched_unlock_two(from, to, irq);
		return false;
	}
	struct rq *rq = move_woken_task(t, from, target);
	unsigned cpu = t->cpu;
	rq_wake_locked(rq, t);
	bool kick = t->on_rq;
	sched_unlock_two(from, to, irq);
	if (kick)
		rq_kick(cpu);
	return true;
}

bool task_curr(struct task *t)
{
	unsigned long irq;
	struct rq *rq = task_rq_lock(t, &irq);
	bool on_cpu = rq->curr == t || t->migrate_to >= 0;
	spin_unlock_irqrestore(&rq->lock, irq);
	return on_cpu;
}

static void sched_finish_migration(struct task *t)
{
	unsigned to = (unsigned)t->migrate_to;
	struct rq *rq = &per_cpu(runqueues, to);

	unsigned long irq = spin_lock_irqsave(&rq->lock);
	WRITE_ONCE(t->cpu, to);
	/* After cpu: sched_task_snapshot reads them in the other order. */
	smp_store_release(&t->migrate_to, -1);
	rq_enqueue(rq, t);
	spin_unlock_irqrestore(&rq->lock, irq);
	rq_kick(to);
}

/* First thing a task does after a switch to it (see the top comment). */
static void sched_finish_switch(unsigned long irq)
{
	struct rq *rq = this_rq();
	struct task *prev = rq->prev;

	rq->prev = NULL;
	spin_unlock_irqrestore(&rq->lock, irq);
	if (!prev)
		return;
	if (task_state(prev) == TASK_DEAD)
		complete_all(&prev->exited);
	else if (prev->migrate_to >= 0)
		sched_finish_migration(prev);
}

static struct task *rq_pick_next(struct rq *rq)
{
	if (list_empty(&rq->runnable))
		return rq->idle;
	struct task *next = list_first_entry(&rq->runnable, struct task, run_link);
	rq_dequeue(next);
	return next;
}

static void __schedule(bool yield)
{
	unsigned cpu = arch_cpu_id();
	struct rq *rq = &per_cpu(runqueues, cpu);
	struct task *prev = rq->curr;

	rcu_note_context_switch(cpu);
	unsigned long irq = spin_lock_irqsave(&rq->lock);
	rq_expire_sleepers(rq, arch_time_ns());
	bool running = task_state(prev) == TASK_RUNNING;
	bool migrating = prev->migrate_to >= 0;
	if (running && !yield && !migrating) {
		spin_unlock_irqrestore(&rq->lock, irq);
		return;
	}
	if (running && !migrating && prev != rq->idle)
		rq_enqueue(rq, prev);
	struct task *next = rq_pick_next(rq);
	if (next == prev) {
		spin_unlock_irqrestore(&rq->lock, irq);
		return;
	}
	task_check_stack(prev);
	rq->curr = next;
	rq->prev = prev;
	rq->nr_switches++;
	stat_inc(context_switches);
	if (next != rq->idle && !READ_ONCE(next->watchdog))
		stat_inc(progress_switches);
	mm_switch_to(next->mm);
	arch_context_switch(&prev->ctx, &next->ctx);
	sched_finish_switch(irq);
}

void schedule(void)
{
	__schedule(false);
}

void yield(void)
{
	__schedule(true);
}

u64 schedule_timeout(u64 timeout_ns)
{
	u64 deadline = arch_time_ns() + timeout_ns;
	struct task *me = current;
	unsigned long irq;
	struct rq *rq = task_rq_lock(me, &irq);

	if (task_state(me) == TASK_BLOCKED && !me->sleeping_timed) {
		me->deadline_ns = deadline;
		me->sleeping_timed = true;
		list_add_tail(&me->sleep_link, &rq->sleepers);
	}
	spin_unlock_irqrestore(&rq->lock, irq);
	__schedule(false);
	rq = task_rq_lock(me, &irq);
	rq_cancel_sleep(me);
	spin_unlock_irqrestore(&rq->lock, irq);
	u64 now = arch_time_ns();
	return now >= deadline ? 0 : deadline - now;
}

/* Move a task that is not running: it must not be anyone's curr. */
static int task_migrate_other(struct task *t, unsigned cpu)
{
	struct rq *to = &per_cpu(runqueues, cpu), *from;
	unsigned long irq;

	for (;;) {
		unsigned old = READ_ONCE(t->cpu);
		from = &per_cpu(runqueues, old);
		sched_lock_two(from, to, &irq);
		if (READ_ONCE(t->cpu) == old)
			break;
		sched_unlock_two(from, to, irq);
	}
	int err = 0;
	if (from->curr == t || t->migrate_to >= 0 || task_state(t) == TASK_DEAD) {
		err = -EBUSY;
	} else if (from != to) {
		bool queued = t->on_rq, timed = t->sleeping_timed;
		if (queued)
			rq_dequeue(t);
		rq_cancel_sleep(t);
		WRITE_ONCE(t->cpu, cpu);
		if (queued)
			rq_enqueue(to, t);
		if (timed) {
			list_add_tail(&t->sleep_link, &to->sleepers);
			t->sleeping_timed = true;
		}
	}
	sched_unlock_two(from, to, irq);
	if (!err)
		rq_kick(cpu);
	return err;
}

int task_migrate(struct task *t, unsigned cpu)
{
	if (cpu >= NR_CPUS_MAX || !cpu_is_online(cpu))
		return -EINVAL;
	if (t != current)
		return task_migrate_other(t, cpu);
	if (t->cpu == cpu)
		return 0;
	t->migrate_to = (int)cpu;
	__schedule(true);
	ASSERT_EQ(arch_cpu_id(), cpu);
	return 0;
}

__noreturn void task_exit(int code)
{
	struct task *me = current;
	me->exit_code = code;
	set_current_state(TASK_DEAD);
	__schedule(false);
	panic("sched: dead task %s was scheduled again", me->name);
}

static void task_entry(void *arg)
{
	struct task *t = arg;
	/* We arrive holding the rq lock of the task that switched to us. */
	sched_finish_switch(0);
	arch_irq_enable();
	task_exit(t->fn(t->arg));
}

struct task *kthread_create_on_cpu(int (*fn)(void *arg), void *arg, unsigned cpu, const char *name)
{
	return kthread_create_in_mm(fn, arg, cpu, name, NULL);
}

static struct task *kthread_create_task(int (*fn)(void *arg), void *arg, unsigned cpu,
					const char *name, struct mm *mm, bool pinned)
{
	/* An online CPU that has not reached its idle loop yet runs the task
	 * as soon as it does: its run queue exists since sched_init. CPU 0
	 * has its idle task before smp_init marks it online. */
	if (cpu >= NR_CPUS_MAX ||
	    (!cpu_is_online(cpu) && !READ_ONCE(per_cpu(runqueues, cpu).idle))) {
		pr_warn("sched: cannot start %s on cpu %u: cpu offline\n", name, cpu);
		return NULL;
	}
	struct task *t = task_alloc();
	if (!t) {
		pr_warn("sched: cannot start %s: out of task memory\n", name);
		return NULL;
	}
	task_init(t, name, cpu);
	t->pinned = pinned;
	t->fn = fn;
	t->arg = arg;
	t->joinable = true;
	t->mm = mm;
	if (mm)
		mm_get(mm);
	*(u64 *)t->stack = STACK_CANARY;
	arch_context_init(&t->ctx, (u8 *)t->stack + t->stack_size, task_entry, t);
	atomic_long_inc(&nr_tasks);
	sched_tasks_add(t);

	struct rq *rq = &per_cpu(runqueues, cpu);
	unsigned long irq = spin_lock_irqsave(&rq->lock);
	rq_enqueue(rq, t);
	spin_unlock_irqrestore(&rq->lock, irq);
	rq_kick(cpu);
	return t;
}

struct task *kthread_create_in_mm(int (*fn)(void *arg), void *arg, unsigned cpu, const char *name,
				  struct mm *mm)
{
	return kthread_create_task(fn, arg, cpu, name, mm, true);
}

struct task *kthread_create_unbound(int (*fn)(void *arg), void *arg, unsigned cpu, const char *name)
{
	return kthread_create_task(fn, arg, cpu, name, NULL, false);
}

int kthread_join(struct task *t)
{
	ASSERT(t->joinable && t != current);
	wait_for_completion(&t->exited);
	int code = t->exit_code;
	/* Its CPU switched away from it (and from its mm) before "exited". */
	if (t->mm)
		mm_put(t->mm);
	sched_tasks_del(t);
	task_free(t);
	atomic_long_dec(&nr_tasks);
	return code;
}

/* Where a switched-out task resumes, then its callers: its saved frame
 * walked inside its own stack only, so a bad frame pointer ends the trace
 * instead of faulting. */
static unsigned task_stack_trace(struct task *t, unsigned long *pcs, unsigned max)
{
	struct arch_saved_frame f = arch_context_saved_frame(&t->ctx, t->stack, t->stack_size);
	unsigned long lo = (unsigned long)t->stack;

	if (!f.pc || !max)
		return 0;
	pcs[0] = f.pc;
	return 1 + arch_stack_walk(f.fp, lo, lo + t->stack_size, pcs + 1, max - 1);
}

/*
 * Under its run-queue lock a task that is not that queue's curr stays
 * switched out: a switch to it needs the lock, and so does moving it
 * (task_migrate_other). The exception is a task migrating itself: once off
 * its stack it is queued on the new CPU under that CPU's lock only
 * (sched_finish_migration writes cpu, then releases migrate_to = -1). Such
 * a task counts as on a CPU: its stack may be live again.
 */
/* A dying machine's report: the run-queue lock, unless a stuck CPU holds
 * it for good; then the task is reported without a trace. */
static struct rq *task_rq_lock_report(struct task *t, unsigned long *irq)
{
	if (!__atomic_load_n(&oops_in_progress, __ATOMIC_RELAXED))
		return task_rq_lock(t, irq);
	unsigned cpu = READ_ONCE(t->cpu);
	struct rq *rq = &per_cpu(runqueues, cpu);
	*irq = arch_irq_save();
	if (spin_trylock_for(&rq->lock, SCHED_REPORT_LOCK_WAIT_NS)) {
		if (READ_ONCE(t->cpu) == cpu)
			return rq;
		spin_unlock(&rq->lock); /* it moved meanwhile: no trace */
	}
	arch_irq_restore(*irq);
	return NULL;
}

void sched_task_snapshot(struct task *t, struct task_snapshot *s)
{
	unsigned long irq;
	struct rq *rq = task_rq_lock_report(t, &irq);
	if (!rq) {
		s->state = task_state(t);
		s->cpu = READ_ONCE(t->cpu);
		s->idle = false;
		s->on_cpu = true; /* unknown: no trace without the lock */
		s->nr_pcs = 0;
		return;
	}
	unsigned cpu = t->cpu;

	s->state = task_state(t);
	s->cpu = cpu;
	s->idle = t == rq->idle;
	s->on_cpu =
		rq->curr == t || smp_load_acquire(&t->migrate_to) >= 0 || READ_ONCE(t->cpu) != cpu;
	s->nr_pcs = s->on_cpu ? 0 : task_stack_trace(t, s->pcs, TASK_SNAPSHOT_DEPTH);
	spin_unlock_irqrestore(&rq->lock, irq);
}

/*
 * The idle task: report a quiescent state, run whatever became runnable,
 * else halt until an interrupt. Interrupts are off between the check and
 * "sti; hlt", so a wakeup IPI cannot slip in between. Until this CPU sees
 * ticks, tasks sleeping with a deadline are polled for instead.
 */
/*
 * Waking a halted CPU costs an IPI and, under emulation, up to a
 * millisecond; a task that blocks briefly (a ping-pong, a mutex hand-off)
 * is often woken again within microseconds. So after a task blocked, spin
 * a little before halting. Not after an interrupt merely woke the idle
 * task (ticks, cross-CPU calls): emulated CPUs share few host cores, and
 * spinning there would take time from CPUs with work.
 */
#define IDLE_POLL_NS 200000

static bool idle_poll(struct rq *rq)
{
	u64 end = arch_time_ns() + IDLE_POLL_NS;
	while (arch_time_ns() < end) {
		if (READ_ONCE(rq->runnable.next) != &rq->runnable)
			return true;
		arch_cpu_relax();
	}
	return false;
}

static __noreturn void sched_idle_loop(void)
{
	unsigned cpu = arch_cpu_id();
	struct rq *rq = this_rq();
	u64 switches_seen = 0;

	for (;;) {
		rcu_report_qs(cpu);
		arch_irq_disable();
		bool work = READ_ONCE(rq->runnable.next) != &rq->runnable;
		bool poll = READ_ONCE(rq->sleepers.next) != &rq->sleepers && timer_ticks(cpu) == 0;
		if (work || poll) {
			arch_irq_enable();
			if (poll && !work)
				arch_cpu_relax();
			yield();
			continue;
		}
		bool task_ran = READ_ONCE(rq->nr_switches) != switches_seen;
		switches_seen = READ_ONCE(rq->nr_switches);
		arch_irq_enable();
		if (task_ran && idle_poll(rq))
			continue;
		arch_irq_disable();
		__atomic_store_n(&rq->halted, 1, __ATOMIC_SEQ_CST);
		if (READ_ONCE(rq->runnable.next) == &rq->runnable)
			arch_cpu_idle();
		else
			arch_irq_enable();
		__atomic_store_n(&rq->halted, 0, __ATOMIC_RELAXED);
	}
}

static void idle_entry(void *arg)
{
	sched_finish_switch(0);
	arch_irq_enable();
	sched_idle_loop();
}

/* Tick hook, in interrupt context on cpu. */
static void sched_tick(unsigned cpu)
{
	struct rq *rq = &per_cpu(runqueues, cpu);

	if (!sched_ready || !rq->idle)
		return;
	unsigned long irq = spin_lock_irqsave(&rq->lock);
	rq_expire_sleepers(rq, arch_time_ns());
	spin_unlock_irqrestore(&rq->lock, irq);
	rcu_tick(cpu);
}

/* The IPI itself is the point: it ends the idle task's hlt. */
static void sched_resched_ipi(void)
{
}

static void rq_init(struct rq *rq)
{
	spin_lock_init(&rq->lock, "rq");
	list_init(&rq->runnable);
	list_init(&rq->sleepers);
}

static u8 idle0_stack[KTHREAD_STACK_SIZE] __aligned(16);

void sched_init(void)
{
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		rq_init(&per_cpu(runqueues, cpu));

	struct rq *rq = &per_cpu(runqueues, 0);
	task_init(&boot_task, "boot", 0);
	arch_context_boot_stack(&boot_task.stack, &boot_task.stack_size);
	if (boot_task.stack)
		*(u64 *)boot_task.stack = STACK_CANARY;
	rq->curr = &boot_task;
	sched_tasks_add(&boot_task);

	struct task *idle = &idle_tasks[0];
	task_init(idle, "idle0", 0);
	idle->stack = idle0_stack;
	idle->stack_size = sizeof(idle0_stack);
	*(u64 *)idle->stack = STACK_CANARY;
	arch_context_init(&idle->ctx, idle0_stack + sizeof(idle0_stack), idle_entry, NULL);
	rq->idle = idle;
	sched_tasks_add(idle);

	timer_register_tick_hook(sched_tick);
	smp_register_resched_hook(sched_resched_ipi);
	sched_ready = true;
	rcu_init();
	pr_info("sched: cooperative scheduler up on cpu 0\n");
}

void sched_start_secondary(unsigned cpu)
{
	struct rq *rq = &per_cpu(runqueues, cpu);
	struct task *idle = &idle_tasks[cpu];
	char name[TASK_NAME_LEN];

	ASSERT_EQ(arch_cpu_id(), cpu);
	snprintk(name, sizeof(name), "idle%u", cpu);
	task_init(idle, name, cpu);
	unsigned long irq = spin_lock_irqsave(&rq->lock);
	rq->curr = idle;
	rq->idle = idle;
	spin_unlock_irqrestore(&rq->lock, irq);
	sched_tasks_add(idle);
	arch_irq_enable();
	sched_idle_loop();
}

/* Diagnostics: per CPU, its running task, how many wait in its queue, its
 * switches and timer ticks (a CPU whose switch count stands still while
 * tasks wait is stuck, with interrupts off if its ticks stand still too).
 * Read without the locks: a report may be printed while a CPU is stuck. */
void sched_print_cpus(int level)
{
	unsigned cpu;

	for_each_online_cpu (cpu) {
		struct rq *rq = &per_cpu(runqueues, cpu);
		struct task *curr = READ_ONCE(rq->curr);
		unsigned waiting = 0;
		struct list_head *pos;
		for (pos = READ_ONCE(rq->runnable.next); pos != &rq->runnable && waiting < 1000;
		     pos = READ_ONCE(pos->next))
			waiting++;
		printk(level,
		       "sched: cpu %u runs %s (id %lu), %u waiting, %lu switches, %lu ticks%s\n",
		       cpu, curr ? curr->name : "?", curr ? (unsigned long)curr->id : 0ul, waiting,
		       (unsigned long)READ_ONCE(rq->nr_switches), (unsigned long)timer_ticks(cpu),
		       READ_ONCE(rq->halted) ? ", halted" : "");
	}
}
