/*
 * x86-64 page-table entries: the only place that knows their bits.
 *
 * Generic code (mm/) builds and reads entries only through these helpers;
 * arch/host implements the same names with a different software layout,
 * so a generic assumption about x86 bits fails the host tests.
 *
 * Present PTE (Intel SDM vol. 3, 4-level paging):
 *   bit 0 present, 1 write, 2 user, 5 accessed, 6 dirty, 11 soft-dirty
 *   (software, as Linux's _PAGE_SOFT_DIRTY), 12..51 pfn, 63 no-execute.
 * Swap PTE, exactly as Linux on x86-64 (arch/x86/include/asm/pgtable_64.h):
 *   bit 0 (present) and 7 (PSE) clear, bit 1 soft-dirty (_PAGE_SWP_SOFT_DIRTY),
 *   bit 3 exclusive (_PAGE_SWP_EXCLUSIVE = _PAGE_PWT), bits 9..58 the offset
 *   inverted (~offset, the L1TF mitigation: a stale swap PTE then points
 *   at memory that does not exist), bits 59..63 the swap type.
 *   seed 001: the exclusive bit carries PageAnonExclusive across swap-out,
 *   so swap-in can map the page writable without a copy.
 * Upper levels (PML4 = pgd, PDPT = pud, PD = pmd) point at the next table:
 *   phys | present | write | user; permissions are decided at the PTE.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <asm/page.h>
#include "mm/pgtable_4level.h"
#include "mm/swp_entry.h"
#include "kernel/types.h"

/* --- geometry: mm/pgtable_4level.h (shared by every 4-level arch) ----- */

/* User addresses are the canonical lower half; the kernel owns PML4
 * entries 256..511 (direct map, kernel image), shared by every mm. */
#define ARCH_USER_ADDR_END 0x0000800000000000ul
#define ARCH_KERNEL_PGD_FIRST 256

/* --- raw bits (private to this header) --------------------------------- */
#define _PAGE_PRESENT (1ul << 0)
#define _PAGE_RW (1ul << 1)
#define _PAGE_USER (1ul << 2)
#define _PAGE_PWT (1ul << 3)
#define _PAGE_ACCESSED (1ul << 5)
#define _PAGE_DIRTY (1ul << 6)
#define _PAGE_PSE (1ul << 7)
#define _PAGE_SOFT_DIRTY (1ul << 11)
#define _PAGE_NX (1ul << 63)
#define _PAGE_PFN_MASK 0x000ffffffffff000ul
#define _PAGE_SW_HIGH_MASK 0x7ff0000000000000ul /* bits 52..62: never set by us */
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

#define _PAGE_SWP_SOFT_DIRTY _PAGE_RW
#define _PAGE_SWP_EXCLUSIVE _PAGE_PWT
#define _SWP_TYPE_BITS 5
#define _SWP_OFFSET_FIRST_BIT 9
#define _SWP_OFFSET_SHIFT (_SWP_OFFSET_FIRST_BIT + _SWP_TYPE_BITS)
/* Low bits a valid swap PTE may have: soft-dirty and exclusive. */
#define _SWP_LOW_MASK 0x1fful
#define _SWP_LOW_ALLOWED (_PAGE_SWP_SOFT_DIRTY | _PAGE_SWP_EXCLUSIVE)

/* --- PTE type ---------------------------------------------------------- */
/* A struct, so an entry cannot be mixed with an integer by accident. */
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

/* Entries are read and written whole, once: the MMU may set accessed and
 * dirty under us, so a torn or repeated read would mix two values. */
static inline pte_t ptep_get(const pte_t *ptep)
{
	return __pte(*(const volatile u64 *)&ptep->pte);
}
static inline void arch_set_pte(pte_t *ptep, pte_t p)
{
	*(volatile u64 *)&ptep->pte = p.pte;
}
/* Atomic exchange: a dirty bit the MMU sets concurrently is not lost. */
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
	return p.pte & _PAGE_PRESENT;
}
/* Not none and not present: a swap entry (the only non-present kind here). */
static inline bool pte_is_swap(pte_t p)
{
	return !pte_none(p) && !pte_present(p);
}

/* --- protections ------------------------------------------------------- */
/* Generic protection flags (VMA protections use the same values). */
#define PAGE_PROT_READ (1u << 0)
#define PAGE_PROT_WRITE (1u << 1)
#define PAGE_PROT_EXEC (1u << 2)
#define PAGE_PROT_USER (1u << 3)

/* x86 cannot express write-only or no-read: a present page is readable.
 * PROT_NONE is the caller's business (never map it). NX is set only when
 * the CPU has it enabled (EFER.NXE, boot.S), else bit 63 is reserved. */
pgprot_t arch_vm_get_page_prot(unsigned prot);

/* --- present PTEs -------------------------------------------------------- */
#define ARCH_MAX_PFN (_PAGE_PFN_MASK >> PAGE_SHIFT) /* 2^40 - 1 */

static inline pte_t pfn_pte(pfn_t pfn, pgprot_t prot)
{
	return __pte(((u64)pfn << PAGE_SHIFT & _PAGE_PFN_MASK) | prot.pgprot | _PAGE_PRESENT);
}
static inline pfn_t pte_pfn(pte_t p)
{
	return (p.pte & _PAGE_PFN_MASK) >> PAGE_SHIFT;
}

static inline bool pte_write(pte_t p)
{
	return p.pte & _PAGE_RW;
}
static inline bool pte_user(pte_t p)
{
	return p.pte & _PAGE_USER;
}
static inline bool pte_young(pte_t p)
{
	return p.pte & _PAGE_ACCESSED;
}
static inline bool pte_dirty(pte_t p)
{
	return p.pte & _PAGE_DIRTY;
}
static inline bool pte_nx(pte_t p)
{
	return p.pte & _PAGE_NX;
}
static inline bool pte_exec(pte_t p)
{
	return !pte_nx(p);
}
static inline bool pte_soft_dirty(pte_t p)
{
	return p.pte & _PAGE_SOFT_DIRTY;
}

static inline pte_t pte_mkwrite(pte_t p)
{
	return __pte(p.pte | _PAGE_RW);
}
static inline pte_t pte_wrprotect(pte_t p)
{
	return __pte(p.pte & ~_PAGE_RW);
}
static inline pte_t pte_mkdirty(pte_t p)
{
	return __pte(p.pte | _PAGE_DIRTY | _PAGE_SOFT_DIRTY);
}
static inline pte_t pte_mkclean(pte_t p)
{
	return __pte(p.pte & ~_PAGE_DIRTY);
}
static inline pte_t pte_mkyoung(pte_t p)
{
	return __pte(p.pte | _PAGE_ACCESSED);
}
static inline pte_t pte_mkold(pte_t p)
{
	return __pte(p.pte & ~_PAGE_ACCESSED);
}
static inline pte_t pte_mksoft_dirty(pte_t p)
{
	return __pte(p.pte | _PAGE_SOFT_DIRTY);
}
static inline pte_t pte_clear_soft_dirty(pte_t p)
{
	return __pte(p.pte & ~_PAGE_SOFT_DIRTY);
}

/* --- swap entries -------------------------------------------------------- */
/* swp_entry_t, MAX_SWAPFILES, SWP_OFFSET_MAX: mm/swp_entry.h. */

/* Linux's __swp_entry(): ~offset shifted to bit 9, type at bit 59. */
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	u64 v = (~swp_offset(e) << _SWP_OFFSET_SHIFT >> _SWP_TYPE_BITS) |
		((u64)swp_type(e) << (64 - _SWP_TYPE_BITS));
	return __pte(v);
}

/* The flags (soft-dirty, exclusive) are dropped: they live in the PTE,
 * not in the entry. */
static inline swp_entry_t pte_to_swp_entry(pte_t p)
{
	u64 v = p.pte;
	u64 offset = ~v << _SWP_TYPE_BITS >> _SWP_OFFSET_SHIFT;
	return swp_entry((unsigned)(v >> (64 - _SWP_TYPE_BITS)), offset);
}

static inline bool pte_swp_exclusive(pte_t p)
{
	return p.pte & _PAGE_SWP_EXCLUSIVE;
}
static inline pte_t pte_swp_mkexclusive(pte_t p)
{
	return __pte(p.pte | _PAGE_SWP_EXCLUSIVE);
}
static inline pte_t pte_swp_clear_exclusive(pte_t p)
{
	return __pte(p.pte & ~_PAGE_SWP_EXCLUSIVE);
}
static inline bool pte_swp_soft_dirty(pte_t p)
{
	return p.pte & _PAGE_SWP_SOFT_DIRTY;
}
static inline pte_t pte_swp_mksoft_dirty(pte_t p)
{
	return __pte(p.pte | _PAGE_SWP_SOFT_DIRTY);
}
static inline pte_t pte_swp_clear_soft_dirty(pte_t p)
{
	return __pte(p.pte & ~_PAGE_SWP_SOFT_DIRTY);
}

/*
 * Is this PTE content something swaplab could have written? NULL when it
 * is, else the reason, for the "bad page-table entry" report. A present
 * PTE must not use bits 52..62; a swap PTE must have PSE clear and no low
 * bits besides soft-dirty and exclusive (bit 8 would be Linux's PROTNONE).
 * The type and offset fields cannot exceed MAX_SWAPFILES and
 * SWP_OFFSET_MAX on x86 (5 and 50 bits), but are checked all the same:
 * the host layout has room for out-of-range values.
 */
static inline const char *pte_bad_reason(pte_t p)
{
	if (pte_none(p))
		return NULL;
	if (pte_present(p))
		return (p.pte & _PAGE_SW_HIGH_MASK) ? "reserved bits 52..62 set in a present PTE"
						    : NULL;
	if (p.pte & _PAGE_PSE)
		return "PSE bit set in a swap PTE";
	if ((p.pte & _SWP_LOW_MASK) & ~_SWP_LOW_ALLOWED)
		return "reserved low bits set in a swap PTE";
	if ((p.pte >> (64 - _SWP_TYPE_BITS)) >= MAX_SWAPFILES)
		return "swap type out of range";
	if ((~p.pte << _SWP_TYPE_BITS >> _SWP_OFFSET_SHIFT) > SWP_OFFSET_MAX)
		return "swap offset out of range";
	return NULL;
}

/* --- upper levels: entries that point at the next table ------------------ */
/*
 * pgd (PML4E), pud (PDPTE), pmd (PDE). Only table entries are made here;
 * a present entry with PSE set (a 1 GiB / 2 MiB page) is "bad" for the
 * user half, where swaplab never creates large mappings.
 */
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
	}                                                                                          \
	static inline bool lvl##_none(lvl##_t e)                                                   \
	{                                                                                          \
		return e.lvl == 0;                                                                 \
	}                                                                                          \
	static inline bool lvl##_present(lvl##_t e)                                                \
	{                                                                                          \
		return e.lvl & _PAGE_PRESENT;                                                      \
	}                                                                                          \
	static inline bool lvl##_bad(lvl##_t e)                                                    \
	{                                                                                          \
		return !lvl##_none(e) &&                                                           \
		       (e.lvl & (_PAGE_PSE | _PAGE_SW_HIGH_MASK | _PAGE_TABLE)) != _PAGE_TABLE;    \
	}                                                                                          \
	static inline phys_addr_t lvl##_table_phys(lvl##_t e)                                      \
	{                                                                                          \
		return e.lvl & _PAGE_PFN_MASK;                                                     \
	}                                                                                          \
	static inline lvl##_t lvl##_mk_table(phys_addr_t table)                                    \
	{                                                                                          \
		return __##lvl((table & _PAGE_PFN_MASK) | _PAGE_TABLE);                            \
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
