/*
 * Checking the virtio-blk config space (virtio_blk_config.h). What each
 * check prevents:
 *   capacity    sectors * 512 must fit in 64 bits (the block layer and
 *               swapon compute byte sizes).
 *   size_max    below the page size, no page could be sent at all.
 *   blk_size    the block layer aligns requests to it: a power of two
 *               from 512 to the page size, as Linux requires.
 *   queue       without indirect descriptors a command takes header +
 *               segments + status ring entries: a ring of fewer than 3
 *               could never take one, and the driver would wait forever.
 * seg_max 0 is read as 1, as before.
 */
#include <asm/page.h>
#include "blockdev.h"
#include "virtio_blk_config.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static bool has(u64 features, unsigned bit)
{
	return features & (1ull << bit);
}

/* A u32 field when its feature was negotiated; false when the device
 * offered the feature but its config space is too short for the field. */
static bool field32(const u8 *cfg, u32 cfg_len, u64 features, unsigned bit, unsigned off, u32 *v)
{
	if (!has(features, bit))
		return true;
	if (cfg_len < off + 4)
		return false;
	memcpy(v, cfg + off, 4);
	return true;
}

static int refuse(const char *name, const char *what, u64 value)
{
	pr_err("virtio-blk: %s: %s (%lu); device refused\n", name, what, (unsigned long)value);
	return -EINVAL;
}

int vblk_config_parse(const u8 *cfg, u32 cfg_len, u64 features, unsigned queue_num, bool indirect,
		      const char *name, struct vblk_limits *out)
{
	memset(out, 0, sizeof(*out));
	out->seg_max = 1;
	out->block_size = SECTOR_SIZE;
	if (cfg_len < VBLK_CFG_CAPACITY + 8)
		return refuse(name, "config space too short for the capacity", cfg_len);
	memcpy(&out->capacity, cfg + VBLK_CFG_CAPACITY, 8);
	if (out->capacity > ~0ull >> SECTOR_SHIFT)
		return refuse(name, "capacity in sectors overflows a byte count", out->capacity);
	if (!field32(cfg, cfg_len, features, VIRTIO_BLK_F_SIZE_MAX, VBLK_CFG_SIZE_MAX,
		     &out->size_max) ||
	    !field32(cfg, cfg_len, features, VIRTIO_BLK_F_SEG_MAX, VBLK_CFG_SEG_MAX,
		     &out->seg_max) ||
	    !field32(cfg, cfg_len, features, VIRTIO_BLK_F_BLK_SIZE, VBLK_CFG_BLK_SIZE,
		     &out->block_size))
		return refuse(name, "config space too short for the fields offered", cfg_len);
	if (out->size_max && out->size_max < PAGE_SIZE)
		return refuse(name, "size_max is below the page size", out->size_max);
	u32 bs = out->block_size;
	if (bs < SECTOR_SIZE || bs > PAGE_SIZE || (bs & (bs - 1)))
		return refuse(name, "blk_size is not a power of two from 512 to the page size", bs);
	if (!indirect && queue_num < 3)
		return refuse(name, "queue too small for a command without indirect descriptors",
			      queue_num);
	u32 limit = indirect ? BLK_MAX_PAGES : queue_num - 2;
	u32 seg_max = out->seg_max ? out->seg_max : 1;
	out->seg_limit = MIN(seg_max, limit);
	out->read_only = has(features, VIRTIO_BLK_F_RO);
	out->can_flush = has(features, VIRTIO_BLK_F_FLUSH);
	return 0;
}
