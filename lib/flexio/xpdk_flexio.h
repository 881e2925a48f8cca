/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * XPDK's additions to the FlexIO host API (libflexio/flexio.h): opening the emulated DPA as an
 * ibv_context, registering host memory a window can reach, posting a CQE from the host, the RPC
 * timeout, MSI-X eventfds; and the seam a DPA driver implements (struct xpdk_flexio_backend).
 *
 * A FlexIO program runs on XPDK's emulated DPA either with the device it opens as on the card
 *     ctx = ibv_open_device(dev_list[i]);         // a verbs device, e.g. Soft-RoCE, with
 *                                                 // $XPDK_DPA_DEVICE naming the emulated DPA
 * or with the line that opens the device changed:
 *     ctx = xpdk_flexio_open("vfio-user:PATH");   // the emulated DPA itself
 * Windows reach memory registered with ibv_reg_mr() as on the card (libflexio/flexio.h routes
 * it through xpdk_flexio_ibv_reg_mr()); that memory must be XPDK DMA memory (xpdk_dma_alloc),
 * the one thing besides the open line that differs. doc/dpa.md has the whole list.
 */

#ifndef XPDK_FLEXIO_H
#define XPDK_FLEXIO_H

#include <stdbool.h>
#include <stdint.h>

#include "libflexio/flexio.h"
#include "xpdk_common.h"
#include "xpdk_dev.h"
#include "xpdk_dpa_regs.h"
#include "xpdk_env.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

/**
 * Open the emulated DPA @p name (e.g. "vfio-user:/run/xpdk/devsim/dpa0.sock", or NULL for
 * $XPDK_DPA_DEVICE) as the ibv_context FlexIO's calls take. Brings up XPDK's environment
 * (EAL, --in-memory) first when the program has not. The context is XPDK's: pass it to
 * flexio_* calls only, not to libibverbs.
 * @param name the device address, or NULL.
 * @return the context, or NULL with the last-error sentence set.
 */
struct ibv_context *xpdk_flexio_open(const char *name);
/**
 * Close a context from xpdk_flexio_open() (after its processes are destroyed).
 * @param ctx the context.
 * @return 0; -ENODEV when @p ctx is not one; -EBUSY (sentence set) while it has processes.
 */
int xpdk_flexio_close(struct ibv_context *ctx);

/**
 * Register host DMA memory [@p buf + @p off, + @p len) on @p pd (a process's PD) so that a
 * window can reach it: mr->lkey is the memory key device code gives flexio_dev_window_config,
 * mr->addr the host address it gives flexio_dev_window_ptr_acquire. @p access: IBV_ACCESS_*
 * (LOCAL_WRITE or REMOTE_WRITE make it writable).
 * @param pd the protection domain.
 * @param buf the DMA buffer (lib/env).
 * @param off offset of the registered memory in @p buf.
 * @param len its length in bytes.
 * @param access IBV_ACCESS_* flags.
 * @return the registration (free with xpdk_flexio_dereg_mr), or NULL with the sentence set.
 */
struct ibv_mr *xpdk_flexio_reg_mr(struct ibv_pd *pd, const struct xpdk_dma_buf *buf, size_t off,
				  size_t len, int access);
/**
 * Free a registration from xpdk_flexio_reg_mr().
 * @param mr the registration (NULL is fine).
 * @return 0, or a negative errno with the sentence set.
 */
int xpdk_flexio_dereg_mr(struct ibv_mr *mr);

/**
 * Register device function @p name of @p app under the host stub @p stub, without marshalling
 * (one uint64_t argument). What the constructor xpdk-dpacc generates calls for every
 * __dpa_rpc__ and __dpa_global__ function.
 * @param app the app.
 * @param name the device function's name.
 * @param stub the host stub naming it.
 * @return FLEXIO_STATUS_SUCCESS or FLEXIO_STATUS_FAILED.
 */
flexio_status xpdk_flexio_func_register_stub(flexio_app *app, const char *name,
					     flexio_func_t *stub);

/**
 * Copy @p len bytes of DPA heap at @p src_daddr to host memory (tests and tools).
 * @param process the process.
 * @param dst host destination.
 * @param len bytes.
 * @param src_daddr DPA heap address.
 * @return FLEXIO_STATUS_SUCCESS, FAILED, or FATAL_ERR when the process died.
 */
flexio_status xpdk_flexio_dev2host_memcpy(flexio_process *process, void *dst, size_t len,
					  flexio_uintptr_t src_daddr);

/** A CQE the host posts (the fields device code reads with flexio_dev_cqe_get_*). */
struct xpdk_flexio_cqe {
	uint8_t opcode;	      /**< flexio_dev_cqe_get_opcode() */
	uint32_t byte_cnt;    /**< flexio_dev_cqe_get_byte_cnt() */
	uint32_t qpn;	      /**< flexio_dev_cqe_get_qpn() */
	uint16_t wqe_counter; /**< flexio_dev_cqe_get_wqe_counter() */
	uint32_t user_index;  /**< flexio_dev_cqe_get_user_index() */
};
/**
 * Post a CQE on @p cq as the NIC would: a DPA_THREAD CQ that is armed activates its handler; an
 * MSI-X CQ raises its vector. For tests and examples.
 * @param cq the CQ.
 * @param cqe what the CQE carries.
 * @return FLEXIO_STATUS_SUCCESS, FAILED, or FATAL_ERR when the process died.
 */
flexio_status xpdk_flexio_cq_post(flexio_cq *cq, const struct xpdk_flexio_cqe *cqe);

/** Counters of a NIC queue (xpdk_flexio_sq_stats, xpdk_flexio_rq_stats). */
struct xpdk_flexio_wq_stats {
	uint64_t packets; /**< frames sent (SQ) or received (RQ) */
	uint64_t bytes;	  /**< their bytes */
	uint64_t dropped; /**< RQ: frames with no WQE posted or a full CQ; SQ: frames the port
			     did not take */
	uint64_t errors;  /**< WQEs that completed with a syndrome, bad doorbells, overruns */
};
/**
 * An SQ's counters.
 * @param sq the SQ.
 * @param stats receives them.
 * @return FLEXIO_STATUS_SUCCESS, FAILED, or FATAL_ERR when the process died.
 */
flexio_status xpdk_flexio_sq_stats(flexio_sq *sq, struct xpdk_flexio_wq_stats *stats);
/**
 * An RQ's counters.
 * @param rq the RQ.
 * @param stats receives them.
 * @return FLEXIO_STATUS_SUCCESS, FAILED, or FATAL_ERR when the process died.
 */
flexio_status xpdk_flexio_rq_stats(flexio_rq *rq, struct xpdk_flexio_wq_stats *stats);
/** Counters of the NIC's port (every process's queues). */
struct xpdk_flexio_port_stats {
	uint64_t rx_packets; /**< frames read from the TAP interface */
	uint64_t rx_bytes;   /**< their bytes */
	uint64_t tx_packets; /**< frames written to it */
	uint64_t tx_bytes;   /**< their bytes */
};
/**
 * The port's counters, as seen through @p process's device.
 * @param process a process of the device.
 * @param stats receives them.
 * @return FLEXIO_STATUS_SUCCESS or FAILED.
 */
flexio_status xpdk_flexio_port_stats(flexio_process *process, struct xpdk_flexio_port_stats *stats);

/**
 * Set how long flexio_process_call() waits.
 * @param process the process.
 * @param timeout_ms milliseconds, > 0 (default 10000).
 * @return FLEXIO_STATUS_SUCCESS, or FAILED for a bad timeout.
 */
flexio_status xpdk_flexio_process_set_rpc_timeout(flexio_process *process, int timeout_ms);

/**
 * The eventfd that MSI-X @p msix raises (owned by the device; poll it, read 8 bytes).
 * @param msix the MSI-X object.
 * @return the descriptor, or -1 (no object, or no eventfd for the vector).
 */
int xpdk_flexio_msix_fd(flexio_msix *msix);

/**
 * The process's DPA status.
 * @param process the process.
 * @return the exit code bands of doc/dpa.md; 0 while it runs.
 */
uint32_t xpdk_flexio_process_dpa_status(flexio_process *process);

/**
 * What a DPA driver provides lib/flexio (registered from a constructor with
 * XPDK_FLEXIO_BACKEND_REGISTER). All calls are for one device, serialised by the caller.
 */
struct xpdk_flexio_backend {
	const struct xpdk_driver *driver; /**< the lib/dev driver whose devices this serves */
	/** Run @p cmd: @p in (cmd->data_len bytes, may be NULL) goes to the device first, and
	 *  for a command that returns data cmd->data_len bytes come back into @p out.
	 *  @return 0 or a negative errno with the device's sentence set. */
	int (*cmd)(struct xpdk_dev *dev, struct xpdk_dpa_cmd *cmd, const void *in, void *out);
	/** Process slot @p idx, mapped. */
	struct xpdk_dpa_slot *(*slot)(struct xpdk_dev *dev, uint32_t idx);
	/** The eventfd of interrupt vector @p vector, or -1. */
	int (*irq_fd)(struct xpdk_dev *dev, unsigned int vector);
};

/**
 * Register a backend (done at load time by XPDK_FLEXIO_BACKEND_REGISTER).
 * @param be the backend, which must outlive the program.
 */
void xpdk_flexio_backend_register(const struct xpdk_flexio_backend *be);
/** Register backend @p be when the program loads. */
#define XPDK_FLEXIO_BACKEND_REGISTER(be)                                                           \
	__attribute__((constructor)) static void xpdk_flexio_backend_register_##be(void)           \
	{                                                                                          \
		xpdk_flexio_backend_register(&(be));                                               \
	}

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_FLEXIO_H */
