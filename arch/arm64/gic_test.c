/*
 * arm64gic.*: the asm/irq.h path a driver takes (slot, handler, route an
 * SPI to a CPU), driven without a device: the GIC's set-pending register
 * raises the SPI as a device would, and the handler must run on the
 * routed CPU, once per raise, with the EOI done (it can fire again).
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include "arm64.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "tests/test_cpus.h"
#include "tests/test_kit.h"

struct spi_hits {
	unsigned count;
	unsigned cpu;
};

static void count_spi(void *arg)
{
	struct spi_hits *h = arg;
	__atomic_store_n(&h->cpu, arch_cpu_id(), __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->count, 1, __ATOMIC_RELEASE);
}

static bool wait_hits(struct spi_hits *h, unsigned want)
{
	u64 end = arch_time_ns() + 1000000000ull;
	while (__atomic_load_n(&h->count, __ATOMIC_ACQUIRE) < want) {
		if (arch_time_ns() > end)
			return false;
		yield();
	}
	return true;
}

/* The Raspberry Pi 3 has no GIC (bcm2836_intc.c; its tests: arm64bcm.*). */
static bool require_gic(struct ktest *t)
{
	if (platform.irqchip == IRQCHIP_GIC)
		return true;
	ktest_skip(t, "no GIC on this machine (BCM2836 local interrupt controller)");
	return false;
}

/* One slot for both tests: slots are never freed. */
static int spi_slot = -1;
static struct spi_hits hits;

static void route_and_raise(struct ktest *t, unsigned cpu, bool level)
{
	unsigned intid = gic_last_spi();
	if (spi_slot < 0) {
		spi_slot = arch_irq_alloc_vector();
		KT_ASSERT(t, spi_slot >= 0);
		arch_irq_set_handler((unsigned)spi_slot, count_spi, &hits);
	}
	struct arch_irq_line line = { intid, level, false };
	KT_ASSERT_EQ(t, arch_irq_route(&line, cpu, (unsigned)spi_slot), 0);
	unsigned before = __atomic_load_n(&hits.count, __ATOMIC_ACQUIRE);
	for (unsigned i = 1; i <= 3; i++) {
		gic_raise_spi(intid);
		KT_EXPECT(t, wait_hits(&hits, before + i));
	}
	/* Exactly once each: acknowledging clears a software-set pending
	 * state, level-triggered included (no interrupt storm). */
	arch_udelay(20000);
	KT_EXPECT_EQ(t, __atomic_load_n(&hits.count, __ATOMIC_ACQUIRE), before + 3);
	KT_EXPECT_EQ(t, __atomic_load_n(&hits.cpu, __ATOMIC_RELAXED), cpu);
}

KTEST(arm64gic, routed_spi_reaches_its_handler_here)
{
	if (!require_gic(t))
		return;
	route_and_raise(t, arch_cpu_id(), false);
	route_and_raise(t, arch_cpu_id(), true);
}

KTEST(arm64gic, routed_spi_reaches_its_handler_on_another_cpu)
{
	if (!require_gic(t) || !test_require_cpus(t, 2))
		return;
	route_and_raise(t, test_other_cpu(), false);
}

KTEST(arm64gic, bad_routes_are_refused)
{
	if (!require_gic(t))
		return;
	struct arch_irq_line ppi = { 27, true, false }, past = { gic_last_spi() + 1, true, false };
	KT_EXPECT_EQ(t, arch_irq_route(&ppi, 0, 0), -ENODEV);
	KT_EXPECT_EQ(t, arch_irq_route(&past, 0, 0), -ENODEV);
	u64 addr;
	u32 data;
	KT_EXPECT_EQ(t, arch_msi_message(0, 0, &addr, &data), -ENODEV);
}
