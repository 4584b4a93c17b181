/*
 * Helpers for the swap tests (swap_test_*): a RAM device with a fresh
 * mkswap header (optionally with bad pages), switched on for one test
 * (swap_test_begin .. swap_test_end), and other devices switched off
 * around a test that needs its own to be the only one.
 */
#ifndef TESTS_SWAP_TEST_H
#define TESTS_SWAP_TEST_H

#include "drivers/ramswap.h"
#include "drivers/swap_header.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page_alloc.h"
#include "mm/page_io.h"
#include "mm/swap.h"
#include "mm/swap_cluster.h"
#include "tests/test_kit.h"

/* Test devices go before the boot's swap device (priority 0), so that
 * folio_alloc_swap, which takes any device, uses them. */
#define SWAP_TEST_PRIO 100

/* The device of that name, or a RAM device of the test's own
 * (test_ramswap: freed when the test ends). */
static inline struct blockdev *swap_test_device(struct ktest *t, const char *name, u64 bytes)
{
	struct blockdev *bd = blockdev_get(name);
	return bd ? bd : test_ramswap(t, name, bytes, false, 0);
}

/* Write a header for the whole device with these bad pages. */
static inline int swap_test_format(struct blockdev *bd, const u32 *bad, unsigned nbad)
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
static inline int swap_test_swapon(struct blockdev *bd, const u32 *bad, unsigned nbad, int prio)
{
	int err = swap_test_format(bd, bad, nbad);
	return err ? err : swapon_blockdev(bd, prio);
}

static inline struct swap_info *swap_test_info(int type)
{
	ASSERT(type >= 0 && type < MAX_SWAPFILES);
	return &swap_info[type];
}

/* Free pages once every deferred table free has run. */
static inline unsigned long swap_test_settled_free(void)
{
	rcu_barrier();
	page_alloc_drain_all();
	return nr_free_pages();
}

/* The swap type whose device is named bdname, or -ENOENT. */
static inline int swap_test_find_type(const char *bdname)
{
	for (unsigned type = 0; type < MAX_SWAPFILES; type++) {
		struct blockdev *bd = swap_type_blockdev(type);
		if (bd && strcmp(bd->name, bdname) == 0)
			return (int)type;
	}
	return -ENOENT;
}

/* Wait (up to 5 s) until the swap writes in flight are done: every folio
 * written is then freed unless someone holds it. False when some are
 * still in flight. */
static inline bool swap_test_wait_io(void)
{
	u64 t0 = arch_time_ns();
	while (swap_io_pending() && arch_time_ns() - t0 < 5 * TEST_SEC)
		yield();
	return swap_io_pending() == 0;
}

/* One test's device: switched on by swap_test_begin, off by swap_test_end, which
 * also checks the accounting and that every page came back. */
struct swap_test {
	int type;
	struct swap_info *si;
	unsigned long base; /* free pages before swapon */
	int loglevel;	    /* the console's, restored by swap_test_end */
};

/* Quiet console (tests make swap messages on purpose), a free-page
 * baseline, a freshly formatted device name of bytes switched on. False,
 * with the test failed and the console restored, when that fails. */
static inline bool swap_test_begin(struct ktest *t, struct swap_test *s, const char *name,
				   u64 bytes, const u32 *bad, unsigned nbad, int prio)
{
	s->loglevel = console_loglevel;
	console_loglevel = LOG_ERR;
	struct blockdev *bd = swap_test_device(t, name, bytes);
	s->base = swap_test_settled_free();
	s->type = bd ? swap_test_swapon(bd, bad, nbad, prio) : -ENOMEM;
	if (!KT_EXPECT(t, s->type >= 0)) {
		console_loglevel = s->loglevel;
		return false;
	}
	s->si = swap_test_info(s->type);
	return true;
}

static inline void swap_test_end(struct ktest *t, struct swap_test *s)
{
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swapoff((unsigned)s->type), 0);
	console_loglevel = s->loglevel;
	KT_EXPECT_EQ(t, swap_test_settled_free(), s->base);
}

/* Every free slot of one device, held (swapped out, count 1, no PTE): the
 * next swap-out to it can only get a slot the test frees, and no cluster
 * of it can empty (seed 003's scenarios). Released by
 * swap_test_release_slots, before the device goes, and by the deferred
 * clean-up if the test returned early. */
struct swap_test_held_slots {
	u64 *offsets;
	unsigned long n;
	unsigned type;
};

static inline void swap_test_release_slots(void *arg)
{
	struct swap_test_held_slots *h = arg;
	for (unsigned long i = 0; i < h->n; i++)
		swap_free(swp_entry(h->type, h->offsets[i]));
	kfree(h->offsets);
	h->offsets = NULL;
	h->n = 0;
}

/* h must outlive the test's frame (a static: tests run one at a time). */
static inline bool swap_test_hold_free_slots(struct ktest *t, struct swap_info *si,
					     struct swap_test_held_slots *h)
{
	h->type = si->type;
	h->n = 0;
	h->offsets = kmalloc(si->nr_slots * sizeof(u64), GFP_KERNEL);
	if (!KT_EXPECT(t, h->offsets) || !ktest_defer(t, swap_test_release_slots, h))
		return false;
	swp_entry_t e;
	while (h->n < si->nr_slots && swap_alloc_type(si->type, 0, &e) == 0)
		h->offsets[h->n++] = swp_offset(e);
	return KT_EXPECT(t, h->n > 0);
}

/* Other devices off for a test that needs its device to be the only one
 * (a full device must stay full), and back on after. They must be empty. */
struct swap_test_others {
	unsigned n;
	struct blockdev *bd[MAX_SWAPFILES];
	int prio[MAX_SWAPFILES];
};

static inline void swap_test_others_off(struct ktest *t, struct swap_test_others *o, int keep)
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

static inline void swap_test_others_on(struct ktest *t, struct swap_test_others *o)
{
	for (unsigned i = 0; i < o->n; i++)
		KT_EXPECT(t, swapon_blockdev(o->bd[i], o->prio[i]) >= 0);
}

#endif
