/*
 * Kernel only: the compute control of the multi-CPU scaling runs
 * (tools/scaling.sh, make scaling; issue 14).
 *
 * The demo and the swap benchmark are timed on 1, 2 and 4 CPUs, but a
 * QEMU vCPU is a host thread: on a host with 2 cores, shared with other
 * work, 4 vCPUs cannot run 4 times as fast as 1, and how fast they can
 * run changes from one minute to the next. So each scaling boot first
 * runs this control: the same number of tasks as the workload, on the
 * same CPUs, doing CPU work only. Each task hashes a private 256 KiB
 * buffer (it stays in the caches: no memory traffic to share) over and
 * over, scaling.control_mib MiB in all split among the tasks (the same
 * work whatever their number), taking no lock and touching no shared data, so the only thing that
 * can slow it on more CPUs is the host. Its speedup from 1 to n CPUs is the parallelism the host
 * really gave, and a workload's speedup is reported as a fraction of it: 1.0 is perfect scaling on
 * this host, whatever the host.
 *
 * The demo and the swap benchmark run it before and after their work
 * (compute_control_run), so a host whose load changes during the boot
 * shows it, and tools/scaling.sh takes the mean of the two; the test
 * scaling.compute_control runs it alone. Every task hashes the same
 * bytes, so all hashes must agree (a control that computed nothing would
 * be fast). Nothing runs unless scaling.control_mib is given: it is not
 * for make test's boots.
 */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "mm/page_alloc.h"
#include "tests/kernel/compute_control.h"
#include "tests/test_cpus.h"
#include "tests/test_kit.h"

#define CONTROL_MAX_TASKS 16
#define CONTROL_BUF_ORDER 6 /* 256 KiB per task */
#define CONTROL_BUF_WORDS ((PAGE_SIZE << CONTROL_BUF_ORDER) / sizeof(u64))

static u64 control_mib;
KPARAM_U64(scaling_control_mib, "scaling.control_mib", &control_mib, 0, 1 << 20,
	   "scaling runs' compute control: MiB hashed, split among its tasks (0: skip it)");
static u64 control_tasks = 4;
KPARAM_U64(scaling_control_tasks, "scaling.control_tasks", &control_tasks, 1, CONTROL_MAX_TASKS,
	   "scaling runs' compute control: tasks, spread over the CPUs as the demo's are");

struct control_job {
	u64 *buf;
	u64 rounds; /* passes over the buffer */
	u64 hash;
};

/* FNV-1a over 64-bit words: a multiply per word, no memory but the buffer. */
static int control_hash(void *arg)
{
	struct control_job *j = arg;
	u64 h = 0xcbf29ce484222325ull;
	for (u64 r = 0; r < j->rounds; r++) {
		for (unsigned long i = 0; i < CONTROL_BUF_WORDS; i++)
			h = (h ^ j->buf[i]) * 0x100000001b3ull;
		yield();
	}
	j->hash = h;
	return 0;
}

/* Each task's private buffer, filled with the same pattern. */
static bool control_alloc(struct control_job *jobs, unsigned n, u64 rounds)
{
	for (unsigned i = 0; i < n; i++) {
		jobs[i].buf = alloc_pages_va(GFP_KERNEL | __GFP_NOWARN, CONTROL_BUF_ORDER);
		if (!jobs[i].buf)
			return false;
		for (unsigned long w = 0; w < CONTROL_BUF_WORDS; w++)
			jobs[i].buf[w] = w * 0x9e3779b97f4a7c15ull;
		jobs[i].rounds = rounds;
	}
	return true;
}

/* Run the tasks, task i on the i-th CPU (wrapping, as the demo places its
 * tasks); the wall time in ns, or 0 when a task could not start. */
static u64 control_run(struct control_job *jobs, unsigned n)
{
	struct task *tasks[CONTROL_MAX_TASKS];
	u64 t0 = arch_time_ns();
	bool ok = true;
	for (unsigned i = 0; i < n; i++) {
		tasks[i] =
			kthread_create_on_cpu(control_hash, &jobs[i], test_nth_cpu(i), "control");
		ok = ok && tasks[i];
	}
	for (unsigned i = 0; i < n; i++)
		if (tasks[i])
			kthread_join(tasks[i]);
	return ok ? arch_time_ns() - t0 : 0;
}

u64 compute_control_run(struct ktest *t, const char *when)
{
	if (!control_mib)
		return 0;
	unsigned n = (unsigned)control_tasks;
	u64 rounds = control_mib * (1ull << 20) / (PAGE_SIZE << CONTROL_BUF_ORDER) / n;
	struct control_job jobs[CONTROL_MAX_TASKS] = { 0 };
	u64 ns = 0;
	if (KT_EXPECT(t, control_alloc(jobs, n, rounds))) {
		ns = control_run(jobs, n);
		KT_EXPECT(t, ns > 0);
		for (unsigned i = 1; i < n; i++)
			KT_EXPECT_EQ(t, jobs[i].hash, jobs[0].hash);
		u64 ms = ns / 1000000 ? ns / 1000000 : 1;
		u64 mib = rounds * n * (PAGE_SIZE << CONTROL_BUF_ORDER) >> 20;
		pr_info("scaling: compute control %s: %u tasks on %u CPUs hashed %lu MiB in all in "
			"%lu ms (%lu MiB/s)\n",
			when, n, nr_cpus_online, (unsigned long)mib, (unsigned long)ms,
			(unsigned long)(mib * 1000 / ms));
	}
	for (unsigned i = 0; i < n; i++)
		if (jobs[i].buf)
			free_pages_va(jobs[i].buf, CONTROL_BUF_ORDER);
	return ns;
}

KTEST(scaling, compute_control)
{
	if (!control_mib) {
		ktest_skip(t, "scaling.control_mib= not given (make scaling runs it)");
		return;
	}
	compute_control_run(t, "alone");
}
