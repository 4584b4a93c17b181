/*
 * get_user_pages and pin_user_pages (mm/gup.c): the kernel takes hold of
 * the pages behind a range of user addresses, so that a "device" can read
 * or write them later without the page tables, as O_DIRECT, RDMA and
 * io_uring fixed buffers do. The caller gets struct page pointers and
 * reaches the data through the direct map (page_address).
 *
 * Two kinds of hold, as in Linux:
 *   FOLL_GET  a plain folio reference (get_user_pages). The page is not
 *             freed, but nothing else knows it is in use: reclaim may
 *             unmap it and swap it out, and a copy on write may put
 *             another page in the page table. Writes through it can be
 *             lost: the hold that seed 001's commit message talks about.
 *             Dropped with folio_put(page_folio(page)).
 *   FOLL_PIN  a pin (pin_user_pages), which folio_maybe_dma_pinned()
 *             sees (mm/folio.h counts it). An anonymous page is pinned
 *             only while it is anon-exclusive, and then stays the page
 *             the mm maps: reclaim does not unmap it (try_to_unmap refuses
 *             under the PTL), and exclusivity means the owner's next write
 *             reuses it instead of copying. A read-only pin of a page that
 *             may be shared first faults with FAULT_FLAG_UNSHARE (reuse
 *             or copy, mapped read-only), so it sees the owner's later
 *             writes. Dropped with unpin_user_page().
 * FOLL_WRITE: the holder will write the pages: a write fault first (copy
 * on write happens now, not after the holder wrote). FOLL_LONGTERM: held
 * for an unbounded time; accepted and the same here (Linux migrates such
 * pages out of movable zones first; swaplab has none).
 *
 * Not done: fork of an mm with pinned pages (Linux copies a pinned
 * exclusive page for the child at fork; here fork shares it, and the
 * parent's next write would copy away from the pin), and GUP-fast (the
 * lockless walk of pin_user_pages_fast).
 *
 * Locking: mm's mmap lock is taken for read; each hold is taken under the
 * PTL of the PTE that maps the page, which is also where try_to_unmap
 * looks for pins.
 */
#ifndef MM_GUP_H
#define MM_GUP_H

#include "kernel/types.h"

struct mm;
struct page;

#define FOLL_WRITE (1u << 0)	/* the holder writes the pages */
#define FOLL_GET (1u << 1)	/* a plain reference (get_user_pages) */
#define FOLL_PIN (1u << 2)	/* a pin (pin_user_pages) */
#define FOLL_LONGTERM (1u << 3) /* held for long: RDMA, io_uring buffers */

/*
 * Take hold of nr_pages pages of mm from start (page-aligned), faulting
 * them in as needed: FOLL_GET (get_user_pages) or FOLL_PIN
 * (pin_user_pages) is added to gup_flags. Linux's *_remote variants: the
 * mm is given, and mm's mmap lock must not be held. Returns how many
 * pages were taken (pages[0..n-1]; fewer than asked when a fault failed
 * partway), or a negative errno when none was: -EFAULT (no VMA, or it
 * forbids the access; memory that is not anonymous), -EINVAL, -ENOMEM,
 * -EIO.
 */
long get_user_pages(struct mm *mm, unsigned long start, unsigned long nr_pages, unsigned gup_flags,
		    struct page **pages);
long pin_user_pages(struct mm *mm, unsigned long start, unsigned long nr_pages, unsigned gup_flags,
		    struct page **pages);
void unpin_user_page(struct page *page);
void unpin_user_pages(struct page **pages, unsigned long nr_pages);

#endif
