#include <asm/cpu.h>
#include "panic.h"
#include "printk.h"
#include "atomic.h"
#include "ktest.h"
#include "smp.h"

static atomic_t panicking;

void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_disable();
	/* A second CPU panicking at once only stops; one report is readable. */
	if (atomic_add_return(&panicking, 1) > 1)
		arch_halt_forever();
	bust_spinlocks(1); /* the console lock may be held by a stopped CPU, or by us */
	smp_stop_other_cpus();
	va_start(ap, fmt);
	printk(LOG_EMERG, "\nPANIC on cpu %u: ", arch_cpu_id());
	vprintk(LOG_EMERG, fmt, ap);
	va_end(ap);
	printk(LOG_EMERG, "\n");
	arch_dump_regs_here();
	arch_backtrace(arch_frame_pointer());
	ktest_report_dying("kernel panic");
	arch_poweroff(1);
}
