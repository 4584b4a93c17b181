/* The few libc string functions the kernel needs (the host uses libc's). */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include "types.h"

#ifdef SWAPLAB_HOST
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

/* Parse an unsigned number (decimal, or hex with 0x) with an optional K/M/G
 * suffix when allow_suffix is set; returns -EINVAL unless all of s is used. */
int str_parse_u64(const char *s, size_t len, u64 *out, bool allow_suffix);
bool glob_match(const char *pattern, const char *s);

#endif
