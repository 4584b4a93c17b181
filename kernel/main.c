/*
 * start_kernel(): the boot sequence every arch shares. By the time it runs
 * the arch has a console, trap handling and a clock. We parse the command
 * line, set up physical memory, bring up the other CPUs and the scheduler,
 * then run either the tests named by ktest= or the default job, print the
 * counters and power off with a status that says pass or fail.
 */
#include <asm/cpu.h>
#include "main.h"
#include "cmdline.h"
#include "hung_task.h"
#include "fault_inject.h"
#include "ktest.h"
#include "lock_stat.h"
#include "printk.h"
#include "profile.h"
#include "race.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"
#include "stats.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "drivers/drivers.h"

void debug_crash_if_asked(void);

static u64 boot_us;
static u64 read_boot_us(void)
{
	return boot_us;
}
DEFINE_STAT_FN(boot_us, read_boot_us);

static u64 loglevel = LOG_INFO;
KPARAM_U64(loglevel, "loglevel", &loglevel, 0, 7,
	   "console messages up to this level (0..7, 6=info)");

static void print_memory_map(const struct bootinfo *bi)
{
	pr_info("boot: loaded by %s%s%s\n", bi->loader, *bi->loader_name ? ", " : "",
		bi->loader_name);
	pr_info("boot: memory map:\n");
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		pr_info("boot:   %016lx-%016lx %s\n", (unsigned long)r->base,
			(unsigned long)(r->base + r->len - 1), boot_mem_type_name(r->type));
	}
	for (unsigned i = 0; i < bi->nr_reserved; i++)
		pr_info("boot:   reserved %016lx-%016lx %s\n", (unsigned long)bi->reserved[i].start,
			(unsigned long)bi->reserved[i].end - 1, bi->reserved[i].what);
}

void kernel_poweroff(int status)
{
	stats_print();
	race_print_stats();
	pr_info("swaplab: powering off (%s)\n", status == 0 ? "success" : "failure");
	arch_poweroff(status);
}

/* make run: the self-check, then the swap demo (tests/kernel/demo.c). */
static int default_job(void)
{
	page_alloc_dump();
	return ktest_run("smoke.*,demo.*");
}

/* Where every AP ends up after its arch bring-up: its boot context becomes
 * its idle task, which runs the kernel threads queued on it. */
void secondary_cpu_main(unsigned cpu)
{
	sched_start_secondary(cpu);
}

void start_kernel(struct bootinfo *bi)
{
	pr_info("swaplab (" ARCH_NAME ") booting\n");
	if (cmdline_parse(bi->cmdline) != 0 || mm_check_design_switches() != 0) {
		pr_err("swaplab: bad command line '%s'; powering off\n", bi->cmdline);
		kernel_poweroff(2);
	}
	console_loglevel = (int)loglevel;
	pr_info("swaplab: command line '%s'\n", bi->cmdline);
	print_memory_map(bi);
	if (page_alloc_init(bi) != 0)
		kernel_poweroff(2);
	spinlock_choose(); /* while this is the only CPU */
	/* Before smp_init: each AP enters the scheduler as soon as it is up. */
	sched_init();
	smp_init();
	if (hung_task_start())
		pr_warn("hung: no memory for the hung-task watchdog\n");
	if (kswapd_start())
		pr_warn("mm: no memory for kswapd; reclaim runs in allocating tasks only\n");
	if (drivers_init() != 0) {
		pr_err("swaplab: bad command line '%s'; powering off\n", bi->cmdline);
		kernel_poweroff(2);
	}

	debug_crash_if_asked();
	fault_inject_start();
	boot_us = arch_time_ns() / 1000;
	profile_boot_start();
	lock_stat_boot_start();
	int failed = ktest_glob ? ktest_run(ktest_glob) : default_job();
	lock_stat_boot_end();
	profile_boot_end();
	if (swap_boot_end() != 0)
		failed++;
	kernel_poweroff(failed == 0 ? 0 : 1);
}
