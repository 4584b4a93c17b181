/* The demo's sizing (tests/demo_plan.h) on the machines it must run on. */
#include "demo_plan.h"
#include "kernel/ktest.h"

#define MIB(x) ((unsigned long)(x) * ((1ul << 20) / PAGE_SIZE))

/* Everything the run holds at once fits in 7/8 of half the RAM plus swap. */
static bool demo_plan_fits(unsigned long n, unsigned long ram, unsigned long swap_free)
{
	return (n + n / 16) <= (ram / 2 + swap_free) / 8 * 7;
}

/* make run: 64 MiB of RAM (about 55 free), a 512 MiB disk: 4x the RAM. */
KTEST(demo_plan, make_run_writes_four_times_the_ram)
{
	unsigned long ram = demo_ram_pages(MIB(55), MIB(2));
	KT_EXPECT_EQ(t, demo_hold_pages(MIB(55), MIB(2)), 0);
	unsigned long n = demo_working_set(ram, MIB(512));
	KT_EXPECT_EQ(t, n, 4 * ram / DEMO_ROUND_PAGES * DEMO_ROUND_PAGES);
	KT_EXPECT(t, demo_plan_fits(n, ram, MIB(512)));
	KT_EXPECT_EQ(t, n % (4 * 16), 0);
}

/* Issue 11: a user's own 64 MiB mkswap image with 64 MiB of RAM. The old
 * demo wrote 243 MiB and filled swap; now the working set fits, and it
 * is still well past the RAM. */
KTEST(demo_plan, small_swap_image_shrinks_the_working_set_to_fit)
{
	unsigned long ram = demo_ram_pages(MIB(55), MIB(2));
	unsigned long n = demo_working_set(ram, MIB(64) - 1);
	KT_EXPECT(t, n > 0);
	KT_EXPECT(t, n < 4 * ram);
	KT_EXPECT(t, n >= ram + ram / 4);
	KT_EXPECT(t, demo_plan_fits(n, ram, MIB(64) - 1));
}

/* A swap device too small to hold what does not fit in RAM: skip. */
KTEST(demo_plan, tiny_swap_gives_no_working_set)
{
	unsigned long ram = demo_ram_pages(MIB(55), MIB(2));
	KT_EXPECT_EQ(t, demo_working_set(ram, MIB(4)), 0);
	KT_EXPECT_EQ(t, demo_working_set(ram, 0), 0);
	KT_EXPECT_EQ(t, demo_working_set(0, MIB(512)), 0);
	KT_EXPECT_EQ(t, demo_ram_pages(MIB(1), MIB(2)), 0);
}

/* No disk (a real PC booted from the ISO): the demo makes a ramswap out
 * of the same RAM. The working set must exceed the RAM left (2x) and fit
 * in that RAM plus the device, at 48 MiB, 128 MiB and (capped) 4 GiB. */
KTEST(demo_plan, ramswap_from_ram_leaves_twice_the_ram_to_swap)
{
	static const unsigned long free_mib[] = { 38, 55, 118, 4000 };
	for (unsigned i = 0; i < sizeof(free_mib) / sizeof(free_mib[0]); i++) {
		unsigned long free = MIB(free_mib[i]), reserve = MIB(2);
		free -= demo_hold_pages(free, reserve);
		KT_EXPECT(t, free <= reserve + DEMO_RAM_MAX_PAGES);
		unsigned long dev = demo_ramswap_pages(free, reserve);
		KT_EXPECT(t, dev > 0);
		KT_EXPECT_EQ(t, dev % MIB(2), 0);
		free -= dev;
		unsigned long ram = demo_ram_pages(free, reserve);
		unsigned long n = demo_working_set(ram, dev - 1); /* page 0: the header */
		KT_EXPECT(t, n >= 2 * ram);
		KT_EXPECT(t, demo_plan_fits(n, ram, dev - 1));
	}
}

/* 4 GiB: everything above 64 MiB is held, so the working set is capped
 * at 4 x 64 MiB and the run takes as long as make run's. */
KTEST(demo_plan, large_ram_is_held_and_the_working_set_capped)
{
	unsigned long free = MIB(4000), reserve = MIB(16);
	unsigned long hold = demo_hold_pages(free, reserve);
	KT_EXPECT_EQ(t, free - hold, reserve + DEMO_RAM_MAX_PAGES);
	unsigned long ram = demo_ram_pages(free - hold, reserve);
	unsigned long n = demo_working_set(ram, MIB(512));
	KT_EXPECT(t, n <= 4 * DEMO_RAM_MAX_PAGES);
	KT_EXPECT(t, n >= 3 * DEMO_RAM_MAX_PAGES);
}
