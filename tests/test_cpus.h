/* Helpers for tests that spread threads over the online CPUs. */
#ifndef TESTS_TEST_CPUS_H
#define TESTS_TEST_CPUS_H

#include "kernel/percpu.h"

/* The n-th online CPU, wrapping around. */
static inline unsigned test_nth_cpu(unsigned n)
{
	unsigned seen = 0, cpu;
	n %= nr_cpus_online;
	for_each_online_cpu (cpu) {
		if (seen++ == n)
			return cpu;
	}
	return 0;
}

/* An online CPU other than this one, or this one when it is alone. */
static inline unsigned test_other_cpu(void)
{
	unsigned cpu, me = arch_cpu_id();
	for_each_online_cpu (cpu) {
		if (cpu != me)
			return cpu;
	}
	return me;
}

#define TEST_SEC 1000000000ull
#define TEST_MS 1000000ull

#endif
