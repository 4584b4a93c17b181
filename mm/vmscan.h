/*
 * Reclaim (mm/vmscan.c): free pages by swapping anonymous folios out.
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include "kernel/types.h"

struct mm;

/* Scan the LRU and free up to about nr_pages; returns pages freed. Priority
 * 0 is the lightest scan; each step doubles the folios looked at, up to
 * the whole LRU twice. */
unsigned long shrink_lruvec(unsigned long nr_pages, unsigned prio);
/* Reclaim every anon folio mapped in [start, start + len) of mm, accessed
 * or not (MADV_PAGEOUT). 0 or -EINVAL; *freed (may be NULL) gets the pages
 * freed now (writes still in flight free theirs at completion). */
int madvise_pageout(struct mm *mm, unsigned long start, unsigned long len, unsigned long *freed);
/* Reclaim the folios on list (each isolated from the LRU with a
 * reference, e.g. by lru_isolate_folio), accessed or not; pages freed. */
#include "kernel/list.h"
unsigned long reclaim_pages(struct list_head *list);
/* From alloc_pages: direct reclaim for a __GFP_RECLAIM allocation when
 * free pages are below the low watermark; wake the background thread. */
void reclaim_direct(unsigned order);
void wakeup_kswapd(void);
/* An allocation with __GFP_RECLAIM failed: reclaim (or wait for writes in
 * flight) and say whether trying again can help. */
struct reclaim_retry_state {
	unsigned tries, io_waits, no_progress, prio;
};
bool reclaim_retry(unsigned order, struct reclaim_retry_state *st);
/* The background reclaimer (one, on CPU 0): started at boot, runs until
 * power-off (the host test program runs without it). */
int kswapd_start(void);

#endif
