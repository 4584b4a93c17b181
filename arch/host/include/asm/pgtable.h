/*
 * arch/host page-table entries: the x86-64 interface (same names, same
 * types, same geometry) over a deliberately DIFFERENT software layout, so
 * that generic code which assumes x86 bits fails the host tests. No MMU
 * walks these tables; mm/ does, in software.
 *
 * Present PTE: bits 0..39 pfn (unshifted), 56 write, 57 user, 58 accessed,
 *   59 dirty, 60 exec (positive: no NX bit), 61 soft-dirty, 62 present.
 * Swap PTE: bit 63 swap marker, bits 0..5 type (6 bits: room for out of
 *   range types), bits 6..56 offset (51 bits, not inverted), 57 exclusive,
 *   58 soft-dirty. Without the marker, type 0 offset 0 would be pte_none.
 * Upper levels: bit 61 valid, bits 0..39 the next table's pfn.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <asm/page.h>
#include "mm/pgtable_4level.h"
#include "mm/swp_entry.h"
#include "kernel/types.h"

/* --- geometry: mm/pgtable_4level.h (shared by every 4-level arch) ----- */

#define ARCH_USER_ADDR_END 0x0000800000000000ul
#define ARCH_KERNEL_PGD_FIRST 256

/* --- raw bits (private to this header) --------------------------------- */
#define _HPTE_PFN_MASK ((1ul << 40) - 1)
#define _HPTE_WRITE (1ul << 56)
#define _HPTE_USER (1ul << 57)
#define _HPTE_ACCESSED (1ul << 58)
#define _HPTE_DIRTY (1ul << 59)
#define _HPTE_EXEC (1ul << 60)
#define _HPTE_SOFT_DIRTY (1ul << 61)
#define _HPTE_PRESENT (1ul << 62)
#define _HPTE_PRESENT_ALLOWED (_HPTE_PFN_MASK | (0x7ful << 56))

#define _HSWP_MARKER (1ul << 63)
#define _HSWP_TYPE_MASK 0x3ful
#define _HSWP_OFFSET_SHIFT 6
#define _HSWP_OFFSET_MASK ((1ul << 51) - 1)
#define _HSWP_EXCLUSIVE (1ul << 57)
#define _HSWP_SOFT_DIRTY (1ul << 58)
#define _HSWP_RESERVED (0xful << 59)

#define _HTABLE_VALID (1ul << 61)

/* --- PTE type ---------------------------------------------------------- */
/* The field name differs from x86 on purpose: use pte_val()/__pte(). */
typedef struct {
	u64 soft;
} pte_t;
typedef struct {
	u64 soft;
} pgprot_t;

static inline pte_t __pte(u64 v)
{
	return (pte_t){ v };
}
static inline u64 pte_val(pte_t p)
{
	return p.soft;
}
static inline bool pte_same(pte_t a, pte_t b)
{
	return a.soft == b.soft;
}

static inline pte_t ptep_get(const pte_t *ptep)
{
	return __pte(__atomic_load_n(&ptep->soft, __ATOMIC_RELAXED));
}
static inline void arch_set_pte(pte_t *ptep, pte_t p)
{
	__atomic_store_n(&ptep->soft, p.soft, __ATOMIC_RELEASE);
}
static inline pte_t arch_ptep_xchg(pte_t *ptep, pte_t p)
{
	return __pte(__atomic_exchange_n(&ptep->soft, p.soft, __ATOMIC_SEQ_CST));
}

static inline pte_t pte_empty(void)
{
	return __pte(0);
}
static inline bool pte_none(pte_t p)
{
	return p.soft == 0;
}
static inline bool pte_present(pte_t p)
{
	return p.soft & _HPTE_PRESENT;
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

pgprot_t arch_vm_get_page_prot(unsigned prot);

/* --- present PTEs -------------------------------------------------------- */
#define ARCH_MAX_PFN _HPTE_PFN_MASK

static inline pte_t pfn_pte(pfn_t pfn, pgprot_t prot)
{
	return __pte((pfn & _HPTE_PFN_MASK) | prot.soft | _HPTE_PRESENT);
}
static inline pfn_t pte_pfn(pte_t p)
{
	return p.soft & _HPTE_PFN_MASK;
}

static inline bool pte_write(pte_t p)
{
	return p.soft & _HPTE_WRITE;
}
static inline bool pte_user(pte_t p)
{
	return p.soft & _HPTE_USER;
}
static inline bool pte_young(pte_t p)
{
	return p.soft & _HPTE_ACCESSED;
}
static inline bool pte_dirty(pte_t p)
{
	return p.soft & _HPTE_DIRTY;
}
static inline bool pte_exec(pte_t p)
{
	return p.soft & _HPTE_EXEC;
}
static inline bool pte_nx(pte_t p)
{
	return !pte_exec(p);
}
static inline bool pte_soft_dirty(pte_t p)
{
	return p.soft & _HPTE_SOFT_DIRTY;
}

static inline pte_t pte_mkwrite(pte_t p)
{
	return __pte(p.soft | _HPTE_WRITE);
}
static inline pte_t pte_wrprotect(pte_t p)
{
	return __pte(p.soft & ~_HPTE_WRITE);
}
/* As on x86 (and Linux): making a PTE dirty also makes it soft-dirty. */
static inline pte_t pte_mkdirty(pte_t p)
{
	return __pte(p.soft | _HPTE_DIRTY | _HPTE_SOFT_DIRTY);
}
static inline pte_t pte_mkclean(pte_t p)
{
	return __pte(p.soft & ~_HPTE_DIRTY);
}
static inline pte_t pte_mkyoung(pte_t p)
{
	return __pte(p.soft | _HPTE_ACCESSED);
}
static inline pte_t pte_mkold(pte_t p)
{
	return __pte(p.soft & ~_HPTE_ACCESSED);
}
static inline pte_t pte_mksoft_dirty(pte_t p)
{
	return __pte(p.soft | _HPTE_SOFT_DIRTY);
}
static inline pte_t pte_clear_soft_dirty(pte_t p)
{
	return __pte(p.soft & ~_HPTE_SOFT_DIRTY);
}

/* --- swap entries -------------------------------------------------------- */
/* swp_entry_t, MAX_SWAPFILES, SWP_OFFSET_MAX: mm/swp_entry.h. */

static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __pte(_HSWP_MARKER | (swp_offset(e) << _HSWP_OFFSET_SHIFT) | swp_type(e));
}
static inline swp_entry_t pte_to_swp_entry(pte_t p)
{
	return swp_entry((unsigned)(p.soft & _HSWP_TYPE_MASK),
			 (p.soft >> _HSWP_OFFSET_SHIFT) & _HSWP_OFFSET_MASK);
}

static inline bool pte_swp_exclusive(pte_t p)
{
	return p.soft & _HSWP_EXCLUSIVE;
}
static inline pte_t pte_swp_mkexclusive(pte_t p)
{
	return __pte(p.soft | _HSWP_EXCLUSIVE);
}
static inline pte_t pte_swp_clear_exclusive(pte_t p)
{
	return __pte(p.soft & ~_HSWP_EXCLUSIVE);
}
static inline bool pte_swp_soft_dirty(pte_t p)
{
	return p.soft & _HSWP_SOFT_DIRTY;
}
static inline pte_t pte_swp_mksoft_dirty(pte_t p)
{
	return __pte(p.soft | _HSWP_SOFT_DIRTY);
}
static inline pte_t pte_swp_clear_soft_dirty(pte_t p)
{
	return __pte(p.soft & ~_HSWP_SOFT_DIRTY);
}

static inline const char *pte_bad_reason(pte_t p)
{
	if (pte_none(p))
		return NULL;
	if (pte_present(p))
		return (p.soft & ~(_HPTE_PRESENT_ALLOWED | _HPTE_PRESENT))
			       ? "reserved bits set in a present PTE"
			       : NULL;
	if (!(p.soft & _HSWP_MARKER))
		return "swap marker clear in a non-present PTE";
	if (p.soft & _HSWP_RESERVED)
		return "reserved bits set in a swap PTE";
	if ((p.soft & _HSWP_TYPE_MASK) >= MAX_SWAPFILES)
		return "swap type out of range";
	if (((p.soft >> _HSWP_OFFSET_SHIFT) & _HSWP_OFFSET_MASK) > SWP_OFFSET_MAX)
		return "swap offset out of range";
	return NULL;
}

/* --- upper levels ---------------------------------------------------------- */
#define ARCH_DEFINE_TABLE_ENTRY(lvl)                                                               \
	typedef struct {                                                                           \
		u64 soft;                                                                          \
	} lvl##_t;                                                                                 \
	static inline lvl##_t __##lvl(u64 v)                                                       \
	{                                                                                          \
		return (lvl##_t){ v };                                                             \
	}                                                                                          \
	static inline u64 lvl##_val(lvl##_t e)                                                     \
	{                                                                                          \
		return e.soft;                                                                     \
	}                                                                                          \
	static inline lvl##_t lvl##p_get(const lvl##_t *p)                                         \
	{                                                                                          \
		return __##lvl(__atomic_load_n(&p->soft, __ATOMIC_ACQUIRE));                       \
	}                                                                                          \
	static inline void arch_set_##lvl(lvl##_t *p, lvl##_t e)                                   \
	{                                                                                          \
		__atomic_store_n(&p->soft, e.soft, __ATOMIC_RELEASE);                              \
	}                                                                                          \
	static inline bool lvl##_none(lvl##_t e)                                                   \
	{                                                                                          \
		return e.soft == 0;                                                                \
	}                                                                                          \
	static inline bool lvl##_present(lvl##_t e)                                                \
	{                                                                                          \
		return e.soft & _HTABLE_VALID;                                                     \
	}                                                                                          \
	static inline bool lvl##_bad(lvl##_t e)                                                    \
	{                                                                                          \
		return !lvl##_none(e) && (e.soft & ~_HPTE_PFN_MASK) != _HTABLE_VALID;              \
	}                                                                                          \
	static inline phys_addr_t lvl##_table_phys(lvl##_t e)                                      \
	{                                                                                          \
		return (e.soft & _HPTE_PFN_MASK) << PAGE_SHIFT;                                    \
	}                                                                                          \
	static inline lvl##_t lvl##_mk_table(phys_addr_t table)                                    \
	{                                                                                          \
		return __##lvl(((table >> PAGE_SHIFT) & _HPTE_PFN_MASK) | _HTABLE_VALID);          \
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
