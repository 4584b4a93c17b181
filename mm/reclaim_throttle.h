/*
 * Direct reclaim throttling (mm/reclaim_throttle.c): how many tasks may
 * reclaim directly at once. Up to reclaim.direct_max of them scan the LRU
 * together, each isolating its own batches under lru_lock; the others
 * sleep until one leaves (Linux bounds them by the folios they isolate,
 * too_many_isolated, and sleeps in reclaim_throttle). A scan whose result
 * may decide an out-of-memory kill runs alone: it waits until no other
 * direct reclaimer is inside and keeps new ones out meanwhile, so nothing
 * it could have freed sat isolated on another reclaimer's list while it
 * looked, as when every direct reclaim ran alone behind one mutex.
 *
 * Tasks only (it sleeps); never nested (current->in_reclaim keeps a
 * reclaimer from reclaiming again from its own allocations).
 */
#ifndef MM_RECLAIM_THROTTLE_H
#define MM_RECLAIM_THROTTLE_H

#include "kernel/types.h"

/* Enter, alone or as one of up to reclaim.direct_max; sleeps while that
 * is not possible. True when it had to sleep (memory may have been freed
 * meanwhile: look again before reclaiming). */
bool reclaim_throttle_enter(bool alone);
/* Leave, and wake whoever waits to enter. */
void reclaim_throttle_exit(void);
/* Direct reclaimers inside now, the limit (reclaim.direct_max, resolved),
 * for tests and reports. */
unsigned reclaim_throttle_nr_inside(void);
unsigned reclaim_throttle_max(void);
/* Tests: set reclaim.direct_max (0: the default); returns the old value. */
unsigned reclaim_throttle_set_max(unsigned max);

#endif
