/*
 * The default job's self-check (`make run`): quick, and meaningful on every
 * boot. Every online CPU answers a cross-call, allocates and frees pages at
 * the same time as the others, runs a kernel thread, and an RCU grace
 * period completes across all of them.
 */
#include "kernel/atomic.h"
#include "kernel/completion.h"
#include "kernel/ktest.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "test_cpus.h"

static void note_cpu(void *arg)
{
	atomic_long_t *seen = arg;
	__atomic_fetch_or(&seen->v, 1l << arch_cpu_id(), __ATOMIC_SEQ_CST);
}

KTEST(smoke, every_cpu_answers_a_cross_call)
{
	atomic_long_t seen = ATOMIC_INIT(0);
	smp_call_on_cpus(cpu_online_mask, note_cpu, &seen);
	KT_EXPECT_EQ(t, (unsigned long)atomic_long_read(&seen), cpu_online_mask);
	ktest_diag(t, "%u CPUs answered", nr_cpus_online);
}

#define SMOKE_BLOCKS 48

struct alloc_run {
	atomic_long_t bad;  /* pattern mismatches or failed allocations */
	atomic_long_t done; /* CPUs that finished */
};

/* Each CPU holds up to SMOKE_BLOCKS blocks of orders 0..3 at once, each
 * filled with a pattern naming the CPU and block, checked before free. */
static void alloc_on_this_cpu(void *arg)
{
	struct alloc_run *run = arg;
	struct page *held[SMOKE_BLOCKS];
	unsigned cpu = arch_cpu_id();

	for (unsigned i = 0; i < SMOKE_BLOCKS; i++) {
		unsigned order = i % 4;
		held[i] = alloc_pages(GFP_KERNEL, order);
		if (!held[i]) {
			atomic_long_inc(&run->bad);
			continue;
		}
		memset(page_address(held[i]), (int)(cpu * 64 + i), PAGE_SIZE << order);
	}
	for (unsigned i = 0; i < SMOKE_BLOCKS; i++) {
		if (!held[i])
			continue;
		unsigned order = i % 4;
		const u8 *p = page_address(held[i]);
		for (unsigned long b = 0; b < (PAGE_SIZE << order); b += 512)
			if (p[b] != (u8)(cpu * 64 + i)) {
				atomic_long_inc(&run->bad);
				break;
			}
		free_pages(held[i], order);
	}
	atomic_long_inc(&run->done);
}

KTEST(smoke, every_cpu_allocates_pages_concurrently)
{
	struct alloc_run run = { ATOMIC_INIT(0), ATOMIC_INIT(0) };
	page_alloc_drain_all();
	unsigned long before = nr_free_pages();
	smp_call_on_cpus(cpu_online_mask, alloc_on_this_cpu, &run);
	page_alloc_drain_all();
	KT_EXPECT_EQ(t, atomic_long_read(&run.done), nr_cpus_online);
	KT_EXPECT_EQ(t, atomic_long_read(&run.bad), 0);
	KT_EXPECT_EQ(t, nr_free_pages(), before);
	KT_EXPECT_EQ(t, page_alloc_verify(), 0);
}

static int report_cpu(void *arg)
{
	return (int)arch_cpu_id() + 1000 * (arg != NULL);
}

KTEST(smoke, kthread_on_every_cpu)
{
	unsigned cpu;
	for_each_online_cpu (cpu) {
		struct task *task = kthread_create_on_cpu(report_cpu, NULL, cpu, "smoke");
		KT_ASSERT(t, task != NULL);
		KT_EXPECT_EQ(t, kthread_join(task), cpu);
	}
}

struct rcu_probe {
	struct rcu_head head;
	struct completion done;
};

static void rcu_probe_done(struct rcu_head *head)
{
	complete(&container_of(head, struct rcu_probe, head)->done);
}

KTEST(smoke, rcu_grace_period_completes)
{
	struct rcu_probe probe;
	u64 before = rcu_completed_grace_periods();
	init_completion(&probe.done);
	call_rcu(&probe.head, rcu_probe_done);
	KT_ASSERT_EQ(t, wait_for_completion_timeout(&probe.done, 5 * TEST_SEC), 0);
	KT_EXPECT(t, rcu_completed_grace_periods() > before);
}
