/*
 * Allocation flags. GFP_KERNEL may sleep; GFP_USER also reclaims;
 * GFP_ATOMIC never sleeps and may dip below the min watermark, for
 * interrupt handlers and code holding spinlocks.
 */
#ifndef MM_GFP_H
#define MM_GFP_H

typedef unsigned gfp_t;

#define __GFP_ATOMIC (1u << 0) /* cannot sleep; may use the reserve below min */
#define __GFP_ZERO (1u << 1)   /* zero the memory */
#define __GFP_NOWARN (1u << 2) /* failure is expected: do not log it */

#define __GFP_RECLAIM (1u << 3) /* may sleep to reclaim memory (mm/vmscan.c) first */
#define __GFP_HIGH (1u << 4)	/* may use the reserve below min, as GFP_ATOMIC does */
#define GFP_KERNEL 0u
/* Memory for user pages (faults, swap-in): reclaim when short. Only for
 * callers that hold no spinlock. */
#define GFP_USER __GFP_RECLAIM
/* A large folio for a fault or a swap-in, which falls back to order 0 when
 * this fails: no direct reclaim (Linux's GFP_TRANSHUGE_LIGHT). Reclaim
 * frees scattered base pages; looping on it for a block of an order that
 * fragmentation keeps from forming livelocked the stress test. */
static inline gfp_t gfp_user_folio(unsigned order)
{
	return order ? __GFP_NOWARN : GFP_USER;
}
#define GFP_ATOMIC __GFP_ATOMIC

#endif
