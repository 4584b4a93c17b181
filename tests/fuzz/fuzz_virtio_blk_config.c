/*
 * vblk_config_parse() with the config space a virtio-blk device could
 * present. Input: negotiated features (u64), the ring size (u16, rounded
 * down to a power of two as virtio_pci does), then the config bytes (any
 * length; the buffer is exactly that long). What is accepted must be a
 * device the driver can use without hanging: a command fits in the ring,
 * a page fits in a segment, the block size is sane.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "drivers/blockdev.h"
#include "drivers/virtio.h"
#include "drivers/virtio_blk_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u64 features;
	u16 qsize;
	if (size < 10)
		return 0;
	memcpy(&features, data, 8);
	memcpy(&qsize, data + 8, 2);
	unsigned num = 1;
	while (num * 2 <= qsize && num * 2 <= 256)
		num *= 2;
	bool indirect = features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
	u32 len = (u32)(size - 10);
	u8 *cfg = malloc(len + 1);
	memcpy(cfg, data + 10, len);
	struct vblk_limits lim;
	if (vblk_config_parse(cfg, len, features, num, indirect, "virtio0", &lim) == 0) {
		if (lim.seg_limit == 0 || (!indirect && lim.seg_limit + 2 > num))
			abort();
		if (lim.size_max && lim.size_max < 4096)
			abort();
		if (lim.block_size < 512 || lim.block_size > 4096 ||
		    (lim.block_size & (lim.block_size - 1)))
			abort();
		if (lim.capacity > ~0ull >> SECTOR_SHIFT)
			abort();
	}
	free(cfg);
	return 0;
}
