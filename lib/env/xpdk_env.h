/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The XPDK environment: EAL bring-up with safe defaults, log types, and hugepage-backed DMA
 * buffers.
 *
 * This is the narrow boundary to DPDK's EAL: the rest of XPDK allocates DMA memory and logs
 * through these calls rather than calling rte_* functions directly.
 *
 * Lifetime: call xpdk_env_init() once per process before any other XPDK call that needs memory,
 * and xpdk_env_cleanup() once at exit, after every DMA buffer has been freed.
 */

#ifndef XPDK_ENV_H
#define XPDK_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_log.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Initialise the environment (DPDK's EAL) from command-line arguments.
 *
 * Accepts every EAL argument (`-l`, `-a`, `--vdev`, `-m`, `--file-prefix`, `--in-memory`,
 * `--no-huge`, `--iova-mode`, `--log-level` …) up to an optional `--`, and adds safe defaults
 * for what the user did not say:
 *  - `--no-pci` unless an allow-list (`-a`/`--allow`) or a block-list was given: XPDK never
 *    probes PCI devices the user did not name;
 *  - `--in-memory --single-file-segments` (or `--no-shconf` with `--no-huge`) unless
 *    `--file-prefix`, `--in-memory` or `--no-shconf` was given: no shared files, so processes
 *    never collide and nothing is left behind;
 *  - `--iova-mode=va` unless `--iova-mode` was given (IOVA-contiguous buffers without physical
 *    addresses; pass `--iova-mode=pa` for vfio-pci in no-IOMMU mode);
 *  - `--log-level=lib.eal:error` unless a `--log-level` was given.
 *
 * When hugepages are needed (no `--no-huge`) and none are free, fails with -ENOMEM and a sentence
 * saying how to reserve them, before EAL prints its own less helpful errors.
 *
 * As with rte_eal_init(), on success the caller skips the parsed arguments:
 * `argc -= ret; argv += ret;` leaves argv[0] as the program name followed by the application's
 * own arguments (after `--`).
 *
 * @return the number of arguments consumed (not counting argv[0]), or a negative errno with the
 *         last-error sentence set (-EALREADY when called again: DPDK's EAL starts once per
 *         process, even after xpdk_env_cleanup()). Not thread-safe.
 */
int xpdk_env_init(int argc, char **argv);

/**
 * Release the environment: rte_eal_cleanup() and removal of the process's runtime directory
 * when XPDK chose it. Safe to call when xpdk_env_init() was not called or failed.
 */
void xpdk_env_cleanup(void);

/** True between a successful xpdk_env_init() and xpdk_env_cleanup(). */
bool xpdk_env_ready(void);

/** True when the environment runs on hugepages (not `--no-huge`). */
bool xpdk_env_hugepages(void);

/**
 * Root of the sysfs tree XPDK reads: "/sys", or the value of the environment variable
 * XPDK_SYSFS when it is set (tests point it at a fake tree, as DPDK's SYSFS_PCI_DEVICES).
 */
const char *xpdk_sysfs_root(void);

/**
 * Free hugepages on the system, in bytes, summed over all page sizes (from sysfs).
 * Does not need the environment to be initialised.
 */
uint64_t xpdk_env_hugepages_free(void);

/** @name Log types, registered with rte_log as `xpdk.env`, `xpdk.dev`, `xpdk.app`. */
/**@{*/
extern int xpdk_logtype_env;
extern int xpdk_logtype_dev;
extern int xpdk_logtype_app;
/**@}*/

/** Log at @p lvl (ERR, WARNING, NOTICE, INFO, DEBUG) to XPDK log type @p type (env, dev, app). */
#define XPDK_LOG(lvl, type, fmt, ...)                                                              \
	rte_log(RTE_LOG_##lvl, xpdk_logtype_##type, "XPDK %s: " fmt "\n", #type, ##__VA_ARGS__)

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
	void *va;      /**< CPU virtual address of the first byte. */
	uint64_t iova; /**< Device address of the first byte; the range is IOVA-contiguous. */
	size_t size;   /**< Size in bytes, as requested. */
	size_t align;  /**< Alignment of va and iova, in bytes (a power of two). */
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
 */
void xpdk_dma_free(struct xpdk_dma_buf *buf);

/** Device address of byte @p off of @p buf (no bounds check). */
static inline uint64_t xpdk_dma_iova(const struct xpdk_dma_buf *buf, size_t off)
{
	return buf->iova + off;
}

/** Number of whole 64-bit words in @p buf. */
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
/** Read 64-bit word @p index into @p value. */
int xpdk_dma_get64(const struct xpdk_dma_buf *buf, size_t index, uint64_t *value);
/** Write @p value to 64-bit word @p index. */
int xpdk_dma_set64(struct xpdk_dma_buf *buf, size_t index, uint64_t value);
/** Read the 64-bit value at byte @p offset (must be 8-byte aligned) into @p value. */
int xpdk_dma_read64(const struct xpdk_dma_buf *buf, size_t offset, uint64_t *value);
/** Write @p value to every whole 64-bit word of the buffer; a tail of < 8 bytes is untouched. */
int xpdk_dma_fill64(struct xpdk_dma_buf *buf, uint64_t value);
/**
 * Compare two buffers byte by byte over the shorter length.
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
 * @return 0, or -ENOTSUP when the memory mode has no file behind its memory (e.g. `--legacy-mem`
 *         with `--no-huge`), or -EXDEV when the buffer spans two files (memory allocated without
 *         `--single-file-segments`), each with the last-error sentence set.
 */
int xpdk_dma_fd(const struct xpdk_dma_buf *buf, int *fd, off_t *offset);

/**
 * Called by xpdk_env_mem_contig_walk() for each VA- and IOVA-contiguous chunk of EAL memory:
 * @p va, @p len bytes, device address @p iova. Return 0 to go on, 1 to stop the walk, or a
 * negative errno to stop it with that result.
 */
typedef int (*xpdk_env_mem_cb)(void *va, size_t len, uint64_t iova, void *arg);

/**
 * Walk the memory EAL has allocated so far (the memory xpdk_dma_alloc() buffers come from), one
 * contiguous chunk at a time, so that a library can register it with a device once per chunk
 * (lib/qp registers it with RDMA devices, as DPDK's mlx5 driver does). Chunks grow as EAL
 * allocates more hugepages; walk again to see them. The callback must not allocate or free EAL
 * memory (the walk holds EAL's memory lock for reading).
 *
 * @return 0 when every chunk was visited, 1 when the callback stopped the walk, a negative errno
 *         from the callback, or -EINVAL without the environment.
 */
int xpdk_env_mem_contig_walk(xpdk_env_mem_cb cb, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* XPDK_ENV_H */
