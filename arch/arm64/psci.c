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
		return -1; /* PSCI_RET_NOT_SUPPORTED */
	return (long)x0;
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/*
 * SYS_EXIT on AArch64 takes a parameter block {reason, subcode}; with
 * ApplicationExit, QEMU exits with subcode as its own exit status (the
 * 32-bit form cannot carry a status, hence the block). HLT #0xf000 is the
 * A64 semihosting trap.
 */
void semihosting_exit(int status)
{
	static u64 block[2];
	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = (u64)status;
	register u64 x0 __asm__("x0") = SYS_EXIT;
	register u64 x1 __asm__("x1") = (u64)block;
	__asm__ __volatile__("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	arch_halt_forever();
}

KPARAM_BOOL(semihosting, "semihosting", &semihosting_enabled,
	    "power off through Arm semihosting SYS_EXIT (QEMU -semihosting), so the exit "
	    "status reaches QEMU's exit code");
