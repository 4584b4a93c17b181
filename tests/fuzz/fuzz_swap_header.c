/*
 * swap_header_parse() on page 0 of a swap device, as any disk image could
 * hold it. Input: 8 bytes of device size in pages (little endian), then
 * the page (zero-filled past the input; the parser's contract is one whole
 * page). A refusal must come with its explanation; an accepted header must
 * leave at least one usable page, every bad page inside the area, and
 * survive a format/parse round trip of the same size.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "drivers/swap_header.h"

static struct swap_area_info info;

static void check_accepted(u64 dev_pages)
{
	if (info.usable_pages == 0 || info.usable_pages > info.last_page ||
	    info.last_page >= dev_pages)
		abort();
	for (u32 i = 0; i < info.nr_badpages; i++)
		if (info.badpages[i] == 0 || info.badpages[i] > info.last_page)
			abort();
}

static void check_format(const u8 *page, u64 dev_pages)
{
	static u8 copy[SWAP_HEADER_PAGE_SIZE];
	memcpy(copy, page, sizeof(copy));
	swap_header_format(copy, dev_pages, NULL, (const char *)page + 16);
	if (dev_pages >= 2 && dev_pages <= 0xffffffffull &&
	    swap_header_parse(copy, dev_pages, NULL) != SWAPHDR_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u64 dev_pages = 0;
	if (size < 8)
		return 0;
	memcpy(&dev_pages, data, 8);
	u8 *page = calloc(1, SWAP_HEADER_PAGE_SIZE + 1);
	size_t n = size - 8 < SWAP_HEADER_PAGE_SIZE ? size - 8 : SWAP_HEADER_PAGE_SIZE;
	memcpy(page, data + 8, n); /* page[4096] stays 0: a label for check_format */
	enum swap_header_status st = swap_header_parse(page, dev_pages, &info);
	char why[160];
	swap_header_explain(st, page, dev_pages, why, sizeof(why));
	if (st == SWAPHDR_OK)
		check_accepted(dev_pages);
	check_format(page, dev_pages);
	free(page);
	return 0;
}
