/*
 * Page-fault handling. Address spaces, anonymous faults and swap-in arrive
 * with the mm issue; until then no fault can be resolved, so every fault is
 * reported back to the arch handler, which prints it and panics.
 */
#include "fault.h"
#include "kernel/errno.h"

int mm_handle_page_fault(unsigned long addr, unsigned flags, unsigned long ip)
{
	(void)addr;
	(void)flags;
	(void)ip;
	return -EFAULT;
}
