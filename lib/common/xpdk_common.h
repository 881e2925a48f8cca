/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Common helpers every XPDK component uses: the thread-local last-error sentence,
 * register-field macros in the manner of Linux's GENMASK/FIELD_GET, and strict number parsing.
 *
 * This component has no dependency beyond libc, so that libraries meant to be reusable on
 * their own (e.g. lib/vfio_user) can use it without pulling in DPDK.
 */

#ifndef XPDK_COMMON_H
#define XPDK_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @name Exported API
 * XPDK's libraries are built with -fvisibility=hidden: a function is exported from its shared
 * library only when its declaration in a public header sits between XPDK_API_BEGIN and
 * XPDK_API_END (and its name starts with xpdk_, which the version script requires). Internal
 * cross-file helpers, declared in private headers, stay hidden. See doc/sdk.md.
 */
/**@{*/
/** Open the exported part of a public header (after its extern "C"). */
#define XPDK_API_BEGIN _Pragma("GCC visibility push(default)")
/** Close what XPDK_API_BEGIN opened (before the extern "C" closes). */
#define XPDK_API_END _Pragma("GCC visibility pop")
/**@}*/

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

/** Number of elements of a true array (not a pointer). */
#define XPDK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** A 64-bit mask with bits @p h down to @p l set (inclusive), as Linux's GENMASK_ULL. */
#define XPDK_GENMASK(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))

/** Bit @p n as a 64-bit value. */
#define XPDK_BIT(n) (1ULL << (n))

/** Extract the field described by @p mask (a contiguous mask) from @p reg. */
#define XPDK_FIELD_GET(mask, reg) (((uint64_t)(reg) & (mask)) >> __builtin_ctzll(mask))

/** Place @p val into the field described by @p mask (bits outside the mask are dropped). */
#define XPDK_FIELD_PREP(mask, val) (((uint64_t)(val) << __builtin_ctzll(mask)) & (mask))

/** Round @p x up to a multiple of @p a (a power of two). */
#define XPDK_ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))

/** True when @p x is a non-zero power of two. */
#define XPDK_IS_POW2(x) ((x) != 0 && (((x) & ((x) - 1)) == 0))

/** printf-style format checking for XPDK functions. */
#define XPDK_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/**
 * The human sentence describing the last failure of an XPDK call in this thread.
 *
 * Every library function that fails sets it before returning its negative errno, e.g.
 * "offset 0x40008 is past the end of region 0 (size 0x40000)". The string stays valid until the
 * next failing XPDK call in the same thread.
 *
 * @return the sentence, or "" when no XPDK call has failed in this thread. Never NULL.
 */
const char *xpdk_strerror_last(void);

/**
 * Record a failure: format the last-error sentence of this thread and return @p -err.
 *
 * Meant for library code: `return xpdk_err(EINVAL, "size %zu is zero", size);`.
 * It also stores @p err in errno so callers of pointer-returning functions can read it.
 *
 * @param err positive errno value (EINVAL, ENOMEM, …).
 * @param fmt printf-style format of the sentence; no trailing newline.
 * @return -err, always.
 */
int xpdk_err(int err, const char *fmt, ...) XPDK_PRINTF(2, 3);

/** Clear the last-error sentence of this thread. */
void xpdk_err_clear(void);

/**
 * Parse an unsigned 64-bit number as Python's int(x, 0) does: decimal, 0x hex, 0o octal,
 * 0b binary, optional '_' between digits, surrounding whitespace and a '+' sign allowed ('-'
 * only for zero), no trailing junk. A leading "0" followed by more digits is rejected (as in
 * Python) to avoid octal surprises.
 *
 * @param s     the text (not NULL).
 * @param[out] out the value.
 * @return 0, or -EINVAL (not a number) / -ERANGE (negative, or does not fit 64 bits) with the
 *         last-error set.
 */
int xpdk_parse_u64(const char *s, uint64_t *out);

/**
 * Parse a size such as "4096", "4K", "64KiB", "2M", "1G" (powers of 1024, case-insensitive,
 * optional "B" or "iB" suffix) into bytes.
 *
 * @param s   the text (not NULL).
 * @param[out] out the size in bytes.
 * @return 0, or -EINVAL / -ERANGE with the last-error set.
 */
int xpdk_parse_size(const char *s, uint64_t *out);

/**
 * CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) of @p len bytes at @p buf, continuing from
 * @p crc (0 to start).
 *
 * @param crc the CRC so far, 0 to start.
 * @param buf the bytes.
 * @param len how many.
 * @return the CRC including these bytes.
 */
uint32_t xpdk_crc32(uint32_t crc, const void *buf, size_t len);

/**
 * CLOCK_MONOTONIC in nanoseconds (for deadlines and durations). Thread-safe, no syscall on
 * x86-64 (vDSO).
 *
 * @return nanoseconds since an arbitrary start.
 */
uint64_t xpdk_now_ns(void);

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_COMMON_H */
