/*
 * get_user_pages / pin_user_pages (see gup.h): walk to each page, fault
 * it in until its PTE allows the hold, and take the hold under the PTL.
 */
#include "fault.h"
#include "folio.h"
#include "gup.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/stats.h"
#include "mm.h"
#include "pgtable.h"
#include "vma.h"

DEFINE_STAT_COUNTER(gup_gets);	   /* FOLL_GET references taken */
DEFINE_STAT_COUNTER(gup_pins);	   /* FOLL_PIN pins taken */
DEFINE_STAT_COUNTER(gup_faults);   /* faults get_user_pages asked for */
DEFINE_STAT_COUNTER(gup_unshares); /* of them FAULT_FLAG_UNSHARE (read-only pins) */

/*
 * Must a read-only pin wait for an unshare fault (Linux's
 * gup_must_unshare)? Yes when the anon page may be shared: the owner's
 * next write would copy, and the pin would keep the old page. A write pin
 * needs no check: its PTE is writable, so the page is exclusive. A
 * FOLL_GET reference promises nothing and is not unshared.
 */
static bool gup_must_unshare(unsigned gup_flags, struct page *page)
{
	if (!(gup_flags & FOLL_PIN) || (gup_flags & FOLL_WRITE))
		return false;
	return !page_anon_exclusive(page);
}

/* Take the hold (PTL held, so try_to_unmap sees a pin or has unmapped
 * the page already). The counting is mm/folio.h's. */
static void gup_grab_folio(struct folio *folio, unsigned gup_flags)
{
	if (!(gup_flags & FOLL_PIN)) {
		folio_get(folio);
		stat_inc(gup_gets);
		return;
	}
	if (folio_test_large(folio)) {
		folio_get(folio);
		atomic_inc(&folio_page(folio, 1)->pincount);
	} else {
		folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);
	}
	stat_inc(gup_pins);
}

/*
 * The page at addr with the hold taken, if its PTE allows it now (Linux's
 * follow_page_pte). Otherwise NULL and either *err (memory that is not
 * anonymous) or the fault that would make it so in *fault_flags: none or
 * swap: fault it in; FOLL_WRITE on a read-only PTE: a write fault (copy
 * on write now); a read-only pin of a maybe shared page: an unshare.
 */
static struct page *follow_page_pte(struct mm *mm, unsigned long addr, unsigned gup_flags,
				    unsigned *fault_flags, int *err)
{
	unsigned write = (gup_flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0;
	struct page *page = NULL;
	spinlock_t *ptl;

	*fault_flags = write;
	*err = 0;
	pte_t *ptep = pte_offset_map_lock(mm, addr, &ptl);
	if (!ptep)
		return NULL;
	pte_t pte = ptep_get(ptep);
	/* Not present (none or swap) or read-only for a writer: the fault. */
	bool mapped = pte_present(pte) && !(write && !pte_write(pte));
	if (mapped && !pte_anon_folio(pte)) {
		*err = -EFAULT;
	} else if (mapped && gup_must_unshare(gup_flags, pfn_to_page(pte_pfn(pte)))) {
		*fault_flags = FAULT_FLAG_UNSHARE;
	} else if (mapped) {
		page = pfn_to_page(pte_pfn(pte));
		gup_grab_folio(page_folio(page), gup_flags);
	}
	pte_unmap_unlock(ptep, ptl);
	return page;
}

/* Linux's check_vma_flags: the VMA allows the access the holder will make. */
static int gup_check_vma(struct mm *mm, unsigned long addr, unsigned gup_flags)
{
	struct vma *vma = vma_lookup(&mm->vmas, addr);
	unsigned need = (gup_flags & FOLL_WRITE) ? PAGE_PROT_WRITE : PAGE_PROT_READ;
	return vma && (vma->prot & need) ? 0 : -EFAULT;
}

/* Faults one page may take before gup gives up on it: each fault resolves
 * what the last look found, so more than a few means the fault and
 * follow_page_pte disagree (a bug), or reclaim keeps taking the page away;
 * either way the caller gets -EFAULT and a message, not a hang. */
#define GUP_MAX_FAULTS 64

/* One page: fault until the PTE allows the hold, then take it. mmap lock
 * held for read. */
static struct page *gup_one_page(struct mm *mm, unsigned long addr, unsigned gup_flags, int *err)
{
	for (unsigned tries = 0;; tries++) {
		if (tries == GUP_MAX_FAULTS) {
			pr_warn("gup: %#lx still not held after %u faults; giving up\n", addr,
				tries);
			*err = -EFAULT;
			return NULL;
		}
		unsigned fault_flags;
		struct page *page = follow_page_pte(mm, addr, gup_flags, &fault_flags, err);
		if (page || *err)
			return page;
		stat_inc(gup_faults);
		if (fault_flags & FAULT_FLAG_UNSHARE)
			stat_inc(gup_unshares);
		*err = handle_mm_fault(mm, addr, fault_flags);
		if (*err)
			return NULL;
	}
}

/* Linux's __get_user_pages: page by page, under the mmap lock. */
static long __get_user_pages(struct mm *mm, unsigned long start, unsigned long nr_pages,
			     unsigned gup_flags, struct page **pages)
{
	ASSERT(!(gup_flags & FOLL_GET) != !(gup_flags & FOLL_PIN)); /* exactly one */
	if (start & (PAGE_SIZE - 1) || !nr_pages)
		return -EINVAL;
	long done = 0;
	int err = 0;
	down_read(&mm->mmap_lock);
	for (; done < (long)nr_pages; done++) {
		unsigned long addr = start + (unsigned long)done * PAGE_SIZE;
		err = gup_check_vma(mm, addr, gup_flags);
		if (!err)
			pages[done] = gup_one_page(mm, addr, gup_flags, &err);
		if (err)
			break;
	}
	up_read(&mm->mmap_lock);
	return done ? done : err;
}

long get_user_pages(struct mm *mm, unsigned long start, unsigned long nr_pages, unsigned gup_flags,
		    struct page **pages)
{
	return __get_user_pages(mm, start, nr_pages, (gup_flags & ~FOLL_PIN) | FOLL_GET, pages);
}

long pin_user_pages(struct mm *mm, unsigned long start, unsigned long nr_pages, unsigned gup_flags,
		    struct page **pages)
{
	return __get_user_pages(mm, start, nr_pages, (gup_flags & ~FOLL_GET) | FOLL_PIN, pages);
}

/* The pin goes; the folio with it if nothing else holds it (a page the
 * owner unmapped while it was pinned). */
void unpin_user_page(struct page *page)
{
	struct folio *folio = page_folio(page);
	if (folio_test_large(folio)) {
		int left = atomic_add_return(&folio_page(folio, 1)->pincount, -1);
		ASSERT(left >= 0);
		folio_put(folio);
	} else {
		ASSERT(folio_ref_count(folio) >= GUP_PIN_COUNTING_BIAS);
		folio_put_refs(folio, GUP_PIN_COUNTING_BIAS);
	}
}

void unpin_user_pages(struct page **pages, unsigned long nr_pages)
{
	for (unsigned long i = 0; i < nr_pages; i++)
		unpin_user_page(pages[i]);
}
