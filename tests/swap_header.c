/* The mkswap header: parsing crafted pages, formatting, round trips. */
#include "drivers/swap_header.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "tests/test_kit.h"

static u8 hdr_page[SWAP_HEADER_PAGE_SIZE];

/* What util-linux mkswap writes for a 1024-page device labelled "lbl". */
static void make_valid(void)
{
	memset(hdr_page, 0, sizeof(hdr_page));
	test_put_u32(hdr_page, SWAP_OFF_VERSION, 1);
	test_put_u32(hdr_page, SWAP_OFF_LAST_PAGE, 1023);
	for (unsigned i = 0; i < 16; i++)
		hdr_page[SWAP_OFF_UUID + i] = i * 17;
	memcpy(hdr_page + SWAP_OFF_LABEL, "lbl", 3);
	memcpy(hdr_page + SWAP_HEADER_PAGE_SIZE - 10, "SWAPSPACE2", 10);
}

KTEST(swap_header, valid_header_parses_every_field)
{
	static struct swap_area_info info;
	make_valid();
	test_put_u32(hdr_page, SWAP_OFF_NR_BADPAGES, 2);
	test_put_u32(hdr_page, SWAP_OFF_BADPAGES, 5);
	test_put_u32(hdr_page, SWAP_OFF_BADPAGES + 4, 1023);
	KT_ASSERT_EQ(t, swap_header_parse(hdr_page, 1024, &info), SWAPHDR_OK);
	KT_EXPECT_EQ(t, info.version, 1);
	KT_EXPECT_EQ(t, info.last_page, 1023);
	KT_EXPECT_EQ(t, info.nr_badpages, 2);
	KT_EXPECT_EQ(t, info.badpages[0], 5);
	KT_EXPECT_EQ(t, info.badpages[1], 1023);
	KT_EXPECT_EQ(t, info.usable_pages, 1021);
	KT_EXPECT_EQ(t, info.uuid[15], 15 * 17);
	KT_EXPECT(t, strcmp(info.label, "lbl") == 0);
}

KTEST(swap_header, each_defect_has_its_own_status)
{
	memset(hdr_page, 0, sizeof(hdr_page));
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1024, NULL), SWAPHDR_NO_SIGNATURE);
	make_valid();
	memcpy(hdr_page + SWAP_HEADER_PAGE_SIZE - 10, "SWAP-SPACE", 10);
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1024, NULL), SWAPHDR_OLD_FORMAT);
	make_valid();
	test_put_u32(hdr_page, SWAP_OFF_VERSION, 2);
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1024, NULL), SWAPHDR_BAD_VERSION);
	make_valid();
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1023, NULL), SWAPHDR_TRUNCATED);
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1024, NULL), SWAPHDR_OK);
	test_put_u32(hdr_page, SWAP_OFF_LAST_PAGE, 0);
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1024, NULL), SWAPHDR_EMPTY);
	make_valid();
	test_put_u32(hdr_page, SWAP_OFF_NR_BADPAGES, 1);
	test_put_u32(hdr_page, SWAP_OFF_BADPAGES, 1024); /* past last_page */
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 2048, NULL), SWAPHDR_BAD_BADPAGES);
	test_put_u32(hdr_page, SWAP_OFF_NR_BADPAGES, SWAP_MAX_BADPAGES + 1);
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 2048, NULL), SWAPHDR_BAD_BADPAGES);
}

KTEST(swap_header, messages_name_the_defect)
{
	char buf[200];
	make_valid();
	swap_header_explain(SWAPHDR_TRUNCATED, hdr_page, 100, buf, sizeof(buf));
	KT_EXPECT(t, strncmp(buf, "truncated swap area", 19) == 0);
	test_put_u32(hdr_page, SWAP_OFF_VERSION, 0x01000000u);
	swap_header_explain(SWAPHDR_BAD_VERSION, hdr_page, 1024, buf, sizeof(buf));
	KT_EXPECT(t, strncmp(buf, "wrong swap header version 16777216", 34) == 0);
	swap_header_explain(SWAPHDR_NO_SIGNATURE, hdr_page, 1024, buf, sizeof(buf));
	KT_EXPECT(t, strncmp(buf, "no swap signature", 17) == 0);
}

KTEST(swap_header, format_keeps_boot_bits_and_round_trips)
{
	static struct swap_area_info info;
	memset(hdr_page, 0xee, sizeof(hdr_page));
	u8 uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	swap_header_format(hdr_page, 4096, uuid, "a-label-longer-than-16");
	KT_EXPECT_EQ(t, hdr_page[0], 0xee);
	KT_EXPECT_EQ(t, hdr_page[1023], 0xee);
	KT_ASSERT_EQ(t, swap_header_parse(hdr_page, 4096, &info), SWAPHDR_OK);
	KT_EXPECT_EQ(t, info.last_page, 4095);
	KT_EXPECT_EQ(t, info.nr_badpages, 0);
	KT_EXPECT_EQ(t, info.uuid[0], 1);
	KT_EXPECT_EQ(t, info.uuid[15], 16);
	KT_EXPECT(t, strcmp(info.label, "a-label-longer-t") == 0);
}

/* Found by the fuzz target's invariant (usable pages in 1..last_page):
 * more bad-page entries than pages, repeats allowed, made usable_pages
 * wrap to about 4 billion; as many as pages left none. */
KTEST(swap_header, as_many_bad_pages_as_pages_is_empty)
{
	static struct swap_area_info info;
	make_valid();
	test_put_u32(hdr_page, SWAP_OFF_LAST_PAGE, 1);
	test_put_u32(hdr_page, SWAP_OFF_NR_BADPAGES, 2);
	test_put_u32(hdr_page, SWAP_OFF_BADPAGES, 1);
	test_put_u32(hdr_page, SWAP_OFF_BADPAGES + 4, 1);
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1024, &info), SWAPHDR_EMPTY);
	test_put_u32(hdr_page, SWAP_OFF_NR_BADPAGES, 1);
	KT_EXPECT_EQ(t, swap_header_parse(hdr_page, 1024, &info), SWAPHDR_EMPTY);
	char why[160];
	swap_header_explain(SWAPHDR_EMPTY, hdr_page, 1024, why, sizeof(why));
	KT_EXPECT(t, strncmp(why, "empty swap area (last_page 1, 1 bad pages", 41) == 0);
	test_put_u32(hdr_page, SWAP_OFF_LAST_PAGE, 2);
	KT_ASSERT_EQ(t, swap_header_parse(hdr_page, 1024, &info), SWAPHDR_OK);
	KT_EXPECT_EQ(t, info.usable_pages, 1);
}
