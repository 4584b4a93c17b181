/*
 * Host build of asm/io.h: there are no devices, so arch_ioremap() always
 * fails; the accessors are plain volatile accesses so code using them
 * still compiles and can run on ordinary memory in tests.
 */
#ifndef ASM_IO_H
#define ASM_IO_H

#include "kernel/types.h"

static inline void *arch_ioremap(phys_addr_t phys, size_t size)
{
	(void)phys;
	(void)size;
	return NULL;
}

static inline u8 readb(const volatile void *a)
{
	return *(const volatile u8 *)a;
}
static inline u16 readw(const volatile void *a)
{
	return *(const volatile u16 *)a;
}
static inline u32 readl(const volatile void *a)
{
	return *(const volatile u32 *)a;
}
static inline u64 readq(const volatile void *a)
{
	return *(const volatile u64 *)a;
}
static inline void writeb(u8 v, volatile void *a)
{
	*(volatile u8 *)a = v;
}
static inline void writew(u16 v, volatile void *a)
{
	*(volatile u16 *)a = v;
}
static inline void writel(u32 v, volatile void *a)
{
	*(volatile u32 *)a = v;
}
static inline void writeq(u64 v, volatile void *a)
{
	*(volatile u64 *)a = v;
}

#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#endif
