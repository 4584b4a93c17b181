/*
 * The generic page-fault entry: the arch trap handler decodes its error
 * code into FAULT_FLAG_* and calls mm_handle_page_fault(). A return of 0
 * means the fault was resolved and the access can be retried.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "kernel/types.h"

#define FAULT_FLAG_WRITE (1u << 0)
#define FAULT_FLAG_PRESENT (1u << 1)      /* protection fault on a present PTE */
#define FAULT_FLAG_USER (1u << 2)
#define FAULT_FLAG_INSTRUCTION (1u << 3)
#define FAULT_FLAG_RESERVED_BIT (1u << 4)

int mm_handle_page_fault(unsigned long addr, unsigned flags, unsigned long ip);

#endif
