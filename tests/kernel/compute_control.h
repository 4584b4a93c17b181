/*
 * The compute control of the scaling runs (tests/kernel/compute_control.c):
 * lock-free CPU work on as many tasks as the workload, timed, to show how
 * much parallelism the host gives in this boot.
 */
#ifndef TESTS_KERNEL_COMPUTE_CONTROL_H
#define TESTS_KERNEL_COMPUTE_CONTROL_H

#include "kernel/ktest.h"

/* When scaling.control_mib= is given: run the control now and print
 * "scaling: compute control WHEN: ... in N ms". Its wall time in ns; 0
 * when not asked, or when it could not run (the test then failed). */
u64 compute_control_run(struct ktest *t, const char *when);

#endif
