/*
 * Swap I/O (see page_io.h).
 */
#include "drivers/blockdev.h"
#include "folio.h"
#include "kernel/errno.h"
#include "kernel/fault_inject.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/sched.h"
#include "kernel/stats.h"
#include "kernel/wait.h"
#include "kmalloc.h"
#include "page_io.h"
#include "swap.h"
#include "swap_readahead.h"

DEFINE_STAT_COUNTER(pswpin);  /* pages read from swap */
DEFINE_STAT_COUNTER(pswpout); /* pages written to swap */
DEFINE_STAT_COUNTER(swap_read_errors);
/* Reads of several folios in one request (readahead's runs of slots). */
DEFINE_STAT_COUNTER(swap_read_merged);
DEFINE_STAT_COUNTER(swap_write_errors);
DEFINE_STAT_COUNTER(swap_freed_at_write_end);
/* The end of a write held the last reference although it did not free the
 * folio itself: the others let go meanwhile (a zap of its last swap PTE). */
DEFINE_STAT_COUNTER(swap_write_end_last_ref);

#define SWAP_IO_ERROR_REPORTS 20

static atomic_long_t swap_io_in_flight;
static DECLARE_WAIT_QUEUE_HEAD(swap_io_wait);

long swap_io_pending(void)
{
	return atomic_long_read(&swap_io_in_flight);
}

/* An I/O ended: wake reclaimers waiting for memory to come free. */
static void swap_io_done(void)
{
	atomic_long_dec(&swap_io_in_flight);
	if (wait_queue_active(&swap_io_wait))
		wake_up_all(&swap_io_wait);
}

bool swap_io_wait_some(u64 timeout_ns)
{
	long before = swap_io_pending();
	if (!before)
		return false;
	wait_event_timeout(swap_io_wait,
			   swap_io_pending() < before || (current && fatal_signal_pending(current)),
			   timeout_ns);
	return true;
}

void swap_io_wake_waiters(void)
{
	wake_up_all(&swap_io_wait);
}

void swap_io_report_devices(void)
{
	blockdev_report_all();
}

/*
 * One request to the device: the pages of one folio (a write, a fault's
 * read), or of several folios in consecutive slots (readahead's reads,
 * swap_read_folios). folios points into the same allocation, after
 * pages.
 */
struct swap_io {
	struct blk_request rq;
	unsigned nr_folios;
	struct folio **folios;
	struct page *pages[];
};

static u64 swap_sector(swp_entry_t entry)
{
	return swp_offset(entry) << (PAGE_SHIFT - SECTOR_SHIFT);
}

static struct swap_io *swap_io_alloc(struct folio **folios, unsigned nr_folios, enum blk_op op,
				     blk_end_io_fn end_io)
{
	unsigned nr = 0;
	for (unsigned f = 0; f < nr_folios; f++)
		nr += (unsigned)folio_nr_pages(folios[f]);
	/* Reclaim runs when memory is short: dip into the reserve. */
	struct swap_io *io = kmalloc(sizeof(*io) + nr * sizeof(struct page *) +
					     nr_folios * sizeof(struct folio *),
				     GFP_ATOMIC | __GFP_NOWARN);
	if (!io)
		return NULL;
	io->nr_folios = nr_folios;
	io->folios = (struct folio **)&io->pages[nr];
	unsigned p = 0;
	for (unsigned f = 0; f < nr_folios; f++) {
		io->folios[f] = folios[f];
		for (unsigned long i = 0; i < folio_nr_pages(folios[f]); i++)
			io->pages[p++] = folio_page(folios[f], i);
	}
	io->rq = (struct blk_request){
		.op = op,
		.sector = swap_sector(folio_swap_entry(folios[0])),
		.nr_pages = nr,
		.pages = io->pages,
		.end_io = end_io,
		.private = io,
	};
	return io;
}

/*
 * fail.swap_read= / fail.swap_write= (kernel/fault_inject.h): the device
 * "fails" the request: it is not sent, and its completion runs at once
 * with -EIO, in the submitter's context, as a synchronous device's would.
 * The error handling under test is then exactly what a real device error
 * (blkdebug, tests/kernel/swap_errors.c) goes through.
 */
static bool swap_io_should_fail(struct fault_attr *attr, struct swap_io *io)
{
	if (!should_fail(attr, io->rq.nr_pages * PAGE_SIZE))
		return false;
	atomic_long_inc(&swap_io_in_flight);
	io->rq.status = -EIO;
	io->rq.end_io(&io->rq);
	return true;
}

static void swap_io_error(const char *what, struct folio *folio, int status)
{
	swp_entry_t e = folio_swap_entry(folio);
	struct blockdev *bd = swap_type_blockdev(swp_type(e));
	static atomic_long_t reports;
	if (atomic_long_add_return(&reports, 1) <= SWAP_IO_ERROR_REPORTS)
		pr_err("swap: %s error %d on %s, slots %lu..%lu (sector %lu)\n", what, status,
		       bd ? bd->name : "?", (unsigned long)swp_offset(e),
		       (unsigned long)(swp_offset(e) + folio_nr_pages(folio) - 1),
		       (unsigned long)swap_sector(e));
}

static void swap_read_done(struct folio *folio, int status)
{
	if (status) {
		swap_io_error("read", folio, status);
		stat_inc(swap_read_errors);
	} else {
		folio_set_uptodate(folio);
		stat_add(pswpin, folio_nr_pages(folio));
	}
	if (folio_test_readahead(folio))
		swap_readahead_read_done(folio); /* unlocks it, puts the read's reference */
	else
		folio_unlock(folio);
}

static void swap_read_end_io(struct blk_request *rq)
{
	struct swap_io *io = rq->private;
	for (unsigned f = 0; f < io->nr_folios; f++)
		swap_read_done(io->folios[f], rq->status);
	kfree(io);
	swap_io_done();
}

/* Do the folios hold consecutive slots of one device, in order? */
static bool swap_folios_contiguous(struct folio **folios, unsigned n)
{
	for (unsigned f = 1; f < n; f++) {
		swp_entry_t prev = folio_swap_entry(folios[f - 1]), e = folio_swap_entry(folios[f]);
		if (swp_type(e) != swp_type(prev) ||
		    swp_offset(e) != swp_offset(prev) + folio_nr_pages(folios[f - 1]))
			return false;
	}
	return true;
}

int swap_read_folio(struct folio *folio)
{
	return swap_read_folios(&folio, 1);
}

int swap_read_folios(struct folio **folios, unsigned n)
{
	for (unsigned f = 0; f < n; f++)
		ASSERT(folio_test_locked(folios[f]) && folio_test_swapcache(folios[f]));
	ASSERT(n > 0 && swap_folios_contiguous(folios, n));
	struct blockdev *bd = swap_type_blockdev(swp_type(folio_swap_entry(folios[0])));
	if (!bd)
		return -ENODEV;
	race_point("swapin:before-read");
	struct swap_io *io = swap_io_alloc(folios, n, BLK_READ, swap_read_end_io);
	if (!io)
		return -ENOMEM;
	if (n > 1)
		stat_inc(swap_read_merged);
	if (swap_io_should_fail(&fail_swap_read, io))
		return 0;
	if (bd->polling) {
		int err = blk_rw_sync(bd, BLK_READ, io->rq.sector, io->pages, io->rq.nr_pages);
		kfree(io);
		if (err == -EINVAL || err == -ERANGE)
			return err;
		for (unsigned f = 0; f < n; f++)
			swap_read_done(folios[f], err);
		return 0;
	}
	atomic_long_inc(&swap_io_in_flight);
	int err = blk_submit(bd, &io->rq);
	if (err) {
		atomic_long_dec(&swap_io_in_flight);
		kfree(io);
	}
	return err;
}

int swap_read_folio_sync(struct folio *folio, swp_entry_t entry)
{
	ASSERT(!folio_test_large(folio));
	/* fail.swap_read= fails this read too, as the device would. */
	if (should_fail(&fail_swap_read, PAGE_SIZE))
		return -EIO;
	struct blockdev *bd = swap_type_blockdev(swp_type(entry));
	if (!bd)
		return -ENODEV;
	struct page *page = &folio->page;
	int err = blk_rw_sync(bd, BLK_READ, swap_sector(entry), &page, 1);
	if (!err)
		stat_inc(pswpin);
	return err;
}

bool folio_free_swap_clean(struct folio *folio)
{
	ASSERT(folio_test_locked(folio));
	unsigned long nr = folio_nr_pages(folio);
	/* The cache's references plus the caller's: nobody else may be
	 * about to map it (a racing swap-in holds a reference). */
	if (!folio_test_swapcache(folio) || folio_test_writeback(folio) ||
	    folio_test_dirty(folio) || folio_mapped(folio) || folio_ref_count(folio) != (int)nr + 1)
		return false;
	swap_cache_del_folio(folio);
	return true;
}

/*
 * A write ended. The I/O holds a folio reference from swap_writepage to
 * here: once writeback is clear, a zap may take the folio out of the swap
 * cache and drop every other reference, and without its own the end of
 * the write would lock and free a folio already freed (seen in the 4-CPU
 * demo; tests/swap_write_end_race.c). May run in interrupt context.
 */
static void swap_write_done(struct folio *folio, int status, bool may_free)
{
	if (status) {
		swap_io_error("write", folio, status);
		stat_inc(swap_write_errors);
		folio_set_dirty(folio); /* keep the data: written again later */
	} else {
		stat_add(pswpout, folio_nr_pages(folio));
	}
	folio_end_writeback(folio);
	race_point("swapout:write-done");
	/* The submitter, or the next reclaim pass, frees it otherwise. */
	bool freed_here = false;
	if (may_free && !status && folio_trylock(folio)) {
		freed_here = folio_free_swap_clean(folio);
		if (freed_here)
			stat_inc(swap_freed_at_write_end);
		else
			folio_free_swap(folio); /* swapped back in meanwhile, slots unused */
		folio_unlock(folio);
	}
	if (!freed_here && folio_ref_count(folio) == 1)
		stat_inc(swap_write_end_last_ref);
	folio_put(folio);
}

static void swap_write_end_io(struct blk_request *rq)
{
	struct swap_io *io = rq->private;
	race_point("swapout:write-end-io"); /* the folio still under writeback */
	struct folio *folio = io->folios[0];
	int status = rq->status;
	kfree(io);
	swap_write_done(folio, status, true);
	swap_io_done();
}

int swap_writepage(struct folio *folio)
{
	ASSERT(folio_test_locked(folio) && folio_test_swapcache(folio));
	ASSERT(!folio_test_writeback(folio));
	struct blockdev *bd = swap_type_blockdev(swp_type(folio_swap_entry(folio)));
	if (!bd)
		return -ENODEV;
	struct swap_io *io = swap_io_alloc(&folio, 1, BLK_WRITE, swap_write_end_io);
	if (!io)
		return -ENOMEM;
	folio_clear_dirty(folio);
	folio_set_writeback(folio);
	folio_get(folio); /* the I/O's, dropped by swap_write_done */
	race_point("swapout:before-write");
	if (swap_io_should_fail(&fail_swap_write, io))
		return 0;
	int err;
	if (bd->polling) {
		err = blk_rw_sync(bd, BLK_WRITE, io->rq.sector, io->pages, io->rq.nr_pages);
		kfree(io);
		if (err != -EINVAL && err != -ERANGE && err != -EROFS) {
			swap_write_done(folio, err, false);
			return 0;
		}
	} else {
		atomic_long_inc(&swap_io_in_flight);
		err = blk_submit(bd, &io->rq);
		if (!err)
			return 0;
		atomic_long_dec(&swap_io_in_flight);
		kfree(io);
	}
	folio_set_dirty(folio);
	folio_end_writeback(folio);
	folio_put(folio); /* not the last: the caller holds one */
	return err;
}
