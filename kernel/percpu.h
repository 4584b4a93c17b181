/*
 * Per-CPU variables: an array with one slot per possible CPU, indexed by
 * arch_cpu_id(). Each slot is cache-line aligned so CPUs do not share lines.
 * A task reading its own CPU's slot must not migrate meanwhile: hold a
 * spinlock or disable interrupts (kernel threads here are bound to a CPU).
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <asm/cpu.h>
#include "compiler.h"

#define CACHELINE 64

#define PER_CPU_TYPE(type)                                                                         \
	struct {                                                                                   \
		type val;                                                                          \
	} __aligned(CACHELINE)

#define DEFINE_PER_CPU(type, name) PER_CPU_TYPE(type) name##__percpu[NR_CPUS_MAX]
#define DECLARE_PER_CPU(type, name) extern PER_CPU_TYPE(type) name##__percpu[NR_CPUS_MAX]
/* Define a per-CPU variable whose DECLARE_PER_CPU is visible in this file
 * (two anonymous slot structs would be distinct types). */
#define DEFINE_PER_CPU_DECLARED(name) __typeof__(name##__percpu[0]) name##__percpu[NR_CPUS_MAX]
#define per_cpu(name, cpu) (name##__percpu[(cpu)].val)
#define this_cpu(name) per_cpu(name, arch_cpu_id())

/* CPUs that finished bring-up; set by the arch SMP code. */
extern unsigned nr_cpus_online;
extern unsigned long cpu_online_mask;
static inline bool cpu_is_online(unsigned cpu)
{
	return cpu_online_mask & (1ul << cpu);
}
#define for_each_online_cpu(c)                                                                     \
	for ((c) = 0; (c) < NR_CPUS_MAX; (c)++)                                                    \
		if (cpu_is_online(c))

/* The first online CPU after cpu, wrapping around; cpu itself when it is
 * the only one (Linux's cpumask_next_wrap over cpu_online_mask). */
static inline unsigned cpu_next_online(unsigned cpu)
{
	for (unsigned i = 1; i <= NR_CPUS_MAX; i++) {
		unsigned next = (cpu + i) % NR_CPUS_MAX;
		if (cpu_is_online(next))
			return next;
	}
	return cpu;
}

#endif
