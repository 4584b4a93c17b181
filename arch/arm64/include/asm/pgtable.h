/*
 * arm64 page-table entries (VMSAv8-64, 4 KiB granule, 48-bit VA, stage 1),
 * with the bits Linux gives them (arch/arm64/include/asm/pgtable-hwdef.h,
 * pgtable-prot.h, pgtable.h). Generic code reads and builds entries only
 * through these helpers.
 *
 * Present (valid) PTE:
 *   bit 0 valid, 1 page (must be 1 at level 3), 2..4 AttrIndx (MAIR),
 *   6 AP[1] user (EL0 access), 7 AP[2] read-only, 8..9 SH (inner),
 *   10 AF (accessed), 11 nG, 12..47 output address, 51 DBM (Linux's
 *   PTE_WRITE), 53 PXN, 54 UXN; software: 55 PTE_DIRTY, 56 PTE_SPECIAL,
 *   57 soft-dirty (Linux arm64 has none; 57 is a free software bit).
 * Writable and dirty, as Linux: pte_write() is DBM; a writable page that
 *   is clean is DBM|RDONLY, and becomes dirty when RDONLY goes, either by
 *   the MMU (FEAT_HAFDBS with TCR_EL1.HD: hardware dirty) or by our fault
 *   handler on CPUs without it (trap.c). pte_dirty() = software dirty, or
 *   DBM && !RDONLY. Accessed is AF: set by the MMU (TCR_EL1.HA) or by the
 *   access-flag fault handler. pfn_pte() makes entries old and clean.
 * Swap PTE, exactly as Linux arm64 (before 6.10):
 *   bit 0 clear (not valid), bit 2 exclusive (PTE_SWP_EXCLUSIVE),
 *   bits 3..8 the type (__SWP_TYPE_SHIFT 3, 6 bits), bits 9..58 the
 *   offset (__SWP_OFFSET_SHIFT 9, 50 bits); swap soft-dirty is bit 59
 *   (Linux arm64 has none). Type 0 offset 0 encodes to 0 = pte_none, as in
 *   Linux: slot 0 is the swap header and never handed out
 *   (SWP_OFFSET_USABLE_MIN). seed 001: the exclusive bit carries
 *   PageAnonExclusive across swap-out.
 * Upper levels (PGD = level 0, PUD = 1, PMD = 2): table descriptors,
 *   phys | 0b11; permissions are decided at the PTE.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <asm/page.h>
#include "mm/pgtable_4level.h"
#include "mm/swp_entry.h"
#include "kernel/compiler.h"
#include "kernel/types.h"

/* User addresses are all of TTBR0's 48 bits; the kernel lives in TTBR1
 * and owns no entry of a user root: ARCH_KERNEL_PGD_FIRST is past the end. */
#define ARCH_USER_ADDR_END 0x0001000000000000ul
#define ARCH_KERNEL_PGD_FIRST PTRS_PER_TABLE

/* --- raw bits (private to this header, mmu.c and trap.c) --------------- */
#define PTE_VALID (1ul << 0)
#define PTE_TABLE_BIT (1ul << 1)
#define PTE_TYPE_PAGE (PTE_VALID | PTE_TABLE_BIT)
#define PTE_ATTRINDX(i) ((u64)(i) << 2)
#define PTE_ATTRINDX_MASK (7ul << 2)
#define PTE_USER (1ul << 6)
#define PTE_RDONLY (1ul << 7)
#define PTE_SHARED (3ul << 8)
#define PTE_AF (1ul << 10)
#define PTE_NG (1ul << 11)
#define PTE_DBM (1ul << 51)
#define PTE_WRITE PTE_DBM
#define PTE_PXN (1ul << 53)
#define PTE_UXN (1ul << 54)
#define PTE_DIRTY (1ul << 55)
#define PTE_SPECIAL (1ul << 56)
#define PTE_SOFT_DIRTY (1ul << 57)
#define PTE_ADDR_MASK 0x0000fffffffff000ul
/* Bits swaplab never sets in a present PTE: OA[51:48] (no 52-bit PAs),
 * bit 52 (contiguous), 58..63 (software/PBHA). */
#define PTE_PRESENT_RESERVED (0x7ul << 48 | 1ul << 52 | 0x3ful << 58)

#define PTE_SWP_EXCLUSIVE (1ul << 2)
#define __SWP_TYPE_SHIFT 3
#define __SWP_TYPE_BITS 6
#define __SWP_TYPE_MASK ((1ul << __SWP_TYPE_BITS) - 1)
#define __SWP_OFFSET_SHIFT 9
#define __SWP_OFFSET_BITS 50
#define __SWP_OFFSET_MASK ((1ul << __SWP_OFFSET_BITS) - 1)
#define PTE_SWP_SOFT_DIRTY (1ul << 59)
/* Bits a swap PTE never has: 1, 60..63 (bit 0 is what makes it one). */
#define PTE_SWP_RESERVED (PTE_TABLE_BIT | 0xful << 60)

#define MT_NORMAL 0
#define MT_DEVICE_nGnRE 1

/* --- PTE type ---------------------------------------------------------- */
typedef struct {
	u64 pte;
} pte_t;
typedef struct {
	u64 pgprot;
} pgprot_t;

static inline pte_t __pte(u64 v)
{
	return (pte_t){ v };
}
static inline u64 pte_val(pte_t p)
{
	return p.pte;
}
static inline bool pte_same(pte_t a, pte_t b)
{
	return a.pte == b.pte;
}

/* Read and written whole, once: the MMU may set AF and clear RDONLY
 * (hardware dirty) under us. */
static inline pte_t ptep_get(const pte_t *ptep)
{
	return __pte(*(const volatile u64 *)&ptep->pte);
}

/*
 * Store a PTE. A valid entry is followed by DSB ISHST (the table walker
 * of any CPU sees it before we go on) and ISB, as Linux's set_pte().
 *
 * Break-before-make (ARM ARM D8.14): a valid entry must not be replaced
 * by another valid entry with a different output address (or memory
 * type) without first writing an invalid entry and invalidating the TLB
 * on every CPU. Generic code never does that replacement in one store:
 * copy-on-write (mm/fault.c wp_page_copy) clears the PTE with
 * ptep_get_and_clear, flushes with mm_tlb_flush_page (a broadcast TLBI
 * here), and only then sets the new page; every other change of a
 * present PTE goes through ptep_get_and_clear and sets the same page
 * back with different AF/dirty/write bits, which the architecture allows
 * without a break. So nothing here needs to add one; a store that would
 * break the rule is caught (pgtable_bbm_violation panics with both values).
 */
__noreturn void pgtable_bbm_violation(const pte_t *ptep, u64 old, u64 new);

static inline void arch_set_pte(pte_t *ptep, pte_t p)
{
	u64 old = *(volatile u64 *)&ptep->pte;
	if ((old & p.pte & PTE_VALID) && ((old ^ p.pte) & PTE_ADDR_MASK))
		pgtable_bbm_violation(ptep, old, p.pte);
	*(volatile u64 *)&ptep->pte = p.pte;
	if (p.pte & PTE_VALID)
		__asm__ __volatile__("dsb ishst\n\tisb" ::: "memory");
}
/* Atomic exchange (LL/SC): a hardware AF or dirty update that races with
 * it is not lost (the MMU's update is atomic with respect to exclusives). */
static inline pte_t arch_ptep_xchg(pte_t *ptep, pte_t p)
{
	return __pte(__atomic_exchange_n(&ptep->pte, p.pte, __ATOMIC_SEQ_CST));
}

static inline pte_t pte_empty(void)
{
	return __pte(0);
}
static inline bool pte_none(pte_t p)
{
	return p.pte == 0;
}
static inline bool pte_present(pte_t p)
{
	return p.pte & PTE_VALID;
}
static inline bool pte_is_swap(pte_t p)
{
	return !pte_none(p) && !pte_present(p);
}

/* --- protections ------------------------------------------------------- */
#define PAGE_PROT_READ (1u << 0)
#define PAGE_PROT_WRITE (1u << 1)
#define PAGE_PROT_EXEC (1u << 2)
#define PAGE_PROT_USER (1u << 3)

/* Normal write-back memory, inner shareable, not global (nG: every page
 * made here lives in a TTBR0 root). A user page is never executable at
 * EL1 (PXN), a kernel page never at EL0 (UXN). A writable page starts
 * clean: DBM|RDONLY. */
pgprot_t arch_vm_get_page_prot(unsigned prot);

/* --- present PTEs -------------------------------------------------------- */
#define ARCH_MAX_PFN (PTE_ADDR_MASK >> PAGE_SHIFT) /* 2^36 - 1 */

static inline pte_t pfn_pte(pfn_t pfn, pgprot_t prot)
{
	return __pte(((u64)pfn << PAGE_SHIFT & PTE_ADDR_MASK) | prot.pgprot | PTE_TYPE_PAGE);
}
static inline pfn_t pte_pfn(pte_t p)
{
	return (p.pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

static inline bool pte_write(pte_t p)
{
	return p.pte & PTE_WRITE;
}
static inline bool pte_user(pte_t p)
{
	return p.pte & PTE_USER;
}
static inline bool pte_young(pte_t p)
{
	return p.pte & PTE_AF;
}
static inline bool pte_sw_dirty(pte_t p)
{
	return p.pte & PTE_DIRTY;
}
static inline bool pte_hw_dirty(pte_t p)
{
	return (p.pte & PTE_DBM) && !(p.pte & PTE_RDONLY);
}
static inline bool pte_dirty(pte_t p)
{
	return pte_sw_dirty(p) || pte_hw_dirty(p);
}
/* Executable where it would run: EL0 for a user page, EL1 otherwise. */
static inline bool pte_exec(pte_t p)
{
	return !(p.pte & (pte_user(p) ? PTE_UXN : PTE_PXN));
}
static inline bool pte_nx(pte_t p)
{
	return !pte_exec(p);
}
static inline bool pte_soft_dirty(pte_t p)
{
	return p.pte & PTE_SOFT_DIRTY;
}

/* Linux's pte_mkwrite_novma: a software-dirty page becomes writable
 * without a fault; a clean one stays RDONLY until written. */
static inline pte_t pte_mkwrite(pte_t p)
{
	p.pte |= PTE_WRITE;
	if (pte_sw_dirty(p))
		p.pte &= ~PTE_RDONLY;
	return p;
}
/* Keep hardware dirtiness as software dirty before dropping write. */
static inline pte_t pte_wrprotect(pte_t p)
{
	if (pte_hw_dirty(p))
		p.pte |= PTE_DIRTY;
	p.pte &= ~PTE_WRITE;
	p.pte |= PTE_RDONLY;
	return p;
}
static inline pte_t pte_mkdirty(pte_t p)
{
	p.pte |= PTE_DIRTY | PTE_SOFT_DIRTY;
	if (pte_write(p))
		p.pte &= ~PTE_RDONLY;
	return p;
}
static inline pte_t pte_mkclean(pte_t p)
{
	p.pte &= ~PTE_DIRTY;
	p.pte |= PTE_RDONLY;
	return p;
}
static inline pte_t pte_mkyoung(pte_t p)
{
	return __pte(p.pte | PTE_AF);
}
static inline pte_t pte_mkold(pte_t p)
{
	return __pte(p.pte & ~PTE_AF);
}
static inline pte_t pte_mksoft_dirty(pte_t p)
{
	return __pte(p.pte | PTE_SOFT_DIRTY);
}
static inline pte_t pte_clear_soft_dirty(pte_t p)
{
	return __pte(p.pte & ~PTE_SOFT_DIRTY);
}

/* --- swap entries -------------------------------------------------------- */
/* Linux's __swp_entry(type, offset) on arm64. */
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __pte(((u64)swp_type(e) & __SWP_TYPE_MASK) << __SWP_TYPE_SHIFT |
		     (swp_offset(e) & __SWP_OFFSET_MASK) << __SWP_OFFSET_SHIFT);
}

/* The flags (exclusive, soft-dirty) stay in the PTE. */
static inline swp_entry_t pte_to_swp_entry(pte_t p)
{
	return swp_entry((unsigned)((p.pte >> __SWP_TYPE_SHIFT) & __SWP_TYPE_MASK),
			 (p.pte >> __SWP_OFFSET_SHIFT) & __SWP_OFFSET_MASK);
}

static inline bool pte_swp_exclusive(pte_t p)
{
	return p.pte & PTE_SWP_EXCLUSIVE;
}
static inline pte_t pte_swp_mkexclusive(pte_t p)
{
	return __pte(p.pte | PTE_SWP_EXCLUSIVE);
}
static inline pte_t pte_swp_clear_exclusive(pte_t p)
{
	return __pte(p.pte & ~PTE_SWP_EXCLUSIVE);
}
static inline bool pte_swp_soft_dirty(pte_t p)
{
	return p.pte & PTE_SWP_SOFT_DIRTY;
}
static inline pte_t pte_swp_mksoft_dirty(pte_t p)
{
	return __pte(p.pte | PTE_SWP_SOFT_DIRTY);
}
static inline pte_t pte_swp_clear_soft_dirty(pte_t p)
{
	return __pte(p.pte & ~PTE_SWP_SOFT_DIRTY);
}

/*
 * Is this PTE something swaplab could have written? NULL when it is, else
 * why not. A present PTE must be a page descriptor (bit 1 set: a level-3
 * entry with it clear is reserved and faults) with no reserved bits; a
 * swap PTE must not have bit 1 or bits 60..63, and its type must be below
 * MAX_SWAPFILES (the 6-bit field can hold up to 63).
 */
static inline const char *pte_bad_reason(pte_t p)
{
	if (pte_none(p))
		return NULL;
	if (pte_present(p)) {
		if (!(p.pte & PTE_TABLE_BIT))
			return "valid PTE without the page bit (bit 1)";
		if (p.pte & PTE_PRESENT_RESERVED)
			return "reserved bits (48..52, 58..63) set in a present PTE";
		return NULL;
	}
	if (p.pte & PTE_SWP_RESERVED)
		return "reserved bits (1, 60..63) set in a swap PTE";
	if (((p.pte >> __SWP_TYPE_SHIFT) & __SWP_TYPE_MASK) >= MAX_SWAPFILES)
		return "swap type out of range";
	return NULL;
}

/* --- upper levels: table descriptors ------------------------------------- */
/* Only table descriptors are made here; a block (bit 1 clear) or any bit
 * outside the address is "bad" in a user root. */
#define PTE_TABLE_DESC (PTE_VALID | PTE_TABLE_BIT)
#define ARCH_DEFINE_TABLE_ENTRY(lvl)                                                               \
	typedef struct {                                                                           \
		u64 lvl;                                                                           \
	} lvl##_t;                                                                                 \
	static inline lvl##_t __##lvl(u64 v)                                                       \
	{                                                                                          \
		return (lvl##_t){ v };                                                             \
	}                                                                                          \
	static inline u64 lvl##_val(lvl##_t e)                                                     \
	{                                                                                          \
		return e.lvl;                                                                      \
	}                                                                                          \
	static inline lvl##_t lvl##p_get(const lvl##_t *p)                                         \
	{                                                                                          \
		return __##lvl(*(const volatile u64 *)&p->lvl);                                    \
	}                                                                                          \
	static inline void arch_set_##lvl(lvl##_t *p, lvl##_t e)                                   \
	{                                                                                          \
		*(volatile u64 *)&p->lvl = e.lvl;                                                  \
		__asm__ __volatile__("dsb ishst\n\tisb" ::: "memory");                             \
	}                                                                                          \
	static inline bool lvl##_none(lvl##_t e)                                                   \
	{                                                                                          \
		return e.lvl == 0;                                                                 \
	}                                                                                          \
	static inline bool lvl##_present(lvl##_t e)                                                \
	{                                                                                          \
		return e.lvl & PTE_VALID;                                                          \
	}                                                                                          \
	static inline bool lvl##_bad(lvl##_t e)                                                    \
	{                                                                                          \
		return !lvl##_none(e) && (e.lvl & ~PTE_ADDR_MASK) != PTE_TABLE_DESC;               \
	}                                                                                          \
	static inline phys_addr_t lvl##_table_phys(lvl##_t e)                                      \
	{                                                                                          \
		return e.lvl & PTE_ADDR_MASK;                                                      \
	}                                                                                          \
	static inline lvl##_t lvl##_mk_table(phys_addr_t table)                                    \
	{                                                                                          \
		return __##lvl((table & PTE_ADDR_MASK) | PTE_TABLE_DESC);                          \
	}                                                                                          \
	static inline lvl##_t lvl##_empty(void)                                                    \
	{                                                                                          \
		return __##lvl(0);                                                                 \
	}

ARCH_DEFINE_TABLE_ENTRY(pgd)
ARCH_DEFINE_TABLE_ENTRY(pud)
ARCH_DEFINE_TABLE_ENTRY(pmd)
#undef ARCH_DEFINE_TABLE_ENTRY

#endif
