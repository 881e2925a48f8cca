/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * DPA intrinsics (dpaintrin.h names) on the host compiler: fences are C11 fences, cycles are
 * the monotonic clock scaled to the DPA's 1.8 GHz.
 */

#ifndef XPDK_DPAINTRIN_H
#define XPDK_DPAINTRIN_H

#include <stdint.h>
#include <time.h>

#define __DPA_MEMORY 1 /**< fence space: memory */
#define __DPA_MMIO   2 /**< fence space: MMIO */
#define __DPA_SYSTEM 3 /**< fence space: both */
#define __DPA_R	     1 /**< fence ordering: reads */
#define __DPA_W	     2 /**< fence ordering: writes */
#define __DPA_RW     3 /**< fence ordering: reads and writes */

/** A memory fence (the space and orderings are accepted; the fence is a full one). */
#define __dpa_thread_fence(space, pred, succ) __atomic_thread_fence(__ATOMIC_SEQ_CST)
/** Make this thread's writes visible to others. */
#define __dpa_thread_memory_writeback() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/**
 * Cycles of a 1.8 GHz DPA core, from the monotonic clock.
 * @return the cycle count.
 */
static inline uint64_t __dpa_thread_cycles(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) * 9 / 5;
}

#endif /* XPDK_DPAINTRIN_H */
