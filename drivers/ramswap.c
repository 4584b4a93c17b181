/*
 * ramswap storage: 2 MiB blocks from the buddy allocator (so a large
 * device needs no large contiguous area), indexed by byte offset / 2 MiB.
 * A request copies page by page; a page at a sector that is not
 * page-aligned may straddle two blocks, so each copy is split at block
 * boundaries. No lock: the data of concurrent requests to the same
 * sectors is undefined, as on a disk; the block table is read-only after
 * creation.
 */
#include "ramswap.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/page_alloc.h"

#define RAMSWAP_BLOCK_ORDER 9
#define RAMSWAP_BLOCK (PAGE_SIZE << RAMSWAP_BLOCK_ORDER)

struct ramswap {
	struct blockdev bd;
	unsigned nr_blocks;
	u8 **blocks;
};

static u64 ramswap_size;
KPARAM_U64(ramswap_size, "ramswap.size", &ramswap_size, 0, 1ull << 40,
	   "size of the RAM swap device ramswap0 (e.g. 64M; 0: none)");

static void copy_page(struct ramswap *rs, u64 off, void *buf, bool to_dev)
{
	u8 *b = buf;
	for (size_t done = 0; done < PAGE_SIZE;) {
		u64 pos = off + done;
		size_t in_block = RAMSWAP_BLOCK - pos % RAMSWAP_BLOCK;
		size_t n = PAGE_SIZE - done < in_block ? PAGE_SIZE - done : in_block;
		u8 *dev = rs->blocks[pos / RAMSWAP_BLOCK] + pos % RAMSWAP_BLOCK;
		if (to_dev)
			memcpy(dev, b + done, n);
		else
			memcpy(b + done, dev, n);
		done += n;
	}
}

static int ramswap_submit(struct blockdev *bd, struct blk_request *rq)
{
	struct ramswap *rs = bd->priv;
	for (unsigned i = 0; i < rq->nr_pages && rq->op != BLK_FLUSH; i++)
		copy_page(rs, (rq->sector << SECTOR_SHIFT) + (u64)i * PAGE_SIZE,
			  page_address(rq->pages[i]), rq->op == BLK_WRITE);
	rq->status = 0;
	rq->end_io(rq);
	return 0;
}

static const struct blockdev_ops ramswap_ops = { .submit = ramswap_submit };

struct blockdev *ramswap_create(const char *name, u64 bytes)
{
	bytes = ALIGN_UP(bytes, (u64)PAGE_SIZE);
	unsigned nr = (unsigned)((bytes + RAMSWAP_BLOCK - 1) / RAMSWAP_BLOCK);
	struct ramswap *rs = kzalloc(sizeof(*rs), GFP_KERNEL);
	u8 **blocks = kzalloc(nr * sizeof(*blocks) + 1, GFP_KERNEL);
	if (!rs || !blocks)
		goto nomem;
	rs->blocks = blocks;
	for (rs->nr_blocks = 0; rs->nr_blocks < nr; rs->nr_blocks++) {
		blocks[rs->nr_blocks] = alloc_pages_va(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
						       RAMSWAP_BLOCK_ORDER);
		if (!blocks[rs->nr_blocks])
			goto nomem;
	}
	struct blockdev *bd = &rs->bd;
	snprintk(bd->name, sizeof(bd->name), "%s", name);
	bd->nr_sectors = bytes >> SECTOR_SHIFT;
	bd->block_size = SECTOR_SIZE;
	bd->flags = SWP_SYNCHRONOUS_IO | SWP_STABLE_WRITES;
	bd->ops = &ramswap_ops;
	bd->priv = rs;
	if (blockdev_register(bd) != 0)
		goto nomem;
	return bd;
nomem:
	pr_err("ramswap: %s: not enough memory for %lu MiB\n", name, (unsigned long)(bytes >> 20));
	if (rs)
		for (unsigned i = 0; i < rs->nr_blocks; i++)
			free_pages_va(blocks[i], RAMSWAP_BLOCK_ORDER);
	kfree(blocks);
	kfree(rs);
	return NULL;
}

void ramswap_init(void)
{
	if (ramswap_size)
		ramswap_create("ramswap0", ramswap_size);
}
