/*
 * arm64psci.*: the firmware interface the CPUs were started through
 * (Arm DEN 0022), asked directly: its version, every CPU of the tree on
 * (AFFINITY_INFO), and CPU_ON refused for a CPU that is already on or
 * does not exist. QEMU virt's PSCI is 1.0 (0.2 at least everywhere we
 * boot: the 64-bit CPU_ON we use needs it).
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "arm64.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "tests/test_kit.h"

#define PSCI_VERSION 0x84000000
#define PSCI_CPU_ON_64 0xc4000003
#define PSCI_AFFINITY_INFO_64 0xc4000004
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_ALREADY_ON (-4)
#define AFFINITY_ON 0

static bool test_require_psci(struct ktest *t)
{
	if (platform.psci == PSCI_HVC || platform.psci == PSCI_SMC)
		return true;
	ktest_skip(t, "no PSCI in the device tree");
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
	KT_EXPECT_EQ(t, platform.nr_cpus, nr_cpus_online);
	for (unsigned i = 0; i < platform.nr_cpus; i++)
		KT_EXPECT_EQ(t, psci_call(PSCI_AFFINITY_INFO_64, platform.cpus[i].mpidr, 0, 0),
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
		KT_EXPECT_EQ(t, psci_call(PSCI_CPU_ON_64, platform.cpus[i].mpidr, entry, 0),
			     PSCI_RET_ALREADY_ON);
	/* Aff2 = 0xfe: no QEMU virt has that many clusters. */
	KT_EXPECT_EQ(t, psci_call(PSCI_CPU_ON_64, 0xfe0000, entry, 0), PSCI_RET_INVALID_PARAMETERS);
}
