/*
 * arm64bcm.*: the Raspberry Pi 3's ARM local interrupt controller and its
 * spin-table CPU start (bcm2836_intc.c, spin_table.c), on QEMU raspi3b.
 * Each checks what the hardware did, not what we asked: interrupts counted
 * per core by the interrupt entry, the CPU a call ran on, the release
 * words in memory. They skip on a GIC machine.
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "arm64.h"
#include "boot.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "tests/test_kit.h"

static bool require_bcm2836(struct ktest *t)
{
	if (platform.irqchip == IRQCHIP_BCM2836)
		return true;
	ktest_skip(t, "not a BCM2836 machine (QEMU raspi3b)");
	return false;
}

static void sleep_ms(unsigned ms)
{
	u64 end = arch_time_ns() + (u64)ms * 1000000;
	while (arch_time_ns() < end)
		yield();
}

/* The tick reaches each core through its own timer line, the virtual
 * timer's (line 3) and no other. */
KTEST(arm64bcm, every_cpu_takes_its_own_timer_interrupts)
{
	if (!require_bcm2836(t))
		return;
	u64 before[NR_CPUS_MAX] = { 0 };
	unsigned n = nr_cpus_online;
	for (unsigned cpu = 0; cpu < n; cpu++) {
		KT_EXPECT_EQ(t, bcm2836_intc_timer_lines(cpu), 1u << (platform.timer_intid - 16));
		before[cpu] = __atomic_load_n(&bcm2836_timer_irqs[bcm2836_intc_core(cpu)],
					      __ATOMIC_RELAXED);
	}
	sleep_ms(200); /* 20 ticks at 100 Hz */
	for (unsigned cpu = 0; cpu < n; cpu++) {
		u64 now = __atomic_load_n(&bcm2836_timer_irqs[bcm2836_intc_core(cpu)],
					  __ATOMIC_RELAXED);
		KT_EXPECT(t, now >= before[cpu] + 5);
	}
}

struct ran_on {
	unsigned cpu;
	unsigned calls;
};

static void note_cpu(void *arg)
{
	struct ran_on *r = arg;
	r->cpu = arch_cpu_id();
	__atomic_fetch_add(&r->calls, 1, __ATOMIC_RELEASE);
}

/* A cross-call to each other CPU arrives as a mailbox-0 interrupt on that
 * CPU's core and runs there. */
KTEST(arm64bcm, mailbox_ipi_runs_the_call_on_each_cpu)
{
	if (!require_bcm2836(t) || !test_require_cpus(t, 2))
		return;
	unsigned self = arch_cpu_id(); /* smp_call_on_cpus may move us: skip the CPU we began on */
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++) {
		if (cpu == self)
			continue;
		unsigned core = bcm2836_intc_core(cpu);
		u64 before = __atomic_load_n(&bcm2836_ipi_irqs[core], __ATOMIC_RELAXED);
		struct ran_on r = { ~0u, 0 };
		smp_call_on_cpus(cpu_mask_of(cpu), note_cpu, &r);
		KT_EXPECT_EQ(t, __atomic_load_n(&r.calls, __ATOMIC_ACQUIRE), 1);
		KT_EXPECT_EQ(t, r.cpu, cpu);
		KT_EXPECT(t, __atomic_load_n(&bcm2836_ipi_irqs[core], __ATOMIC_RELAXED) > before);
	}
}

/* Every CPU of the tree came up through its spin table: one online CPU
 * per /cpus entry (less any start smp.c gave up on: smp.late_cpu), each
 * on its own core, and each release word holds the physical address of a
 * start slot's entry in spin_table_entries (what the parked CPU jumped
 * to), a different slot for each CPU, whose first instruction loads that
 * slot's number (movz x0, #slot). */
KTEST(arm64bcm, spin_table_started_every_cpu_of_the_tree)
{
	if (!require_bcm2836(t))
		return;
	KT_EXPECT_EQ(t, nr_cpus_online + smp_cpus_abandoned, platform.nr_cpus);
	unsigned cores_seen = 0, released = 0, slots_seen = 0;
	const u32 *entries = (const u32 *)spin_table_entries;
	u64 entries_phys = virt_to_phys(spin_table_entries);
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++) {
		KT_EXPECT(t, !(cores_seen & (1u << bcm2836_intc_core(cpu))));
		cores_seen |= 1u << bcm2836_intc_core(cpu);
	}
	for (unsigned i = 0; i < platform.nr_cpus; i++) {
		u64 addr = platform.cpus[i].release_addr;
		if (!addr || (platform.cpus[i].mpidr & 0xff) == bcm2836_intc_core(0))
			continue; /* the boot CPU was not released by us */
		u64 word = *(const volatile u64 *)phys_to_virt(addr);
		u64 slot = (word - entries_phys) / 8;
		if (!KT_EXPECT(t, word > entries_phys && (word - entries_phys) % 8 == 0 &&
					  slot < NR_START_SLOTS && !(slots_seen & (1u << slot))))
			continue;
		slots_seen |= 1u << slot;
		KT_EXPECT_EQ(t, entries[2 * slot], 0xd2800000u | (u32)slot << 5);
		released++;
	}
	KT_EXPECT_EQ(t, released, platform.nr_cpus - 1);
}
