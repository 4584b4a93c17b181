/*
 * x86-64 MMU glue: protections to PTE bits, and new page-table roots that
 * share the kernel half of boot_pml4.
 */
#include <asm/mmu.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include "io.h"
#include "kernel/smp.h"

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

static void flush_tlb_here(void *unused)
{
	(void)unused;
	arch_tlb_flush_all();
}

/*
 * boot.S maps the first 4 GiB at virtual address 0 as well, because the
 * switch to long mode and every AP's trampoline run there. Once every CPU
 * is up nothing may use it: a kernel NULL or physical-address dereference
 * must fault, not silently read low memory. Called at the end of smp_init.
 */
void arch_mmu_drop_identity_map(void)
{
	boot_pml4[0] = 0;
	smp_call_on_cpus(cpu_online_mask, flush_tlb_here, NULL);
}
