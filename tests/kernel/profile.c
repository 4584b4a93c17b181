/*
 * The profiler (kernel/profile.h) charges time to the function that
 * spends it: a named function that loops for half a second gets most of
 * its CPU's samples. Kernel only: the host has no timer interrupts. The
 * test starts and stops the profiler itself, so it runs in every boot.
 */
#include <asm/cpu.h>
#include "kernel/ktest.h"
#include "kernel/profile.h"
#include "tests/test_cpus.h"

#define PROFILE_TEST_NS (500 * TEST_MS)

static void profile_test_stop(void *arg)
{
	profile_stop();
}

/*
 * Arithmetic, with a look at the clock only every 100,000 turns, so that
 * nearly every sample lands in this function itself. noclone: a clone
 * would have another name and address than the one the test looks up.
 */
static __attribute__((noinline, noclone)) u64 profile_test_busy_loop(u64 ns)
{
	u64 end = arch_time_ns() + ns, x = 1;
	do {
		for (unsigned i = 0; i < 100000; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			__asm__ __volatile__("" : "+r"(x));
		}
	} while (arch_time_ns() < end);
	return x;
}

KTEST(profile, a_busy_loop_gets_most_of_its_cpus_samples)
{
	unsigned cpu = arch_cpu_id();
	u64 busy0, idle0, busy1, idle1;

	profile_start();
	KT_ASSERT(t, ktest_defer(t, profile_test_stop, NULL));
	u64 before = profile_hits((unsigned long)profile_test_busy_loop);
	profile_cpu_samples(cpu, &busy0, &idle0);
	profile_test_busy_loop(PROFILE_TEST_NS);
	u64 hits = profile_hits((unsigned long)profile_test_busy_loop) - before;
	profile_cpu_samples(cpu, &busy1, &idle1);
	ktest_diag(t, "cpu %u: %lu samples in profile_test_busy_loop of %lu busy, %lu idle", cpu,
		   (unsigned long)hits, (unsigned long)(busy1 - busy0),
		   (unsigned long)(idle1 - idle0));
	/* 50 ticks at 100 Hz in half a second; TCG on a busy host delivered
	 * 20 of them. A handful is enough to rank. */
	KT_EXPECT(t, hits >= 5);
	KT_EXPECT(t, hits * 2 > busy1 - busy0);
}
