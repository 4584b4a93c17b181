/*
 * Boot-time and on-demand checks of swap areas (see swapdev.h). Page 0 is
 * read into a private page; nothing is written unless formatting is
 * allowed and the header is invalid, and then only page 0.
 */
#include "swapdev.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/swap.h"

static const char *swap_name;
static bool swap_format;
KPARAM_STR(swap_dev, "swap", &swap_name, "block device to use as swap (default: vda when present)");
KPARAM_BOOL(swap_fmt, "swap.format", &swap_format,
	    "write a fresh mkswap header on the swap device when its header is missing or invalid");

static void print_area(const struct blockdev *bd, const struct swap_area_info *info)
{
	const u8 *u = info->uuid;
	pr_info("swap: %s: swap area v%u, %u pages (%lu usable, %u bad), uuid "
		"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x, label "
		"'%s'\n",
		bd->name, info->version, info->last_page + 1, (unsigned long)info->usable_pages,
		info->nr_badpages, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		u[10], u[11], u[12], u[13], u[14], u[15], info->label);
}

static int format_page0(struct blockdev *bd, struct page *pg, struct swap_area_info *info)
{
	u8 uuid[16];
	u64 seed = arch_time_ns() ^ (u64)(unsigned long)bd;
	for (unsigned i = 0; i < 16; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uuid[i] = seed >> 56;
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x40; /* RFC 4122 version 4 (random) */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
	swap_header_format(page_address(pg), blockdev_pages(bd), uuid, "swaplab");
	int err = blk_rw_sync(bd, BLK_WRITE, 0, &pg, 1);
	if (err) {
		pr_err("swap: %s: writing the new header failed (%d)\n", bd->name, err);
		return err;
	}
	swap_header_parse(page_address(pg), blockdev_pages(bd), info);
	pr_info("swap: %s: formatted (swap.format=1)\n", bd->name);
	return 0;
}

int swapdev_open(struct blockdev *bd, bool allow_format, struct swap_area_info *info)
{
	if (blockdev_pages(bd) < 2) {
		pr_err("swap: %s: unusable: %lu bytes is too small for a swap area\n", bd->name,
		       (unsigned long)blockdev_bytes(bd));
		return -ENOSPC;
	}
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg)
		return -ENOMEM;
	int err = blk_rw_sync(bd, BLK_READ, 0, &pg, 1);
	if (err) {
		pr_err("swap: %s: unusable: cannot read the swap header (%d)\n", bd->name, err);
		free_page(pg);
		return -EIO;
	}
	enum swap_header_status st = swap_header_parse(page_address(pg), blockdev_pages(bd), info);
	if (st != SWAPHDR_OK) {
		char why[160];
		swap_header_explain(st, page_address(pg), blockdev_pages(bd), why, sizeof(why));
		if (!allow_format) {
			pr_err("swap: %s: refused: %s; nothing was written to it (swap.format=1 "
			       "would format it)\n",
			       bd->name, why);
			free_page(pg);
			return -EINVAL;
		}
		pr_warn("swap: %s: %s; formatting it as asked\n", bd->name, why);
		err = format_page0(bd, pg, info);
		if (err) {
			free_page(pg);
			return err;
		}
	}
	print_area(bd, info);
	free_page(pg);
	return 0;
}

void swapdev_init(void)
{
	const char *name = swap_name ? swap_name : "vda";
	struct blockdev *bd = blockdev_get(name);
	if (!bd) {
		if (swap_name)
			pr_err("swap: no block device '%s' (swap=%s); running without swap\n", name,
			       name);
		return;
	}
	static struct swap_area_info info;
	if (swapdev_open(bd, swap_format, &info) == 0)
		swapon(bd, &info, 0);
}
