/*
 * The LRU lists of anonymous folios that reclaim scans: active and
 * inactive, one pair for the one memory node. New anon folios go on the
 * active list; reclaim takes folios from the tail of the inactive list,
 * and the active list's tail refills the inactive list when it runs
 * short. Whether a folio was used since the last look comes from the
 * accessed bits of the PTEs mapping it (folio_referenced, mm/rmap.c).
 *
 * The lists hold no reference. PG_lru says a folio is on a list; it is set
 * and cleared under lru_lock, and stays set while a folio moves from one
 * list to the other (folio_free reads it without the lock). A folio is
 * taken off (isolated) with a
 * reference got by folio_try_get, so it cannot be freed while isolated;
 * a folio whose last reference goes while it is on a list is taken off by
 * folio_free (lru_del_on_free).
 *
 * lru_lock is taken with interrupts off (a writeback completion may free
 * a folio) and nests inside nothing but the folio lock.
 */
#ifndef MM_LRU_H
#define MM_LRU_H

#include "kernel/list.h"
#include "kernel/types.h"

struct folio;

/* Put folio (referenced by the caller) on the active or inactive list
 * (Linux's folio_add_lru, folio_add_lru_vma). */
void lru_add(struct folio *folio, bool active);
/* Take up to nr folios from the tail of the inactive list onto list, each
 * with a reference and PG_lru clear; refills the inactive list from the
 * active one first when it is shorter. Returns how many. */
unsigned long lru_isolate(unsigned long nr, struct list_head *list);
/* Take this folio off its list with a reference, if it is on one. */
bool lru_isolate_folio(struct folio *folio);
/* Give an isolated folio back to a list and drop the isolation
 * reference. */
void lru_putback(struct folio *folio, bool active);
/* folio_free: off the list if it is on one. */
void lru_del_on_free(struct folio *folio);
/* Folios on the lists (pages, not folios). */
unsigned long lru_nr_pages(bool active);

#endif
