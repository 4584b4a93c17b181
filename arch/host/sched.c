/*
 * The scheduler API (kernel/sched.h) for the host build. Every task is a
 * pthread; wait.c, completion.c, mutex.c and rcu.c are the kernel's own
 * files running on top of this, under ASan/UBSan (and TSan later).
 *
 * To keep the kernel's cooperative semantics, each host CPU has a token: a
 * task runs only while it holds its CPU's token and gives it up exactly
 * where a kernel task would switch away (blocking, yielding, exiting).
 * So tasks of one CPU never run at the same time, per-CPU data needs no
 * more protection than in the kernel, and tasks of different CPUs really
 * run in parallel. Tokens are handed out in FIFO order so yield is fair.
 *
 * A blocked task sleeps on its own condition variable under
 * host_sched_lock; wake_up_task() sets it TASK_RUNNING and signals it. A
 * task that has given its token back (ctx.off_cpu) can be given another
 * CPU by the wakeup (select_task_rq): it takes that CPU's token next.
 *
 * RCU: a task that gives up its token reports a quiescent state for its
 * CPU, and the host tick thread reports one for every CPU whose token
 * nobody holds (an idle CPU), like the kernel's idle loop and tick.
 *
 * Lock order: host_cpu.lock -> rcu.lock -> wait queue locks -> host_sched_lock.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/stats.h"
#include "kernel/task_list.h"
#include "mm/mm.h"

struct host_cpu {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* token released */
	struct task *owner;  /* task holding the token; under lock */
	u64 next_ticket;     /* FIFO hand-out; under lock */
	u64 serving;
};

static struct host_cpu host_cpus[NR_CPUS_MAX];
static pthread_mutex_t host_sched_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread struct task *host_current;
static struct task boot_task;
static atomic_long_t nr_tasks;
static atomic_long_t next_task_id;

DEFINE_STAT_COUNTER(context_switches);
DECLARE_STAT_COUNTER(sched_wake_migrations); /* kernel/sched_wake.c */

struct task *sched_current(void)
{
	return host_current;
}

/* The host's CPUs have no idle tasks: a CPU with nothing to run is a
 * pthread waiting for its token. */
bool is_idle_task(const struct task *t)
{
	return false;
}

unsigned long sched_nr_tasks(void)
{
	return (unsigned long)atomic_long_read(&nr_tasks);
}

u64 sched_context_switches(void)
{
	return stat_read(context_switches);
}

static u64 monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static void host_cpu_acquire(struct task *t)
{
	pthread_mutex_lock(&host_sched_lock);
	unsigned cpu = t->cpu;
	pthread_mutex_unlock(&host_sched_lock);

	struct host_cpu *c = &host_cpus[cpu];
	pthread_mutex_lock(&c->lock);
	u64 ticket = c->next_ticket++;
	while (c->owner || c->serving != ticket)
		pthread_cond_wait(&c->cond, &c->lock);
	c->owner = t;
	c->serving++;
	pthread_mutex_unlock(&c->lock);
	t->ctx.held_cpu = cpu;
	host_cpu_id = cpu;
	mm_switch_to(t->mm);
	stat_inc(context_switches);
}

/* t->cpu may already name another CPU (task_migrate of a task that is
 * blocking): give back the token we hold, the new CPU's comes at acquire. */
static void host_cpu_release(struct task *t)
{
	unsigned cpu = t->ctx.held_cpu;
	struct host_cpu *c = &host_cpus[cpu];

	rcu_note_context_switch(cpu);
	pthread_mutex_lock(&c->lock);
	ASSERT(c->owner == t);
	c->owner = NULL;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Give up the CPU until woken or until deadline (monotonic ns, 0 = none). */
static void host_block(struct task *me, u64 deadline)
{
	host_cpu_release(me);
	pthread_mutex_lock(&host_sched_lock);
	me->ctx.off_cpu = true;
	while (task_state(me) == TASK_BLOCKED) {
		if (!deadline) {
			pthread_cond_wait(&me->ctx.wake, &host_sched_lock);
			continue;
		}
		if (monotonic_ns() >= deadline) {
			__atomic_store_n(&me->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
			break;
		}
		struct timespec ts = { (time_t)(deadline / 1000000000ull),
				       (long)(deadline % 1000000000ull) };
		pthread_cond_timedwait(&me->ctx.wake, &host_sched_lock, &ts);
	}
	me->ctx.off_cpu = false;
	pthread_mutex_unlock(&host_sched_lock);
	host_cpu_acquire(me);
}

void schedule(void)
{
	struct task *me = current;
	if (task_state(me) == TASK_BLOCKED)
		host_block(me, 0);
}

u64 schedule_timeout(u64 timeout_ns)
{
	struct task *me = current;
	u64 deadline = monotonic_ns() + timeout_ns;
	if (task_state(me) == TASK_BLOCKED)
		host_block(me, deadline);
	u64 now = monotonic_ns();
	return now >= deadline ? 0 : deadline - now;
}

void yield(void)
{
	struct task *me = current;
	host_cpu_release(me);
	sched_yield();
	host_cpu_acquire(me);
}

bool wake_up_task(struct task *t)
{
	bool woke = false;
	pthread_mutex_lock(&host_sched_lock);
	if (task_state(t) == TASK_BLOCKED) {
		unsigned target = select_task_rq(t, t->cpu);
		if (t->ctx.off_cpu && target != t->cpu) {
			t->cpu = target; /* its next host_cpu_acquire takes target's token */
			stat_inc(sched_wake_migrations);
		}
		__atomic_store_n(&t->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
		pthread_cond_signal(&t->ctx.wake);
		woke = true;
	}
	pthread_mutex_unlock(&host_sched_lock);
	return woke;
}

/* On the host a task is off its CPU only while blocked in host_block. */
bool task_curr(struct task *t)
{
	pthread_mutex_lock(&host_sched_lock);
	bool on_cpu = !t->ctx.off_cpu;
	pthread_mutex_unlock(&host_sched_lock);
	return on_cpu;
}

int task_migrate(struct task *t, unsigned cpu)
{
	if (cpu >= NR_CPUS_MAX || !cpu_is_online(cpu))
		return -EINVAL;
	if (t == current) {
		host_cpu_release(t);
		pthread_mutex_lock(&host_sched_lock);
		t->cpu = cpu;
		pthread_mutex_unlock(&host_sched_lock);
		host_cpu_acquire(t);
		return 0;
	}
	int err = 0;
	pthread_mutex_lock(&host_sched_lock);
	if (task_state(t) == TASK_BLOCKED)
		t->cpu = cpu;
	else
		err = -EBUSY;
	pthread_mutex_unlock(&host_sched_lock);
	return err;
}

static void task_init(struct task *t, const char *name, unsigned cpu)
{
	pthread_condattr_t attr;

	snprintk(t->name, sizeof(t->name), "%s", name);
	t->id = (u64)atomic_long_add_return(&next_task_id, 1);
	t->state = TASK_RUNNING;
	t->cpu = cpu;
	t->pinned = true;
	t->migrate_to = -1;
	list_init(&t->run_link);
	list_init(&t->sleep_link);
	init_completion(&t->exited);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->ctx.wake, &attr);
	pthread_condattr_destroy(&attr);
}

/* The end of a task: its CPU leaves its mm (as the kernel's switch away
 * would) before kthread_join can drop the mm. */
static void host_task_finish(struct task *t, int code)
{
	t->exit_code = code;
	mm_switch_to(NULL);
	set_current_state(TASK_DEAD);
	host_cpu_release(t);
	complete_all(&t->exited);
}

__noreturn void task_exit(int code)
{
	struct task *me = current;
	ASSERT(me->joinable);
	host_task_finish(me, code);
	pthread_exit(NULL);
}

static void *host_task_main(void *arg)
{
	struct task *t = arg;

	host_current = t;
	host_irq_flag = 1;
	host_cpu_acquire(t);
	host_task_finish(t, t->fn(t->arg));
	return NULL;
}

struct task *kthread_create_on_cpu(int (*fn)(void *arg), void *arg, unsigned cpu, const char *name)
{
	return kthread_create_in_mm(fn, arg, cpu, name, NULL);
}

static struct task *kthread_create_task(int (*fn)(void *arg), void *arg, unsigned cpu,
					const char *name, struct mm *mm, bool pinned)
{
	if (cpu >= NR_CPUS_MAX || !cpu_is_online(cpu)) {
		pr_warn("sched: cannot start %s on cpu %u: cpu offline\n", name, cpu);
		return NULL;
	}
	struct task *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	task_init(t, name, cpu);
	t->pinned = pinned;
	t->fn = fn;
	t->arg = arg;
	t->joinable = true;
	t->mm = mm;
	if (mm)
		mm_get(mm);
	atomic_long_inc(&nr_tasks);
	sched_tasks_add(t);
	if (pthread_create(&t->ctx.thread, NULL, host_task_main, t) != 0) {
		perror("host: pthread_create");
		exit(2);
	}
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
	pthread_join(t->ctx.thread, NULL);
	int code = t->exit_code;
	if (t->mm)
		mm_put(t->mm);
	sched_tasks_del(t);
	pthread_cond_destroy(&t->ctx.wake);
	free(t);
	atomic_long_dec(&nr_tasks);
	return code;
}

/* The host "tick": every millisecond, an idle CPU (token free) passes a
 * quiescent state. Holding the CPU's lock keeps a task from taking the
 * token, and so from starting a read-side section, during the report. */
static void *host_tick_thread(void *arg)
{
	for (;;) {
		usleep(1000);
		for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
			if (!cpu_is_online(cpu))
				continue;
			struct host_cpu *c = &host_cpus[cpu];
			pthread_mutex_lock(&c->lock);
			if (!c->owner)
				rcu_report_qs(cpu);
			pthread_mutex_unlock(&c->lock);
		}
	}
	return NULL;
}

void sched_init(void)
{
	pthread_t tick;

	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		pthread_mutex_init(&host_cpus[cpu].lock, NULL);
		pthread_cond_init(&host_cpus[cpu].cond, NULL);
	}
	task_init(&boot_task, "boot", 0);
	host_current = &boot_task;
	host_cpu_acquire(&boot_task);
	if (pthread_create(&tick, NULL, host_tick_thread, NULL) != 0) {
		perror("host: pthread_create");
		exit(2);
	}
	pthread_detach(tick);
	rcu_init();
}

void sched_start_secondary(unsigned cpu)
{
	panic("sched: host CPUs have no bring-up (cpu %u)", cpu);
}
