/*
 * How spinlocks wait (see spinlock.h), chosen once at boot before the
 * other CPUs start: spinlock=ticket (default) or spinlock=tas.
 *
 * Test-and-set is not the default although it suits virtual CPUs better
 * (the 4-CPU demo on TCG with 2 host cores: 57 s ticket, 31 s tas): with
 * it, QEMU 7.2 TCG stopped for good in 3 of 13 one-minute stress runs,
 * every guest CPU idle or spinning and every QEMU thread waiting for its
 * global lock but one vCPU running guest code (cause not found; see the
 * session notes). Ticket locks have not shown it.
 */
#include <asm/cpu.h>
#include "cmdline.h"
#include "errno.h"
#include "printk.h"
#include "spinlock.h"
#include "string.h"

bool spin_lock_test_and_set;

static int spin_mode_parse(const char *val, size_t len)
{
	if (len == 6 && memcmp(val, "ticket", 6) == 0)
		spin_lock_test_and_set = false;
	else if (len == 3 && memcmp(val, "tas", 3) == 0)
		spin_lock_test_and_set = true;
	else
		return -EINVAL;
	return 0;
}
KPARAM_FN(spinlock, "spinlock", spin_mode_parse,
	  "ticket (fair; default) or tas (test-and-set: faster on virtual CPUs, see spinlock.c)");

void spinlock_choose(void)
{
	if (spin_lock_test_and_set)
		pr_info("smp: spinlocks test-and-set (spinlock=tas; %s)\n",
			arch_cpu_is_virtual() ? "hypervisor present" : "no hypervisor");
}
