/*
 * Reverse mapping of anonymous memory: from a folio to every (mm, address)
 * that maps it, as needed by try_to_unmap in the swap path.
 *
 * An anon_vma is shared by a VMA and every VMA forked from it (and by the
 * pieces a split makes), across mms: a simplified Linux anon_vma where the
 * whole fork tree shares the root's. An anon folio points at the anon_vma
 * of the VMA it was first mapped in (folio->page.mapping) and records its
 * virtual page number (folio->page.index); since VMAs never move, page n
 * of the folio can only be mapped at (index + n) << PAGE_SHIFT in one of
 * the anon_vma's VMAs.
 *
 * Locking: anon_vma->lock (a spinlock) protects the VMA list; VMAs are
 * linked and unlinked under it with their mm's mmap lock held for write.
 * rmap_walk holds it while calling back, so a VMA (and its mm) seen by
 * the callback stays alive; the walk takes PTLs (anon_vma -> PTL).
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include <asm/pgtable.h>
#include "kernel/atomic.h"
#include "kernel/list.h"
#include "kernel/spinlock.h"
#include "folio.h"

struct mm;
struct vma;

struct anon_vma {
	spinlock_t lock;
	struct list_head vmas; /* struct vma.anon_vma_link; under lock */
	atomic_t refcount;     /* VMAs linked + folios pointing at it (atomic) */
};

struct anon_vma *anon_vma_alloc(void);
void anon_vma_get(struct anon_vma *av);
void anon_vma_put(struct anon_vma *av);
/* Link vma into av (taking a reference) / unlink it (dropping it). */
void anon_vma_attach(struct vma *vma, struct anon_vma *av);
void anon_vma_detach(struct vma *vma);
/* A new anon folio mapped first at addr in vma: anon, exclusive pages. */
void folio_add_new_anon_rmap(struct folio *folio, struct vma *vma, unsigned long addr);

/*
 * Call fn(folio, page, mm, addr, arg) for every PTE that maps a page of
 * the anon folio; fn returns false to stop the walk. The walk holds the
 * anon_vma lock (fn must not sleep) and, for each VMA, its mm's mmap lock
 * for read taken with a trylock (the lock order, docs/ARCHITECTURE.md,
 * puts the mmap lock first, so waiting is not allowed): another mm's munmap or teardown, which free
 * page tables under the write lock, cannot run under the walker. A VMA
 * whose mm is busy is skipped and counted in rwc->skipped: the caller
 * decides (a copy instead of a reuse, a retry of try_to_unmap). The mm in
 * rwc->held is one whose mmap lock the caller already holds. Returns the
 * number of mappings visited. (Linux's rmap_walk calls back once per VMA
 * and leaves the PTEs to page_vma_mapped_walk; this one calls back per
 * PTE: see rmap_walk_anon for the per-VMA walk.)
 */
typedef bool (*rmap_one_fn)(struct folio *folio, struct page *page, struct mm *mm,
			    unsigned long addr, void *arg);

struct rmap_walk_control {
	rmap_one_fn fn;
	void *arg;
	struct mm *held;  /* mmap lock already held by the caller, or NULL */
	unsigned skipped; /* out: VMAs not walked (their mm was busy) */
};

unsigned rmap_walk(struct folio *folio, struct rmap_walk_control *rwc);

/*
 * The same walk one VMA at a time: fn(folio, vma, arg) for every VMA of
 * the anon_vma that overlaps the folio's range, with the anon_vma lock and
 * the VMA's mm's mmap lock (read, trylock; busy mms are skipped and
 * counted) held. fn returns false to stop. This is Linux's rmap_walk_anon,
 * whose rmap_one callback also gets a VMA (try_to_unmap_one is one).
 */
typedef bool (*rmap_vma_fn)(struct folio *folio, struct vma *vma, void *arg);
unsigned rmap_walk_anon(struct folio *folio, rmap_vma_fn fn, void *arg, unsigned *skipped);

/*
 * Reclaim's unmap (mm/vmscan.c): every PTE mapping the locked anon folio,
 * which is in the swap cache, becomes a swap PTE for its slot (taking a
 * swap count), exclusive when the page was anon-exclusive, soft-dirty when
 * the PTE was; dirty PTEs make the folio dirty; TLBs are flushed before
 * it returns. Per VMA the PTL is taken before the first PTE of the folio
 * is looked at (TTU_SYNC, seed 004), so a concurrent break-before-make
 * cannot make the walk skip a PTE: in each mm the folio is unmapped
 * whole or, if anything fails, not at all further. ttu.sync=0 switches to
 * the walk seed 004 fixed (find the first present PTE without the lock);
 * ttu.sync=giveup walks so too but gives the folio up, unmapped nowhere
 * further, when that PTE is not the first.
 * An anon-exclusive page that may be pinned (folio_maybe_dma_pinned) is
 * not unmapped: the pin's holder relies on it staying mapped exclusive.
 * Returns true when the folio is no longer mapped anywhere.
 */
/*
 * With a batch, TLB flushes and the PTEs' folio references wait for
 * ttu_batch_flush(), so reclaim sends one shootdown per mm for a whole
 * list of folios (Linux's TTU_BATCH_FLUSH) instead of one per folio. The
 * caller must flush before it writes any of the folios (a stale writable
 * TLB entry could change a page under writeback) or lets one go.
 */
#define TTU_BATCH_MMS 16
struct ttu_batch {
	unsigned nr_mms;
	struct mm *mms[TTU_BATCH_MMS]; /* a reference each; flush them all */
};
bool try_to_unmap(struct folio *folio, struct ttu_batch *batch);
void ttu_batch_flush(struct ttu_batch *batch);
/* PTEs mapping the folio that had their accessed bit set (now cleared). */
unsigned folio_referenced(struct folio *folio);
/*
 * ttu.sync= (seed 004): how try_to_unmap_one meets a large folio's PTEs
 * while a break-before-make may have one of them none for a moment.
 * Tests flip it between scenarios (no unmap in flight).
 */
enum ttu_sync_mode {
	TTU_SYNC_OFF,	 /* 0: the walk before the fix: the PTL taken at the
			  * first present PTE, found without it; a none PTE0
			  * is skipped and the folio left half unmapped */
	TTU_SYNC_ON,	 /* 1 (default): TTU_SYNC, the PTL from PTE0 */
	TTU_SYNC_GIVEUP, /* giveup: the commit message's other option: the
			  * walk of 0, but when the PTL was first taken past
			  * PTE0, unmap nothing and keep the folio */
};
extern enum ttu_sync_mode ttu_sync;
/* The swap.exclusive_bit switch (seed 001; default 1): try_to_unmap
 * records in the swap PTE that the page was anon-exclusive, and swap-in
 * believes it. 0: the design before the patch: no bit, and swap-in
 * guesses exclusivity from references (mm/swap_in.c). Tests flip it. */
extern bool swap_exclusive_bit;

#endif
