/*
 * folio_split (mm/split.c): a large anon folio, locked, isolated from the
 * LRU, not in the swap cache, becomes 2^order order-0 folios in place.
 * The first (the old head) stays locked with the caller's reference; the
 * others are appended to list, unlocked, each with one reference for the
 * caller. -EBUSY (nothing changed) when a mapping's locks are busy or
 * someone else holds a reference.
 */
#ifndef MM_SPLIT_H
#define MM_SPLIT_H

#include "kernel/list.h"

struct folio;

int folio_split(struct folio *folio, struct list_head *list);

#endif
