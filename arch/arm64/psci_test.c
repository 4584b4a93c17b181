/*
 * arm64psci.*: the firmware interface the CPUs were started through
 * (Arm DEN 0022), asked directly: its version, every CPU of the tree on
 * (AFFINITY_INFO), and CPU_ON refused for a CPU that is already on or
 * does not exist; a CPU that arrives after it was given up on is parked
 * (smp.late_cpu). QEMU virt's PSCI is 1.0 (0.2 at least everywhere we
 * boot: the 64-bit CPU_ON we use needs it).
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "arm64.h"
#include "kernel/ktest.h"
#include "kernel/atomic.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "tests/test_kit.h"

#define PSCI_VERSION 0x84000000
#define PSCI_CPU_ON_64 0xc4000003
#define PSCI_AFFINITY_INFO_64 0xc4000004
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_ALREADY_ON (-4)
#define AFFINITY_ON 0
#define AFFINITY_OFF 1

static bool test_require_psci(struct ktest *t)
{
	if (platform.psci == PSCI_HVC || platform.psci == PSCI_SMC)
		return true;
	ktest_skip(t, "no PSCI in the device tree");
	return false;
}

/* A CPU smp.c gave up on is ON until it arrives, then OFF (it powers
 * itself off): either, so it is left out of the every-CPU check. */
static bool mpidr_was_abandoned(u64 mpidr)
{
	for (unsigned i = 0; i < smp_cpus_abandoned; i++)
		if (smp_abandoned_mpidr[i] == mpidr)
			return true;
	return false;
}

KTEST(arm64psci, version_is_0_2_or_later)
{
	if (!test_require_psci(t))
		return;
	long v = psci_call(PSCI_VERSION, 0, 0, 0);
	KT_EXPECT(t, v >= 2); /* major << 16 | minor: 0.2 at least, not an error */
	KT_EXPECT(t, (v >> 16) <= 1);
}

KTEST(arm64psci, every_cpu_of_the_tree_is_on)
{
	if (!test_require_psci(t))
		return;
	KT_EXPECT_EQ(t, platform.nr_cpus, nr_cpus_online + smp_cpus_abandoned);
	for (unsigned i = 0; i < platform.nr_cpus; i++)
		if (!mpidr_was_abandoned(platform.cpus[i].mpidr))
			KT_EXPECT_EQ(t,
				     psci_call(PSCI_AFFINITY_INFO_64, platform.cpus[i].mpidr, 0, 0),
				     AFFINITY_ON);
}

/* An entry point that only halts, should the firmware start a CPU after
 * all: it runs at its physical address with the MMU off. */
KTEST(arm64psci, cpu_on_of_a_running_or_missing_cpu_is_refused)
{
	if (!test_require_psci(t))
		return;
	u64 entry = virt_to_phys((void *)arch_halt_forever);
	for (unsigned i = 0; i < platform.nr_cpus; i++)
		if (!mpidr_was_abandoned(platform.cpus[i].mpidr)) /* that one may be off */
			KT_EXPECT_EQ(t, psci_call(PSCI_CPU_ON_64, platform.cpus[i].mpidr, entry, 0),
				     PSCI_RET_ALREADY_ON);
	/* Aff2 = 0xfe: no QEMU virt has that many clusters. */
	KT_EXPECT_EQ(t, psci_call(PSCI_CPU_ON_64, 0xfe0000, entry, 0), PSCI_RET_INVALID_PARAMETERS);
}

static void note_cpu(void *arg)
{
	__atomic_or_fetch((unsigned long *)arg, cpu_mask_of(arch_cpu_id()), __ATOMIC_SEQ_CST);
}

/*
 * smp.late_cpu=N (bad-input.t boots it on 3 CPUs; by PSCI or, on the
 * Raspberry Pi, by spin table): the N-th CPU started arrives 1.5 s after
 * CPU_ON, half a second after smp.c gave up on it and gave its number to
 * the next CPU. It must park (its slot abandoned), not run as that CPU:
 * the boot went on with one CPU fewer than the tree, every online CPU,
 * the one that took the late CPU's number included, answers a
 * cross-call, and with PSCI the late CPU powers itself off. Without the
 * slots the late CPU would come up on the other CPU's stack with its
 * number: nothing parks, and the two corrupt each other (a deadlock
 * panic, seen).
 */
KTEST(arm64psci, a_late_cpu_is_parked)
{
	if (!smp_late_cpu) {
		ktest_skip(t, "smp.late_cpu is not given");
		return;
	}
	if (smp_late_cpu >= platform.nr_cpus) {
		ktest_skip(t, "smp.late_cpu names no start: the device tree has fewer CPUs");
		return;
	}
	u64 end = arch_time_ns() + 5000000000ull;
	while (atomic_read(&smp_cpus_parked_late) == 0 && arch_time_ns() < end)
		arch_udelay(1000);
	KT_EXPECT_EQ(t, atomic_read(&smp_cpus_parked_late), 1);
	KT_ASSERT_EQ(t, smp_cpus_abandoned, 1u);
	KT_EXPECT_EQ(t, nr_cpus_online, platform.nr_cpus - 1);
	unsigned long seen = 0, all = (1ul << nr_cpus_online) - 1;
	smp_call_on_cpus(all, note_cpu, &seen);
	KT_EXPECT_EQ(t, __atomic_load_n(&seen, __ATOMIC_SEQ_CST), all);
	if (platform.psci != PSCI_HVC && platform.psci != PSCI_SMC)
		return; /* the Pi: parked in WFI, nothing to ask */
	long state;
	end = arch_time_ns() + 1000000000ull;
	while ((state = psci_call(PSCI_AFFINITY_INFO_64, smp_abandoned_mpidr[0], 0, 0)) !=
		       AFFINITY_OFF &&
	       arch_time_ns() < end)
		arch_udelay(1000);
	KT_EXPECT_EQ(t, state, AFFINITY_OFF);
}
