/*
 * A swap entry as the swap layer sees it: a type (which swap device) and
 * an offset (which slot), packed into one word that is NOT a page-table
 * entry. It is the same on every arch; only asm/pgtable.h knows how an
 * entry is laid out inside a swap PTE (swp_entry_to_pte/pte_to_swp_entry),
 * so nothing generic may depend on where the bits of a swap PTE sit.
 */
#ifndef MM_SWP_ENTRY_H
#define MM_SWP_ENTRY_H

#include "kernel/types.h"

#define MAX_SWAPFILES 32		 /* types 0..31 */
#define SWP_OFFSET_MAX ((1ul << 50) - 1) /* offsets 0..2^50-1 */
/*
 * The largest offset the swap layer may hand out. On x86-64, type 0 with
 * offset 2^50-1 encodes (inverted) to 0, which is pte_none: Linux has the
 * same hole and never reaches it (its swap size limits are far lower).
 * Same value on every arch, so generic code has one limit.
 */
#define SWP_OFFSET_USABLE_MAX (SWP_OFFSET_MAX - 1)
/*
 * The smallest: slot 0 holds the swap header and is never handed out
 * (swap_slot_is_bad). On arm64, type 0 with offset 0 encodes to 0, which
 * is pte_none: Linux has the same hole there and never reaches it either.
 */
#define SWP_OFFSET_USABLE_MIN 1

/* Build it with swp_entry(), read it with swp_type/swp_offset. */
typedef struct {
	u64 val;
} swp_entry_t;
#define _SWP_ENTRY_TYPE_SHIFT 50

static inline swp_entry_t swp_entry(unsigned type, u64 offset)
{
	return (swp_entry_t){ ((u64)type << _SWP_ENTRY_TYPE_SHIFT) | (offset & SWP_OFFSET_MAX) };
}
static inline unsigned swp_type(swp_entry_t e)
{
	return (unsigned)(e.val >> _SWP_ENTRY_TYPE_SHIFT);
}
static inline u64 swp_offset(swp_entry_t e)
{
	return e.val & SWP_OFFSET_MAX;
}
static inline bool swp_entry_same(swp_entry_t a, swp_entry_t b)
{
	return a.val == b.val;
}

#endif
