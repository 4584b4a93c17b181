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
 * a folio) and nests inside nothing but the folio lock and a CPU's add
 * batch lock.
 *
 * New folios do not go on a list at once: lru_add puts them in this CPU's
 * add batch (Linux's folio_batch in cpu_fbatches.lru_add), and a batch
 * goes onto the lists under one lru_lock acquisition when it is full,
 * when a large folio joins it, or when it is drained: lru_add_drain (this
 * CPU; reclaim does it before it isolates) and lru_add_drain_all (every
 * CPU: the scans that may decide an OOM kill, lru_isolate_folio for a
 * folio still in a batch, the test runner between tests). Each batch has a
 * spinlock (irqsave) so that another CPU can drain it without an IPI.
 * Unlike Linux, a batch holds no reference: PG_lru_batch says a folio is
 * in one (set and cleared under that batch's lock), and folio_free takes a
 * folio whose last reference goes while it waits there out of its batch,
 * as it takes one off a list. Reference counts thus stay exact (COW reuse,
 * swap-in exclusivity and freeing from the swap cache count references),
 * and no freed folio waits in a batch.
 */
#ifndef MM_LRU_H
#define MM_LRU_H

#include "kernel/list.h"
#include "kernel/types.h"

struct folio;

/* Put folio (referenced by the caller) on the active or inactive list,
 * through this CPU's add batch (Linux's folio_add_lru, folio_add_lru_vma). */
void lru_add(struct folio *folio, bool active);
/* Move this CPU's add batch onto the lists (Linux's lru_add_drain). */
void lru_add_drain(void);
/* Every CPU's (Linux's lru_add_drain_all; no IPI: each batch has a lock). */
void lru_add_drain_all(void);
/* Take up to nr folios from the tail of the inactive list onto list, each
 * with a reference and PG_lru clear; refills the inactive list from the
 * active one first when it is shorter. Returns how many. */
unsigned long lru_isolate(unsigned long nr, struct list_head *list);
/* Take this folio off its list with a reference, if it is on one. */
bool lru_isolate_folio(struct folio *folio);
/* Give isolated folios back, each to the list its PG_active names, under
 * one lru_lock acquisition per 32, and drop the isolation references
 * (Linux's move_folios_to_lru). Empties list. */
void lru_putback_list(struct list_head *list);
/* folio_free: off the list or out of the add batch it is in. */
void lru_del_on_free(struct folio *folio);
/* Folios on the lists (pages, not folios). */
unsigned long lru_nr_pages(bool active);

#endif
