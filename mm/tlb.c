/*
 * TLB shootdown and the mmu_gather batch (see tlb.h).
 */
#include <asm/mmu.h>
#include "folio.h"
#include "kernel/smp.h"
#include "kernel/stats.h"
#include "mm.h"
#include "swap.h"
#include "tlb.h"

DEFINE_STAT_COUNTER(tlb_shootdown_ipis);
DEFINE_STAT_COUNTER(tlb_shootdowns);
DEFINE_STAT_COUNTER(tlb_local_flushes);

struct tlb_flush_req {
	const unsigned long *addrs;
	unsigned n;
	bool all;
};

static void tlb_flush_local(const struct tlb_flush_req *r)
{
	stat_inc(tlb_local_flushes);
	if (r->all) {
		arch_tlb_flush_all();
		return;
	}
	for (unsigned i = 0; i < r->n; i++)
		arch_tlb_flush_page(r->addrs[i]);
}

/* No libgcc in the kernel: count the bits by hand. */
static unsigned mask_weight(unsigned long mask)
{
	unsigned n = 0;
	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

static void tlb_flush_ipi(void *arg)
{
	tlb_flush_local(arg);
}

/*
 * Flush req on every CPU of mask (the CPUs that have the mm loaded), this
 * one included when local: here directly, the others by a cross-call.
 * arm64: TLBI ...IS reaches every CPU (asm/mmu.h); one flush from here is
 * the whole shootdown, no IPI.
 */
static void tlb_flush_cpus(unsigned long mask, bool local, struct tlb_flush_req *req)
{
	unsigned me = arch_cpu_id();
	local |= (mask & cpu_mask_of(me)) != 0;
	if (local)
		tlb_flush_local(req);
	mask &= ~cpu_mask_of(me);
	if (!mask)
		return;
	stat_inc(tlb_shootdowns);
	if (arch_tlb_flush_is_broadcast()) {
		if (!local)
			tlb_flush_local(req);
		return;
	}
	stat_add(tlb_shootdown_ipis, mask_weight(mask));
	smp_call_on_cpus(mask, tlb_flush_ipi, req);
}

void tlb_shootdown(struct mm *mm, const unsigned long *addrs, unsigned n, bool all)
{
	struct tlb_flush_req req = { addrs, n, all || n > TLB_FLUSH_ALL_THRESHOLD };

	if (!req.all && n == 0)
		return;
	/* Pairs with mm_switch_to(): the PTE change is visible before we
	 * read which CPUs to interrupt. */
	smp_mb();
	unsigned long mask = __atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST);
	tlb_flush_cpus(mask, mm_is_active_here(mm), &req);
}

/*
 * Flush all of several mms' entries with one round of IPIs: the CPUs that
 * have any of them loaded each flush everything once (Linux's
 * try_to_unmap_flush: reclaim's deferred flush is one arch_tlbbatch over
 * every mm it unmapped from, not one shootdown per mm).
 */
void tlb_shootdown_mms(struct mm *const *mms, unsigned n)
{
	struct tlb_flush_req req = { NULL, 0, true };
	unsigned long mask = 0;
	bool here = false;

	smp_mb(); /* as in tlb_shootdown */
	for (unsigned i = 0; i < n; i++) {
		mask |= __atomic_load_n(&mms[i]->cpu_mask, __ATOMIC_SEQ_CST);
		here |= mm_is_active_here(mms[i]);
	}
	tlb_flush_cpus(mask, here, &req);
}

void mm_tlb_flush_page(struct mm *mm, unsigned long addr)
{
	tlb_shootdown(mm, &addr, 1, false);
}

void mm_tlb_flush_all(struct mm *mm)
{
	tlb_shootdown(mm, NULL, 0, true);
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm *mm)
{
	tlb->mm = mm;
	tlb->nr_addrs = 0;
	tlb->flush_all = false;
	tlb->nr_folios = 0;
}

void tlb_gather_add_page(struct mmu_gather *tlb, unsigned long addr)
{
	if (tlb->flush_all)
		return;
	if (tlb->nr_addrs == TLB_FLUSH_ALL_THRESHOLD) {
		tlb->flush_all = true;
		return;
	}
	tlb->addrs[tlb->nr_addrs++] = addr;
}

/* Linux's free_swap_cache: when the last mapping of a swap-cache folio
 * goes and no swap PTE holds its slots either, the cache lets it go now
 * rather than at the next reclaim. Only a trylock: a PTL may be held. */
static void tlb_put_folio(struct folio *folio)
{
	free_swap_cache(folio);
	folio_put(folio);
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	tlb_shootdown(tlb->mm, tlb->addrs, tlb->nr_addrs, tlb->flush_all);
	tlb->nr_addrs = 0;
	tlb->flush_all = false;
	for (unsigned i = 0; i < tlb->nr_folios; i++)
		tlb_put_folio(tlb->folios[i]);
	tlb->nr_folios = 0;
}

void tlb_gather_defer_put(struct mmu_gather *tlb, struct folio *folio)
{
	if (tlb->nr_folios == TLB_GATHER_FOLIOS)
		tlb_flush_mmu(tlb);
	tlb->folios[tlb->nr_folios++] = folio;
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
}
