/*
 * Firmware calls: PSCI (Arm DEN 0022) through the conduit the device tree's
 * /psci "method" names (hvc for QEMU virt at EL1, smc when QEMU emulates
 * EL2 and PSCI lives at EL3), and Arm semihosting's SYS_EXIT for test
 * runs under QEMU's -semihosting.
 */
#include <asm/cpu.h>
#include "arm64.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "trap.h"

#define PSCI_SYSTEM_OFF 0x84000008

bool semihosting_enabled;

long psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	if (platform.psci == PSCI_HVC)
		__asm__ __volatile__("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
	else if (platform.psci == PSCI_SMC)
		__asm__ __volatile__("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
	else
		return PSCI_RET_NOT_SUPPORTED;
	return (long)x0;
}

/*
 * A PSCI call through a conduit the device tree has not named: plain
 * functions (x0 in and out; x1..x17 are the caller's to lose, as SMCCC
 * 1.0 allows) whose first instruction trap.c recognises when it is
 * undefined, so "nobody there" comes back as NOT_SUPPORTED, not a panic.
 */
long psci_blind_hvc(u64 fn);
long psci_blind_smc(u64 fn);
long semihosting_hlt(u64 op, u64 param);
__asm__(".pushsection .text, \"ax\"\n"
	".global psci_blind_hvc, psci_blind_smc\n"
	"psci_blind_hvc:\n\thvc #0\n\tret\n"
	"psci_blind_smc:\n\tsmc #0\n\tret\n"
	".popsection");

bool psci_fixup_undefined(struct trap_frame *f)
{
	if (f->elr != (u64)psci_blind_hvc && f->elr != (u64)psci_blind_smc &&
	    f->elr != (u64)semihosting_hlt)
		return false;
	f->x[0] = (u64)PSCI_RET_NOT_SUPPORTED;
	f->elr += 4;
	return true;
}

static u64 id_aa64pfr0(void)
{
	u64 v;
	__asm__ __volatile__("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	return v;
}

/*
 * SYSTEM_OFF before the device tree has been read (a missing or bad tree,
 * a panic in early boot): the conduit is unknown, and a wrong guess can
 * hang where a halt would at least leave the message readable. An HVC or
 * SMC is tried only where whatever answers is known to be harmless:
 *   - HVC when the loader entered us at EL1: it goes to a hypervisor at
 *     EL2 (KVM, Xen: SMCCC says an unknown call returns NOT_SUPPORTED),
 *     to QEMU's own PSCI (virt without virtualization=on), or, with no
 *     EL2 or HVC disabled (HCR_EL2.HCE = 0), it is an undefined
 *     instruction that traps to our own vectors (psci_fixup_undefined).
 *   - SMC when the CPU has no EL3 (ID_AA64PFR0_EL1.EL3 = 0): QEMU's PSCI
 *     (virt with virtualization=on) or an undefined instruction, as above.
 * Never an HVC when we came in at EL2 (it would enter EL2 through the
 * vectors the loader left there, if any) nor an SMC to a real EL3, whose
 * firmware may have no handler (the Raspberry Pi 3's armstub has none).
 */
static const char *psci_system_off_blind(void)
{
	bool el3 = (id_aa64pfr0() >> 12) & 0xf;
	bool tried = false;

	if (platform.entry_el == 1) {
		psci_blind_hvc(PSCI_SYSTEM_OFF);
		tried = true;
	}
	if (!el3) {
		psci_blind_smc(PSCI_SYSTEM_OFF);
		tried = true;
	}
	return tried ? "PSCI SYSTEM_OFF through an HVC or SMC guessed before the device tree was "
		       "read found no firmware"
		     : "no PSCI conduit known before the device tree was read, and no safe one to "
		       "guess at EL2 with EL3 present";
}

const char *psci_system_off(void)
{
	switch (platform.psci) {
	case PSCI_UNKNOWN:
		return psci_system_off_blind();
	case PSCI_NONE:
		return "the device tree has no /psci node (or an unknown method), so no PSCI "
		       "SYSTEM_OFF";
	default:
		psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
		return "PSCI SYSTEM_OFF returned";
	}
}

#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/*
 * SYS_EXIT on AArch64 takes a parameter block {reason, subcode}; with
 * ApplicationExit, QEMU exits with subcode as its own exit status (the
 * 32-bit form cannot carry a status, hence the block). HLT #0xf000 is the
 * A64 semihosting trap: without a debugger or QEMU's -semihosting behind
 * it, an undefined instruction, which psci_fixup_undefined turns into a
 * return, so the caller goes on to PSCI.
 */
long semihosting_hlt(u64 op, u64 param);
__asm__(".pushsection .text, \"ax\"\n"
	".global semihosting_hlt\n"
	"semihosting_hlt:\n\thlt #0xf000\n\tret\n"
	".popsection");

void semihosting_exit(int status)
{
	static u64 block[2];
	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = (u64)status;
	semihosting_hlt(SYS_EXIT, (u64)block);
	printk(LOG_EMERG, "semihosting: SYS_EXIT trapped as an undefined instruction (QEMU "
			  "without -semihosting?); powering off through PSCI\n");
}

KPARAM_BOOL(semihosting, "semihosting", &semihosting_enabled,
	    "power off through Arm semihosting SYS_EXIT (QEMU -semihosting), so the exit "
	    "status reaches QEMU's exit code");
