/*
 * Time, power-off and stack dumps on arm64.
 *
 * Time is the generic timer's virtual counter (CNTVCT_EL0, at CNTFRQ_EL0
 * Hz; EL2 set CNTVOFF to 0 if we came through it). arch_time_ns() counts
 * from kernel entry, like x86-64's TSC clock.
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "arm64.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"

static u64 cnt_at_entry;
static u64 cnt_freq = 62500000; /* until read: QEMU's usual value */
static u64 ns_mult;		/* ns = ticks * ns_mult >> 32 */

u64 arm64_counter(void)
{
	u64 v;
	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

u64 arm64_counter_freq(void)
{
	return cnt_freq;
}

void time_init(void)
{
	u64 f;
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
	if (f)
		cnt_freq = f;
	ns_mult = (1000000000ull << 32) / cnt_freq;
	cnt_at_entry = arm64_counter();
}

u64 arch_time_ns(void)
{
	u64 ticks = arm64_counter() - cnt_at_entry;
	return (u64)(((unsigned __int128)ticks * ns_mult) >> 32);
}

void arch_udelay(u64 us)
{
	u64 end = arm64_counter() + us * cnt_freq / 1000000;
	while (arm64_counter() < end)
		arch_cpu_relax();
}

/*
 * The verdict leaves three ways: a console line (always; qemu-run.sh reads
 * it when nothing else can carry the status), semihosting SYS_EXIT with
 * the status as QEMU's exit code (semihosting=1: QEMU ran with
 * -semihosting), and PSCI SYSTEM_OFF (QEMU exits 0, boards power off).
 * Without PSCI (no /psci, or an early stop with no conduit safe to guess:
 * psci.c) the CPU halts after a "swaplab: halted" line saying why.
 */
void arch_poweroff(int status)
{
	arch_irq_disable();
	printk(LOG_EMERG, "swaplab: exit status %d\n", status);
	/* Without QEMU's -semihosting the HLT is an undefined instruction
	 * (trap.c returns from it) and PSCI follows. Once only all the same. */
	if (__atomic_exchange_n(&semihosting_enabled, false, __ATOMIC_SEQ_CST))
		semihosting_exit(status);
	const char *why = psci_system_off();
	/* The last line: qemu-run.sh stops QEMU when it sees it. */
	printk(LOG_EMERG, "swaplab: halted, not powered off: %s\n", why);
	arch_halt_forever();
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("msr daifset, #0xf\n\twfi" ::: "memory");
}

unsigned long arch_frame_pointer(void)
{
	return (unsigned long)__builtin_frame_address(0);
}

#define READ_SYSREG(r)                                                                             \
	({                                                                                         \
		u64 __v;                                                                           \
		__asm__ __volatile__("mrs %0, " #r : "=r"(__v));                                   \
		__v;                                                                               \
	})

void arch_dump_regs_here(void)
{
	unsigned long sp;
	__asm__ __volatile__("mov %0, sp" : "=r"(sp));
	printk(LOG_EMERG, "  sp %016lx x29 %016lx daif %08lx currentel %lx\n", sp,
	       arch_frame_pointer(), (unsigned long)READ_SYSREG(daif),
	       (unsigned long)READ_SYSREG(currentel) >> 2);
	printk(LOG_EMERG, "  ttbr0 %016lx ttbr1 %016lx sctlr %08lx tcr %016lx\n",
	       (unsigned long)READ_SYSREG(ttbr0_el1), (unsigned long)READ_SYSREG(ttbr1_el1),
	       (unsigned long)READ_SYSREG(sctlr_el1), (unsigned long)READ_SYSREG(tcr_el1));
	printk(LOG_EMERG, "  esr %08lx far %016lx elr %016lx\n",
	       (unsigned long)READ_SYSREG(esr_el1), (unsigned long)READ_SYSREG(far_el1),
	       (unsigned long)READ_SYSREG(elr_el1));
}

static bool is_kernel_text(unsigned long addr)
{
	extern char __image_start[], __image_end[];
	return addr >= (unsigned long)__image_start && addr < (unsigned long)__image_end;
}

#define BACKTRACE_DEPTH 32

/*
 * One step up the x29 chain: AAPCS64 frame records are {previous x29,
 * return address} (x30 saved by the callee), the same shape as x86's rbp
 * frames. The exception entry adds a record {interrupted x29, elr}, so a
 * walk passes through an exception. Stops at x29 = 0 (first frame of
 * every thread), outside [lo, hi), misaligned, or a return address
 * outside kernel text.
 */
static bool frame_step(unsigned long *fp, unsigned long lo, unsigned long hi, unsigned long *ret)
{
	unsigned long f = *fp;
	if (!f || f < lo || f >= hi || hi - f < 2 * sizeof(long) || (f & 7))
		return false;
	const unsigned long *frame = (const unsigned long *)f;
	if (!is_kernel_text(frame[1]))
		return false;
	*ret = frame[1];
	*fp = frame[0];
	return true;
}

/* Named after the call instruction (ret - 4): a call that never returns
 * (panic) may be the last instruction of its function, and ret then
 * already lies in the next one. */
static void backtrace_line(int level, unsigned long ret)
{
	unsigned long off = 0;
	const char *name = ksym_lookup(ret - 4, &off);
	printk(level, "    [<%016lx>] %s+%#lx\n", ret, name, off + 4);
}

void arch_backtrace(unsigned long fp)
{
	unsigned long ret;

	printk(LOG_EMERG, "  backtrace:\n");
	for (int depth = 0; depth < BACKTRACE_DEPTH && frame_step(&fp, PHYS_MAP_BASE, ~0ul, &ret);
	     depth++)
		backtrace_line(LOG_EMERG, ret);
}

unsigned arch_stack_walk(unsigned long fp, unsigned long lo, unsigned long hi, unsigned long *pcs,
			 unsigned max)
{
	unsigned n = 0;
	while (n < max && frame_step(&fp, lo, hi, &pcs[n]))
		n++;
	return n;
}

void arch_backtrace_print(int level, const unsigned long *pcs, unsigned n)
{
	printk(level, "  backtrace:\n");
	for (unsigned i = 0; i < n; i++)
		backtrace_line(level, pcs[i]);
}

bool arch_cpu_is_virtual(void)
{
	return platform.is_virtual;
}
