/*
 * VMAs: the ranges of an address space that may be mapped, each with its
 * protection (PAGE_PROT_* from <asm/pgtable.h>) and flags. A vma_set keeps
 * them sorted by address and never overlapping.
 *
 * Each VMA is in two structures at once: an AVL tree keyed by start
 * (lookup, insert and remove in O(log n)) and a list in address order
 * (iteration, and the neighbour a split or an insert goes next to, in
 * O(1)). Both always hold the same VMAs.
 *
 * Locking: the set and every VMA in it belong to the owning mm's mmap
 * lock (mm/mm.h); vma_* functions take no lock themselves.
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include "kernel/atomic.h"
#include "kernel/list.h"
#include "kernel/types.h"

#define VMA_ANON (1u << 0) /* anonymous memory (the only kind for now) */

struct mm;
struct anon_vma;

/* Linux's struct vm_area_struct (vm_mm is mm, vm_start/vm_end start/end). */
struct vma {
	unsigned long start;	  /* first byte, page aligned */
	unsigned long end;	  /* one past the last byte, page aligned */
	unsigned prot;		  /* PAGE_PROT_* */
	unsigned flags;		  /* VMA_* */
	struct list_head node;	  /* in vma_set.list, sorted by start */
	struct vma *left, *right; /* AVL children in vma_set.root */
	int height;		  /* AVL: 1 + the taller child's height */
	/* Reverse mapping (mm/rmap.h): set by mm_mmap/fork/munmap under the
	 * mmap lock held for write. */
	struct mm *mm;			/* the owning address space */
	struct anon_vma *anon_vma;	/* shared with the VMAs forked from this one */
	struct list_head anon_vma_link; /* on anon_vma->vmas; under anon_vma->lock */
	/* Swap readahead's window in vma mode (mm/swap_readahead.c; atomic). */
	atomic_long_t swap_readahead_info;
};

struct vma_set {
	struct vma *root;      /* AVL tree by start */
	struct list_head list; /* struct vma.node, ascending start */
	unsigned long count;
};

void vma_set_init(struct vma_set *set);
/* Remove and free every VMA. */
void vma_set_destroy(struct vma_set *set);

/* A new VMA (kmalloc'd, not in any set), or NULL when out of memory or
 * when the range is empty or not page aligned. */
struct vma *vma_alloc(unsigned long start, unsigned long end, unsigned prot, unsigned flags);
void vma_free(struct vma *vma);

/* Add vma: 0, or -EEXIST when it overlaps one already in the set. */
int vma_insert(struct vma_set *set, struct vma *vma);
/* Unlink vma from the set (the caller frees it). */
void vma_remove(struct vma_set *set, struct vma *vma);
/* The VMA containing addr, or NULL. */
struct vma *vma_lookup(struct vma_set *set, unsigned long addr);
/* The first VMA ending above addr (containing it or after it), or NULL. */
struct vma *vma_find(struct vma_set *set, unsigned long addr);
/*
 * Split vma at addr (page aligned, strictly inside): vma keeps
 * [start, addr), a new VMA with the same protection and flags takes
 * [addr, end) and follows it in the set. Returns the new VMA, or NULL
 * (-ENOMEM; vma unchanged). For a partial munmap.
 */
struct vma *vma_split(struct vma_set *set, struct vma *vma, unsigned long addr);

/* Check the list order, non-overlap, the AVL balance and heights, and the
 * count; prints each problem and returns how many it found. */
int vma_set_verify(struct vma_set *set);
/* Height of the tree (0 when empty), for tests of the balance. */
int vma_set_height(const struct vma_set *set);

struct vma *vma_first(struct vma_set *set);
struct vma *vma_next(struct vma_set *set, struct vma *vma);
#define for_each_vma(set, v) for (v = vma_first(set); v; v = vma_next(set, v))

#endif
