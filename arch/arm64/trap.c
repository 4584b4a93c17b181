/*
 * Synchronous exceptions, interrupts and SErrors on arm64 (from entry.S).
 *
 * A data or instruction abort first goes to the MMU's own bookkeeping
 * when the CPU cannot do it (no FEAT_HAFDBS: access-flag faults and
 * writes to writable-clean pages, handled in mmu.c as the hardware
 * would), then to the generic mm fault handler exactly as x86-64's page
 * fault does: FAULT_FLAG_WRITE from ESR.WnR, FAULT_FLAG_PRESENT for a
 * permission fault, FAULT_FLAG_INSTRUCTION for an instruction abort,
 * FAULT_FLAG_USER from EL0. swaplab runs no EL0 code: the kernel itself
 * touches user (TTBR0) addresses with PAN off and faults from EL1.
 * Anything else is a panic with the registers and a backtrace.
 */
#include <asm/cpu.h>
#include "arm64.h"
#include "boot.h"
#include "mmu_fault.h"
#include "trap.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/stats.h"
#include "mm/fault.h"

static DEFINE_STAT_COUNTER(page_faults);

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr)&0x1ffffff)
#define EC_UNKNOWN 0x00
#define EC_FP_SIMD 0x07
#define EC_ILLEGAL_STATE 0x0e
#define EC_SVC64 0x15
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BRK64 0x3c
#define ISS_WNR (1u << 6)
#define ISS_CM (1u << 8) /* cache maintenance: reported as a write */
#define FSC_TYPE(iss) ((iss)&0x3c)
#define FSC_TRANSLATION 0x04
#define FSC_ACCESS_FLAG 0x08
#define FSC_PERMISSION 0x0c

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case EC_UNKNOWN:
		return "undefined instruction";
	case EC_FP_SIMD:
		return "FP/SIMD access (the kernel is built -mgeneral-regs-only; CPACR_EL1 traps "
		       "it)";
	case EC_ILLEGAL_STATE:
		return "illegal execution state";
	case EC_SVC64:
		return "svc";
	case EC_IABT_LOW:
	case EC_IABT_CUR:
		return "instruction abort";
	case EC_PC_ALIGN:
		return "PC alignment fault";
	case EC_DABT_LOW:
	case EC_DABT_CUR:
		return "data abort";
	case EC_SP_ALIGN:
		return "SP alignment fault";
	case EC_SERROR:
		return "SError";
	case EC_BRK64:
		return "brk (BUG)";
	default:
		return "unexpected exception";
	}
}

void trap_dump_frame(const struct trap_frame *f)
{
	for (unsigned i = 0; i < 30; i += 3)
		printk(LOG_EMERG, "  x%-2u %016lx x%-2u %016lx x%-2u %016lx\n", i,
		       (unsigned long)f->x[i], i + 1, (unsigned long)f->x[i + 1], i + 2,
		       (unsigned long)f->x[i + 2]);
	printk(LOG_EMERG, "  x30 %016lx sp  %016lx pc  %016lx\n", (unsigned long)f->x[30],
	       (unsigned long)f->sp, (unsigned long)f->elr);
	printk(LOG_EMERG, "  spsr %08lx esr %08lx far %016lx\n", (unsigned long)f->spsr,
	       (unsigned long)f->esr, (unsigned long)f->far);
}

static __noreturn void trap_fatal(struct trap_frame *f, const char *what)
{
	unsigned long off;
	const char *sym = ksym_lookup(f->elr, &off);

	arch_irq_disable();
	printk(LOG_EMERG, "\ntrap: %s (ESR %#lx, EC %#lx) at pc %#lx (%s+%#lx) on cpu %u\n", what,
	       (unsigned long)f->esr, (unsigned long)ESR_EC(f->esr), (unsigned long)f->elr, sym,
	       off, arch_cpu_id());
	trap_dump_frame(f);
	arch_backtrace(f->x[29]);
	panic("unhandled %s at pc %#lx", what, (unsigned long)f->elr);
}

static void abort_fault(struct trap_frame *f, bool instruction, bool from_el0)
{
	unsigned iss = ESR_ISS(f->esr);
	unsigned fsc = FSC_TYPE(iss);
	unsigned long addr = f->far;
	bool write = !instruction && (iss & ISS_WNR) && !(iss & ISS_CM);
	unsigned flags = 0;

	stat_inc(page_faults);
	if (fsc != FSC_TRANSLATION && fsc != FSC_ACCESS_FLAG && fsc != FSC_PERMISSION) {
		printk(LOG_EMERG,
		       "\ntrap: %s at address %#lx, fault status %#x (not a "
		       "translation, access-flag or permission fault)\n",
		       instruction ? "instruction abort" : "data abort", addr, iss & 0x3f);
		trap_fatal(f, instruction ? "instruction abort" : "data abort");
	}
	/* What FEAT_HAFDBS would have done in hardware: no mm involved. */
	if (mmu_fault_fixup(addr, fsc == FSC_ACCESS_FLAG, fsc == FSC_PERMISSION && write))
		return;
	if (fsc == FSC_PERMISSION)
		flags |= FAULT_FLAG_PRESENT;
	if (write)
		flags |= FAULT_FLAG_WRITE;
	if (instruction)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (from_el0)
		flags |= FAULT_FLAG_USER;
	/* As on x86-64: mm may sleep, so never where interrupts were off. */
	if (f->spsr & DAIF_I) {
		printk(LOG_EMERG,
		       "\ntrap: fault at address %#lx with interrupts off, pc %#lx, cpu %u: a "
		       "kernel bug (no user access runs with interrupts off)\n",
		       addr, (unsigned long)f->elr, arch_cpu_id());
		trap_fatal(f, "data abort");
	}
	arch_irq_enable();
	int err = mm_handle_page_fault(addr, flags, f->elr);
	arch_irq_disable();
	if (err == 0)
		return;
	printk(LOG_EMERG, "\ntrap: page fault at address %#lx (%s, %s fault), pc %#lx, cpu %u\n",
	       addr,
	       write	     ? "write"
	       : instruction ? "fetch"
			     : "read",
	       fsc == FSC_TRANSLATION	? "translation"
	       : fsc == FSC_ACCESS_FLAG ? "access-flag"
					: "permission",
	       (unsigned long)f->elr, arch_cpu_id());
	trap_fatal(f, "page fault");
}

static void sync_exception(struct trap_frame *f, bool from_el0)
{
	unsigned ec = ESR_EC(f->esr);

	switch (ec) {
	case EC_DABT_LOW:
	case EC_DABT_CUR:
		abort_fault(f, false, from_el0);
		return;
	case EC_IABT_LOW:
	case EC_IABT_CUR:
		abort_fault(f, true, from_el0);
		return;
	case EC_UNKNOWN:
		if (psci_fixup_undefined(f))
			return;
		trap_fatal(f, ec_name(ec));
	default:
		trap_fatal(f, ec_name(ec));
	}
}

void trap_dispatch(struct trap_frame *f, unsigned long kind)
{
	unsigned type = kind & 3;

	if (kind & (TRAP_FROM_SP0 | TRAP_FROM_AARCH32)) {
		trap_fatal(f, kind & TRAP_FROM_SP0 ? "exception taken on SP_EL0 (not expected)"
						   : "exception from AArch32 (not expected)");
	}
	switch (type) {
	case TRAP_SYNC:
		sync_exception(f, kind & TRAP_FROM_EL0);
		return;
	case TRAP_IRQ:
		gic_handle_irq(f);
		return;
	case TRAP_FIQ:
		trap_fatal(f, "FIQ (not used)");
	default:
		trap_fatal(f, "SError");
	}
}

extern char vectors[];

/* VBAR_EL1 (boot.S set it on the boot CPU; secondaries get it here) and
 * CPACR_EL1.FPEN = 0: FP/SIMD traps, so a stray use (nothing saves FP
 * registers on a switch or an exception) is a clear panic, not silent
 * corruption of another thread's registers. */
void trap_init_cpu(void)
{
	__asm__ __volatile__("msr vbar_el1, %0\n\t"
			     "msr cpacr_el1, xzr\n\t"
			     "isb" ::"r"(vectors)
			     : "memory");
}
