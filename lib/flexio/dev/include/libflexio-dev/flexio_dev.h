/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The device side of FlexIO as XPDK's emulated DPA runs it: what DPA programs include, with
 * libflexio-dev's names and the thread-context (pre-24.10) signatures. A DPA program is built
 * with the host compiler into a shared object that the emulated DPA loads into each DPA process
 * (a child process of the model); these functions are provided by that process, not linked
 * into the program. doc/dpa.md lists what is emulated and what is not.
 *
 * Entry points are marked __dpa_global__ (event handlers: void f(uint64_t)) or __dpa_rpc__
 * (RPCs: uint64_t f(uint64_t)); the meson helper (lib/flexio/dev/xpdk-dpacc.py) finds them
 * by those marks and registers them with the host's app.
 */

#ifndef XPDK_FLEXIO_DEV_H
#define XPDK_FLEXIO_DEV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A DPA address (heap, or a window pointer). */
typedef uint64_t flexio_uintptr_t;

/** Status of device calls. */
typedef enum {
	FLEXIO_DEV_STATUS_SUCCESS = 0,
	FLEXIO_DEV_STATUS_FAILED = 1,
} flexio_dev_status_t;

/** The calling thread's context (opaque; one per EU). */
struct flexio_dev_thread_ctx;

/** An event handler: runs when its CQ gets a CQE; @p thread_arg is the run() argument. */
typedef void(flexio_dev_event_handler_t)(uint64_t thread_arg);
/** An RPC: flexio_process_call() runs it and returns what it returns. */
typedef uint64_t(flexio_dev_rpc_handler_t)(uint64_t arg);
/** Unpacks an argument buffer and calls @p func (DPACC's marshalling). */
typedef uint64_t(flexio_dev_arg_unpack_func_t)(void *argbuf, void *func);

/** Marks an event handler (or error handler) entry point. */
#define __dpa_global__ __attribute__((used, visibility("default"), section(".dpa_global")))
/** Marks an RPC entry point. */
#define __dpa_rpc__ __attribute__((used, visibility("default"), section(".dpa_rpc")))

/** @name Threads */
/**@{*/
/**
 * The calling thread's context; call at every start of a handler.
 * @param dtctx receives the context.
 * @return 0.
 */
int flexio_dev_get_thread_ctx(struct flexio_dev_thread_ctx **dtctx);
/**
 * The EU the thread runs on.
 * @param dtctx the thread context.
 * @return 0 … eus-1.
 */
uint32_t flexio_dev_get_thread_id(struct flexio_dev_thread_ctx *dtctx);
/**
 * The thread-local storage address given at handler creation.
 * @param dtctx the thread context.
 * @return the address (0 if none).
 */
flexio_uintptr_t flexio_dev_get_thread_local_storage(struct flexio_dev_thread_ctx *dtctx);
/** End this activation; the next event on an armed CQ starts the handler again. */
void flexio_dev_thread_reschedule(void) __attribute__((noreturn));
/** End this activation for good: the handler is never activated again. */
void flexio_dev_thread_finish(void) __attribute__((noreturn));
/** End this activation and run the handler again at once. */
void flexio_dev_thread_retrigger(void) __attribute__((noreturn));
/** Stop the whole process (status 0x40, not an error). */
void flexio_dev_process_finish(void) __attribute__((noreturn));
/**@}*/

/** @name Outbox and windows */
/**@{*/
/**
 * Use outbox @p outbox_id (the one the handler was created with) for doorbells.
 * @param dtctx the thread context.
 * @param outbox_id the outbox.
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_outbox_config(struct flexio_dev_thread_ctx *dtctx,
					     uint16_t outbox_id);
/**
 * Use window @p window_id (the handler's) with host memory key @p mkey.
 * @param dtctx the thread context.
 * @param window_id the window.
 * @param mkey the memory key (xpdk_flexio_reg_mr()'s lkey).
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_window_config(struct flexio_dev_thread_ctx *dtctx,
					     uint16_t window_id, uint32_t mkey);
/**
 * Change the memory key of the configured window.
 * @param dtctx the thread context.
 * @param mkey the memory key.
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_window_mkey_config(struct flexio_dev_thread_ctx *dtctx,
						  uint32_t mkey);
/**
 * A DPA pointer to host address @p haddr through the configured window: FAILED unless @p haddr
 * lies in the memory the key covers. Accesses through the pointer past that memory are fatal.
 * @param dtctx the thread context.
 * @param haddr the host address.
 * @param daddr receives the DPA pointer.
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_window_ptr_acquire(struct flexio_dev_thread_ctx *dtctx,
						  uint64_t haddr, flexio_uintptr_t *daddr);
/**
 * Copy @p size bytes from DPA memory @p daddr to host address @p haddr (checked).
 * @param dtctx the thread context.
 * @param haddr the host address.
 * @param daddr the DPA memory.
 * @param size bytes.
 * @return FLEXIO_DEV_STATUS_SUCCESS or FLEXIO_DEV_STATUS_FAILED.
 */
flexio_dev_status_t flexio_dev_window_copy_to_host(struct flexio_dev_thread_ctx *dtctx,
						   uint64_t haddr, const void *daddr,
						   uint32_t size);
/**@}*/

/** @name Messages to the host (flexio_print_init() on the host side) */
/**@{*/
/**
 * printf to the host's print stream.
 * @param format the format, as printf's.
 * @return bytes written, or -1 when printing is off.
 */
int flexio_dev_print(const char *format, ...) __attribute__((format(printf, 1, 2)));
/**
 * As flexio_dev_print, with a stream and a level (XPDK: one stream, levels kept).
 * @param stream_id the stream.
 * @param level the level.
 * @param format the format, as printf's.
 * @return bytes written, or -1 when printing is off.
 */
int flexio_dev_msg(int stream_id, int level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/**
 * A string, as flexio_dev_print("%s").
 * @param str the string.
 * @return bytes written, or -1 when printing is off.
 */
int flexio_dev_puts(const char *str);
/**@}*/

#ifdef __cplusplus
}
#endif

#endif /* XPDK_FLEXIO_DEV_H */
