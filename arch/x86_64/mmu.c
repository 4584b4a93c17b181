/*
 * x86-64 MMU glue: protections to PTE bits, and new page-table roots that
 * share the kernel half of boot_pml4.
 */
#include <asm/mmu.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include "io.h"

#define MSR_EFER 0xC0000080
#define EFER_NXE (1ul << 11)

extern u64 boot_pml4[512];

/* NX is bit 63 only when EFER.NXE is on (boot.S turns it on when the CPU
 * has it); otherwise the bit is reserved and would fault. Read once. */
bool arch_mmu_has_nx(void)
{
	static int cached = -1;
	if (cached < 0)
		cached = (rdmsr(MSR_EFER) & EFER_NXE) != 0;
	return cached;
}

pgprot_t arch_vm_get_page_prot(unsigned prot)
{
	u64 bits = 0;
	if (prot & PAGE_PROT_WRITE)
		bits |= _PAGE_RW;
	if (prot & PAGE_PROT_USER)
		bits |= _PAGE_USER;
	if (!(prot & PAGE_PROT_EXEC) && arch_mmu_has_nx())
		bits |= _PAGE_NX;
	return (pgprot_t){ bits };
}

void arch_mmu_init_root(void *root)
{
	u64 *pml4 = root;
	for (unsigned i = ARCH_KERNEL_PGD_FIRST; i < PTRS_PER_TABLE; i++)
		pml4[i] = boot_pml4[i];
}

phys_addr_t arch_mmu_kernel_root(void)
{
	return virt_to_phys(boot_pml4);
}
