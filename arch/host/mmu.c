/* arch/host MMU glue: protections to the host PTE layout. */
#include <asm/mmu.h>
#include <asm/pgtable.h>

__thread phys_addr_t host_mmu_current_root = HOST_KERNEL_ROOT;

pgprot_t arch_vm_get_page_prot(unsigned prot)
{
	u64 bits = 0;
	if (prot & PAGE_PROT_WRITE)
		bits |= _HPTE_WRITE;
	if (prot & PAGE_PROT_USER)
		bits |= _HPTE_USER;
	if (prot & PAGE_PROT_EXEC)
		bits |= _HPTE_EXEC;
	return (pgprot_t){ bits };
}
