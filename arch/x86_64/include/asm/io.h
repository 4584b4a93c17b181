/*
 * Device memory (MMIO) for drivers. The direct map covers RAM only (and,
 * from boot.S, the first 4 GiB with ordinary write-back attributes), so a
 * device register window is mapped with arch_ioremap(): uncached, in a
 * kernel virtual range of its own, wherever the BAR is (64-bit BARs above
 * 4 GiB included). Registers are read and written only through the
 * read*()/write*() accessors, which are single volatile accesses of exactly
 * that width (a device register must not be split or merged).
 *
 * Mappings are permanent: drivers here never unload, and a mapping is
 * never reused for anything else, so there is no iounmap.
 */
#ifndef ASM_IO_H
#define ASM_IO_H

#include "kernel/types.h"

/* Map [phys, phys+size) uncached; NULL (after pr_err) when out of space or
 * memory for page tables. The returned address keeps phys's page offset. */
void *arch_ioremap(phys_addr_t phys, size_t size);

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

/*
 * Barriers for memory shared with a device (virtqueues). x86 keeps stores
 * in order and loads in order, so those need only stop the compiler; a
 * store followed by a load of another location can be reordered by the
 * CPU, so mb() is a real fence.
 */
#define mb() __asm__ __volatile__("mfence" ::: "memory")
#define rmb() __asm__ __volatile__("" ::: "memory")
#define wmb() __asm__ __volatile__("" ::: "memory")

#endif
