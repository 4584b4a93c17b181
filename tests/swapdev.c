/* swapdev_open on a RAM device: refusal writes nothing; format on request. */
#include "drivers/ramswap.h"
#include "drivers/swapdev.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "tests/test_kit.h"

static struct swap_area_info info;

static bool page0_is(struct blockdev *bd, const void *want)
{
	struct page *pg = alloc_page(GFP_KERNEL);
	if (!pg)
		return false;
	bool same = blk_rw_sync(bd, BLK_READ, 0, &pg, 1) == 0 &&
		    memcmp(page_address(pg), want, PAGE_SIZE) == 0;
	free_page(pg);
	return same;
}

KTEST(swapdev, unformatted_device_refused_then_formatted_on_request)
{
	struct blockdev *bd = test_ramswap(t, "ramswap-swapdev", 2ul << 20, false, 0);
	KT_ASSERT(t, bd != NULL);
	static u8 junk[PAGE_SIZE];
	memset(junk, 0x3c, sizeof(junk));
	struct page *pg = alloc_page(GFP_KERNEL);
	KT_ASSERT(t, pg != NULL);
	memcpy(page_address(pg), junk, PAGE_SIZE);
	KT_ASSERT_EQ(t, blk_rw_sync(bd, BLK_WRITE, 0, &pg, 1), 0);
	free_page(pg);

	u64 before = bd->nr_requests;
	KT_EXPECT_EQ(t, swapdev_open(bd, false, &info), -EINVAL);
	KT_EXPECT_EQ(t, bd->nr_requests, before + 1); /* the read of page 0 only */
	KT_EXPECT(t, page0_is(bd, junk));

	KT_ASSERT_EQ(t, swapdev_open(bd, true, &info), 0);
	KT_EXPECT_EQ(t, info.last_page, 511);
	KT_EXPECT(t, strcmp(info.label, "swaplab") == 0);
	/* Now valid: opening again without format changes nothing. */
	before = bd->nr_requests;
	KT_EXPECT_EQ(t, swapdev_open(bd, false, &info), 0);
	KT_EXPECT_EQ(t, bd->nr_requests, before + 1);
}
