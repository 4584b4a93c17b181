/*
 * How spinlocks wait (see spinlock.h): ticket order on real hardware,
 * test-and-set under a hypervisor, chosen once at boot before the other
 * CPUs start. spinlock=ticket|tas|auto on the command line overrides it.
 */
#include <asm/cpu.h>
#include "cmdline.h"
#include "errno.h"
#include "printk.h"
#include "spinlock.h"
#include "string.h"

bool spin_lock_test_and_set;

static enum { SPIN_AUTO, SPIN_TICKET, SPIN_TAS } spin_mode;

static int spin_mode_parse(const char *val, size_t len)
{
	if (len == 4 && memcmp(val, "auto", 4) == 0)
		spin_mode = SPIN_AUTO;
	else if (len == 6 && memcmp(val, "ticket", 6) == 0)
		spin_mode = SPIN_TICKET;
	else if (len == 3 && memcmp(val, "tas", 3) == 0)
		spin_mode = SPIN_TAS;
	else
		return -EINVAL;
	return 0;
}
KPARAM_FN(spinlock, "spinlock", spin_mode_parse,
	  "ticket (fair), tas (test-and-set), or auto: tas under a hypervisor (default)");

void spinlock_choose(void)
{
	bool virt = arch_cpu_is_virtual();
	spin_lock_test_and_set = spin_mode == SPIN_TAS || (spin_mode == SPIN_AUTO && virt);
	pr_info("smp: spinlocks %s (%s%s)\n", spin_lock_test_and_set ? "test-and-set" : "ticket",
		spin_mode == SPIN_AUTO ? "spinlock=auto, " : "spinlock= on the command line, ",
		virt ? "hypervisor present" : "no hypervisor");
}
