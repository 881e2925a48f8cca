/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The XPDK environment: EAL bring-up with safe defaults, log types, the process's DMA memory
 * as extents of backing files, and notification when that memory grows or shrinks. DMA
 * buffers are declared in xpdk_dma.h, which this header includes.
 *
 * This is the narrow boundary to DPDK's EAL: the rest of XPDK allocates DMA memory, learns
 * where it lives and logs through these calls rather than calling rte_* functions directly
 * (as SPDK's env_dpdk). doc/memory.md describes the memory model.
 *
 * Lifetime: call xpdk_env_init() once per process before any other XPDK call that needs memory,
 * and xpdk_env_cleanup() once at exit, after every DMA buffer has been freed. Memory-event
 * subscriptions may be made before xpdk_env_init(); they are served when it succeeds.
 */

#ifndef XPDK_ENV_H
#define XPDK_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_log.h>

#include "xpdk_common.h"
#include "xpdk_dma.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

/**
 * Initialise the environment (DPDK's EAL) from command-line arguments.
 *
 * Accepts every EAL argument (`-l`, `-a`, `--vdev`, `-m`, `--file-prefix`, `--in-memory`,
 * `--no-huge`, `--iova-mode`, `--log-level` …) up to an optional `--`, and adds safe defaults
 * for what the user did not say:
 *  - `--no-pci` unless an allow-list (`-a`/`--allow`) or a block-list was given: XPDK never
 *    probes PCI devices the user did not name;
 *  - `--in-memory --single-file-segments` (or `--no-shconf` with `--no-huge`, and
 *    `--no-shconf --huge-unlink` with `--legacy-mem`) unless `--file-prefix`, `--in-memory` or
 *    `--no-shconf` was given: no shared files, so processes never collide and nothing is left
 *    behind;
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
 * @param argc the program's argc.
 * @param argv the program's argv.
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

/**
 * True between a successful xpdk_env_init() and xpdk_env_cleanup().
 * @return whether the environment is up.
 */
bool xpdk_env_ready(void);

/**
 * True when the environment runs on hugepages (not `--no-huge`).
 * @return whether its memory is hugepages.
 */
bool xpdk_env_hugepages(void);

/**
 * Root of the sysfs tree XPDK reads: "/sys", or the value of the environment variable
 * XPDK_SYSFS when it is set (tests point it at a fake tree, as DPDK's SYSFS_PCI_DEVICES).
 * @return the root path, never NULL.
 */
const char *xpdk_sysfs_root(void);

/**
 * Free hugepages on the system, in bytes, summed over all page sizes (from sysfs).
 * Does not need the environment to be initialised.
 * @return the bytes, 0 when none or unknown.
 */
uint64_t xpdk_env_hugepages_free(void);

/**
 * @name Memory extents and memory events
 *
 * The environment's DMA memory (EAL's memory segments, hugepages or `--no-huge` pages) seen
 * as extents a device can be given: each is contiguous in virtual address, in IOVA and in one
 * backing file, so a vfio-user device maps it as one (fd, offset, length). With one file per
 * page (`--in-memory` or `--file-prefix` without `--single-file-segments`, `--legacy-mem`) an
 * extent is one page; with one file per segment list (`--single-file-segments`, `--no-huge`)
 * it is a run of adjacent pages. Memory registered with rte_extmem_* is not reported.
 */
/**@{*/

/** The IOVA of memory that has none (DPDK's RTE_BAD_IOVA). */
#define XPDK_ENV_BAD_IOVA UINT64_MAX

/** One extent of DMA memory. */
struct xpdk_env_mem_extent {
	void *va;	    /**< CPU virtual address of the first byte */
	uint64_t iova;	    /**< device address of the first byte, or XPDK_ENV_BAD_IOVA */
	size_t len;	    /**< bytes, a whole number of pages */
	int fd;		    /**< backing file, or -1 when none (memory reached only through va) */
	uint64_t fd_offset; /**< offset of the first byte in @p fd (0 when fd is -1) */
	uint64_t page_size; /**< size of the pages backing the extent */
};

/**
 * Called once per extent by xpdk_env_mem_walk().
 * @return 0 to go on, anything else to stop the walk (the walk returns it).
 */
typedef int (*xpdk_env_mem_walk_cb)(const struct xpdk_env_mem_extent *ext, void *arg);

/**
 * Call @p cb for every extent of the environment's DMA memory, in address order.
 *
 * The fds in the extents belong to the environment (dup() one to keep it). The walk holds
 * EAL's memory lock (for reading) while it runs, so the memory does not change under it:
 * @p cb must not allocate or free DMA memory (it would deadlock).
 *
 * @param cb  called per extent; must not be NULL.
 * @param arg passed to @p cb.
 * @return 0 when every extent was reported, the first non-zero value @p cb returned, or
 *         -EINVAL (last-error sentence set) when @p cb is NULL or the environment is not
 *         initialised. Thread-safe.
 */
int xpdk_env_mem_walk(xpdk_env_mem_walk_cb cb, void *arg);

/** What happened to an extent. */
enum xpdk_env_mem_event {
	XPDK_ENV_MEM_ALLOC = 0, /**< the memory is new: make it reachable */
	XPDK_ENV_MEM_FREE = 1,	/**< the memory is about to go back to the system */
};

/**
 * Called for every extent of memory the environment adds or is about to remove.
 * @return 0, or a negative errno with the last-error sentence set when the subscriber could
 *         not follow an XPDK_ENV_MEM_ALLOC (xpdk_dma_alloc() then fails rather than hand out
 *         memory a device cannot reach). The return value of a FREE is ignored.
 */
typedef int (*xpdk_env_mem_event_cb)(enum xpdk_env_mem_event event,
				     const struct xpdk_env_mem_extent *ext, void *arg);

/**
 * Subscribe to the environment's memory: @p cb first receives XPDK_ENV_MEM_ALLOC for every
 * extent that exists now, then an event for every extent added (memory hotplug in EAL's
 * dynamic memory mode) and removed later, until xpdk_env_mem_event_unregister().
 *
 * May be called before xpdk_env_init(): the subscription is kept, and @p cb receives the
 * memory that exists when the environment starts, from the thread that calls
 * xpdk_env_init(). A subscriber that fails then is logged by its own callback; xpdk_env_init()
 * does not fail for it. After xpdk_env_cleanup() no more events arrive.
 *
 * Callbacks run in the thread that changes the memory, with EAL's memory lock held and the
 * subscriber list locked: they must not allocate or free DMA memory nor (un)register.
 *
 * @param cb  the callback; must not be NULL.
 * @param arg passed to @p cb; it identifies the subscription together with @p cb.
 * @return 0; -EINVAL for a NULL @p cb; -EEXIST when (@p cb, @p arg) is already subscribed;
 *         -ENOMEM; or the first error @p cb returned for the existing memory, in which case
 *         the subscription is not kept (the extents it accepted before are the subscriber's to
 *         undo). The last-error sentence is set on failure. Thread-safe.
 */
int xpdk_env_mem_event_register(xpdk_env_mem_event_cb cb, void *arg);

/**
 * End a subscription from xpdk_env_mem_event_register(). When it returns, no call of @p cb
 * with @p arg is running or will start, so @p arg may be freed.
 *
 * @param cb  the callback given to xpdk_env_mem_event_register().
 * @param arg the argument given with it.
 * @return 0, or -ENOENT when (@p cb, @p arg) is not subscribed. Thread-safe; must not be called
 *         from a memory-event callback.
 */
int xpdk_env_mem_event_unregister(xpdk_env_mem_event_cb cb, void *arg);
/**@}*/

/** @name Log types, registered with rte_log as `xpdk.env`, `xpdk.dev`, `xpdk.app`. */
/**@{*/
extern int xpdk_logtype_env; /**< lib/env's log type */
extern int xpdk_logtype_dev; /**< lib/dev's and drivers' log type */
extern int xpdk_logtype_app; /**< tools' and applications' log type */
/**@}*/

/** Log at @p lvl (ERR, WARNING, NOTICE, INFO, DEBUG) to XPDK log type @p type (env, dev, app). */
#define XPDK_LOG(lvl, type, fmt, ...)                                                              \
	rte_log(RTE_LOG_##lvl, xpdk_logtype_##type, "XPDK %s: " fmt "\n", #type, ##__VA_ARGS__)

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
 * allocates more hugepages; walk again to see them. Memory registered with EAL from outside
 * (external memory) is not visited. The callback runs in the calling thread and must not
 * allocate or free EAL memory (the walk holds EAL's memory lock for reading). Thread-safe.
 *
 * @param cb  called for each chunk, in EAL's order; must not be NULL.
 * @param arg passed to @p cb.
 * @return 0 when every chunk was visited, 1 when the callback stopped the walk, a negative errno
 *         from the callback, or -EINVAL for a NULL @p cb or without the environment
 *         (xpdk_env_init()).
 */
int xpdk_env_mem_contig_walk(xpdk_env_mem_cb cb, void *arg);

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_ENV_H */
