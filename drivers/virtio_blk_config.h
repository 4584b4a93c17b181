/*
 * The virtio-blk device configuration (virtio 1.2, 5.2.4), as the device
 * wrote it, turned into the limits the driver works with. Fetch-free: the
 * driver reads the fields into a buffer (drivers/virtio_blk.c), this file
 * checks them, and a fuzz target (tests/fuzz/fuzz_virtio_blk_config.c)
 * feeds it any bytes. A device whose values the driver cannot honour is
 * refused here, before its queue is used, with the field named.
 */
#ifndef DRIVERS_VIRTIO_BLK_CONFIG_H
#define DRIVERS_VIRTIO_BLK_CONFIG_H

#include "kernel/types.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

/* Field offsets in the config space; each field is read only when its
 * feature was negotiated (capacity always). */
#define VBLK_CFG_CAPACITY 0  /* u64, 512-byte sectors */
#define VBLK_CFG_SIZE_MAX 8  /* u32, bytes per segment */
#define VBLK_CFG_SEG_MAX 12  /* u32, segments per request */
#define VBLK_CFG_BLK_SIZE 20 /* u32, logical block size */
#define VBLK_CFG_LEN 24	     /* what we read */

struct vblk_limits {
	u64 capacity;	/* sectors */
	u32 seg_max;	/* as the device said (1 when not offered) */
	u32 seg_limit;	/* segments per command: seg_max, capped by the ring */
	u32 size_max;	/* bytes per segment, 0: unlimited */
	u32 block_size; /* a power of two from 512 to the page size */
	bool read_only, can_flush;
};

/* cfg holds cfg_len bytes of config space; features are the negotiated
 * ones; the queue has queue_num entries (with indirect descriptors when
 * indirect). 0, or -EINVAL after a message naming the device and field. */
int vblk_config_parse(const u8 *cfg, u32 cfg_len, u64 features, unsigned queue_num, bool indirect,
		      const char *name, struct vblk_limits *out);

#endif
