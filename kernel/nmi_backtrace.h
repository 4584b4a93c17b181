/*
 * trigger_all_cpu_backtrace(): every other online CPU prints where it is,
 * even with interrupts off, through a non-maskable interrupt
 * (kernel/nmi_backtrace.c). For reports of a stuck machine: the hung-task
 * watchdog, and a test that wants to see it. The console is in oops mode
 * (bust_spinlocks) meanwhile. Kernel only: the host has no NMIs.
 */
#ifndef KERNEL_NMI_BACKTRACE_H
#define KERNEL_NMI_BACKTRACE_H

#include "types.h"

/* Waits up to 2 s for the answers, names the CPUs that did not answer and
 * returns how many did. */
unsigned trigger_all_cpu_backtrace(void);

#endif
