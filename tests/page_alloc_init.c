/*
 * page_alloc.init_*: the boot-time region processing, run on crafted boot
 * memory maps (mm/memmap.c and page_alloc_place_mem_map()) without
 * touching the live allocator.
 */
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/memmap.h"
#include "mm/page_alloc.h"

#define MiB (1ul << 20)
#define GiB (1ul << 30)
#define NO_LIMIT (~(phys_addr_t)0)

static struct bootinfo tbi;
static struct memmap tm;

static void bi_reset(void)
{
	memset(&tbi, 0, sizeof(tbi));
	memset(&tm, 0, sizeof(tm));
}

static void bi_mem(u64 base, u64 len, u32 type)
{
	tbi.mem[tbi.nr_mem++] = (struct boot_mem_region){ base, len, type };
}

static void bi_res(u64 start, u64 end)
{
	bootinfo_reserve(&tbi, start, end, "test");
}

static bool range_is(unsigned i, phys_addr_t start, phys_addr_t end)
{
	return i < tm.nr && tm.range[i].start == start && tm.range[i].end == end;
}

KTEST(page_alloc, init_no_usable_ram_above_1mib_is_enomem)
{
	ktest_diag(t, "three 'mm: no usable RAM' errors are expected below");
	bi_reset();
	KT_EXPECT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), -ENOMEM); /* empty map */

	bi_reset();
	bi_mem(0, 0x9fc00, BOOT_MEM_USABLE);
	bi_mem(0x100000, 64 * MiB, BOOT_MEM_RESERVED);
	KT_EXPECT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), -ENOMEM);

	bi_reset(); /* usable above 1 MiB, but all of it reserved */
	bi_mem(0, 2 * MiB, BOOT_MEM_USABLE);
	bi_res(MiB, 2 * MiB);
	KT_EXPECT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), -ENOMEM);

	bi_reset(); /* one page above 1 MiB is enough to pass this check */
	bi_mem(0, MiB + PAGE_SIZE, BOOT_MEM_USABLE);
	KT_EXPECT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
}

KTEST(page_alloc, init_unsorted_overlapping_regions_merge)
{
	bi_reset();
	bi_mem(16 * MiB, 16 * MiB, BOOT_MEM_USABLE);
	bi_mem(MiB, 7 * MiB, BOOT_MEM_USABLE);
	bi_mem(64 * MiB, 16 * MiB, BOOT_MEM_USABLE);
	bi_mem(4 * MiB, 8 * MiB, BOOT_MEM_USABLE);  /* overlaps the second */
	bi_mem(12 * MiB, 4 * MiB, BOOT_MEM_USABLE); /* touches both sides */
	bi_mem(70 * MiB, 2 * MiB, BOOT_MEM_USABLE); /* inside the third */
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, tm.nr, 2);
	KT_EXPECT(t, range_is(0, MiB, 32 * MiB));
	KT_EXPECT(t, range_is(1, 64 * MiB, 80 * MiB));
	KT_EXPECT_EQ(t, memmap_nr_pages(&tm), (31 + 16) * MiB / PAGE_SIZE);
	KT_EXPECT_EQ(t, memmap_end_pfn(&tm), 80 * MiB / PAGE_SIZE);
}

KTEST(page_alloc, init_reserved_ranges_are_punched_out)
{
	bi_reset();
	bi_mem(MiB, 63 * MiB, BOOT_MEM_USABLE);
	bi_res(MiB, 2 * MiB);	    /* at the start */
	bi_res(10 * MiB, 11 * MiB); /* in the middle: splits the range */
	bi_res(63 * MiB, 70 * MiB); /* past the end */
	bi_res(30 * MiB, 40 * MiB);
	bi_res(35 * MiB, 45 * MiB); /* overlapping another reserved range */
	bi_res(20 * MiB, 20 * MiB); /* empty: ignored */
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, tm.nr, 3);
	KT_EXPECT(t, range_is(0, 2 * MiB, 10 * MiB));
	KT_EXPECT(t, range_is(1, 11 * MiB, 30 * MiB));
	KT_EXPECT(t, range_is(2, 45 * MiB, 63 * MiB));
}

KTEST(page_alloc, init_non_usable_regions_win_over_usable)
{
	bi_reset();
	bi_mem(MiB, 63 * MiB, BOOT_MEM_USABLE);
	bi_mem(8 * MiB, MiB, BOOT_MEM_RESERVED);
	bi_mem(60 * MiB, 10 * MiB, BOOT_MEM_ACPI_RECLAIMABLE);
	bi_mem(30 * MiB, MiB, BOOT_MEM_BAD);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, tm.nr, 3);
	KT_EXPECT(t, range_is(0, MiB, 8 * MiB));
	KT_EXPECT(t, range_is(1, 9 * MiB, 30 * MiB));
	KT_EXPECT(t, range_is(2, 31 * MiB, 60 * MiB));
}

KTEST(page_alloc, init_zero_length_and_wrapping_regions)
{
	bi_reset();
	bi_mem(5 * MiB, 0, BOOT_MEM_USABLE);
	bi_mem(MiB, 2 * MiB, BOOT_MEM_USABLE);
	bi_mem(0, 0, BOOT_MEM_USABLE);
	bi_mem(2 * MiB, 0, BOOT_MEM_RESERVED); /* zero-length reserved: punches nothing */
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, tm.nr, 1);
	KT_EXPECT(t, range_is(0, MiB, 3 * MiB));

	bi_reset(); /* base + len wraps past 2^64: clipped, not wrapped */
	bi_mem(MiB, ~0ull, BOOT_MEM_USABLE);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, 4 * GiB), 0);
	KT_EXPECT_EQ(t, tm.nr, 1);
	KT_EXPECT(t, range_is(0, MiB, 4 * GiB));
}

KTEST(page_alloc, init_unaligned_regions_trimmed_to_pages)
{
	bi_reset();
	bi_mem(MiB + 100, 2 * MiB + 3900, BOOT_MEM_USABLE); /* ends at 3 MiB + 4000 */
	bi_res(2 * MiB + 1, 2 * MiB + 2);		    /* takes its whole page */
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, tm.nr, 2);
	KT_EXPECT(t, range_is(0, MiB + PAGE_SIZE, 2 * MiB));
	KT_EXPECT(t, range_is(1, 2 * MiB + PAGE_SIZE, 3 * MiB));
	for (unsigned i = 0; i < tm.nr; i++) {
		KT_EXPECT_EQ(t, tm.range[i].start % PAGE_SIZE, 0);
		KT_EXPECT_EQ(t, tm.range[i].end % PAGE_SIZE, 0);
	}
}

KTEST(page_alloc, init_ram_beyond_the_direct_map_limit_is_dropped)
{
	bi_reset();
	bi_mem(MiB, 2 * GiB - MiB, BOOT_MEM_USABLE);
	bi_mem(4 * GiB, 4 * GiB, BOOT_MEM_USABLE);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, 6 * GiB), 0);
	KT_EXPECT_EQ(t, tm.nr, 2);
	KT_EXPECT(t, range_is(1, 4 * GiB, 6 * GiB));
	KT_EXPECT_EQ(t, memmap_end_pfn(&tm), 6 * GiB / PAGE_SIZE);
}

/* mem=: the lowest bytes of usable RAM stay, reservations not counted. */
KTEST(page_alloc, init_mem_limit_keeps_the_lowest_ram)
{
	bi_reset();
	bi_mem(0, GiB, BOOT_MEM_USABLE);
	bi_mem(2 * GiB, GiB, BOOT_MEM_USABLE);
	bi_res(0, 2 * MiB);
	bi_res(8 * MiB, 10 * MiB);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, memmap_limit(&tm, 256 * MiB + 123), GiB - 4 * MiB - 256 * MiB + GiB);
	KT_EXPECT_EQ(t, tm.nr, 2);
	KT_EXPECT(t, range_is(0, 2 * MiB, 8 * MiB));
	KT_EXPECT(t, range_is(1, 10 * MiB, 260 * MiB));
	KT_EXPECT_EQ(t, memmap_nr_pages(&tm), 256 * MiB / PAGE_SIZE);
	/* More than there is: nothing dropped. */
	KT_EXPECT_EQ(t, memmap_limit(&tm, 4 * GiB), 0);
	KT_EXPECT_EQ(t, tm.nr, 2);
}

KTEST(page_alloc, init_mem_map_placed_first_fit_above_1mib)
{
	bi_reset();
	bi_mem(0, 0x9f000, BOOT_MEM_USABLE);
	bi_mem(MiB, MiB, BOOT_MEM_USABLE);
	bi_mem(16 * MiB, 496 * MiB, BOOT_MEM_USABLE);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	pfn_t npfn = memmap_end_pfn(&tm);
	size_t bytes = ALIGN_UP(npfn * sizeof(struct page), PAGE_SIZE);
	unsigned long pages_before = memmap_nr_pages(&tm);
	phys_addr_t pa = 0;

	KT_ASSERT(t, bytes > MiB); /* too big for the 1 MiB range */
	KT_EXPECT_EQ(t, page_alloc_place_mem_map(&tm, npfn, NO_LIMIT, &pa), 0);
	KT_EXPECT_EQ(t, pa, 16 * MiB);
	KT_EXPECT_EQ(t, memmap_nr_pages(&tm), pages_before - bytes / PAGE_SIZE);
	KT_EXPECT(t, range_is(2, 16 * MiB + bytes, 512 * MiB));

	/* Small early allocations skip the RAM below 1 MiB. */
	KT_EXPECT_EQ(t, memmap_early_alloc(&tm, 100, NO_LIMIT), MiB);
	KT_EXPECT_EQ(t, memmap_early_alloc(&tm, PAGE_SIZE, NO_LIMIT), MiB + PAGE_SIZE);
	KT_EXPECT(t, range_is(0, 0, 0x9f000));
	/* Nothing fits below the limit: 0. */
	KT_EXPECT_EQ(t, memmap_early_alloc(&tm, 4 * MiB, 8 * MiB), 0);
}

KTEST(page_alloc, init_too_little_ram_for_mem_map_is_enomem)
{
	phys_addr_t pa = 1;

	ktest_diag(t, "two 'mm: ... cannot continue' errors are expected below");

	bi_reset(); /* the page array fits, but leaves fewer than the minimum */
	bi_mem(MiB, (PAGE_ALLOC_MIN_PAGES - 1) * PAGE_SIZE + PAGE_SIZE, BOOT_MEM_USABLE);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, page_alloc_place_mem_map(&tm, memmap_end_pfn(&tm), NO_LIMIT, &pa), -ENOMEM);

	bi_reset(); /* a sparse map: the array for 64 GiB of pfns fits nowhere */
	bi_mem(MiB, 8 * MiB, BOOT_MEM_USABLE);
	bi_mem(64 * GiB - 8 * MiB, 8 * MiB, BOOT_MEM_USABLE);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, page_alloc_place_mem_map(&tm, memmap_end_pfn(&tm), NO_LIMIT, &pa), -ENOMEM);
	KT_EXPECT_EQ(t, pa, 0);

	bi_reset(); /* and with enough RAM it succeeds */
	bi_mem(MiB, 8 * MiB, BOOT_MEM_USABLE);
	KT_ASSERT_EQ(t, memmap_build(&tm, &tbi, NO_LIMIT), 0);
	KT_EXPECT_EQ(t, page_alloc_place_mem_map(&tm, memmap_end_pfn(&tm), NO_LIMIT, &pa), 0);
	KT_EXPECT_EQ(t, pa, MiB);
}
