/*
 * Fault injection, after Linux's lib/fault-inject.c: a struct fault_attr
 * per injection site says how often the site should fail, and the site
 * asks should_fail(attr, size) before doing the real work. A site that
 * is told to fail behaves as if the real thing had failed (an allocation
 * returns NULL, a swap I/O completes with -EIO through the device's
 * completion path), so the error handling under test is the one real
 * failures exercise.
 *
 * Sites (each "fail.NAME=" on the command line, see fault_attr_parse):
 *   fail_page_alloc   alloc_pages (mm/page_alloc.c)
 *   fail_kmalloc      kmalloc (mm/kmalloc.c)
 *   fail_swap_read    swap_read_folio and the bypass read (mm/page_io.c,
 *                     mm/swap_in.c)
 *   fail_swap_write   swap_writepage (mm/page_io.c)
 *   fail_swap_alloc   folio_alloc_swap (mm/swap_alloc.c): "swap is full"
 *
 * Decisions are a pure function of the seed and the number of the call
 * among those that passed the filters (no shared PRNG state to lock), so
 * a run with the same seed and the same sequence of calls fails the same
 * calls. On one CPU that replays a run; on several the order in which
 * CPUs reach a site may differ from run to run.
 *
 * Locking: the configuration is written before the attribute is enabled
 * (command line, or a test while nothing else uses it) and only read
 * afterwards; the counters are atomics. should_fail takes no lock and may
 * be called anywhere, under spinlocks and in interrupt handlers.
 */
#ifndef KERNEL_FAULT_INJECT_H
#define KERNEL_FAULT_INJECT_H

#include "atomic.h"
#include "task.h"
#include "types.h"

#define FAULT_PPM 1000000u /* probability unit: per million */

struct fault_attr {
	const char *name; /* "swap_read": key fail.swap_read, stats fail_swap_read_* */
	bool gfp_options; /* accepts min_order= and ignore_reclaim= (allocators) */
	/* Configuration: written before enabled is set, read-only after. */
	u32 probability;	  /* per million of the eligible calls; 0: never */
	u64 interval;		  /* only every interval-th eligible call may fail (>= 1) */
	long times;		  /* at most this many failures; -1: unlimited */
	int cpu;		  /* only calls on this CPU; -1: any */
	char task[TASK_NAME_LEN]; /* only calls from tasks whose name matches this
				   * glob; "": any */
	u64 seed;		  /* the decisions' random seed */
	u64 space;		  /* let this many bytes (size) through first */
	unsigned verbose;	  /* 1: a line for every failure injected */
	unsigned min_order;	  /* allocators: smaller orders never fail */
	bool ignore_reclaim;	  /* allocators: those that may reclaim never fail */
	bool configured;	  /* the command line (or a test) set it up */
	/* State (atomics). */
	bool enabled; /* atomic: should_fail looks further */
	atomic_long_t times_left;
	atomic_long_t space_left;
	atomic_long_t calls;	/* eligible calls: enabled and past the filters */
	atomic_long_t injected; /* failures injected */
};

extern struct fault_attr fail_page_alloc;
extern struct fault_attr fail_kmalloc;
extern struct fault_attr fail_swap_read;
extern struct fault_attr fail_swap_write;
extern struct fault_attr fail_swap_alloc;

bool should_fail_slow(struct fault_attr *attr, size_t size);

/* Should this call fail? size is what the call is about (bytes), for
 * space=. One load and a not-taken branch while the attribute is off. */
static inline bool should_fail(struct fault_attr *attr, size_t size)
{
	if (!__atomic_load_n(&attr->enabled, __ATOMIC_ACQUIRE))
		return false;
	return should_fail_slow(attr, size);
}

/* The allocators' question: also honours min_order= and ignore_reclaim=
 * (reclaim: the allocation may reclaim, __GFP_RECLAIM). */
bool should_fail_alloc(struct fault_attr *attr, unsigned order, bool may_reclaim, size_t size);

/*
 * Parse "probability=5,interval=1,times=100,cpu=1,task=stress*,seed=42"
 * into attr (resetting what is not given: probability 100, interval 1,
 * times -1, any CPU, any task, seed 1, space 0, verbose 0) and mark it
 * configured; it is not enabled yet. 0, or -EINVAL after printing why.
 * An empty string or "0" configures nothing (the attribute stays off).
 */
int fault_attr_parse(struct fault_attr *attr, const char *s, size_t len);
/* Reset the counters and turn a configured attribute on / any off. */
void fault_attr_enable(struct fault_attr *attr);
void fault_attr_disable(struct fault_attr *attr);
/* Tests: parse and enable at once (0 or -EINVAL). */
int fault_attr_set(struct fault_attr *attr, const char *s);
u64 fault_attr_calls(const struct fault_attr *attr);
u64 fault_attr_injected(const struct fault_attr *attr);

/* The end of the boot (start_kernel, before the tests or the default
 * job): every attribute the command line configured goes on, and is
 * printed. Nothing fails before: the boot's own allocations have no
 * one to report to. */
void fault_inject_start(void);

#endif
