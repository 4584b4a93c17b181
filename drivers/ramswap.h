/*
 * ramswap: a synchronous block device in RAM, the role zram plays for
 * Linux swap (without compression): SWP_SYNCHRONOUS_IO, so a request is
 * complete when blk_submit() returns, and SWP_STABLE_WRITES.
 * ramswap.size=64M on the command line creates "ramswap0" at boot.
 */
#ifndef DRIVERS_RAMSWAP_H
#define DRIVERS_RAMSWAP_H

#include "blockdev.h"
#include "kernel/types.h"

/* A device of bytes (rounded up to pages) registered as name; the memory
 * is zeroed. NULL after pr_err when memory runs out. Never freed. */
struct blockdev *ramswap_create(const char *name, u64 bytes);
/* Create ramswap0 when ramswap.size is set. */
void ramswap_init(void);

#endif
