/*
 * How large the demo (tests/kernel/demo.c) makes itself, from the memory
 * and swap it finds at its start. Pure functions of page counts, so that
 * tests/demo_plan.c checks them on the host as well as in the kernel.
 *
 * The demo must swap (its working set exceeds the RAM it has), must fit
 * (the working set and the copies it makes must fit in that RAM plus the
 * free swap, or it ends in the OOM killer), and must finish quickly on
 * TCG whatever the machine (48 MiB to several GiB of RAM, a 64 MiB or a
 * 1 GiB swap image, or no disk at all).
 *
 * The steps, all in pages:
 *  1. RAM above DEMO_RAM_MAX (plus the reserve) is held by the demo for
 *     its run (demo_hold_pages): on a 4 GiB machine the demo then behaves
 *     as on a 64 MiB one, and writes at most 4 x 64 MiB.
 *  2. Without a swap device the demo makes a RAM device (ramswap) of 3/4
 *     of what is left (demo_ramswap_pages). That memory comes out of the
 *     RAM the working set could have used: with F pages free, the device
 *     takes S = 3F/4 and leaves L = F/4 of RAM; a working set that fits
 *     (step 3: about (L/2 + S) x 14/17 = 0.72F) is then near three times
 *     the RAM left (it swaps) and still fits. A smaller device would
 *     leave more RAM but, as only half the RAM counts, room for less than
 *     twice it at 48 MiB; a larger one, too little RAM for the tasks to
 *     make progress between swap-outs.
 *  3. The working set (demo_working_set): four times the RAM left, or
 *     less when that does not fit.
 */
#ifndef TESTS_DEMO_PLAN_H
#define TESTS_DEMO_PLAN_H

#include <asm/page.h>
#include "kernel/types.h"

/* At most this much RAM is left to the demo (the rest is held). */
#define DEMO_RAM_MAX_PAGES ((64ul << 20) / PAGE_SIZE)
/* Working sets are whole MiB: a multiple of 4 tasks x 16-page folios. */
#define DEMO_ROUND_PAGES ((1ul << 20) / PAGE_SIZE)

/* Pages to hold so that free pages come down to DEMO_RAM_MAX_PAGES above
 * the reserve (the allocator's high watermark: reclaim works to keep that
 * much free, so it is not the demo's). */
static inline unsigned long demo_hold_pages(unsigned long free, unsigned long reserve)
{
	return free > reserve + DEMO_RAM_MAX_PAGES ? free - reserve - DEMO_RAM_MAX_PAGES : 0;
}

/* Size of the RAM swap device made when no swap is on: 3/4 of the free
 * pages above the reserve (see step 2), in whole 2 MiB blocks (ramswap's
 * unit of allocation). */
static inline unsigned long demo_ramswap_pages(unsigned long free, unsigned long reserve)
{
	unsigned long block = (2ul << 20) / PAGE_SIZE;
	unsigned long usable = free > reserve ? free - reserve : 0;
	return usable * 3 / 4 / block * block;
}

/* RAM the working set may fill: the free pages above the reserve, less
 * 1/16 for what the run allocates besides its pages (page tables, swap
 * tables, folios under writeback, the tasks). */
static inline unsigned long demo_ram_pages(unsigned long free, unsigned long reserve)
{
	unsigned long usable = free > reserve ? free - reserve : 0;
	return usable - usable / 16;
}

/*
 * The working set for ram pages of RAM and swap_free free swap slots: 4 x
 * ram when that fits, else the largest that does; 0 when swap is too
 * small for a working set of 5/4 x ram (the demo then skips).
 *
 * Fitting: the parent writes n pages, the child copies n/16 of them (an
 * eighth of the first half), so n + n/16 pages live in RAM or in swap at
 * once. Only half the RAM counts: a page shared by parent and child that
 * one of them read back stays in the swap cache, in RAM and in its slot
 * (the other's swap PTE holds it), and with swap full such pages were
 * seen to fill half the RAM before reclaim freed them (an OOM kill at 128
 * MiB without a disk, when all of the RAM counted). Of that half plus
 * swap, 7/8: the other eighth is slack for slots not handed out (each
 * CPU's current cluster, large-folio fragmentation). So n x 17/16 <=
 * (ram/2 + swap_free) x 7/8, or n <= (ram/2 + swap_free) x 14/17.
 */
static inline unsigned long demo_working_set(unsigned long ram, unsigned long swap_free)
{
	unsigned long want = 4 * ram;
	unsigned long fit = (ram / 2 + swap_free) / 17 * 14;
	unsigned long n = (want < fit ? want : fit) / DEMO_ROUND_PAGES * DEMO_ROUND_PAGES;
	return n >= ram + ram / 4 && n > 0 ? n : 0;
}

#endif
