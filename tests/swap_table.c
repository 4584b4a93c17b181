/*
 * The cluster allocator and the swap table (issue 5): every order until
 * full, fragmentation, counts that outgrow their word, holes, priorities,
 * the accounting check (and what it catches), metadata per slot, static
 * and dynamic tables. Host (ASan/UBSan, TSan with make host-tsan) and
 * kernel. Concurrency and RCU races: tests/swap_table_smp.c.
 */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/folio.h"
#include "mm/kmalloc.h"
#include "mm/swap_table.h"
#include "swap_test.h"

#define SMALL_BYTES (16ul << 20) /* 4096 slots, 8 clusters */
#define BIG_BYTES (64ul << 20)	 /* 16384 slots, 32 clusters */

/*
 * Allocate runs of one order until the device says -ENOSPC: every run is
 * aligned, inside the device, never a hole, never handed out twice, and
 * as many as the device has room for (each cluster holds slots/2^order
 * runs, but cluster 0 loses the run holding slot 0). Then free them all:
 * every table comes back.
 */
static void fill_and_free(struct ktest *t, unsigned order)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	unsigned nr = 1u << order;
	u64 max_runs = si->nr_slots / nr;
	swp_entry_t *e = kmalloc(max_runs * sizeof(*e), GFP_KERNEL);
	u8 *used = kzalloc(si->nr_slots, GFP_KERNEL);
	KT_ASSERT(t, e && used);
	u64 fails = test_stat("swap_alloc_order_fail"), n = 0;
	int err;
	while (n < max_runs && (err = swap_alloc_type((unsigned)type, order, &e[n])) == 0) {
		u64 off = swp_offset(e[n]);
		KT_EXPECT_EQ(t, off % nr, 0);
		if (!KT_EXPECT_EQ(t, swp_type(e[n]), (unsigned)type) ||
		    !KT_EXPECT(t, off + nr <= si->nr_slots))
			break; /* not ours: stop before the map below is overrun */
		for (unsigned i = 0; i < nr; i++) {
			KT_EXPECT(t, !swap_slot_is_bad(si, off + i));
			KT_EXPECT_EQ(t, used[off + i]++, 0);
			KT_EXPECT_EQ(t, swap_count(swp_entry(type, off + i)), 1);
		}
		n++;
	}
	KT_EXPECT_EQ(t, swap_alloc_type((unsigned)type, order, &e[0]) == -ENOSPC || n == max_runs,
		     true);
	KT_EXPECT(t, test_stat("swap_alloc_order_fail") > fails);
	u64 want = (si->nr_clusters * (u64)(swap_cluster_slots / nr)) - 1; /* run with slot 0 */
	KT_EXPECT_EQ(t, n, want);
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), n * nr);
	KT_EXPECT_EQ(t, swap_check(), 0);
	/* A table for every cluster that holds a run: cluster 0 holds none
	 * when one run would fill it (slot 0 is in the way). */
	long tables = si->nr_clusters - (nr == swap_cluster_slots);
	KT_EXPECT_EQ(t, atomic_long_read(&si->table_bytes),
		     tables * (long)(PAGE_SIZE << swap_table_order()));
	for (u64 i = 0; i < n; i++)
		KT_EXPECT_EQ(t, swap_free_nr(e[i], nr), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 0);
	KT_EXPECT_EQ(t, swap_check(), 0);
	swap_pcp_drain(si);
	KT_EXPECT_EQ(t, atomic_long_read(&si->table_bytes), 0);
	kfree(e);
	kfree(used);
	swap_test_end(t, &s);
}

KTEST(swap_table, alloc_every_order_until_full_then_free_all)
{
	for (unsigned order = 0; order < SWAP_NR_ORDERS && !t->failures; order++)
		fill_and_free(t, order);
}

/*
 * Fill with order 0, free at random but keep one slot of every aligned
 * 16-slot block: no order-4 run exists and the allocation fails cleanly,
 * changing nothing. Free one block completely: the order-4 allocation
 * finds exactly that block, in a cluster of order 0 (a steal).
 */
KTEST(swap_table, alloc_order4_after_fragmentation)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	u64 slots = si->nr_slots;
	u8 *held = kzalloc(slots, GFP_KERNEL);
	KT_ASSERT(t, held);
	swp_entry_t e;
	while (swap_alloc_type((unsigned)type, 0, &e) == 0)
		held[swp_offset(e)] = 1;
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), (long)slots - 1);
	u64 seed = 0x5eed5eedull;
	for (u64 block = 0; block < slots / 16; block++) {
		unsigned keep = (unsigned)(test_rand(&seed) % 16);
		for (unsigned i = 0; i < 16; i++) {
			u64 off = block * 16 + i;
			if (i != keep && held[off] && test_rand(&seed) % 4 != 0) {
				KT_EXPECT_EQ(t, swap_free(swp_entry(type, off)), 0);
				held[off] = 0;
			}
		}
	}
	long inuse = atomic_long_read(&si->inuse);
	KT_EXPECT_EQ(t, swap_check(), 0);
	u64 fails = test_stat("swap_alloc_order_fail");
	KT_EXPECT_EQ(t, swap_alloc_type((unsigned)type, 4, &e), -ENOSPC);
	KT_EXPECT_EQ(t, test_stat("swap_alloc_order_fail"), fails + 1);
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), inuse);
	KT_EXPECT_EQ(t, swap_check(), 0);
	/* Order 0 still works (the device is far from full). */
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 0, &e), 0);
	held[swp_offset(e)] = 1;

	u64 block = 77; /* free block 77 entirely */
	for (unsigned i = 0; i < 16; i++) {
		if (held[block * 16 + i]) {
			KT_EXPECT_EQ(t, swap_free(swp_entry(type, block * 16 + i)), 0);
			held[block * 16 + i] = 0;
		}
	}
	u64 steals = test_stat("swap_alloc_steal");
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 4, &e), 0);
	KT_EXPECT_EQ(t, swp_offset(e), block * 16);
	KT_EXPECT_EQ(t, test_stat("swap_alloc_steal"), steals + 1);
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swap_free_nr(e, 16), 0);
	for (u64 off = 0; off < slots; off++)
		if (held[off])
			KT_EXPECT_EQ(t, swap_free(swp_entry(type, off)), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 0);
	KT_EXPECT_EQ(t, swap_check(), 0);
	kfree(held);
	swap_test_end(t, &s);
}

/* A count past the word's 254 moves to the side table and back. */
KTEST(swap_table, count_overflows_the_word_and_comes_back)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	swp_entry_t e, other;
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 0, &e), 0);
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 0, &other), 0);
	const unsigned n = 1000;
	for (unsigned i = 0; i < n; i++)
		KT_ASSERT_EQ(t, swap_duplicate(e), 0);
	KT_EXPECT_EQ(t, swap_count(e), n + 1);
	KT_EXPECT_EQ(t, swap_count(other), 1);
	KT_EXPECT(t, atomic_long_read(&si->ext_bytes) > 0);
	struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(e));
	u64 tb = swap_table_get(ci->table, swp_offset(e) % swap_cluster_slots);
	KT_EXPECT_EQ(t, swp_tb_count(tb), SWP_TB_COUNT_EXT);
	KT_EXPECT_EQ(t, swap_check(), 0);
	for (unsigned i = 0; i < n; i++) {
		KT_ASSERT_EQ(t, swap_free(e), 0);
		if (i == n - SWP_TB_COUNT_MAX) /* count now SWP_TB_COUNT_MAX: in the word */
			KT_EXPECT_EQ(t, atomic_long_read(&si->ext_bytes), 0);
	}
	KT_EXPECT_EQ(t, swap_count(e), 1);
	KT_EXPECT_EQ(t, atomic_long_read(&si->ext_bytes), 0);
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	KT_EXPECT_EQ(t, swap_count(e), 0);
	KT_EXPECT(t, !swap_entry_valid(e));
	KT_EXPECT_EQ(t, swap_free(other), 0);
	swap_test_end(t, &s);
}

/* Slot 0 and the header's bad pages are never handed out. */
KTEST(swap_table, header_slot_and_bad_pages_never_handed_out)
{
	static const u32 bad[] = { 1000, 5, 511, 512, 4095 };
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, bad, 5, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	KT_EXPECT_EQ(t, si->nr_usable, si->nr_slots - 6);
	swp_entry_t e;
	u64 n = 0;
	while (swap_alloc_type((unsigned)type, 0, &e) == 0) {
		u64 off = swp_offset(e);
		KT_EXPECT(t, off != 0 && off != 5 && off != 511 && off != 512 && off != 1000 &&
				     off != 4095);
		n++;
	}
	KT_EXPECT_EQ(t, n, si->nr_usable);
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swap_alloc_type((unsigned)type, 1, &e), -ENOSPC);
	for (u64 off = 1; off < si->nr_slots; off++)
		if (!swap_slot_is_bad(si, off))
			KT_EXPECT_EQ(t, swap_free(swp_entry(type, off)), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 0);
	/* Order 9 runs: cluster 0 (slot 0, 5, 511) and 1 (512, 1000) are out. */
	unsigned runs = 0;
	while (swap_alloc_type((unsigned)type, 9, &e) == 0) {
		KT_EXPECT(t, swp_offset(e) >= 1024 && swp_offset(e) != 3584);
		runs++;
	}
	KT_EXPECT_EQ(t, runs, si->nr_clusters - 3); /* cluster 7 holds 4095 */
	KT_EXPECT_EQ(t, swap_check(), 0);
	for (unsigned c = 2; c < si->nr_clusters - 1; c++)
		KT_EXPECT_EQ(t, swap_free_nr(swp_entry(type, c * 512ul), 512), 0);
	swap_test_end(t, &s);
}

/* Higher priority first; a lower one when the first is full. */
KTEST(swap_table, devices_used_by_priority)
{
	struct blockdev *hi = swap_test_device(t, "swt-tiny", 2ul << 20); /* 512 slots */
	KT_ASSERT(t, hi);
	struct swap_test s; /* the lower-priority device */
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO + 5))
		return;
	int tlo = s.type, thi = swap_test_swapon(hi, NULL, 0, SWAP_TEST_PRIO + 10);
	KT_ASSERT(t, thi >= 0);
	console_loglevel = LOG_EMERG; /* the refusal's message is expected */
	KT_EXPECT_EQ(t, swapon_blockdev(hi, 1), -EBUSY);
	console_loglevel = LOG_ERR;
	swp_entry_t e;
	for (unsigned i = 0; i < 511; i++) {
		KT_ASSERT_EQ(t, swap_alloc(0, &e), 0);
		KT_EXPECT_EQ(t, swp_type(e), (unsigned)thi);
	}
	KT_ASSERT_EQ(t, swap_alloc(0, &e), 0);
	KT_EXPECT_EQ(t, swp_type(e), (unsigned)tlo);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	/* swapoff refuses a device in use and leaves it on. */
	KT_EXPECT_EQ(t, swapoff((unsigned)thi), -EBUSY);
	KT_EXPECT(t, swap_type_blockdev((unsigned)thi) == hi);
	for (u64 off = 1; off < 512; off++)
		KT_EXPECT_EQ(t, swap_free(swp_entry(thi, off)), 0);
	KT_EXPECT_EQ(t, swapoff((unsigned)thi), 0);
	KT_EXPECT_EQ(t, swapoff((unsigned)thi), -EINVAL);
	KT_EXPECT(t, swap_type_blockdev((unsigned)tlo) != NULL);
	swap_test_end(t, &s);
}

/* Entries that name nothing are reported, counted, and change nothing. */
KTEST(swap_table, bad_entries_are_reported_and_counted)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	u64 bad = test_stat("swap_bad_entry");
	swp_entry_t e;
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 0, &e), 0);
	swp_entry_t free_slot = swp_entry(type, swp_offset(e) + 1);
	KT_EXPECT_EQ(t, swap_free(free_slot), -EINVAL);
	KT_EXPECT_EQ(t, swap_duplicate(free_slot), -ENOENT);
	KT_EXPECT_EQ(t, swap_free(swp_entry(type, 1ul << 40)), -EINVAL);
	KT_EXPECT_EQ(t, swap_free(swp_entry((unsigned)type + 1, 1)), -EINVAL);
	KT_EXPECT_EQ(t, swap_count(free_slot), 0);
	KT_EXPECT_EQ(t, test_stat("swap_bad_entry"), bad + 3);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	KT_EXPECT_EQ(t, swap_free(e), -EINVAL); /* a double free is a bad entry too */
	swap_test_end(t, &s);
}

/* The check finds a cluster taken off its list and forgotten. */
KTEST(swap_table, check_catches_a_lost_cluster)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	struct swap_info *si = s.si;
	swp_entry_t e;
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)s.type, 0, &e), 0);
	KT_EXPECT_EQ(t, swap_check(), 0);
	console_loglevel = LOG_EMERG;  /* the problems are expected */
	swap_test_lose_cluster(si, 5); /* a free one */
	KT_EXPECT(t, swap_check() > 0);
	console_loglevel = LOG_ERR;
	KT_EXPECT_EQ(t, swap_test_find_lost_clusters(si), 1);
	KT_EXPECT_EQ(t, swap_check(), 0);
	/* A count that disagrees with the table is caught too. */
	struct swap_cluster *ci = swap_offset_cluster(si, swp_offset(e));
	unsigned long irq = swap_cluster_lock(ci);
	ci->count++;
	swap_cluster_unlock(ci, irq);
	console_loglevel = LOG_EMERG;
	KT_EXPECT(t, swap_check() > 0);
	console_loglevel = LOG_ERR;
	irq = swap_cluster_lock(ci);
	ci->count--;
	swap_cluster_unlock(ci, irq);
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	swap_test_end(t, &s);
}

/* The swap cache on the table: add, find, refuse a second folio, delete. */
KTEST(swap_table, swap_cache_add_get_del_on_the_table)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	swp_entry_t e;
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 2, &e), 0);
	struct folio *f = folio_alloc(GFP_KERNEL, 2), *g = folio_alloc(GFP_KERNEL, 2);
	KT_ASSERT(t, f && g);
	KT_EXPECT(t, swap_cache_get_folio(e) == NULL);
	folio_lock(f);
	folio_lock(g);
	KT_EXPECT_EQ(t, swap_cache_add_folio(f, swp_entry(type, swp_offset(e) + 1)), -EINVAL);
	KT_ASSERT_EQ(t, swap_cache_add_folio(f, e), 0);
	KT_EXPECT_EQ(t, folio_ref_count(f), 1 + 4);
	KT_EXPECT_EQ(t, swap_cache_add_folio(g, e), -EEXIST);
	for (unsigned i = 0; i < 4; i++) {
		swp_entry_t ei = swp_entry(type, swp_offset(e) + i);
		struct folio *got = swap_cache_get_folio(ei);
		KT_EXPECT(t, got == f);
		if (got)
			folio_put(got);
		KT_EXPECT_EQ(t, swap_count(ei), 1);
	}
	KT_EXPECT(t, swp_entry_same(folio_swap_entry(f), e));
	KT_EXPECT_EQ(t, swap_check(), 0);
	/* Replace (migration): the slots now name g. */
	swap_cache_replace(f, g);
	KT_EXPECT(t, !folio_test_swapcache(f) && folio_test_swapcache(g));
	struct folio *got = swap_cache_get_folio(swp_entry(type, swp_offset(e) + 3));
	KT_EXPECT(t, got == g);
	if (got)
		folio_put(got);
	/* One slot's count drops to 0 while cached: it stays until the del. */
	KT_EXPECT_EQ(t, swap_free(e), 0);
	KT_EXPECT(t, swap_entry_valid(e));
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 4);
	swap_cache_del_folio(g);
	KT_EXPECT(t, !folio_test_swapcache(g));
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 3);
	KT_EXPECT(t, swap_cache_get_folio(swp_entry(type, swp_offset(e) + 1)) == NULL);
	KT_EXPECT_EQ(t, swap_count(swp_entry(type, swp_offset(e) + 1)), 1);
	KT_EXPECT_EQ(t, swap_check(), 0);
	/* A free slot cannot take a folio. */
	KT_EXPECT_EQ(t, swap_cache_add_folio(f, e), -ENOENT);
	KT_EXPECT_EQ(t, swap_free_nr(swp_entry(type, swp_offset(e) + 1), 3), 0);
	folio_unlock(f);
	folio_unlock(g);
	folio_put(f);
	folio_put(g);
	swap_test_end(t, &s);
}

/* Seed 003's pin (swap.bypass_sync_cache=pin-sleep, pin-spin,
 * fallback-cache) is a word of the table: a second pin and a cache
 * insertion back off, the count still moves, and an unpin after the last
 * put frees the slot (and swap_cache_wait_unpin then returns at once). */
KTEST(swap_table, bypass_pin_on_the_table)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	struct swap_info *si = s.si;
	swp_entry_t e;
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)s.type, 0, &e), 0);
	KT_ASSERT_EQ(t, swap_cache_pin(e), 0);
	KT_EXPECT_EQ(t, swap_cache_pin(e), -EBUSY);
	struct folio *f = folio_alloc(GFP_KERNEL, 0);
	KT_ASSERT(t, f);
	folio_lock(f);
	KT_EXPECT_EQ(t, swap_cache_add_folio(f, e), -EBUSY);
	KT_EXPECT(t, swap_cache_get_folio(e) == NULL);
	KT_EXPECT_EQ(t, swap_check(), 0);
	/* A fork's dup while pinned, then back. */
	KT_EXPECT_EQ(t, swap_duplicate(e), 0);
	KT_EXPECT_EQ(t, swap_count(e), 2);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	swap_cache_unpin(e);
	KT_EXPECT_EQ(t, swap_count(e), 1);
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 1);
	/* Pinned, its last swap PTE goes (the bypass read maps it and puts
	 * the entry): the slot stays until the unpin frees it. */
	KT_ASSERT_EQ(t, swap_cache_pin(e), 0);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	KT_EXPECT(t, swap_entry_valid(e));
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 1);
	KT_EXPECT_EQ(t, swap_check(), 0);
	swap_cache_unpin(e);
	swap_cache_wait_unpin(e); /* not pinned: no sleep */
	KT_EXPECT(t, !swap_entry_valid(e));
	KT_EXPECT_EQ(t, atomic_long_read(&si->inuse), 0);
	KT_EXPECT_EQ(t, swap_cache_pin(e), -ENOENT);
	/* A cached slot cannot be pinned. */
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)s.type, 0, &e), 0);
	KT_ASSERT_EQ(t, swap_cache_add_folio(f, e), 0);
	KT_EXPECT_EQ(t, swap_cache_pin(e), -EEXIST);
	swap_cache_del_folio(f);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	folio_unlock(f);
	folio_put(f);
	swap_test_end(t, &s);
}

/* folio_alloc_swap puts the folio in the cache on fresh slots (count 0). */
KTEST(swap_table, folio_alloc_swap_caches_the_folio)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct folio *f = folio_alloc(GFP_KERNEL, 3);
	KT_ASSERT(t, f);
	folio_lock(f);
	KT_ASSERT_EQ(t, folio_alloc_swap(f), 0);
	swp_entry_t e = folio_swap_entry(f);
	KT_EXPECT_EQ(t, swp_offset(e) % 8, 0);
	KT_EXPECT(t, folio_test_swapcache(f));
	struct folio *got = swap_cache_get_folio(swp_entry(type, swp_offset(e) + 7));
	KT_EXPECT(t, got == f);
	if (got)
		folio_put(got);
	KT_EXPECT_EQ(t, swap_count(e), 0);
	KT_EXPECT_EQ(t, swap_duplicate(e), 0); /* a swap PTE now holds slot 0 of it */
	KT_EXPECT_EQ(t, swap_check(), 0);
	swap_cache_del_folio(f);
	KT_EXPECT_EQ(t, atomic_long_read(&s.si->inuse), 1);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	KT_EXPECT_EQ(t, atomic_long_read(&s.si->inuse), 0);
	folio_unlock(f);
	folio_put(f);
	swap_test_end(t, &s);
}

/*
 * Metadata per slot, empty, half full and full, within the targets (at
 * most 8.1 bytes per used slot, 0.1 per free slot); and static tables,
 * which cost 8 bytes per slot whether used or not, for contrast.
 */
static void meta_point(struct ktest *t, struct swap_info *si, const char *what, bool used_target)
{
	u64 used, free;
	swap_meta_centi(si, &used, &free);
	ktest_diag(t,
		   "%s: swap_meta_bytes_per_used_slot %lu.%02lu swap_meta_bytes_per_free_slot "
		   "%lu.%02lu",
		   what, (unsigned long)(used / 100), (unsigned long)(used % 100),
		   (unsigned long)(free / 100), (unsigned long)(free % 100));
	KT_EXPECT(t, free <= 10);
	if (!used_target)
		KT_EXPECT_EQ(t, used, 0);
	if (used_target)
		KT_EXPECT(t, used > 800 && used <= 810);
}

/* The device's RAM, its tables and room to spare. */
#define BIG_NEEDS_MIB ((BIG_BYTES >> 20) + 16)

KTEST(swap_table, metadata_bytes_per_slot_empty_half_full)
{
	struct swap_test s;
	if (!test_require_free_mib(t, BIG_NEEDS_MIB))
		return;
	if (!swap_test_begin(t, &s, "swt-big", BIG_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	meta_point(t, si, "empty", false);
	swp_entry_t e;
	u64 n = 0;
	while (n < si->nr_usable / 2 && swap_alloc_type((unsigned)type, 0, &e) == 0)
		n++;
	meta_point(t, si, "half", true);
	while (swap_alloc_type((unsigned)type, 0, &e) == 0)
		n++;
	KT_EXPECT_EQ(t, n, si->nr_usable);
	meta_point(t, si, "full", true);
	swap_report();
	for (u64 off = 1; off < si->nr_slots; off++)
		swap_free(swp_entry(type, off));
	swap_test_end(t, &s);
}

/* Static tables (swap.table_alloc=static): every cluster's table from
 * swapon on, kept when the cluster empties; 8 bytes per free slot too. */
KTEST(swap_table, static_tables_cost_every_slot)
{
	struct swap_test s;
	if (!test_require_free_mib(t, BIG_NEEDS_MIB))
		return;
	bool was_static = swap_table_alloc_is_static();
	swap_set_table_alloc_static(true);
	bool on = swap_test_begin(t, &s, "swt-big", BIG_BYTES, NULL, 0, SWAP_TEST_PRIO);
	swap_set_table_alloc_static(was_static);
	if (!on)
		return;
	int type = s.type;
	struct swap_info *si = s.si;
	swp_entry_t e;
	KT_EXPECT_EQ(t, atomic_long_read(&si->table_bytes),
		     si->nr_clusters * (long)(PAGE_SIZE << swap_table_order()));
	u64 used, free;
	swap_meta_centi(si, &used, &free);
	ktest_diag(t, "static, empty: swap_meta_bytes_per_free_slot %lu.%02lu",
		   (unsigned long)(free / 100), (unsigned long)(free % 100));
	KT_EXPECT(t, free > 800);
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 0, &e), 0);
	KT_EXPECT_EQ(t, swap_free(e), 0);
	swap_pcp_drain(si); /* an empty cluster keeps its static table */
	KT_EXPECT_EQ(t, atomic_long_read(&si->table_bytes),
		     si->nr_clusters * (long)(PAGE_SIZE << swap_table_order()));
	swap_test_end(t, &s);
}

/* Smaller clusters: orders above log2(slots) are refused, the rest work. */
KTEST(swap_table, cluster_slots_parameter)
{
	KT_EXPECT_EQ(t, swap_set_cluster_slots(100), -EINVAL);
	int err = swap_set_cluster_slots(64);
	if (err == -EBUSY) { /* the size is global: the boot's device is on */
		ktest_skip(t, "another swap device is on");
		return;
	}
	KT_ASSERT_EQ(t, err, 0);
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO)) {
		swap_set_cluster_slots(512);
		return;
	}
	int type = s.type;
	struct swap_info *si = s.si;
	KT_EXPECT_EQ(t, swap_set_cluster_slots(128), -EBUSY);
	KT_EXPECT_EQ(t, si->nr_clusters, 4096 / 64);
	swp_entry_t e;
	KT_EXPECT_EQ(t, swap_alloc_type((unsigned)type, 7, &e), -EINVAL);
	KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 6, &e), 0);
	KT_EXPECT_EQ(t, swp_offset(e) % 64, 0);
	KT_EXPECT_EQ(t, swap_check(), 0);
	KT_EXPECT_EQ(t, swap_free_nr(e, 64), 0);
	swap_test_end(t, &s);
	KT_EXPECT_EQ(t, swap_set_cluster_slots(512), 0);
}

/* swapoff's walk: every used slot (swapped out or cached), in order. */
KTEST(swap_table, next_used_walks_every_used_slot)
{
	struct swap_test s;
	if (!swap_test_begin(t, &s, "swt-small", SMALL_BYTES, NULL, 0, SWAP_TEST_PRIO))
		return;
	int type = s.type;
	KT_EXPECT_EQ(t, find_next_to_unuse((unsigned)type, 0), -ENOENT);
	swp_entry_t e[40];
	for (unsigned i = 0; i < 40; i++)
		KT_ASSERT_EQ(t, swap_alloc_type((unsigned)type, 0, &e[i]), 0);
	for (unsigned i = 0; i < 40; i++) /* keep every third */
		if (i % 3)
			KT_EXPECT_EQ(t, swap_free(e[i]), 0);
	struct folio *f = folio_alloc(GFP_KERNEL, 4);
	KT_ASSERT(t, f);
	folio_lock(f);
	KT_ASSERT_EQ(t, folio_alloc_swap(f), 0); /* 16 cached slots, count 0 */
	unsigned found = 0, cached = 0;
	s64 prev = -1;
	for (s64 off = find_next_to_unuse((unsigned)type, 0); off >= 0;
	     off = find_next_to_unuse((unsigned)type, (u64)off + 1)) {
		KT_EXPECT(t, off > prev);
		prev = off;
		swp_entry_t x = swp_entry((unsigned)type, (u64)off);
		KT_EXPECT(t, swap_entry_valid(x));
		struct folio *got = swap_cache_get_folio(x);
		if (got) {
			KT_EXPECT(t, got == f);
			folio_put(got);
			cached++;
		} else {
			KT_EXPECT_EQ(t, swap_count(x), 1);
		}
		found++;
	}
	KT_EXPECT_EQ(t, found, 14 + 16);
	KT_EXPECT_EQ(t, cached, 16);
	KT_EXPECT_EQ(t, find_next_to_unuse((unsigned)type + 1, 0), -ENOENT);
	swap_cache_del_folio(f);
	folio_unlock(f);
	folio_put(f);
	for (unsigned i = 0; i < 40; i += 3)
		KT_EXPECT_EQ(t, swap_free(e[i]), 0);
	KT_EXPECT_EQ(t, find_next_to_unuse((unsigned)type, 0), -ENOENT);
	swap_test_end(t, &s);
}
