/*
 * Allocation flags. GFP_KERNEL may sleep and (once reclaim exists) reclaim;
 * GFP_ATOMIC never sleeps and may dip below the min watermark, for
 * interrupt handlers and code holding spinlocks.
 */
#ifndef MM_GFP_H
#define MM_GFP_H

typedef unsigned gfp_t;

#define __GFP_ATOMIC (1u << 0)  /* cannot sleep; may use the reserve below min */
#define __GFP_ZERO (1u << 1)    /* zero the memory */
#define __GFP_NOWARN (1u << 2)  /* failure is expected: do not log it */

#define GFP_KERNEL 0u
#define GFP_ATOMIC __GFP_ATOMIC

#endif
