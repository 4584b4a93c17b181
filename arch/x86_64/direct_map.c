/*
 * Growing the direct map past the 4 GiB boot.S maps. The direct map is
 * PML4 entry 256 (PHYS_MAP_BASE). At boot it shares its PDPT with the
 * identity map (PML4 entry 0); we give it a private copy first, so the
 * identity map stays at 4 GiB, then map each further 2 MiB with a large
 * page, taking page directories from the caller's early allocator.
 * Runs once, on the boot CPU, before the other CPUs start (they load the
 * same boot_pml4), so no TLB shootdown is needed: we only add entries.
 */
#include <asm/page.h>
#include "io.h"
#include "kernel/errno.h"
#include "kernel/panic.h"

#define PTE_PRESENT 0x1ul
#define PTE_WRITE 0x2ul
#define PTE_LARGE 0x80ul
#define PTE_ADDR 0x000ffffffffff000ul
#define DIRECT_MAP_PML4_INDEX 256
#define SIZE_2M (2ul << 20)
#define SIZE_1G (1ul << 30)

extern u64 boot_pml4[512];

static phys_addr_t direct_map_end = 4ul << 30; /* what boot.S mapped */

phys_addr_t arch_direct_map_end(void)
{
	return direct_map_end;
}

static u64 *table_of(u64 entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

static u64 *new_table(void *(*alloc_table_page)(void))
{
	u64 *t = alloc_table_page();
	if (t)
		ASSERT(virt_to_phys(t) + PAGE_SIZE <= direct_map_end);
	return t;
}

int arch_direct_map_extend(phys_addr_t end, void *(*alloc_table_page)(void))
{
	end = ALIGN_UP(end, (phys_addr_t)SIZE_2M);
	if (end <= direct_map_end)
		return 0;
	if (end > ARCH_DIRECT_MAP_LIMIT)
		return -ERANGE;
	u64 *pml4e = &boot_pml4[DIRECT_MAP_PML4_INDEX];
	if ((*pml4e & PTE_ADDR) == (boot_pml4[0] & PTE_ADDR)) {
		u64 *pdpt = new_table(alloc_table_page);
		if (!pdpt)
			return -ENOMEM;
		u64 *shared = table_of(*pml4e);
		for (unsigned i = 0; i < 512; i++)
			pdpt[i] = shared[i];
		*pml4e = virt_to_phys(pdpt) | PTE_PRESENT | PTE_WRITE;
	}
	u64 *pdpt = table_of(*pml4e);
	for (phys_addr_t pa = direct_map_end; pa < end; pa += SIZE_2M) {
		u64 *pdpte = &pdpt[pa / SIZE_1G];
		if (!(*pdpte & PTE_PRESENT)) {
			u64 *pd = new_table(alloc_table_page);
			if (!pd)
				return -ENOMEM;
			*pdpte = virt_to_phys(pd) | PTE_PRESENT | PTE_WRITE;
		}
		table_of(*pdpte)[(pa / SIZE_2M) % 512] = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	}
	write_cr3(read_cr3());
	direct_map_end = end;
	return 0;
}
