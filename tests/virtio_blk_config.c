/*
 * vblk_config_parse() (drivers/virtio_blk_config.c) on config spaces built
 * in a buffer: QEMU's values give the limits the driver used before, and
 * the values tests/fuzz/fuzz_virtio_blk_config.c is about are refused.
 */
#include "drivers/virtio.h"
#include "drivers/virtio_blk_config.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u8 blk_cfg[VBLK_CFG_LEN];

#define F(bit) (1ull << (bit))
#define QEMU_FEATURES (F(VIRTIO_BLK_F_SEG_MAX) | F(VIRTIO_BLK_F_BLK_SIZE) | F(VIRTIO_BLK_F_FLUSH))

static void make_cfg(u64 capacity, u32 size_max, u32 seg_max, u32 blk_size)
{
	memset(blk_cfg, 0, sizeof(blk_cfg));
	memcpy(blk_cfg + VBLK_CFG_CAPACITY, &capacity, 8);
	memcpy(blk_cfg + VBLK_CFG_SIZE_MAX, &size_max, 4);
	memcpy(blk_cfg + VBLK_CFG_SEG_MAX, &seg_max, 4);
	memcpy(blk_cfg + VBLK_CFG_BLK_SIZE, &blk_size, 4);
}

static int parse_quietly(u32 len, u64 features, unsigned num, bool indirect,
			 struct vblk_limits *lim)
{
	int saved = console_loglevel;
	console_loglevel = LOG_EMERG; /* the refusals below are expected */
	int err = vblk_config_parse(blk_cfg, len, features, num, indirect, "virtio0", lim);
	console_loglevel = saved;
	return err;
}

KTEST(virtio_blk_config, qemu_values_accepted)
{
	struct vblk_limits lim;
	make_cfg(1048576, 0, 254, 512);
	KT_ASSERT_EQ(t, parse_quietly(VBLK_CFG_LEN, QEMU_FEATURES, 256, true, &lim), 0);
	KT_EXPECT_EQ(t, lim.capacity, 1048576);
	KT_EXPECT_EQ(t, lim.seg_max, 254);
	KT_EXPECT_EQ(t, lim.seg_limit, 254);
	KT_EXPECT_EQ(t, lim.block_size, 512);
	KT_EXPECT(t, lim.can_flush && !lim.read_only);
	KT_ASSERT_EQ(t, parse_quietly(VBLK_CFG_LEN, QEMU_FEATURES, 128, false, &lim), 0);
	KT_EXPECT_EQ(t, lim.seg_limit, 126); /* header and status take two */
	make_cfg(8, 0, 0, 0);
	KT_ASSERT_EQ(t, parse_quietly(VBLK_CFG_LEN, F(VIRTIO_BLK_F_SEG_MAX), 4, false, &lim), 0);
	KT_EXPECT_EQ(t, lim.seg_limit, 1);    /* seg_max 0 reads as 1 */
	KT_EXPECT_EQ(t, lim.block_size, 512); /* not offered: the sector */
}

/* Found by review for the fuzz target: a ring of 2 without indirect
 * descriptors made the segment limit 0, and build_cmds looped forever on
 * the first request (a ring of 1 made it 4 billion). */
KTEST(virtio_blk_config, ring_too_small_for_a_command_refused)
{
	struct vblk_limits lim;
	make_cfg(1048576, 0, 254, 512);
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, QEMU_FEATURES, 2, false, &lim), -EINVAL);
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, QEMU_FEATURES, 1, false, &lim), -EINVAL);
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, QEMU_FEATURES, 1, true, &lim), 0);
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, QEMU_FEATURES, 4, false, &lim), 0);
	KT_EXPECT_EQ(t, lim.seg_limit, 2);
}

KTEST(virtio_blk_config, values_the_driver_cannot_honour_refused)
{
	struct vblk_limits lim;
	u64 f = QEMU_FEATURES | F(VIRTIO_BLK_F_SIZE_MAX);
	make_cfg(1048576, 512, 254, 512); /* a segment smaller than a page */
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, f, 256, true, &lim), -EINVAL);
	make_cfg(1048576, 0, 254, 1000); /* not a power of two */
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, f, 256, true, &lim), -EINVAL);
	make_cfg(1048576, 0, 254, 8192); /* above the page size */
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, f, 256, true, &lim), -EINVAL);
	make_cfg(~0ull, 0, 254, 512); /* bytes would not fit in 64 bits */
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_LEN, f, 256, true, &lim), -EINVAL);
	make_cfg(1048576, 0, 254, 512); /* blk_size offered past the config space */
	KT_EXPECT_EQ(t, parse_quietly(VBLK_CFG_BLK_SIZE + 2, f, 256, true, &lim), -EINVAL);
	KT_EXPECT_EQ(t, parse_quietly(4, 0, 256, true, &lim), -EINVAL);
}
