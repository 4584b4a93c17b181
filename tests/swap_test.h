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
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "mm/swap.h"
#include "mm/swap_cluster.h"
#include "tests/test_kit.h"

/* Test devices go before the boot's swap device (priority 0), so that
 * folio_alloc_swap, which takes any device, uses them. */
#define SWAPT_PRIO 100

static inline struct blockdev *swapt_device(struct ktest *t, const char *name, u64 bytes)
{
	struct blockdev *bd = blockdev_get(name);
	return bd ? bd : test_ramswap(t, name, bytes, false, 0);
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

/* One test's device: switched on by swapt_begin, off by swapt_end, which
 * also checks the accounting and that every page came back. */
struct swapt {
	int type;
	struct swap_info *si;
	unsigned long base; /* free pages before swapon */
	int loglevel;	    /* the console's, restored by swapt_end */
};

/* Quiet console (tests make swap messages on purpose), a free-page
 * baseline, a freshly formatted device name of bytes switched on. False,
 * with the test failed and the console restored, when that fails. */
static inline bool swapt_begin(struct ktest *t, struct swapt *s, const char *name, u64 bytes,
			       const u32 *bad, unsigned nbad, int prio)
{
	s->loglevel = console_loglevel;
	console_loglevel = LOG_ERR;
	struct blockdev *bd = swapt_device(t, name, bytes);
	s->base = swapt_settled_free();
	s->type = bd ? swapt_on(bd, bad, nbad, prio) : -ENOMEM;
	if (!KT_EXPECT(t, s->type >= 0)) {
		console_loglevel = s->loglevel;
		return false;
	}
	s->si = swapt_info(s->type);
	return true;
}

static inline void swapt_end(struct ktest *t, struct swapt *s)
{
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swapoff((unsigned)s->type), 0);
	console_loglevel = s->loglevel;
	KT_EXPECT_EQ(t, swapt_settled_free(), s->base);
}

/* Other devices off for a test that needs its device to be the only one
 * (a full device must stay full), and back on after. They must be empty. */
struct swapt_others {
	unsigned n;
	struct blockdev *bd[MAX_SWAPFILES];
	int prio[MAX_SWAPFILES];
};

static inline void swapt_others_off(struct ktest *t, struct swapt_others *o, int keep)
{
	o->n = 0;
	for (unsigned type = 0; type < MAX_SWAPFILES; type++) {
		struct blockdev *bd = swap_type_blockdev(type);
		if (!bd || (int)type == keep)
			continue;
		o->bd[o->n] = bd;
		o->prio[o->n] = swap_info[type].prio;
		if (KT_EXPECT_EQ(t, swapoff(type), 0))
			o->n++;
	}
}

static inline void swapt_others_on(struct ktest *t, struct swapt_others *o)
{
	for (unsigned i = 0; i < o->n; i++)
		KT_EXPECT(t, swapon_blockdev(o->bd[i], o->prio[i]) >= 0);
}

#endif
