/*
 * Reading and writing the mkswap header (layout in swap_header.h). The
 * checks are Linux's (mm/swapfile.c: read_swap_header) made strict: where
 * Linux truncates an area that claims more pages than the device has, we
 * refuse it, since that image is damaged or was made for another device.
 */
#include "swap_header.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static u32 get32(const void *page, unsigned off)
{
	u32 v;
	memcpy(&v, (const u8 *)page + off, 4);
	return v;
}

static void put32(void *page, unsigned off, u32 v)
{
	memcpy((u8 *)page + off, &v, 4);
}

static bool has_sig(const void *page, const char *sig)
{
	return memcmp((const u8 *)page + SWAP_HEADER_PAGE_SIZE - SWAP_SIGNATURE_LEN, sig,
		      SWAP_SIGNATURE_LEN) == 0;
}

enum swap_header_status swap_header_parse(const void *page, u64 dev_pages,
					  struct swap_area_info *info)
{
	if (!has_sig(page, SWAP_SIGNATURE))
		return has_sig(page, SWAP_SIGNATURE_OLD) ? SWAPHDR_OLD_FORMAT
							 : SWAPHDR_NO_SIGNATURE;
	u32 version = get32(page, SWAP_OFF_VERSION);
	u32 last = get32(page, SWAP_OFF_LAST_PAGE);
	u32 nbad = get32(page, SWAP_OFF_NR_BADPAGES);
	if (version != SWAP_HEADER_VERSION)
		return SWAPHDR_BAD_VERSION;
	if (last == 0)
		return SWAPHDR_EMPTY;
	if ((u64)last >= dev_pages)
		return SWAPHDR_TRUNCATED;
	if (nbad > SWAP_MAX_BADPAGES)
		return SWAPHDR_BAD_BADPAGES;
	/* usable_pages is last - nbad: with as many bad entries as pages
	 * (repeats included) it would be 0, or wrap to 4 billion. */
	if (nbad >= last)
		return SWAPHDR_EMPTY;
	for (u32 i = 0; i < nbad; i++) {
		u32 b = get32(page, SWAP_OFF_BADPAGES + 4 * i);
		if (b == 0 || b > last)
			return SWAPHDR_BAD_BADPAGES;
	}
	if (!info)
		return SWAPHDR_OK;
	info->version = version;
	info->last_page = last;
	info->nr_badpages = nbad;
	memcpy(info->uuid, (const u8 *)page + SWAP_OFF_UUID, 16);
	memcpy(info->label, (const u8 *)page + SWAP_OFF_LABEL, 16);
	info->label[16] = '\0';
	for (u32 i = 0; i < nbad; i++)
		info->badpages[i] = get32(page, SWAP_OFF_BADPAGES + 4 * i);
	info->usable_pages = last - nbad;
	return SWAPHDR_OK;
}

void swap_header_explain(enum swap_header_status st, const void *page, u64 dev_pages, char *buf,
			 size_t size)
{
	u32 version = get32(page, SWAP_OFF_VERSION), last = get32(page, SWAP_OFF_LAST_PAGE);
	switch (st) {
	case SWAPHDR_OK:
		snprintk(buf, size, "valid swap area");
		break;
	case SWAPHDR_NO_SIGNATURE:
		snprintk(buf, size,
			 "no swap signature: the last 10 bytes of page 0 are not SWAPSPACE2 (not "
			 "made by mkswap)");
		break;
	case SWAPHDR_OLD_FORMAT:
		snprintk(buf, size,
			 "old version-0 swap area (SWAP-SPACE signature); run mkswap again");
		break;
	case SWAPHDR_BAD_VERSION:
		snprintk(buf, size, "wrong swap header version %u (expected %u%s)", version,
			 SWAP_HEADER_VERSION,
			 version == 0x01000000u ? "; this one is byte-swapped, from a machine of "
						  "the other endianness"
						: "");
		break;
	case SWAPHDR_TRUNCATED:
		snprintk(buf, size,
			 "truncated swap area: the header says last_page %u (%lu pages) but the "
			 "device has only %lu pages",
			 last, (unsigned long)last + 1, (unsigned long)dev_pages);
		break;
	case SWAPHDR_EMPTY:
		snprintk(buf, size, "empty swap area (last_page %u, %u bad pages: no usable page)",
			 last, get32(page, SWAP_OFF_NR_BADPAGES));
		break;
	case SWAPHDR_BAD_BADPAGES:
		snprintk(buf, size, "bad-page list invalid (%u entries, at most %u, each in 1..%u)",
			 get32(page, SWAP_OFF_NR_BADPAGES), SWAP_MAX_BADPAGES, last);
		break;
	}
}

void swap_header_format(void *page, u64 dev_pages, const u8 *uuid, const char *label)
{
	u8 *p = page;
	memset(p + SWAP_OFF_VERSION, 0, SWAP_HEADER_PAGE_SIZE - SWAP_OFF_VERSION);
	put32(p, SWAP_OFF_VERSION, SWAP_HEADER_VERSION);
	u64 last = dev_pages - 1;
	put32(p, SWAP_OFF_LAST_PAGE, last > 0xffffffffu ? 0xffffffffu : (u32)last);
	put32(p, SWAP_OFF_NR_BADPAGES, 0);
	if (uuid)
		memcpy(p + SWAP_OFF_UUID, uuid, 16);
	if (label)
		memcpy(p + SWAP_OFF_LABEL, label, strnlen(label, 16));
	memcpy(p + SWAP_HEADER_PAGE_SIZE - SWAP_SIGNATURE_LEN, SWAP_SIGNATURE, SWAP_SIGNATURE_LEN);
}
