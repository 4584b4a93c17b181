/*
 * Reclaim: anonymous memory leaves for the swap devices.
 *
 * Folios come from the tail of the inactive LRU list (lru.h), or from a
 * range of an address space (madvise_pageout, like MADV_PAGEOUT). Each one:
 * lock it; keep it if its PTEs were accessed since the last look
 * (referenced: back to the active list); give it swap slots of its order
 * and put it in the swap cache (folio_alloc_swap; when no run of that
 * order is left, split it and go on with the pieces); unmap it everywhere,
 * whole or not at all (try_to_unmap, TTU_SYNC); write it (asynchronously
 * on virtio-blk: the completion frees it; synchronously on ramswap); and,
 * once it is written, unmapped and held by nobody else, take it out of
 * the swap cache, which frees it. A folio read ahead into the swap cache
 * and never mapped (mm/swap_readahead.c) is clean: it only leaves the
 * cache.
 *
 * Reclaim runs in the allocating task when free pages fall below the low
 * watermark (direct reclaim, for GFP_USER allocations), in a background
 * thread (kswapd) woken at the same point that works until the high
 * watermark is reached, and on request for a range. When no swap space is
 * left, anon folios are skipped (swap_full) and the allocation that still
 * cannot be satisfied fails: the fault calls the OOM killer
 * (mm/oom_kill.c), which frees the largest address space.
 */
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "kernel/wait.h"
#include "lru.h"
#include "mm.h"
#include "page_alloc.h"
#include "page_io.h"
#include "pgtable.h"
#include "reclaim_throttle.h"
#include "rmap.h"
#include "split.h"
#include "swap.h"
#include "swap_cluster.h"
#include "vmscan.h"

DEFINE_STAT_COUNTER(reclaim_scanned);
DEFINE_STAT_COUNTER(reclaim_freed); /* pages */
DEFINE_STAT_COUNTER(reclaim_activated);
DEFINE_STAT_COUNTER(reclaim_no_swap); /* folios kept: no swap space */
DEFINE_STAT_COUNTER(reclaim_pinned);  /* folios kept: maybe pinned (mm/gup.h) */
DEFINE_STAT_COUNTER(swapout_folios);
DEFINE_STAT_COUNTER(swapout_mthp);	 /* large folios given slots of their order */
DEFINE_STAT_COUNTER(swapout_mthp_split); /* large folios split: no slots of their order */
DEFINE_STAT_COUNTER(reclaim_direct_runs);
DEFINE_STAT_COUNTER(kswapd_runs);

enum reclaim_result {
	RECLAIM_FREED,
	RECLAIM_KEEP,
	RECLAIM_ACTIVATE,
	RECLAIM_SPLIT,
	RECLAIM_UNMAPPED
};

DEFINE_STAT_COUNTER(reclaim_freed_orphans); /* folios a zap left to reclaim, freed */

/*
 * A folio reclaim keeps, just unlocked (we still hold our reference). A
 * zap that ran while we held the lock (munmap, exit, the OOM reaper) took
 * its last mapping and its last swap PTE but could only trylock it
 * (tlb_put_folio, swap_cache_try_free; a write's end, swap_write_done,
 * likewise), and our own free may have failed on the zap's reference: the
 * swap cache alone still holds it, and nothing can map it again. Free its
 * slots now, which frees it at our put, rather than at a later reclaim
 * pass that may never come (Linux leaves it to that pass; here it kept a
 * slot and a page of a reaped mm until the next memory pressure:
 * tests/reclaim_orphan.c).
 *
 * After the unlock, not before: a zapper drops the mapping or swap count
 * and then trylocks, we unlock and then look, so one of us sees the
 * other. True if freed.
 */
static bool reclaim_free_orphan(struct folio *folio)
{
	smp_mb(); /* the unlock before the looks below */
	if (!folio_test_swapcache(folio) || folio_mapped(folio) || !folio_trylock(folio))
		return false;
	bool freed = !folio_mapped(folio) && folio_free_swap(folio);
	folio_unlock(folio);
	if (freed)
		stat_inc(reclaim_freed_orphans);
	return freed;
}

/*
 * shrink_folio_list's first half for one isolated folio (the caller's
 * reference): give it
 * swap slots and unmap it. RECLAIM_UNMAPPED: it is locked, in the swap
 * cache, unmapped, its TLB flush pending in batch; shrink_folio_write_or_free
 * finishes it after the flush. RECLAIM_SPLIT: it was split and every
 * piece, the first included, is on more with a reference of its own.
 */
static enum reclaim_result shrink_folio_unmap(struct folio *folio, bool ignore_refs,
					      struct list_head *more, struct ttu_batch *batch)
{
	if (!folio_trylock(folio))
		return RECLAIM_KEEP;
	enum reclaim_result res = RECLAIM_KEEP;
	if (folio_test_writeback(folio))
		goto out;
	if (!folio_test_anon(folio)) {
		/* Read ahead and never mapped (mm/swap_readahead.c): clean,
		 * the device has the data. Out of the cache, it is freed. */
		if (folio_free_swap_clean(folio))
			res = RECLAIM_FREED;
		goto out;
	}
	if (folio_maybe_dma_pinned(folio)) {
		/* A pinned page stays (try_to_unmap would refuse it anyway,
		 * under the PTL): no swap slots for it. mm/gup.h. */
		stat_inc(reclaim_pinned);
		res = RECLAIM_ACTIVATE;
		goto out;
	}
	if (!ignore_refs && folio_referenced(folio)) {
		/* Linux's activate_locked: swap over half full takes back
		 * the slots of a folio that stays in memory. */
		if (folio_test_swapcache(folio) &&
		    vm_swap_full(swap_entry_info(folio_swap_entry(folio))))
			folio_free_swap(folio);
		res = RECLAIM_ACTIVATE;
		goto out;
	}
	if (!folio_test_swapcache(folio)) {
		int err = folio_alloc_swap(folio);
		if (err == -ENOSPC && folio_test_large(folio)) {
			if (folio_split(folio, more) == 0) {
				stat_inc(swapout_mthp_split);
				folio_unlock(folio);
				list_add(&folio->page.folio_lru, more);
				return RECLAIM_SPLIT;
			}
			goto out;
		}
		if (err) {
			stat_inc(reclaim_no_swap);
			goto out;
		}
		folio_set_dirty(folio); /* no copy on the device yet */
		stat_inc(swapout_folios);
		if (folio_test_large(folio))
			stat_inc(swapout_mthp);
	}
	race_point("swapout:before-unmap");
	if (folio_mapped(folio) && !try_to_unmap(folio, batch)) {
		res = RECLAIM_ACTIVATE;
		goto out;
	}
	return RECLAIM_UNMAPPED;
out:
	race_point("reclaim:keep");
	folio_unlock(folio);
	return reclaim_free_orphan(folio) ? RECLAIM_FREED : res;
}

/* shrink_folio_list's second half, after the TLB flush: write the folio
 * if it is dirty (Linux's pageout), free it if it is written and held by
 * nobody else (__remove_mapping). Unlocks it. */
static enum reclaim_result shrink_folio_write_or_free(struct folio *folio)
{
	enum reclaim_result res = RECLAIM_KEEP;
	if (folio_test_dirty(folio)) {
		if (swap_writepage(folio) || folio_test_writeback(folio))
			goto out; /* failed (kept dirty), or the completion frees it */
	}
	if (folio_free_swap_clean(folio))
		res = RECLAIM_FREED;
out:
	folio_unlock(folio);
	if (res != RECLAIM_FREED && reclaim_free_orphan(folio))
		res = RECLAIM_FREED;
	return res;
}

/* A folio kept goes on putback, which shrink_folio_list gives back to the
 * lists in one go (lru_putback_list); PG_active says which list. The
 * folio is isolated: its flags are ours until it is back. */
static unsigned long reclaim_finish(struct folio *folio, enum reclaim_result res,
				    struct list_head *putback)
{
	switch (res) {
	case RECLAIM_FREED: {
		unsigned long nr = folio_nr_pages(folio);
		folio_put(folio);
		return nr;
	}
	case RECLAIM_ACTIVATE:
		stat_inc(reclaim_activated);
		folio_set_active(folio);
		list_add_tail(&folio->page.folio_lru, putback);
		break;
	case RECLAIM_KEEP:
		folio_clear_active(folio);
		list_add_tail(&folio->page.folio_lru, putback);
		break;
	default:
		break;
	}
	return 0;
}

/* Reclaim every folio on list (each with a reference); returns pages
 * freed. All are unmapped first, then one TLB flush per mm, then written
 * (Linux's shrink_folio_list with TTU_BATCH_FLUSH). */
static unsigned long shrink_folio_list(struct list_head *list, bool ignore_refs)
{
	unsigned long freed = 0;
	LIST_HEAD(unmapped);
	LIST_HEAD(putback);
	struct ttu_batch batch = { 0 };
	while (!list_empty(list)) {
		struct folio *folio =
			(struct folio *)list_first_entry(list, struct page, folio_lru);
		list_del(&folio->page.folio_lru);
		stat_inc(reclaim_scanned);
		enum reclaim_result res = shrink_folio_unmap(folio, ignore_refs, list, &batch);
		if (res == RECLAIM_UNMAPPED)
			list_add_tail(&folio->page.folio_lru, &unmapped);
		else
			freed += reclaim_finish(folio, res, &putback);
	}
	ttu_batch_flush(&batch);
	while (!list_empty(&unmapped)) {
		struct folio *folio =
			(struct folio *)list_first_entry(&unmapped, struct page, folio_lru);
		list_del(&folio->page.folio_lru);
		freed += reclaim_finish(folio, shrink_folio_write_or_free(folio), &putback);
	}
	lru_putback_list(&putback);
	stat_add(reclaim_freed, freed);
	return freed;
}

#define RECLAIM_BATCH 32

/*
 * Look at a few folios for each one wanted at priority 0: folios under
 * writeback or just used are passed over, and scanning the whole list for
 * them costs more than waiting for the writes. Each priority step doubles
 * the look, up to the whole LRU twice (every accessed bit cleared, then
 * seen again): a caller that got nothing escalates before it gives up.
 */
#define RECLAIM_MAX_PRIO 12

static unsigned long reclaim_budget(unsigned long nr_pages, unsigned prio)
{
	unsigned long all = 2 * (lru_nr_pages(true) + lru_nr_pages(false)) + RECLAIM_BATCH;
	unsigned long budget = (8 * nr_pages + 4 * RECLAIM_BATCH) << MIN(prio, RECLAIM_MAX_PRIO);
	return MIN(budget, MAX(all, 8 * nr_pages + 4 * RECLAIM_BATCH));
}

/*
 * Linux's shrink_lruvec for the one lruvec: isolate a batch from the
 * inactive tail (refilled from the active list: shrink_active_list) and
 * shrink it (together, shrink_inactive_list), until nr_pages are freed or
 * the priority's scan budget is spent. Unlike Linux, priority 0 is the
 * lightest scan and it grows (reclaim_budget).
 */
unsigned long shrink_lruvec(unsigned long nr_pages, unsigned prio)
{
	unsigned long freed = 0, isolated = 0;
	unsigned long budget = reclaim_budget(nr_pages, prio);
	lru_add_drain(); /* this CPU's new folios, as Linux's shrink_inactive_list */
	while (freed < nr_pages && isolated < budget) {
		LIST_HEAD(list);
		unsigned long n = lru_isolate(RECLAIM_BATCH, &list);
		if (!n)
			break;
		isolated += n;
		freed += shrink_folio_list(&list, false);
	}
	return freed;
}

/* Linux's reclaim_pages (its per-node helper is reclaim_folio_list). */
unsigned long reclaim_pages(struct list_head *list)
{
	return shrink_folio_list(list, true);
}

/* --- a range, on request (MADV_PAGEOUT) ---------------------------------------- */

/* Linux's madvise_pageout; the list goes to shrink_folio_list as
 * reclaim_pages would send it. */
int madvise_pageout(struct mm *mm, unsigned long start, unsigned long len, unsigned long *freed)
{
	if (!mm_user_range_ok(start, start + len) || (start | len) & (PAGE_SIZE - 1))
		return -EINVAL;
	LIST_HEAD(list);
	down_read(&mm->mmap_lock);
	for (unsigned long addr = start; addr < start + len; addr += PAGE_SIZE) {
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
		if (!ptep)
			continue;
		pte_t pte = ptep_get(ptep);
		struct folio *folio = pte_present(pte) ? pte_anon_folio(pte) : NULL;
		if (folio && lru_isolate_folio(folio))
			list_add_tail(&folio->page.folio_lru, &list);
		pte_unmap_unlock(ptep, ptl);
	}
	up_read(&mm->mmap_lock);
	unsigned long n = shrink_folio_list(&list, true);
	if (freed)
		*freed = n;
	return 0;
}

/* --- when memory runs short ------------------------------------------------------- */

#define KSWAPD_BACKOFF_NS (20 * 1000 * 1000ull)

static struct task *kswapd_task;
static DECLARE_WAIT_QUEUE_HEAD(kswapd_wait);

static bool below(unsigned long wm)
{
	return nr_free_pages() < wm;
}

#define RECLAIM_WAITED (~0ul)

static unsigned long direct_shrink(unsigned long nr, unsigned prio)
{
	stat_inc(reclaim_direct_runs);
	if (current)
		current->in_reclaim = true;
	unsigned long freed = shrink_lruvec(nr, prio);
	if (current)
		current->in_reclaim = false;
	return freed;
}

/*
 * Direct reclaim (Linux's try_to_free_pages, with its throttling): pages
 * freed, or RECLAIM_WAITED when the task slept to enter and memory is no
 * longer short (someone reclaimed meanwhile: look again). Up to
 * reclaim.direct_max tasks reclaim at once; with alone, the scan waits
 * until it is the only one (mm/reclaim_throttle.c says why an OOM decision
 * needs that).
 *
 * A task that slept and still finds memory short reclaims itself rather
 * than leaving at once. (When direct reclaim was one mutex, which handed
 * itself from one waiter to the next, waiters that only passed it on kept
 * it busy with nobody reclaiming: the stress test's livelock, four tasks
 * and swapoff handing it round thousands of times a second.)
 */
static unsigned long try_to_free_pages(unsigned long nr, unsigned prio, bool alone)
{
	if (reclaim_throttle_enter(alone) && !below(page_alloc_watermarks()->low + nr)) {
		reclaim_throttle_exit();
		return RECLAIM_WAITED;
	}
	if (alone)
		lru_add_drain_all(); /* it sees every folio: none waits in a batch */
	unsigned long freed = direct_shrink(nr, prio);
	reclaim_throttle_exit();
	return freed;
}

void reclaim_direct(unsigned order)
{
	const struct watermarks *wm = page_alloc_watermarks();
	if (!below(wm->low + (1ul << order)) || (current && current->in_reclaim))
		return;
	try_to_free_pages(RECLAIM_BATCH + (1ul << order), 0, false);
}

#define RECLAIM_RETRIES 16   /* rounds without progress before OOM */
#define RECLAIM_IO_WAITS 500 /* at most ~5 s of waiting for writes */
#define RECLAIM_IO_WAIT_NS (10 * 1000 * 1000ull)
#define RECLAIM_MAX_ROUNDS 100000 /* a bound, should progress never stick */

/*
 * An allocation that may reclaim found no memory. Reclaim; when nothing
 * could be freed but swap writes are in flight, wait for one to end (their
 * completions free folios) rather than give up: out of memory is declared
 * only after RECLAIM_RETRIES rounds in a row that freed nothing, at the
 * highest scan priority, with nothing in flight (Linux's
 * should_reclaim_retry). Progress starts the count again. The scans at the
 * highest priority, whose empty result counts towards that, run alone
 * (reclaim_throttle.h): no folio is out of their sight on another
 * reclaimer's list.
 */
bool reclaim_retry(unsigned order, struct reclaim_retry_state *st)
{
	if ((current && current->in_reclaim) || ++st->tries > RECLAIM_MAX_ROUNDS)
		return false;
	/* Killed by the OOM killer: its memory is being reaped; the fault
	 * fails and the task ends instead of competing for memory. */
	if (current && fatal_signal_pending(current))
		return false;
	bool alone = st->prio >= RECLAIM_MAX_PRIO;
	unsigned long freed = try_to_free_pages(RECLAIM_BATCH + (1ul << order), st->prio, alone);
	if (freed == RECLAIM_WAITED)
		return true;
	if (freed) {
		st->no_progress = 0;
		st->prio = 0;
		return true;
	}
	if (st->io_waits < RECLAIM_IO_WAITS && swap_io_wait_some(RECLAIM_IO_WAIT_NS)) {
		st->io_waits++;
		return true;
	}
	/* Nothing freed, nothing in flight: look harder before giving up. */
	if (st->prio < RECLAIM_MAX_PRIO) {
		st->prio += 2;
		return true;
	}
	return ++st->no_progress < RECLAIM_RETRIES;
}

void wakeup_kswapd(void)
{
	if (kswapd_task && below(page_alloc_watermarks()->low))
		wake_up_all(&kswapd_wait);
}

static int kswapd(void *arg)
{
	current->in_reclaim = true;
	for (;;) {
		wait_event(kswapd_wait, below(page_alloc_watermarks()->low));
		stat_inc(kswapd_runs);
		unsigned prio = 0;
		while (below(page_alloc_watermarks()->high)) {
			if (shrink_lruvec(RECLAIM_BATCH, prio)) {
				prio = 0;
				continue;
			}
			if (prio < RECLAIM_MAX_PRIO) {
				prio += 2; /* nothing freed: look harder first */
				continue;
			}
			/* Nothing to free now (swap full, all busy): back off
			 * rather than spin while memory stays short. */
			set_current_state(TASK_BLOCKED);
			schedule_timeout(KSWAPD_BACKOFF_NS);
			break;
		}
	}
	return 0; /* not reached: kswapd runs until power-off */
}

int kswapd_start(void)
{
	if (kswapd_task)
		return 0;
	kswapd_task = kthread_create_on_cpu(kswapd, NULL, 0, "kswapd");
	return kswapd_task ? 0 : -ENOMEM;
}
