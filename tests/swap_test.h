/*
 * Helpers for the swap tests: a RAM device with a fresh mkswap header
 * (optionally with bad pages), switched on. RAM devices are never freed,
 * so each name is created once and reused; make them before taking a
 * free-page baseline.
 */
#ifndef TESTS_SWAP_TEST_H
#define TESTS_SWAP_TEST_H

#include "drivers/ramswap.h"
#include "drivers/swap_header.h"
#include "kernel/errno.h"
#include "kernel/rcu.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "mm/swap.h"
#include "mm/swap_cluster.h"

/* Test devices go before the boot's swap device (priority 0), so that
 * folio_alloc_swap, which takes any device, uses them. */
#define SWAPT_PRIO 100

static inline struct blockdev *swapt_device(const char *name, u64 bytes)
{
	struct blockdev *bd = blockdev_get(name);
	return bd ? bd : ramswap_create(name, bytes);
}

/* Write a header for the whole device with these bad pages. */
static inline int swapt_format(struct blockdev *bd, const u32 *bad, unsigned nbad)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg)
		return -ENOMEM;
	u8 *p = page_address(pg);
	swap_header_format(p, blockdev_pages(bd), NULL, "swaptest");
	memcpy(p + SWAP_OFF_NR_BADPAGES, &nbad, 4);
	if (nbad)
		memcpy(p + SWAP_OFF_BADPAGES, bad, nbad * 4);
	int err = blk_rw_sync(bd, BLK_WRITE, 0, &pg, 1);
	free_page(pg);
	return err;
}

/* Format and swapon: the type, or a negative error. */
static inline int swapt_on(struct blockdev *bd, const u32 *bad, unsigned nbad, int prio)
{
	int err = swapt_format(bd, bad, nbad);
	return err ? err : swapon_blockdev(bd, prio);
}

static inline struct swap_info *swapt_info(int type)
{
	ASSERT(type >= 0 && type < MAX_SWAPFILES);
	return &swap_info[type];
}

/* Free pages once every deferred table free has run. */
static inline unsigned long swapt_settled_free(void)
{
	rcu_barrier();
	page_alloc_drain_all();
	return nr_free_pages();
}

/* A small deterministic PRNG for the tests (xorshift64). */
static inline u64 swapt_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
