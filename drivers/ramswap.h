/*
 * ramswap: a synchronous block device in RAM, the role zram plays for
 * Linux swap (without compression): synchronous_io, so a request is
 * complete when blk_submit() returns, and stable_writes. Tests may
 * also make an asynchronous one (ramswap_create_async).
 * ramswap.size=64M on the command line creates "ramswap0" at boot.
 */
#ifndef DRIVERS_RAMSWAP_H
#define DRIVERS_RAMSWAP_H

#include "blockdev.h"
#include "kernel/types.h"

/* A device of bytes (rounded up to pages) registered as name; the memory
 * is zeroed. NULL after pr_err when memory runs out. */
struct blockdev *ramswap_create(const char *name, u64 bytes);
/* The same, asynchronous (not synchronous_io): a task on cpu does each
 * request after blk_submit() returned and calls end_io there, in
 * submission order, as an interrupt on another CPU would. For tests of
 * what runs at a write's end. Its writes are integrity-checked: a
 * checksum of the data at submission, compared with what the task copies
 * (stopped before the copy at race point ramswap:write-before-copy). */
struct blockdev *ramswap_create_async(const char *name, u64 bytes, unsigned cpu);
/* Writes whose data changed between submission and the copy (torn
 * writes), on an asynchronous device; also counted in ramswap_torn_writes. */
u64 ramswap_torn_writes(struct blockdev *bd);
/* Unregister and free a device (an asynchronous one's worker ends after
 * the requests it has): the caller has switched it off as swap and waits
 * for no request of its own. */
void ramswap_destroy(struct blockdev *bd);
/* Create ramswap0 when ramswap.size is set. */
void ramswap_init(void);

#endif
