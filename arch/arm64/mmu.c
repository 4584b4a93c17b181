/*
 * arm64 MMU glue: protections to descriptor bits, the empty TTBR0 root,
 * the direct map of RAM, ioremap space, and the software access/dirty
 * flags for CPUs without FEAT_HAFDBS (mmu_fault.h).
 *
 * Every table here hangs off boot_pgd_k, the TTBR1 root every CPU uses:
 * entries only go from invalid to valid (no TLB flush needed, only a DSB
 * so the walkers see them), and no user root needs a copy.
 */
#include <asm/io.h>
#include <asm/mmu.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include "mmu_fault.h"
#include "kernel/bootinfo.h"
#include "kernel/compiler.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/stats.h"
#include "mm/page_alloc.h"

extern u64 boot_pgd_k[512], boot_pud_d[512];
extern char empty_pgd[];

phys_addr_t arm64_image_phys;

static DEFINE_STAT_COUNTER(mmu_sw_access_flag);
static DEFINE_STAT_COUNTER(mmu_sw_dirty);

#define DESC_BLOCK 0x1ul
#define ATTR_NORMAL (PTE_ATTRINDX(MT_NORMAL) | PTE_SHARED | PTE_AF)
#define ATTR_DEVICE (PTE_ATTRINDX(MT_DEVICE_nGnRE) | PTE_AF | PTE_PXN | PTE_UXN)
#define SIZE_2M (2ul << 20)
#define SIZE_1G (1ul << 30)
#define DIRECT_MAP_PGD_INDEX 256
#define IOREMAP_PGD_INDEX 510
#define IOREMAP_BASE 0xffffff0000000000ul
#define IOREMAP_SIZE (512ul << 30)

pgprot_t arch_vm_get_page_prot(unsigned prot)
{
	/* nG on every entry of a TTBR0 root, user bit or not: a switch of
	 * mm then drops them all with one TLBI ASIDE1 (asm/mmu.h), and the
	 * kernel's global TTBR1 entries stay. */
	u64 bits = PTE_ATTRINDX(MT_NORMAL) | PTE_SHARED | PTE_RDONLY | PTE_NG;
	if (prot & PAGE_PROT_WRITE)
		bits |= PTE_WRITE; /* writable, clean: DBM | RDONLY */
	if (prot & PAGE_PROT_USER) {
		bits |= PTE_USER | PTE_PXN;
		if (!(prot & PAGE_PROT_EXEC))
			bits |= PTE_UXN;
	} else {
		bits |= PTE_UXN;
		if (!(prot & PAGE_PROT_EXEC))
			bits |= PTE_PXN;
	}
	return (pgprot_t){ bits };
}

phys_addr_t arch_mmu_kernel_root(void)
{
	return virt_to_phys(empty_pgd);
}

static u64 tcr_read(void)
{
	u64 v;
	__asm__ __volatile__("mrs %0, tcr_el1" : "=r"(v));
	return v;
}
bool mmu_hw_access_flag(void)
{
	return tcr_read() & (1ul << 39);
}
bool mmu_hw_dirty(void)
{
	return tcr_read() & (1ul << 40);
}

void pgtable_bbm_violation(const pte_t *ptep, u64 old, u64 new)
{
	panic("mm: break-before-make violated: PTE at %p changes from %#lx to %#lx, another page "
	      "while valid (clear it and flush the TLB first)",
	      (const void *)ptep, (unsigned long)old, (unsigned long)new);
}

/* --- table pages --------------------------------------------------------- */
/* Before the page allocator runs (console, GIC, the direct map), table
 * pages come from this pool; afterwards from alloc_pages. */
#define EARLY_TABLES 32
static u8 early_tables[EARLY_TABLES][PAGE_SIZE] __aligned(PAGE_SIZE);
static unsigned early_tables_used; /* under table_lock */
static DEFINE_SPINLOCK(table_lock);

static u64 *table_alloc(void)
{
	if (early_tables_used < EARLY_TABLES)
		return (u64 *)early_tables[early_tables_used++];
	return alloc_pages_va(GFP_ATOMIC | __GFP_ZERO, 0);
}

static void table_publish(void)
{
	__asm__ __volatile__("dsb ishst\n\tisb" ::: "memory");
}

/* The next-level table under *entry, allocated when absent; NULL when out
 * of memory or when *entry is a block. */
static u64 *table_below(u64 *entry)
{
	if (!(*entry & PTE_VALID)) {
		u64 *t = table_alloc();
		if (!t)
			return NULL;
		*entry = virt_to_phys(t) | PTE_TABLE_DESC;
		table_publish();
	}
	if ((*entry & 3) != PTE_TABLE_DESC)
		return NULL;
	return phys_to_virt(*entry & PTE_ADDR_MASK);
}

/* --- direct map ---------------------------------------------------------- */
static phys_addr_t direct_map_end;

phys_addr_t arch_direct_map_end(void)
{
	return direct_map_end;
}

int arch_direct_map_extend(phys_addr_t end, void *(*alloc_table_page)(void))
{
	(void)alloc_table_page;
	if (end <= direct_map_end)
		return 0;
	pr_err("mmu: RAM up to %#lx asked for, but the device tree's memory ends at %#lx\n",
	       (unsigned long)end, (unsigned long)direct_map_end);
	return -ERANGE;
}

/* Map [start, end) (2 MiB aligned) at PHYS_MAP_BASE + pa: whole GiBs as
 * 1 GiB blocks, the rest as 2 MiB blocks. A GiB boot.S already mapped
 * as a block stays as it is. */
static int map_direct_range(phys_addr_t start, phys_addr_t end)
{
	u64 *pud = table_below(&boot_pgd_k[DIRECT_MAP_PGD_INDEX]);
	if (!pud)
		return -ENOMEM;
	for (phys_addr_t pa = start; pa < end;) {
		u64 *pude = &pud[(pa >> 30) & 511];
		if ((*pude & 3) == DESC_BLOCK) {
			pa = ALIGN_DOWN(pa, SIZE_1G) + SIZE_1G;
			continue;
		}
		if (!(*pude & PTE_VALID) && IS_ALIGNED(pa, SIZE_1G) && end - pa >= SIZE_1G) {
			*pude = pa | ATTR_NORMAL | PTE_PXN | PTE_UXN | DESC_BLOCK;
			pa += SIZE_1G;
			continue;
		}
		u64 *pmd = table_below(pude);
		if (!pmd)
			return -ENOMEM;
		pmd[(pa >> 21) & 511] = pa | ATTR_NORMAL | PTE_PXN | PTE_UXN | DESC_BLOCK;
		pa += SIZE_2M;
	}
	table_publish();
	return 0;
}

int mmu_map_boot_range(phys_addr_t start, phys_addr_t end)
{
	if (end > ARCH_DIRECT_MAP_LIMIT || start >= end)
		return -ERANGE;
	return map_direct_range(ALIGN_DOWN(start, (phys_addr_t)SIZE_2M),
				ALIGN_UP(end, (phys_addr_t)SIZE_2M));
}

/*
 * boot.S maps whole GiBs (the image's and the DTB's). Where such a GiB
 * also holds device registers (a Raspberry Pi 3's peripherals at
 * 0x3f000000 share GiB 0 with its RAM), a Normal cacheable mapping would
 * let the CPU speculate into them: the GiB is remapped as 2 MiB blocks of
 * the RAM the tree lists, break-before-make (invalidate, TLBI, then the
 * table). The new table is complete before the break, and it is written
 * through the image's alias of boot_pud_d: nothing touches the direct map
 * in between. Boot CPU only, interrupts off, no other CPU up yet. (The
 * identity map a secondary CPU turns its MMU on with still holds the
 * whole GiB, for those few instructions.)
 */
static bool range_in_ram(const struct bootinfo *bi, phys_addr_t start, phys_addr_t end)
{
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		if (r->type == BOOT_MEM_USABLE && r->base <= start && end - r->base <= r->len)
			return true;
	}
	return false;
}

static int split_boot_gib(const struct bootinfo *bi, unsigned idx)
{
	phys_addr_t gib = (phys_addr_t)idx << 30;
	u64 *pmd = table_alloc();
	if (!pmd)
		return -ENOMEM;
	for (unsigned i = 0; i < 512; i++) {
		phys_addr_t pa = gib + (phys_addr_t)i * SIZE_2M;
		if (range_in_ram(bi, pa, pa + SIZE_2M))
			pmd[i] = pa | ATTR_NORMAL | PTE_PXN | PTE_UXN | DESC_BLOCK;
	}
	__asm__ __volatile__("dsb ishst" ::: "memory");
	boot_pud_d[idx] = 0;
	__asm__ __volatile__("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
	boot_pud_d[idx] = virt_to_phys(pmd) | PTE_TABLE_DESC;
	table_publish();
	pr_info("mmu: GiB %u of the direct map holds more than RAM; remapped as 2 MiB blocks of "
		"RAM\n",
		idx);
	return 0;
}

void mmu_map_ram(const struct bootinfo *bi)
{
	for (unsigned idx = 0; idx < 512; idx++) {
		phys_addr_t gib = (phys_addr_t)idx << 30;
		if ((boot_pud_d[idx] & 3) == DESC_BLOCK && !range_in_ram(bi, gib, gib + SIZE_1G) &&
		    split_boot_gib(bi, idx) != 0)
			panic("mmu: out of early page tables splitting GiB %u of the direct map",
			      idx);
	}
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		if (r->type != BOOT_MEM_USABLE || !r->len)
			continue;
		phys_addr_t start = ALIGN_DOWN(r->base, (phys_addr_t)SIZE_2M);
		phys_addr_t end = ALIGN_UP(r->base + r->len, (phys_addr_t)SIZE_2M);
		if (end > ARCH_DIRECT_MAP_LIMIT) {
			pr_warn("mmu: RAM %#lx-%#lx lies above the direct map's 512 GiB; ignoring "
				"the part above\n",
				(unsigned long)r->base, (unsigned long)(r->base + r->len - 1));
			end = ARCH_DIRECT_MAP_LIMIT;
		}
		if (start >= end)
			continue;
		if (map_direct_range(start, end) != 0) {
			pr_err("mmu: out of early page tables mapping RAM %#lx-%#lx\n",
			       (unsigned long)start, (unsigned long)end);
			continue;
		}
		if (end > direct_map_end)
			direct_map_end = end;
	}
	pr_info("mmu: RAM direct-mapped up to %#lx; hardware access flag %s, hardware dirty %s\n",
		(unsigned long)direct_map_end, mmu_hw_access_flag() ? "on" : "off (software)",
		mmu_hw_dirty() ? "on" : "off (software)");
}

/* --- ioremap ---------------------------------------------------------------- */
static unsigned long ioremap_next = IOREMAP_BASE; /* under table_lock */

static int map_device(unsigned long va, phys_addr_t pa, bool large)
{
	u64 *pud = table_below(&boot_pgd_k[IOREMAP_PGD_INDEX]);
	u64 *pmd = pud ? table_below(&pud[(va >> 30) & 511]) : NULL;
	if (!pmd)
		return -ENOMEM;
	if (large) {
		pmd[(va >> 21) & 511] = pa | ATTR_DEVICE | DESC_BLOCK;
		return 0;
	}
	u64 *pt = table_below(&pmd[(va >> 21) & 511]);
	if (!pt)
		return -ENOMEM;
	pt[(va >> 12) & 511] = pa | ATTR_DEVICE | PTE_TYPE_PAGE;
	return 0;
}

void *arch_ioremap(phys_addr_t phys, size_t size)
{
	phys_addr_t start = ALIGN_DOWN(phys, (phys_addr_t)PAGE_SIZE);
	phys_addr_t end = ALIGN_UP(phys + size, (phys_addr_t)PAGE_SIZE);
	bool large = IS_ALIGNED(start, SIZE_2M) && IS_ALIGNED(end, SIZE_2M);
	unsigned long step = large ? SIZE_2M : PAGE_SIZE;
	unsigned long flags = spin_lock_irqsave(&table_lock);
	unsigned long va = ALIGN_UP(ioremap_next, step);
	if (va + (end - start) > IOREMAP_BASE + IOREMAP_SIZE) {
		spin_unlock_irqrestore(&table_lock, flags);
		pr_err("ioremap: no virtual space left for %#lx+%#lx\n", (unsigned long)phys,
		       (unsigned long)size);
		return NULL;
	}
	ioremap_next = va + (end - start);
	for (phys_addr_t pa = start; pa < end; pa += step) {
		if (map_device(va + (pa - start), pa, large) != 0) {
			spin_unlock_irqrestore(&table_lock, flags);
			pr_err("ioremap: out of memory for page tables\n");
			return NULL;
		}
	}
	table_publish();
	spin_unlock_irqrestore(&table_lock, flags);
	return (void *)(va + (phys - start));
}

/* --- software access flag and dirty state ------------------------------------ */
/*
 * Walk the current TTBR0 root to addr's PTE, as the MMU does. Interrupts
 * are off in the caller's exception (or it does not matter: only this
 * CPU's own TTBR0 is walked). Caveat, as for any software walker without
 * IPI-based shootdown: with several CPUs, a page table another CPU frees
 * concurrently could be read after its TLB flush; swaplab frees tables
 * only after unmapping everything in them, so the walk then finds an
 * invalid PTE and reports a real fault.
 */
static u64 *walk_user_pte(unsigned long addr)
{
	if (addr >= ARCH_USER_ADDR_END)
		return NULL;
	u64 *table = phys_to_virt(arch_mmu_current_root());
	const unsigned shifts[3] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT };
	for (unsigned lvl = 0; lvl < 3; lvl++) {
		u64 e = __atomic_load_n(&table[(addr >> shifts[lvl]) & 511], __ATOMIC_RELAXED);
		if ((e & 3) != PTE_TABLE_DESC)
			return NULL;
		table = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return &table[(addr >> PAGE_SHIFT) & 511];
}

bool mmu_fault_fixup(unsigned long addr, bool access_flag, bool write_permission)
{
	if (!access_flag && !write_permission)
		return false;
	u64 *ptep = walk_user_pte(addr);
	if (!ptep)
		return false;
	u64 old = __atomic_load_n(ptep, __ATOMIC_RELAXED);
	for (;;) {
		if (!(old & PTE_VALID))
			return false;
		u64 new = old | PTE_AF;
		if (write_permission) {
			if (!(old & PTE_DBM))
				return false; /* really read-only: generic code decides */
			new &= ~PTE_RDONLY;
		}
		if (new == old)
			break; /* fixed already (another CPU, or a stale TLB entry) */
		if (__atomic_compare_exchange_n(ptep, &old, new, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED)) {
			if (access_flag)
				stat_inc(mmu_sw_access_flag);
			if (write_permission)
				stat_inc(mmu_sw_dirty);
			break;
		}
	}
	/* A read-only entry may be in this CPU's TLB (AF=0 ones never are). */
	if (write_permission)
		__asm__ __volatile__("dsb ishst\n\ttlbi vaae1, %0\n\tdsb nsh\n\tisb" ::"r"(
					     (addr >> 12) & ((1ul << 44) - 1))
				     : "memory");
	else
		__asm__ __volatile__("dsb ishst\n\tisb" ::: "memory");
	return true;
}
