/*
 * Device memory (MMIO) for drivers on arm64. Register windows are mapped
 * with arch_ioremap(): Device-nGnRE (MAIR index 1), in a kernel virtual
 * range of its own (TTBR1 PGD entry 510). Registers are read and written
 * only through read*()/write*(), single accesses of exactly that width.
 *
 * Ordering: arm64 is weakly ordered, and a device may read memory we
 * wrote (virtqueues) when we write its register. Like Linux's writel(),
 * every write*() is preceded by a store barrier, and every read*() is
 * followed by a load barrier, so drivers written for x86's ordering
 * (a store to the ring, then the doorbell) stay correct here.
 *
 * Mappings are permanent: there is no iounmap.
 */
#ifndef ASM_IO_H
#define ASM_IO_H

#include "kernel/types.h"

void *arch_ioremap(phys_addr_t phys, size_t size);

#define mb() __asm__ __volatile__("dsb sy" ::: "memory")
#define rmb() __asm__ __volatile__("dsb ld" ::: "memory")
#define wmb() __asm__ __volatile__("dsb st" ::: "memory")

static inline u8 readb(const volatile void *a)
{
	u8 v = *(const volatile u8 *)a;
	rmb();
	return v;
}
static inline u16 readw(const volatile void *a)
{
	u16 v = *(const volatile u16 *)a;
	rmb();
	return v;
}
static inline u32 readl(const volatile void *a)
{
	u32 v = *(const volatile u32 *)a;
	rmb();
	return v;
}
static inline u64 readq(const volatile void *a)
{
	u64 v = *(const volatile u64 *)a;
	rmb();
	return v;
}
static inline void writeb(u8 v, volatile void *a)
{
	wmb();
	*(volatile u8 *)a = v;
}
static inline void writew(u16 v, volatile void *a)
{
	wmb();
	*(volatile u16 *)a = v;
}
static inline void writel(u32 v, volatile void *a)
{
	wmb();
	*(volatile u32 *)a = v;
}
static inline void writeq(u64 v, volatile void *a)
{
	wmb();
	*(volatile u64 *)a = v;
}

#endif
