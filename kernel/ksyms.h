/*
 * Kernel symbol lookup for backtraces (kernel/ksyms.c; the kernel build
 * links a table of text symbols in a second pass). Kernel only.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

/* The symbol containing addr and addr's offset in it, or "?" with 0. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset);

#endif
