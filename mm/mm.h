/*
 * struct mm: an address space. Its page-table root (mm/pgtable.h), its
 * VMAs (mm/vma.h), its mmap lock, a reference count and the set of CPUs
 * that have it loaded. In the kernel the root shares the kernel half with
 * every other mm (arch_mmu_init_root), so switching between mms (CR3)
 * only changes the user half.
 *
 * The user range, in one place: generic code maps user memory only in
 * [MM_USER_START, MM_USER_END). MM_USER_END is the end of the canonical
 * lower half (the arch's ARCH_USER_ADDR_END, 128 TiB on x86-64); the first
 * 64 KiB stay unmapped so that NULL-pointer accesses fault (as Linux's
 * mmap_min_addr).
 *
 * Tasks run inside an mm (task->mm, a counted reference; NULL for plain
 * kernel threads). The scheduler calls mm_switch_to() on every context
 * switch: it loads the next task's root when it differs and keeps
 * cpu_mask, the CPUs whose TLB may hold this mm's entries, which TLB
 * shootdown (mm/tlb.h) interrupts. A CPU sets its bit before loading the
 * root and clears it after loading another, so a shootdown that reads the
 * mask after changing a PTE reaches every CPU that may cache the old one.
 *
 * Locking: mmap_lock (a rwsem) protects the VMA set and the right to free
 * page-table pages: faults hold it for read, mm_mmap/munmap/fork/teardown
 * for write. Page-table entries are under their table's PTL (mm/pgtable.h).
 * Lock order: docs/ARCHITECTURE.md, "Lock order".
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <asm/pgtable.h>
#include "kernel/atomic.h"
#include "kernel/rwsem.h"
#include "kernel/types.h"
#include "gfp.h"
#include "vma.h"

#define MM_USER_START 0x10000ul
#define MM_USER_END ARCH_USER_ADDR_END

struct task;

/* Linux's struct mm_struct. */
struct mm {
	pgd_t *pgd;		   /* root table, direct-map address (set at create) */
	phys_addr_t pgd_phys;	   /* the same, for arch_mmu_activate (set at create) */
	atomic_long_t nr_pgtables; /* page-table pages, root included (atomic) */
	gfp_t pgtable_gfp;	   /* added to its table allocations (fork: __GFP_HIGH) */
	struct vma_set vmas;	   /* mmap_lock */
	struct rw_semaphore mmap_lock;
	atomic_t users;		/* references: tasks running in it, creators (atomic) */
	unsigned long cpu_mask; /* CPUs that have pgd loaded (atomic bit ops) */
	/* Exact per-mm counters (Linux's MM_ANONPAGES, MM_SWAPENTS), changed
	 * under the PTL of the PTE they count, together with it: fault,
	 * swap-in, try_to_unmap, fork, zap. The OOM killer scores by them
	 * (oom_badness). Read with get_mm_counter. */
	atomic_long_t rss_anon;	  /* PTEs mapping anonymous pages (atomic) */
	atomic_long_t rss_swap;	  /* swap PTEs (atomic) */
	struct list_head mm_link; /* on mm_list (mm_list_lock) */
	unsigned long id;	  /* for messages; set at create */
	unsigned long flags;	  /* MMF_* (atomic bit operations) */
};

/* mm->flags. Linux's names (mm/oom_kill.c sets them). */
#define MMF_OOM_VICTIM 0 /* chosen by the OOM killer: its faults fail */
#define MMF_OOM_SKIP 1	 /* reaped: nothing left to take, never chosen again */

static inline bool mm_flag_test(const struct mm *mm, unsigned bit)
{
	return __atomic_load_n(&mm->flags, __ATOMIC_ACQUIRE) & (1ul << bit);
}

static inline void mm_flag_set(struct mm *mm, unsigned bit)
{
	__atomic_fetch_or(&mm->flags, 1ul << bit, __ATOMIC_SEQ_CST);
}

enum mm_counter { MM_ANONPAGES, MM_SWAPENTS };

static inline unsigned long get_mm_counter(struct mm *mm, enum mm_counter member)
{
	long v = atomic_long_read(member == MM_ANONPAGES ? &mm->rss_anon : &mm->rss_swap);
	return v > 0 ? (unsigned long)v : 0;
}

/* Every mm, for walks that must visit all address spaces (swapoff). */
struct mm *mm_list_next(struct mm *prev);

static inline bool mm_user_range_ok(unsigned long start, unsigned long end)
{
	return start >= MM_USER_START && start < end && end <= MM_USER_END;
}

/* mm_list_next: the mm after prev (NULL: the first) with a reference
 * taken, or NULL at the end; drops prev's reference. An mm being torn
 * down is skipped. */

/* A new, empty address space (root allocated, kernel half shared), with
 * one reference; NULL when out of memory. */
struct mm *mm_create(void);
/* Unmap everything (through mm_zap_pte), free every VMA, every page-table
 * page and the mm. The mm must not be loaded on any CPU. mm_put() calls
 * it when the last reference goes. */
void mm_destroy(struct mm *mm);
/* What mm_destroy and the OOM reaper share: detach every VMA from the
 * rmap, zap every PTE (mm_zap_pte: references, map counts, swap counts),
 * free the page-table pages below the root, flush the TLBs of every CPU
 * that has mm loaded, free the VMAs. mmap lock held for write. The mm
 * stays usable, empty. */
void mm_unmap_all(struct mm *mm);
void mm_get(struct mm *mm);
/* A reference unless the last one is already gone (mm_destroy is then
 * under way): for those who reach an mm through rmap or the mm list. */
bool mm_get_not_zero(struct mm *mm);
void mm_put(struct mm *mm);

/*
 * Map anonymous memory at [start, start + len) with prot (PAGE_PROT_*):
 * a new VMA, populated on fault. 0, -EINVAL (range unaligned or outside
 * the user half), -EEXIST (overlap) or -ENOMEM.
 */
int mm_mmap(struct mm *mm, unsigned long start, unsigned long len, unsigned prot);
/*
 * Unmap [start, start + len): VMAs are split at the ends, PTEs zapped
 * (map counts, references, swap counts dropped), page-table pages left
 * empty freed, TLBs flushed. 0 or -EINVAL / -ENOMEM (split failed).
 */
int mm_munmap(struct mm *mm, unsigned long start, unsigned long len);
/*
 * Linux's MADV_DONTNEED: zap the PTEs of [start, start + len) and keep
 * the VMAs (the next access faults in a zeroed page). The mmap lock is
 * taken for read only, so it runs while faults on the same mm are in
 * progress; page-table pages are not freed. 0 or -EINVAL.
 */
int madvise_dontneed(struct mm *mm, unsigned long start, unsigned long len);
/*
 * Write-protect the present PTEs of [start, start + len), keeping their
 * anon-exclusive state: what mprotect(PROT_READ) and back, or soft-dirty
 * tracking, leave behind. The next write faults and reuses exclusive
 * pages without a copy. 0 or -EINVAL.
 */
int mm_wrprotect(struct mm *mm, unsigned long start, unsigned long len);
/*
 * fork: a new mm with a copy of every VMA and PTE of mm. Present anon
 * pages become write-protected in both and lose anon-exclusive; swap PTEs
 * get their swap count duplicated and lose the exclusive bit in both
 * (seed 001). NULL when out of memory.
 */
struct mm *mm_fork(struct mm *mm);
/* Seed 001's rule, a switch so its twin can break it (fork.c;
 * fork.clear_swp_exclusive=, default true): fork clears the exclusive bit
 * of the parent's swap PTEs, since parent and child now share the entry.
 * Off, both keep it, and whichever swaps in first maps the page writable
 * in place: the other then reads its writes (tests/seed001_fork.c). */
extern bool fork_clear_swp_exclusive;

/* The design switches of the seeds, checked together after the command
 * line (mm/design_switches.c): -EINVAL, each reason printed, when two of
 * them cannot work together. */
int mm_check_design_switches(void);

/* The zap hook for pgtable_unmap_range (arg: a struct mmu_gather). */
void mm_zap_pte(struct mm *mm, unsigned long addr, pte_t old, void *arg);

/* Scheduler hook: make next (NULL: the kernel root) the mm loaded on this
 * CPU. Called with interrupts off on the switching CPU. */
void mm_switch_to(struct mm *next);
/* The mm whose root this CPU has loaded through mm_switch_to(), or NULL. */
struct mm *mm_loaded_here(void);

/* Load mm's root on this CPU, bypassing the tracking (tests of the MMU). */
void mm_activate(struct mm *mm);
bool mm_is_active_here(const struct mm *mm);

/* TLB invalidation after changing mm's entries, on every CPU that has it
 * loaded (mm/tlb.c). */
void mm_tlb_flush_page(struct mm *mm, unsigned long addr);
void mm_tlb_flush_all(struct mm *mm);

/*
 * The software access path: what a load (write false) or store by a task
 * running in mm does, for code without an MMU (the host build) or for an
 * mm not loaded here. Walks the tables, calls the fault handler when the
 * access is not allowed, and retries. 0, or the fault's error.
 */
int mm_access(struct mm *mm, unsigned long addr, bool write);
/* mm_access plus the 8-byte load or store itself, done under the PTL so
 * the page cannot change under it (addr 8-byte aligned). */
int mm_read_u64(struct mm *mm, unsigned long addr, u64 *val);
int mm_write_u64(struct mm *mm, unsigned long addr, u64 val);

#endif
