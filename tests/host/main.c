/*
 * The host test program: the same ktest cases as the kernel, built against
 * arch/host under ASan and UBSan. Usage: swaplab-host-tests [GLOB]
 * (default "*"). Exit status 0 when every case passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/stats.h"

void host_time_init(void);
void host_set_cpus(unsigned n);
void host_platform_init(void);

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";

	host_time_init();
	host_set_cpus(4);
	host_platform_init();
	int failed = ktest_run(glob);
	stats_print();
	return failed == 0 ? 0 : 1;
}
