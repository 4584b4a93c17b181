/*
 * Atomics are the compiler's __atomic builtins, which both the kernel and
 * arch/host compile to the CPU's own instructions. Wrappers exist only to
 * name the memory order once.
 */
#ifndef KERNEL_ATOMIC_H
#define KERNEL_ATOMIC_H

#include "types.h"

typedef struct {
	volatile long v;
} atomic_long_t;

typedef struct {
	volatile int v;
} atomic_t;

#define ATOMIC_INIT(x)                                                                             \
	{                                                                                          \
		(x)                                                                                \
	}

static inline int atomic_read(const atomic_t *a)
{
	return __atomic_load_n(&a->v, __ATOMIC_RELAXED);
}
static inline void atomic_set(atomic_t *a, int v)
{
	__atomic_store_n(&a->v, v, __ATOMIC_RELAXED);
}
static inline int atomic_add_return(atomic_t *a, int v)
{
	return __atomic_add_fetch(&a->v, v, __ATOMIC_SEQ_CST);
}
static inline void atomic_inc(atomic_t *a)
{
	atomic_add_return(a, 1);
}
static inline void atomic_dec(atomic_t *a)
{
	atomic_add_return(a, -1);
}
static inline bool atomic_dec_and_test(atomic_t *a)
{
	return atomic_add_return(a, -1) == 0;
}
/* Linux's atomic_cmpxchg: set new_ if the value is old; returns the value
 * found (old when the exchange happened). */
static inline int atomic_cmpxchg(atomic_t *a, int old, int new_)
{
	__atomic_compare_exchange_n(&a->v, &old, new_, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

static inline long atomic_long_read(const atomic_long_t *a)
{
	return __atomic_load_n(&a->v, __ATOMIC_RELAXED);
}
static inline void atomic_long_set(atomic_long_t *a, long v)
{
	__atomic_store_n(&a->v, v, __ATOMIC_RELAXED);
}
static inline long atomic_long_add_return(atomic_long_t *a, long v)
{
	return __atomic_add_fetch(&a->v, v, __ATOMIC_SEQ_CST);
}
static inline void atomic_long_add(atomic_long_t *a, long v)
{
	atomic_long_add_return(a, v);
}
static inline void atomic_long_inc(atomic_long_t *a)
{
	atomic_long_add_return(a, 1);
}
static inline void atomic_long_dec(atomic_long_t *a)
{
	atomic_long_add_return(a, -1);
}

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

#endif
