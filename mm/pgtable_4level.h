/*
 * The geometry every 4-level, 4 KiB-granule arch shares: x86-64 (PML4,
 * PDPT, PD, PT), arm64 with a 48-bit VA (levels 0..3) and arch/host. Each
 * level resolves 9 bits of the address; Linux's names: pgd, pud, pmd, pte.
 * Included by each arch's asm/pgtable.h, which adds only what differs:
 * the bits of an entry and where user addresses end.
 */
#ifndef MM_PGTABLE_4LEVEL_H
#define MM_PGTABLE_4LEVEL_H

#include <asm/page.h>

#define PGTABLE_LEVELS 4
#define PTRS_PER_TABLE 512
#define PGDIR_SHIFT 39
#define PUD_SHIFT 30
#define PMD_SHIFT 21
#define PGDIR_SIZE (1ul << PGDIR_SHIFT)
#define PUD_SIZE (1ul << PUD_SHIFT)
#define PMD_SIZE (1ul << PMD_SHIFT)

static inline unsigned pgd_index(unsigned long a)
{
	return (a >> PGDIR_SHIFT) & (PTRS_PER_TABLE - 1);
}
static inline unsigned pud_index(unsigned long a)
{
	return (a >> PUD_SHIFT) & (PTRS_PER_TABLE - 1);
}
static inline unsigned pmd_index(unsigned long a)
{
	return (a >> PMD_SHIFT) & (PTRS_PER_TABLE - 1);
}
static inline unsigned pte_index(unsigned long a)
{
	return (a >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
}

#endif
