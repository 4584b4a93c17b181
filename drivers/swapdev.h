/*
 * Opening a block device as a swap area: read page 0, check the mkswap
 * header, and refuse the device (writing nothing to it) unless it is
 * valid, or formatting was asked for explicitly.
 *
 * Command line: swap=NAME picks the device checked at boot (default: vda
 * when present); swap.format=1 allows writing a fresh header to a device
 * whose header is missing or invalid.
 */
#ifndef DRIVERS_SWAPDEV_H
#define DRIVERS_SWAPDEV_H

#include "blockdev.h"
#include "swap_header.h"

/* 0 with *info filled; -EINVAL (invalid header, refused, nothing
 * written), -EIO (page 0 unreadable), -ENOSPC (device smaller than two
 * pages). Messages say which, prefixed "swap: NAME:". */
int swapdev_open(struct blockdev *bd, bool allow_format, struct swap_area_info *info);
/* The boot-time check of the device named by swap= (or vda), which is
 * then switched on as swap (type 0, priority 0). */
void swapdev_init(void);

#endif
