/*
 * arch_ioremap(): uncached mappings of device memory in PML4 slot 510
 * (0xffffff0000000000, 512 GiB), below the kernel image's slot 511.
 *
 * Every page-table root copies the kernel half of boot_pml4 once, when it
 * is created (arch_mmu_init_root), so a PML4 entry must never change after
 * the first mm exists. ioremap_init() therefore installs a static PDPT in
 * slot 510 at boot; later mappings only fill levels below it, which every
 * root shares. Virtual space is handed out by a bump pointer (mappings are
 * permanent). Large aligned windows (ECAM) use 2 MiB pages.
 *
 * Attributes: PCD|PWT, which is UC with the power-on PAT. Entries only go
 * from non-present to present, so no TLB flush or shootdown is needed.
 */
#include <asm/io.h>
#include <asm/page.h>
#include "kernel/compiler.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "mm/page_alloc.h"

#define IOREMAP_PML4_INDEX 510
#define IOREMAP_BASE 0xffffff0000000000ul
#define IOREMAP_SIZE (512ul << 30)
#define PTE_P 0x1ul
#define PTE_W 0x2ul
#define PTE_PWT 0x8ul
#define PTE_PCD 0x10ul
#define PTE_PS 0x80ul
#define PTE_NX (1ul << 63)
#define PTE_ADDR 0x000ffffffffff000ul
#define SIZE_2M (2ul << 20)

extern u64 boot_pml4[512];
static u64 ioremap_pdpt[512] __aligned(4096);

static DEFINE_SPINLOCK(ioremap_lock);
static unsigned long ioremap_next = IOREMAP_BASE; /* under ioremap_lock */

void ioremap_init(void)
{
	boot_pml4[IOREMAP_PML4_INDEX] = virt_to_phys(ioremap_pdpt) | PTE_P | PTE_W;
}

/* The next-level table under *entry, allocated (zeroed) when absent. */
static u64 *table_below(u64 *entry)
{
	if (!(*entry & PTE_P)) {
		void *t = alloc_pages_va(GFP_ATOMIC | __GFP_ZERO, 0);
		if (!t)
			return NULL;
		*entry = virt_to_phys(t) | PTE_P | PTE_W;
	}
	return phys_to_virt(*entry & PTE_ADDR);
}

static int map_one(unsigned long va, phys_addr_t pa, bool large)
{
	u64 attr = PTE_P | PTE_W | PTE_PCD | PTE_PWT;
	u64 *pd = table_below(&ioremap_pdpt[(va >> 30) & 511]);
	if (!pd)
		return -1;
	if (large) {
		pd[(va >> 21) & 511] = pa | attr | PTE_PS;
		return 0;
	}
	u64 *pt = table_below(&pd[(va >> 21) & 511]);
	if (!pt)
		return -1;
	pt[(va >> 12) & 511] = pa | attr;
	return 0;
}

void *arch_ioremap(phys_addr_t phys, size_t size)
{
	phys_addr_t start = ALIGN_DOWN(phys, (phys_addr_t)PAGE_SIZE);
	phys_addr_t end = ALIGN_UP(phys + size, (phys_addr_t)PAGE_SIZE);
	bool large = IS_ALIGNED(start, SIZE_2M) && IS_ALIGNED(end, SIZE_2M);
	unsigned long step = large ? SIZE_2M : PAGE_SIZE;
	unsigned long flags = spin_lock_irqsave(&ioremap_lock);
	unsigned long va = ALIGN_UP(ioremap_next, step);
	if (va + (end - start) > IOREMAP_BASE + IOREMAP_SIZE) {
		spin_unlock_irqrestore(&ioremap_lock, flags);
		pr_err("ioremap: no virtual space left for %#lx+%#lx\n", (unsigned long)phys,
		       (unsigned long)size);
		return NULL;
	}
	ioremap_next = va + (end - start);
	for (phys_addr_t pa = start; pa < end; pa += step) {
		if (map_one(va + (pa - start), pa, large) != 0) {
			spin_unlock_irqrestore(&ioremap_lock, flags);
			pr_err("ioremap: out of memory for page tables\n");
			return NULL;
		}
	}
	spin_unlock_irqrestore(&ioremap_lock, flags);
	return (void *)(va + (phys - start));
}
