/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Polled streaming through an F2 slot's Streaming Data Engine (cl_sde, application PF BAR4):
 * H2C descriptors send host buffers to the CL's stream, C2H descriptors receive it, and
 * completion is polled in host memory (write-back status blocks and C2H metadata records) —
 * no interrupts, no register reads on the data path.
 *
 * Lifecycle: xpdk_sde_open() resets and configures the engine and allocates its host-memory
 * records (EAL must be initialised: xpdk_env_init()); xpdk_sde_close() stops it. Buffers are
 * the caller's DMA memory (xpdk_dma_alloc()), given by IOVA.
 *
 * Data path: the burst calls below make no system call, take no lock and allocate nothing, so
 * a lib/poll handler may call them; one thread per engine (or the caller's locking). At most
 * XPDK_SDE_RING descriptors per direction are outstanding; the calls return how many they did.
 */

#ifndef XPDK_SDE_H
#define XPDK_SDE_H

#include <stdbool.h>
#include <stdint.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

/** Descriptors per direction (the engine's DESC_RAM_DEPTH). */
#define XPDK_SDE_RING 64

struct xpdk_sde;

/** What the CL does with the stream. */
enum xpdk_sde_mode {
	XPDK_SDE_LOOPBACK = 0, /**< H2C comes back on C2H (cl_sde's default) */
	XPDK_SDE_GENERATOR,    /**< H2C is dropped; C2H gets the traffic generator's packets */
};

/** Options of xpdk_sde_open(); zero is the default for every field. */
struct xpdk_sde_conf {
	enum xpdk_sde_mode mode; /**< loopback (default) or generator */
	uint32_t gen_pkt_size;	 /**< generator: packet bytes, a multiple of 64 (default 64) */
	uint32_t gen_seed;	 /**< generator: first 32-bit data word */
};

/** One H2C packet (or part of one: eop false continues it in the next). */
struct xpdk_sde_tx {
	uint64_t iova; /**< the buffer's IOVA */
	uint32_t len;  /**< >= 1 */
	bool eop;      /**< last descriptor of a packet */
	uint64_t user; /**< delivered with EOP to the CL (loopback: to the C2H record) */
};

/** One completed C2H descriptor. */
struct xpdk_sde_rx {
	uint32_t len;  /**< bytes written into the buffer */
	bool eop;      /**< a packet ended in this buffer */
	uint64_t user; /**< with eop: the packet's user bits */
	uint32_t slot; /**< which posted buffer (post order, modulo 2^32) */
};

/**
 * Reset and configure the SDE of slot @p slot_id (cl_sde must be loaded) and attach to it.
 * @param slot_id the slot.
 * @param conf options (NULL: defaults).
 * @return the engine, or NULL with errno and the last-error sentence set.
 */
struct xpdk_sde *xpdk_sde_open(int slot_id, const struct xpdk_sde_conf *conf);

/**
 * Stop the engine (reset) and release it.
 * @param s the engine (NULL is ignored).
 */
void xpdk_sde_close(struct xpdk_sde *s);

/**
 * Post up to @p n H2C descriptors, as credits allow.
 * @param s the engine.
 * @param tx the descriptors.
 * @param n how many.
 * @return how many were posted (the rest stay the caller's).
 */
uint16_t xpdk_sde_tx_burst(struct xpdk_sde *s, const struct xpdk_sde_tx *tx, uint16_t n);

/**
 * H2C descriptors completed since the last call (their buffers are the caller's again).
 * @param s the engine.
 * @return how many.
 */
uint16_t xpdk_sde_tx_done(struct xpdk_sde *s);

/**
 * Post up to @p n receive buffers (@p iova[i], @p len[i] bytes each), as room allows.
 * @param s the engine.
 * @param iova the buffers' IOVAs.
 * @param len their sizes.
 * @param n how many.
 * @return how many were posted.
 */
uint16_t xpdk_sde_rx_post(struct xpdk_sde *s, const uint64_t *iova, const uint32_t *len,
			  uint16_t n);

/**
 * Take up to @p n completed C2H descriptors, in post order.
 * @param s the engine.
 * @param rx receives them.
 * @param n room in @p rx.
 * @return how many.
 */
uint16_t xpdk_sde_rx_burst(struct xpdk_sde *s, struct xpdk_sde_rx *rx, uint16_t n);

/**
 * Receive buffers posted and not yet completed.
 * @param s the engine.
 * @return how many.
 */
uint16_t xpdk_sde_rx_pending(const struct xpdk_sde *s);

/**
 * H2C descriptors posted and not yet completed.
 * @param s the engine.
 * @return how many.
 */
uint16_t xpdk_sde_tx_pending(const struct xpdk_sde *s);

/**
 * The engine's error state from the write-back status blocks: 0 when healthy, else
 * -EIO with the last-error sentence naming the direction and bits (descriptor, data mover
 * or write-back error). Cheap: reads host memory only.
 * @param s the engine.
 * @return 0 or -EIO.
 */
int xpdk_sde_check(struct xpdk_sde *s);

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_SDE_H */
