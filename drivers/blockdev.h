/*
 * Block devices: the interface swap I/O (page_io) uses. A request moves
 * 1..BLK_MAX_PAGES whole pages to or from the device, starting at a
 * 512-byte sector. Submission is asynchronous: blk_submit() returns 0 when
 * the request was accepted, and then rq->end_io(rq) runs exactly once,
 * with rq->status 0 or -EIO, possibly in interrupt context and possibly
 * before blk_submit() returns (a synchronous_io device completes
 * inside the call). A request blk_submit() refuses (negative return) never
 * reaches the device and end_io is not called.
 *
 * Two capabilities the swap code keys on are booleans of the device (Linux:
 * BLK_FEAT_SYNCHRONOUS and BLK_FEAT_STABLE_WRITES, from which swapon sets
 * SWP_SYNCHRONOUS_IO and SWP_STABLE_WRITES in si->flags):
 * synchronous_io: completion happens inside submit (zram-like), so the
 *   swap-in path may skip the swap cache and read synchronously.
 * stable_writes: a page must not change while it is being written (the
 *   device reads it later, or checksums/compresses it).
 * They are not bits: the swap device's flags (si->flags, SWP_USED, ...,
 * mm/swap_cluster.h) share the SWP_ prefix and the bit values, and
 * "si->flags & SWP_SYNCHRONOUS_IO" compiled and tested SWP_USED.
 *
 * Registry: devices register once at boot under a unique name ("vda",
 * "ramswap0") and are never removed, so lookups need no reference counts.
 */
#ifndef DRIVERS_BLOCKDEV_H
#define DRIVERS_BLOCKDEV_H

#include "kernel/list.h"
#include "kernel/types.h"

#define SECTOR_SHIFT 9
#define SECTOR_SIZE (1u << SECTOR_SHIFT)
#define BLK_MAX_PAGES 512

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH };

struct page;
struct blockdev;
struct blk_request;
typedef void (*blk_end_io_fn)(struct blk_request *rq);

struct blk_request {
	/* Filled by the submitter. */
	enum blk_op op;
	u64 sector;	     /* first 512-byte sector */
	unsigned nr_pages;   /* 1..BLK_MAX_PAGES (0 for BLK_FLUSH) */
	struct page **pages; /* whole pages, in device order */
	blk_end_io_fn end_io;
	void *private; /* the submitter's */
	/* Set before end_io runs. */
	int status; /* 0, or -EIO when the device failed it */
	/* The driver's, while the request is in flight. */
	struct blockdev *bdev;
	int drv_pending;	      /* device commands still in flight (atomic) */
	int drv_status;		      /* first error among them (atomic) */
	struct blk_request *drv_next; /* on the driver's queue */
	u64 drv_csum;		      /* ramswap: a write's checksum at submission */
};

struct blockdev_ops {
	/* Start rq (already validated); 0, or -ENOMEM and end_io not called. */
	int (*submit)(struct blockdev *bd, struct blk_request *rq);
	/* Complete what the device finished, without interrupts (may be NULL
	 * for synchronous devices). Any context. */
	void (*poll)(struct blockdev *bd);
	/* Print the driver's state for a hang report (may be NULL). */
	void (*report)(struct blockdev *bd);
};

struct blockdev {
	char name[16];
	u64 nr_sectors;	     /* capacity in 512-byte sectors */
	u32 block_size;	     /* logical block size in bytes (>= 512) */
	bool synchronous_io; /* completes inside submit (see above) */
	/* Pages must not change under a write (see above): set by the
	 * driver or blk.stable_writes= at registration, or by the device's
	 * creator before swapon; read without a lock. */
	bool stable_writes;
	bool read_only;
	bool can_flush; /* BLK_FLUSH does something (a write cache) */
	bool polling;	/* no interrupt: waiters must call blk_poll */
	const struct blockdev_ops *ops;
	void *priv;
	struct list_head link; /* on the registry; set at registration */
	/* Statistics, atomic. */
	u64 nr_requests, nr_errors, nr_refused;
	u64 nr_irqs; /* completion interrupts taken (driver-counted) */
};

/* Add bd under bd->name; -EEXIST for a duplicate name. Its
 * stable_writes is then what blk.stable_writes= says for that name, if it
 * names it. */
int blockdev_register(struct blockdev *bd);
/* Take bd off the registry (its driver frees it after): nobody may use
 * it any more, as swap or otherwise. */
void blockdev_unregister(struct blockdev *bd);
/* After the boot's devices registered: -EINVAL, after naming it and the
 * devices there are, when blk.stable_writes= names a device none is. */
int blockdev_check_cmdline(void);
/* The device with this name, or NULL. */
struct blockdev *blockdev_get(const char *name);
/* Every registered device (read-only list). */
extern struct list_head blockdev_list;

/* Validate and start rq on bd: -EINVAL (bad size or op), -ERANGE (past
 * the capacity), -EROFS (write to a read-only device) are refused before
 * the device sees anything. */
int blk_submit(struct blockdev *bd, struct blk_request *rq);
void blk_poll(struct blockdev *bd);
/* Every device's counters and driver state, for the hung-task report. */
void blockdev_report_all(void);
/* Submit and wait (sleeps; polls when the device has no interrupt).
 * Returns the request's status or blk_submit's refusal. */
int blk_rw_sync(struct blockdev *bd, enum blk_op op, u64 sector, struct page **pages,
		unsigned nr_pages);
/* Bytes of capacity, and whole pages of it. */
static inline u64 blockdev_bytes(const struct blockdev *bd)
{
	return bd->nr_sectors << SECTOR_SHIFT;
}
static inline u64 blockdev_pages(const struct blockdev *bd)
{
	return blockdev_bytes(bd) >> 12;
}

#endif
