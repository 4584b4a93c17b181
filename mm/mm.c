/*
 * Address spaces: creation, references, teardown, and which CPU has which
 * mm loaded (see mm/mm.h).
 */
#include <asm/mmu.h>
#include "folio.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/printk.h"
#include "kernel/race.h"
#include "kernel/stats.h"
#include "kmalloc.h"
#include "mm.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "tlb.h"

DEFINE_STAT_COUNTER(mm_zap_present);
DEFINE_STAT_COUNTER(mm_zap_swap);

/* The mm whose root this CPU has loaded (NULL: the kernel root); written
 * only by this CPU with interrupts off. */
static DEFINE_PER_CPU(struct mm *, loaded_mm);

static DEFINE_SPINLOCK(mm_list_lock);
static LIST_HEAD(mm_list); /* mm_list_lock */
static atomic_long_t mm_next_id;

struct mm *mm_list_next(struct mm *prev)
{
	struct mm *next = NULL;
	spin_lock(&mm_list_lock);
	struct list_head *pos = prev ? prev->mm_link.next : mm_list.next;
	for (; pos != &mm_list; pos = pos->next) {
		struct mm *mm = list_entry(pos, struct mm, mm_link);
		if (mm_get_not_zero(mm)) {
			next = mm;
			break;
		}
	}
	spin_unlock(&mm_list_lock);
	if (prev)
		mm_put(prev);
	return next;
}

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm), GFP_KERNEL);
	if (!mm)
		return NULL;
	atomic_long_set(&mm->nr_pgtables, 0);
	vma_set_init(&mm->vmas);
	init_rwsem(&mm->mmap_lock, "mmap_lock");
	atomic_set(&mm->users, 1);
	mm->id = (unsigned long)atomic_long_add_return(&mm_next_id, 1);
	if (pgtable_alloc_root(mm) < 0) {
		kfree(mm);
		return NULL;
	}
	spin_lock(&mm_list_lock);
	list_add_tail(&mm->mm_link, &mm_list);
	spin_unlock(&mm_list_lock);
	return mm;
}

void mm_get(struct mm *mm)
{
	atomic_inc(&mm->users);
}

/* Linux's mmget_not_zero (atomic_inc_not_zero). */
bool mm_get_not_zero(struct mm *mm)
{
	int users = atomic_read(&mm->users), seen;
	while (users > 0 && (seen = atomic_cmpxchg(&mm->users, users, users + 1)) != users)
		users = seen;
	return users > 0;
}

void mm_put(struct mm *mm)
{
	if (atomic_dec_and_test(&mm->users))
		mm_destroy(mm);
}

/*
 * The unmap hook. A present PTE gives up its page's map count now and
 * its folio reference after the TLB flush of the batch (arg, a struct
 * mmu_gather): until then another CPU may still reach the page through a
 * stale TLB entry. A swap PTE gives back its swap count; a bad one is
 * reported and left alone (its count cannot be trusted).
 */
void mm_zap_pte(struct mm *mm, unsigned long addr, pte_t old, void *arg)
{
	struct mmu_gather *tlb = arg;

	if (pte_present(old)) {
		stat_inc(mm_zap_present);
		struct folio *folio = pte_anon_folio(old);
		if (!folio) {
			/* Not ours (a test's own page, a made-up pfn): the
			 * mapper keeps it; only the TLB needs to know. */
			if (tlb)
				tlb_gather_add_page(tlb, addr);
			else
				mm_tlb_flush_page(mm, addr);
			return;
		}
		ASSERT(tlb);
		struct page *page = pfn_to_page(pte_pfn(old));
		page_clear_anon_exclusive(page);
		folio_mapcount_add(folio, page, 1, -1);
		atomic_long_dec(&mm->rss_anon);
		tlb_gather_add_page(tlb, addr);
		tlb_gather_defer_put(tlb, folio);
		return;
	}
	stat_inc(mm_zap_swap);
	if (pte_report_if_bad(mm, addr, old))
		return;
	atomic_long_dec(&mm->rss_swap);
	swp_entry_t e = pte_to_swp_entry(old);
	/* The last swap PTE gone: a folio left in the swap cache for it has
	 * nothing to wait for (Linux's free_swap_and_cache). */
	if (swap_free(e) == 0 && swap_count(e) == 0 && swap_cache_peek(e))
		swap_cache_try_free(e);
}

void mm_unmap_all(struct mm *mm)
{
	struct mmu_gather tlb;
	struct vma *v;

	ASSERT(rwsem_is_write_locked_by_me(&mm->mmap_lock));
	for_each_vma (&mm->vmas, v)
		anon_vma_detach(v);
	tlb_gather_mmu(&tlb, mm);
	pgtable_unmap_range(mm, 0, MM_USER_END, mm_zap_pte, &tlb);
	tlb_finish_mmu(&tlb);
	vma_set_destroy(&mm->vmas);
}

void mm_destroy(struct mm *mm)
{
	ASSERT_EQ(__atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST), 0);
	ASSERT(!mm_is_active_here(mm));
	spin_lock(&mm_list_lock);
	list_del(&mm->mm_link);
	spin_unlock(&mm_list_lock);
	race_point("mm:destroy-before-lock");
	/* No task uses it, but rmap walks of other mms can still reach it
	 * through the anon_vmas: the write lock keeps them out (they
	 * trylock) until its VMAs are unlinked. */
	down_write(&mm->mmap_lock);
	mm_unmap_all(mm);
	up_write(&mm->mmap_lock);
	pgtable_free_root(mm);
	kfree(mm);
}

void mm_switch_to(struct mm *next)
{
	unsigned cpu = arch_cpu_id();
	struct mm *prev = per_cpu(loaded_mm, cpu);

	if (prev == next)
		return;
	if (next) {
		/* Bit first, root second: see the comment in mm.h. */
		__atomic_fetch_or(&next->cpu_mask, cpu_mask_of(cpu), __ATOMIC_SEQ_CST);
		arch_mmu_activate(next->pgd_phys);
	} else {
		arch_mmu_activate(arch_mmu_kernel_root());
	}
	if (prev)
		__atomic_fetch_and(&prev->cpu_mask, ~cpu_mask_of(cpu), __ATOMIC_SEQ_CST);
	per_cpu(loaded_mm, cpu) = next;
}

struct mm *mm_loaded_here(void)
{
	return per_cpu(loaded_mm, arch_cpu_id());
}

void mm_activate(struct mm *mm)
{
	arch_mmu_activate(mm->pgd_phys);
}

bool mm_is_active_here(const struct mm *mm)
{
	return arch_mmu_current_root() == mm->pgd_phys;
}
