/*
 * Kernel symbol lookup for backtraces and the profiler (kernel/ksyms.c;
 * the kernel build links a table of text symbols in a second pass). On
 * the host the table is empty and every lookup answers "?".
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

/* The symbol containing addr and addr's offset in it, or "?" with 0. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset);
/* Symbols in the table (0 on the host). */
unsigned long ksym_nr(void);
/* The index of the symbol containing addr, or -1 below the first one. */
long ksym_index(unsigned long addr);
/* The name of symbol index, or "?" past the end. */
const char *ksym_name(unsigned long index);

#endif
