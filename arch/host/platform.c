/*
 * Host platform set-up: what the kernel's start_kernel does before tests,
 * done for the host program (physical arena, allocator). Grows as
 * subsystems arrive.
 */
#include "kernel/sched.h"

void host_platform_init(void)
{
	sched_init();
}
