/*
 * The sampling profiler (see profile.h): profile=1 samples every CPU from
 * the start of the boot's job (the tests or the demo) to its end and
 * prints the top functions; profile.hz=N raises the timer interrupt's
 * rate for more samples (the scheduler's tick stays at TIMER_HZ);
 * profile.top=N says how many functions the report lists.
 *
 * Each CPU counts its samples in an array indexed like the kernel's symbol
 * table (kernel/ksyms.c): the interrupt looks its address up (a binary
 * search over about 2,000 symbols) and adds one. So the report needs no
 * buffer of raw addresses, and a boot of any length fits. Functions the
 * compiler inlined count as their caller; static functions are in the
 * table too.
 */
#include <asm/cpu.h>
#include "cmdline.h"
#include "errno.h"
#include "ksyms.h"
#include "percpu.h"
#include "printk.h"
#include "profile.h"
#include "sched.h"
#include "string.h"
#include "timer.h"

/* Symbols with their own count; samples in any later one count as unknown
 * (the table has about 2,000: profile_report says if this runs short). */
#define PROFILE_MAX_SYMS 4096
#define PROFILE_HZ_MAX 1000

struct profile_cpu {
	u32 hits[PROFILE_MAX_SYMS]; /* samples per symbol index, idle task excluded */
	u64 idle;		    /* samples in this CPU's idle task */
	u64 unknown;		    /* samples outside the symbol table */
};

/* Written only by the CPU's own timer interrupt, read anywhere (relaxed). */
static DEFINE_PER_CPU(struct profile_cpu, profile_cpus);

static int profile_active;   /* starts not yet stopped; atomic */
static u64 profile_since_ns; /* when profile_active last left 0; under its 0 -> 1 */
static u64 profile_ns;	     /* time spent active in windows that ended; atomic */

static bool profile_on_boot;
KPARAM_BOOL(profile, "profile", &profile_on_boot,
	    "1: sample every CPU at each timer interrupt and print the top functions at the end "
	    "of the boot");
static u64 profile_top = 20;
KPARAM_U64(profile_top, "profile.top", &profile_top, 1, 200,
	   "functions in the profile=1 report (1..200, default 20)");
static unsigned profile_hz = PROFILE_HZ_MAX;

static int parse_profile_hz(const char *val, size_t len)
{
	u64 n;
	if (str_parse_u64(val, len, &n, false))
		return -EINVAL;
	if (n < TIMER_HZ || n > PROFILE_HZ_MAX || n % TIMER_HZ) {
		pr_err("profile: profile.hz=%lu: must be a multiple of %u from %u to %u\n",
		       (unsigned long)n, TIMER_HZ, TIMER_HZ, PROFILE_HZ_MAX);
		return -EINVAL;
	}
	profile_hz = (unsigned)n;
	return 0;
}
KPARAM_FN(profile_hz, "profile.hz", parse_profile_hz,
	  "samples per second and CPU with profile=1: a multiple of 100 from 100 to 1000 "
	  "(default 1000)");

unsigned profile_timer_hz(void)
{
	return profile_on_boot ? profile_hz : TIMER_HZ;
}

static void profile_count(u64 *counter)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/*
 * In the timer interrupt, with interrupts off: nothing else on this CPU
 * writes its counts, so a load and a store suffice (atomic only so that
 * a reader on another CPU sees whole values).
 */
void profile_tick(unsigned long pc)
{
	if (__atomic_load_n(&profile_active, __ATOMIC_RELAXED) <= 0)
		return;
	struct profile_cpu *p = &this_cpu(profile_cpus);
	if (is_idle_task(current)) {
		profile_count(&p->idle);
		return;
	}
	long i = ksym_index(pc);
	if (i < 0 || i >= PROFILE_MAX_SYMS) {
		profile_count(&p->unknown);
		return;
	}
	__atomic_store_n(&p->hits[i], __atomic_load_n(&p->hits[i], __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

void profile_start(void)
{
	if (__atomic_add_fetch(&profile_active, 1, __ATOMIC_ACQ_REL) == 1)
		__atomic_store_n(&profile_since_ns, arch_time_ns(), __ATOMIC_RELAXED);
}

void profile_stop(void)
{
	u64 since = __atomic_load_n(&profile_since_ns, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&profile_active, 1, __ATOMIC_ACQ_REL) == 0)
		__atomic_add_fetch(&profile_ns, arch_time_ns() - since, __ATOMIC_RELAXED);
}

static u64 profile_symbol_hits(unsigned long index)
{
	u64 sum = 0;
	for (unsigned cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		sum += __atomic_load_n(&per_cpu(profile_cpus, cpu).hits[index], __ATOMIC_RELAXED);
	return sum;
}

u64 profile_hits(unsigned long addr)
{
	long i = ksym_index(addr);
	return i >= 0 && i < PROFILE_MAX_SYMS ? profile_symbol_hits((unsigned long)i) : 0;
}

void profile_cpu_samples(unsigned cpu, u64 *busy, u64 *idle)
{
	const struct profile_cpu *p = &per_cpu(profile_cpus, cpu);
	u64 sum = __atomic_load_n(&p->unknown, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < PROFILE_MAX_SYMS; i++)
		sum += __atomic_load_n(&p->hits[i], __ATOMIC_RELAXED);
	*busy = sum;
	*idle = __atomic_load_n(&p->idle, __ATOMIC_RELAXED);
}

/* "12.3%" of part in whole, in tenths (the kernel has no floating point). */
static void profile_pct(char *buf, size_t size, u64 part, u64 whole)
{
	u64 tenths = whole ? (part * 1000 + whole / 2) / whole : 0;
	snprintk(buf, size, "%lu.%lu%%", (unsigned long)(tenths / 10),
		 (unsigned long)(tenths % 10));
}

/* The report's samples per symbol, all CPUs together; static, because
 * the report runs once at the end of the boot and a stack is too small. */
static u64 profile_report_hits[PROFILE_MAX_SYMS];

static unsigned long profile_nr_syms(void)
{
	return ksym_nr() < PROFILE_MAX_SYMS ? ksym_nr() : PROFILE_MAX_SYMS;
}

/*
 * Sum the CPUs' counts, then add each symbol into the first one of the
 * same name: a static inline function the compiler emitted out of line
 * in several files (spin_lock) has a copy, and a table entry, in each.
 */
static void profile_report_collect(void)
{
	unsigned long nr = profile_nr_syms();
	for (unsigned long i = 0; i < nr; i++)
		profile_report_hits[i] = profile_symbol_hits(i);
	for (unsigned long i = 0; i < nr; i++) {
		for (unsigned long j = 0; j < i && profile_report_hits[i]; j++) {
			if (profile_report_hits[j] && strcmp(ksym_name(i), ksym_name(j)) == 0) {
				profile_report_hits[j] += profile_report_hits[i];
				profile_report_hits[i] = 0;
			}
		}
	}
}

/*
 * The symbol ranked after (prev_hits, prev): most samples first, lower
 * index first among equals. Ranking by rescanning needs no memory, and
 * N scans of a few thousand symbols are nothing at the end of a boot.
 */
static long profile_next(u64 prev_hits, long prev, u64 *hits)
{
	unsigned long nr = profile_nr_syms();
	long best = -1;
	u64 best_hits = 0;
	for (unsigned long i = 0; i < nr; i++) {
		u64 h = profile_report_hits[i];
		bool after = h < prev_hits || (h == prev_hits && (long)i > prev);
		if (h && after && (best < 0 || h > best_hits)) {
			best = (long)i;
			best_hits = h;
		}
	}
	*hits = best_hits;
	return best;
}

static void profile_report_cpus(u64 *all_busy, u64 *all_idle)
{
	unsigned cpu;
	char pct[16];
	*all_busy = *all_idle = 0;
	for_each_online_cpu (cpu) {
		u64 busy, idle;
		profile_cpu_samples(cpu, &busy, &idle);
		profile_pct(pct, sizeof(pct), busy, busy + idle);
		pr_info("profile: cpu %u: %lu samples, %s busy\n", cpu,
			(unsigned long)(busy + idle), pct);
		*all_busy += busy;
		*all_idle += idle;
	}
}

void profile_report(unsigned top)
{
	u64 busy, idle, ns = __atomic_load_n(&profile_ns, __ATOMIC_RELAXED);
	char pct[16], pct_busy[16];

	if (__atomic_load_n(&profile_active, __ATOMIC_RELAXED) > 0)
		ns += arch_time_ns() - __atomic_load_n(&profile_since_ns, __ATOMIC_RELAXED);
	pr_info("profile: %u Hz per CPU for %lu ms; samples with interrupts off land where they "
		"come back on (spins on irqsave locks: see lockstat=1)\n",
		timer_interrupt_hz(), (unsigned long)(ns / 1000000));
	profile_report_cpus(&busy, &idle);
	profile_pct(pct, sizeof(pct), idle, busy + idle);
	pr_info("profile: all CPUs: %lu samples, idle %s (%lu), busy %lu\n",
		(unsigned long)(busy + idle), pct, (unsigned long)idle, (unsigned long)busy);
	if (ksym_nr() > PROFILE_MAX_SYMS)
		pr_warn("profile: %lu symbols, only the first %u counted (PROFILE_MAX_SYMS)\n",
			ksym_nr(), PROFILE_MAX_SYMS);
	pr_info("profile: top %u functions: samples, %% of busy, %% of all\n", top);
	profile_report_collect();
	u64 hits = ~0ull;
	long i = -1;
	for (unsigned rank = 1; rank <= top; rank++) {
		i = profile_next(hits, i, &hits);
		if (i < 0)
			break;
		profile_pct(pct_busy, sizeof(pct_busy), hits, busy);
		profile_pct(pct, sizeof(pct), hits, busy + idle);
		pr_info("profile: %3u %8lu %6s %6s  %s\n", rank, (unsigned long)hits, pct_busy, pct,
			ksym_name((unsigned long)i));
	}
}

void profile_boot_start(void)
{
	if (!profile_on_boot)
		return;
	pr_info("profile: sampling every CPU at %u Hz until the end of the boot\n",
		timer_interrupt_hz());
	profile_start();
}

void profile_boot_end(void)
{
	if (!profile_on_boot)
		return;
	profile_stop();
	profile_report((unsigned)profile_top);
}
