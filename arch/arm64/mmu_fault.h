/*
 * What FEAT_HAFDBS does in hardware, done in the fault handler on CPUs
 * without it (Cortex-A57, for one): set AF on an access-flag fault, and
 * on a write to a writable-clean page (DBM|RDONLY) clear RDONLY, which
 * makes it hardware-dirty. Generic mm code then sees the same accessed
 * and dirty bits as it would with the MMU doing it (or on x86-64).
 */
#ifndef ARCH_ARM64_MMU_FAULT_H
#define ARCH_ARM64_MMU_FAULT_H

#include "kernel/types.h"

/* True when the fault at addr was such a fault (or a stale TLB entry of
 * one already fixed) and the access can be retried. */
bool mmu_fault_fixup(unsigned long addr, bool access_flag, bool write_permission);

/* Does the MMU set AF / dirty itself (TCR_EL1.HA / HD as boot.S set them)? */
bool mmu_hw_access_flag(void);
bool mmu_hw_dirty(void);

/* Map every usable RAM range of bi in the direct map (kmain, before
 * start_kernel). */
struct bootinfo;
void mmu_map_ram(const struct bootinfo *bi);
/* Map [start, end) (rounded out to 2 MiB) in the direct map before the
 * tree is read: the part of a DTB past the GiB boot.S mapped. -ERANGE
 * past the direct map's 512 GiB, -ENOMEM. */
int mmu_map_boot_range(phys_addr_t start, phys_addr_t end);

#endif
