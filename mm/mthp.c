/* mTHP orders allowed for anonymous faults (see mthp.h). */
#include "folio.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "mthp.h"

static unsigned long mthp_orders = 1; /* atomic; order 0 only by default */

unsigned long mthp_set_orders(unsigned long mask)
{
	mask &= (2ul << FOLIO_MAX_ORDER) - 1;
	return __atomic_exchange_n(&mthp_orders, mask | 1, __ATOMIC_SEQ_CST);
}

unsigned long mthp_allowed_orders(void)
{
	return __atomic_load_n(&mthp_orders, __ATOMIC_RELAXED);
}

int mthp_parse_orders(const char *val, size_t len, unsigned long *mask)
{
	unsigned long m = 0;
	size_t i = 0;

	while (i < len) {
		unsigned order = 0, digits = 0;
		while (i < len && val[i] >= '0' && val[i] <= '9' && digits < 3) {
			order = order * 10 + (unsigned)(val[i++] - '0');
			digits++;
		}
		if (!digits || order > FOLIO_MAX_ORDER)
			return -EINVAL;
		m |= 1ul << order;
		if (i < len && val[i++] != ',')
			return -EINVAL;
		if (i == len && val[len - 1] == ',')
			return -EINVAL;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

static int mthp_param(const char *val, size_t len)
{
	unsigned long m;
	int err = mthp_parse_orders(val, len, &m);
	if (!err)
		mthp_set_orders(m);
	return err;
}
KPARAM_FN(mthp, "mthp", mthp_param,
	  "folio orders anonymous faults may use, e.g. 0,2,4 (default 0)");
