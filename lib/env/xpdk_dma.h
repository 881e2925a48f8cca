/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * DMA buffers: memory a device can read and write, allocated from the environment's (EAL's)
 * memory with its CPU address, its device address (IOVA) and the opae.io `system_buffer`
 * helpers.
 *
 * Every xpdk_dma_* function is declared here; xpdk_env.h includes this header, so code that
 * included only xpdk_env.h keeps building. The environment must be initialised
 * (xpdk_env_init()) before the first xpdk_dma_alloc(); see doc/memory.md for how a buffer
 * reaches a device under each EAL memory mode.
 *
 * Ownership: a buffer belongs to whoever allocated it until xpdk_dma_free(). Allocation and
 * free are thread-safe; the accessors are not synchronised (the caller orders its own accesses
 * and the device's).
 */

#ifndef XPDK_DMA_H
#define XPDK_DMA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

/** @name DMA buffer allocation flags */
/**@{*/
/** Zero the buffer's contents (buffers are not zeroed otherwise). */
#define XPDK_DMA_F_ZERO (1u << 0)
/** All flags the current version understands; others are rejected with -EINVAL. */
#define XPDK_DMA_F_ALL XPDK_DMA_F_ZERO
/**@}*/

/** Largest buffer xpdk_dma_alloc() accepts (its IOVA range must be contiguous). */
#define XPDK_DMA_MAX_SIZE (1ULL << 36)

/**
 * A DMA buffer: memory a device can read and write, with its CPU and device (IOVA) addresses.
 * Fields are read-only for the user; the buffer is owned by whoever allocated it and freed with
 * xpdk_dma_free().
 */
struct xpdk_dma_buf {
	void *va;	    /**< CPU virtual address of the first byte. */
	uint64_t iova;	    /**< Device address of the first byte; the range is IOVA-contiguous. */
	size_t size;	    /**< Size in bytes, as requested. */
	size_t align;	    /**< Alignment of va and iova, in bytes (a power of two). */
	uint64_t page_size; /**< Size of the pages backing the buffer (hugepage or 4 KiB). */
};

/**
 * Allocate a DMA buffer of @p size bytes aligned to @p align, IOVA-contiguous.
 *
 * @param size  bytes, 1 .. XPDK_DMA_MAX_SIZE.
 * @param align power of two, or 0 for the default of 64 bytes (a cache line).
 * @param flags XPDK_DMA_F_* flags.
 * @return the buffer, or NULL with errno set (EINVAL for a bad argument or no environment,
 *         ENOMEM when memory is exhausted) and the last-error sentence set. Thread-safe.
 */
struct xpdk_dma_buf *xpdk_dma_alloc(size_t size, size_t align, unsigned int flags);

/**
 * Free a buffer from xpdk_dma_alloc(). NULL is ignored. Freeing a buffer twice is detected in the
 * common case (the object is poisoned) and reported with a warning rather than corrupting memory.
 * Thread-safe.
 * @param buf the buffer, or NULL.
 */
void xpdk_dma_free(struct xpdk_dma_buf *buf);

/**
 * Device address of byte @p off of @p buf (no bounds check).
 * @param buf the buffer.
 * @param off byte offset.
 * @return the IOVA.
 */
static inline uint64_t xpdk_dma_iova(const struct xpdk_dma_buf *buf, size_t off)
{
	return buf->iova + off;
}

/**
 * Number of whole 64-bit words in @p buf.
 * @param buf the buffer.
 * @return the number of words.
 */
static inline size_t xpdk_dma_len64(const struct xpdk_dma_buf *buf)
{
	return buf->size / sizeof(uint64_t);
}

/**
 * @name opae.io system_buffer helpers
 * Index-based accessors count 64-bit words; offset-based ones count bytes. All check bounds and
 * return -ERANGE (or -EINVAL for misalignment) with the last-error sentence on a bad index.
 */
/**@{*/
/**
 * Read 64-bit word @p index into @p value.
 * @param buf the buffer.
 * @param index the word index.
 * @param[out] value the word.
 * @return 0, or -ERANGE.
 */
int xpdk_dma_get64(const struct xpdk_dma_buf *buf, size_t index, uint64_t *value);
/**
 * Write @p value to 64-bit word @p index.
 * @param buf the buffer.
 * @param index the word index.
 * @param value the word.
 * @return 0, or -ERANGE.
 */
int xpdk_dma_set64(struct xpdk_dma_buf *buf, size_t index, uint64_t value);
/**
 * Read the 64-bit value at byte @p offset (must be 8-byte aligned) into @p value.
 * @param buf the buffer.
 * @param offset the byte offset.
 * @param[out] value the word.
 * @return 0, -ERANGE or -EINVAL.
 */
int xpdk_dma_read64(const struct xpdk_dma_buf *buf, size_t offset, uint64_t *value);
/**
 * Write @p value to every whole 64-bit word of the buffer; a tail of < 8 bytes is untouched.
 * @param buf the buffer.
 * @param value the word.
 * @return 0, or -EINVAL when @p buf is NULL.
 */
int xpdk_dma_fill64(struct xpdk_dma_buf *buf, uint64_t value);
/**
 * Compare two buffers byte by byte over the shorter length.
 * @param a one buffer.
 * @param b the other.
 * @return the index of the first differing byte, or that common length when they are equal
 *         over it; -EINVAL when either is NULL.
 */
ssize_t xpdk_dma_compare(const struct xpdk_dma_buf *a, const struct xpdk_dma_buf *b);
/**@}*/

/**
 * The file descriptor and offset backing @p buf, so that another process (a vfio-user device)
 * can map the same memory.
 *
 * The fd belongs to the environment: do not close it; dup() it to keep it. The memory backing the
 * buffer is the range [*offset, *offset + buf->size) of that file.
 *
 * A buffer larger than a page lies in one file only when EAL keeps one file per memory-segment
 * list (`--single-file-segments`, XPDK's default, or `--no-huge`); with one file per page
 * (`--in-memory` or `--file-prefix` without `--single-file-segments`, `--legacy-mem`) use
 * xpdk_env_mem_walk() to get each file's part (lib/dev maps devices that way, see
 * doc/memory.md).
 *
 * @param buf    a live buffer from xpdk_dma_alloc().
 * @param fd     set to the file descriptor.
 * @param offset set to the offset of the buffer's first byte in that file.
 * @return 0; -EINVAL for a NULL argument or memory that is not EAL's; -ENOTSUP when the memory
 *         mode has no file behind its memory; -EXDEV when the buffer spans two files; each with
 *         the last-error sentence set. Thread-safe.
 */
int xpdk_dma_fd(const struct xpdk_dma_buf *buf, int *fd, off_t *offset);

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_DMA_H */
