/*
 * The swap area format of util-linux mkswap (include/swapheader.h there),
 * which Linux's swapon reads: page 0 of the device holds
 *   bytes 0..1023     boot bits (left alone: a disk label may live there)
 *   1024  u32 version       1
 *   1028  u32 last_page     index of the last usable page (pages - 1)
 *   1032  u32 nr_badpages
 *   1036  u8  uuid[16]
 *   1052  char label[16]
 *   1068  u32 padding[117]
 *   1536  u32 badpages[]    page indices not to use (at most 637)
 *   PAGE_SIZE-10 "SWAPSPACE2"
 * in the byte order of the machine that ran mkswap (little endian here).
 */
#ifndef DRIVERS_SWAP_HEADER_H
#define DRIVERS_SWAP_HEADER_H

#include "kernel/types.h"

#define SWAP_HEADER_PAGE_SIZE 4096u
#define SWAP_SIGNATURE "SWAPSPACE2"
#define SWAP_SIGNATURE_OLD "SWAP-SPACE" /* version 0, long obsolete */
#define SWAP_SIGNATURE_LEN 10
#define SWAP_HEADER_VERSION 1
#define SWAP_OFF_VERSION 1024
#define SWAP_OFF_LAST_PAGE 1028
#define SWAP_OFF_NR_BADPAGES 1032
#define SWAP_OFF_UUID 1036
#define SWAP_OFF_LABEL 1052
#define SWAP_OFF_BADPAGES 1536
#define SWAP_MAX_BADPAGES ((SWAP_HEADER_PAGE_SIZE - SWAP_OFF_BADPAGES - SWAP_SIGNATURE_LEN) / 4)

/* Why a header is refused (0 = valid). Each has its own message. */
enum swap_header_status {
	SWAPHDR_OK = 0,
	SWAPHDR_NO_SIGNATURE, /* no "SWAPSPACE2" (nor the old one) */
	SWAPHDR_OLD_FORMAT,   /* "SWAP-SPACE": version 0 */
	SWAPHDR_BAD_VERSION,  /* signature present, version != 1 */
	SWAPHDR_TRUNCATED,    /* last_page beyond the end of the device */
	SWAPHDR_EMPTY,	      /* last_page 0, or as many bad pages: no usable page */
	SWAPHDR_BAD_BADPAGES, /* too many bad pages, or one past last_page */
};

struct swap_area_info {
	u32 version;
	u32 last_page;
	u32 nr_badpages;
	u8 uuid[16];
	char label[17]; /* NUL-terminated copy */
	u32 badpages[SWAP_MAX_BADPAGES];
	u64 usable_pages; /* last_page (page 0 is the header) - bad pages */
};

/* Check page 0 of a device of dev_pages pages; fill *info (when not NULL)
 * when valid. */
enum swap_header_status swap_header_parse(const void *page, u64 dev_pages,
					  struct swap_area_info *info);
/* A one-line reason for a status, with the numbers from page. */
void swap_header_explain(enum swap_header_status st, const void *page, u64 dev_pages, char *buf,
			 size_t size);
/* Write a mkswap-style header for a device of dev_pages pages (the boot
 * bits are left as they are; uuid may be NULL, label NULL or a string). */
void swap_header_format(void *page, u64 dev_pages, const u8 *uuid, const char *label);

#endif
