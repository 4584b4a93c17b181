/*
 * Starting a CPU by spin table (Documentation/arch/arm64/booting.rst,
 * enable-method "spin-table"): the firmware parks each secondary CPU in a
 * loop of `wfe` and a load of its cpu-release-addr, with the MMU and
 * caches off, until the word is non-zero; then it branches there. QEMU's
 * raspi3b stub (hw/arm/raspi.c, write_smpboot64) polls 0xd8, 0xe0, 0xe8
 * and 0xf0 for cores 0..3 and enters with x0..x3 = 0; the Pi firmware's
 * armstub8 does the same at the same addresses.
 *
 * The CPU gets no argument, so it is released to its start slot's own
 * entry in boot.S's spin_table_entries (8 bytes each), which loads the
 * slot number and goes the way of a PSCI CPU_ON (secondary_entry). The
 * release word is read by a CPU whose caches are off: it is cleaned to
 * the point of coherency after the write (so is the slot, by smp.c's
 * dsb before this), and `sev` wakes the waiting CPU.
 *
 * A released CPU cannot be called back: one that comes up only after
 * smp.c gave up on it finds its slot abandoned and parks (smp.c).
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include "arm64.h"
#include "kernel/errno.h"
#include "kernel/printk.h"

static void dcache_clean_inval_poc(const volatile void *p)
{
	__asm__ __volatile__("dc civac, %0" ::"r"(p) : "memory");
}

int spin_table_cpu_start(unsigned slot, u64 release_addr)
{
	if (!release_addr || release_addr % 8 || release_addr + 8 > arch_direct_map_end()) {
		pr_err("smp: start slot %u: cpu-release-addr %#lx is not 8-byte aligned RAM\n",
		       slot, (unsigned long)release_addr);
		return -EINVAL;
	}
	volatile u64 *release = phys_to_virt(release_addr);
	*release = virt_to_phys(spin_table_entries) + 8 * slot;
	dcache_clean_inval_poc(release);
	__asm__ __volatile__("dsb sy\n\tsev" ::: "memory");
	return 0;
}
