/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Byte order for device code (libflexio-dev's flexio_dev_endianity.h names): the NIC's
 * structures are big-endian, the DPA (like the host running the emulation) little-endian.
 */

#ifndef XPDK_FLEXIO_DEV_ENDIANITY_H
#define XPDK_FLEXIO_DEV_ENDIANITY_H

#include <stdint.h>

/**
 * 16 bits to big-endian.
 * @param x the value.
 * @return @p x big-endian.
 */
static inline uint16_t cpu_to_be16(uint16_t x)
{
	return __builtin_bswap16(x);
}
/**
 * 32 bits to big-endian.
 * @param x the value.
 * @return @p x big-endian.
 */
static inline uint32_t cpu_to_be32(uint32_t x)
{
	return __builtin_bswap32(x);
}
/**
 * 64 bits to big-endian.
 * @param x the value.
 * @return @p x big-endian.
 */
static inline uint64_t cpu_to_be64(uint64_t x)
{
	return __builtin_bswap64(x);
}
/**
 * 16 bits from big-endian.
 * @param x the big-endian value.
 * @return @p x in CPU order.
 */
static inline uint16_t be16_to_cpu(uint16_t x)
{
	return __builtin_bswap16(x);
}
/**
 * 32 bits from big-endian.
 * @param x the big-endian value.
 * @return @p x in CPU order.
 */
static inline uint32_t be32_to_cpu(uint32_t x)
{
	return __builtin_bswap32(x);
}
/**
 * 64 bits from big-endian.
 * @param x the big-endian value.
 * @return @p x in CPU order.
 */
static inline uint64_t be64_to_cpu(uint64_t x)
{
	return __builtin_bswap64(x);
}

#endif /* XPDK_FLEXIO_DEV_ENDIANITY_H */
