/*
 * mTHP: which folio orders an anonymous fault may allocate. Set on the
 * command line (mthp=0,2,4: a list of orders 0..9) or by tests through
 * mthp_set_orders(). Order 0 is always allowed (the last fallback); the
 * default is order 0 only, i.e. base pages, as Linux with every
 * hugepages-*kB/enabled at "never".
 */
#ifndef MM_MTHP_H
#define MM_MTHP_H

#include "kernel/types.h"

/* Bit n set: order n allowed. Returns the previous mask. */
unsigned long mthp_set_orders(unsigned long mask);
unsigned long mthp_allowed_orders(void);
/* Parse "0,2,4" into a mask: 0 or -EINVAL. */
int mthp_parse_orders(const char *val, size_t len, unsigned long *mask);

#endif
