/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * XPDK's emulated DPA function (devsim model "dpa"), as its driver and its model both see it:
 * PCI identity, the BAR0 registers, the BAR2 memory layout (command mailbox, one slot per DPA
 * process, the staging area for bulk copies) and the command set.
 *
 * How a command runs: the host fills struct xpdk_dpa_cmd in the mailbox (bulk data in the
 * staging area), writes XPDK_DPA_CMD_GO to XPDK_DPA_REG_CMD_DOORBELL, and when that trapped write
 * returns the command has finished: status, out[] and msg[] are in the mailbox. Commands are
 * serialised by the host (one mailbox).
 *
 * The process slots are shared memory between the host, the model and the process's child:
 * the RPC mailbox, the EU doorbell and the print ring live there. Fields say who writes them;
 * every reader treats what another party wrote as hostile.
 */

#ifndef XPDK_DPA_REGS_H
#define XPDK_DPA_REGS_H

#include <limits.h>
#include <linux/futex.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "xpdk_common.h"

/** @name PCI identity: NVIDIA's vendor ID and BlueField-3's device ID, XPDK's subsystem */
/**@{*/
#define XPDK_DPA_VENDOR_ID	  0x15b3   /**< Mellanox / NVIDIA */
#define XPDK_DPA_DEVICE_ID	  0xa2dc   /**< BlueField-3 integrated ConnectX-7 */
#define XPDK_DPA_SUBSYS_VENDOR_ID 0x15b3   /**< NVIDIA, as the subsystem vendor */
#define XPDK_DPA_SUBSYS_ID	  0x0d9a   /**< XPDK: "emulated DPA function" */
#define XPDK_DPA_CLASS		  0x120000 /**< processing accelerator */
/**@}*/

/** @name BAR0: registers (trapped, 4 KiB) */
/**@{*/
#define XPDK_DPA_BAR0_SIZE	  0x1000 /**< bytes of BAR0 */
#define XPDK_DPA_REG_ID		  0x00	 /**< RO: XPDK_DPA_ID_VALUE */
#define XPDK_DPA_REG_VERSION	  0x04	 /**< RO: XPDK_DPA_VERSION */
#define XPDK_DPA_REG_NUM_EUS	  0x08	 /**< RO: execution units per process */
#define XPDK_DPA_REG_MAX_PROCS	  0x0c	 /**< RO: process slots */
#define XPDK_DPA_REG_HEAP_SIZE	  0x10	 /**< RO 64-bit: heap bytes per process */
#define XPDK_DPA_REG_HEAP_BASE	  0x18	 /**< RO 64-bit: device address of the heap's first byte */
#define XPDK_DPA_REG_CMD_DOORBELL 0x20	 /**< WO: XPDK_DPA_CMD_GO runs the mailbox command */
#define XPDK_DPA_REG_CMD_COUNT	  0x24	 /**< RO: commands run since reset */
#define XPDK_DPA_ID_VALUE	  0x44504131u /**< "DPA1" */
#define XPDK_DPA_VERSION	  1u	      /**< the register interface this header describes */
#define XPDK_DPA_CMD_GO		  1u /**< to XPDK_DPA_REG_CMD_DOORBELL: run the mailbox command */
/**@}*/

/** @name BAR2: shared memory (4 MiB) */
/**@{*/
#define XPDK_DPA_BAR2_SIZE  0x400000 /**< bytes of BAR2 */
#define XPDK_DPA_MBOX_OFF   0x0	     /**< struct xpdk_dpa_cmd */
#define XPDK_DPA_MBOX_SIZE  0x1000   /**< bytes reserved for the mailbox */
#define XPDK_DPA_SLOT_OFF   0x10000  /**< slot i at XPDK_DPA_SLOT_OFF + i * XPDK_DPA_SLOT_SIZE */
#define XPDK_DPA_SLOT_SIZE  0x10000  /**< bytes of one process slot */
#define XPDK_DPA_MAX_PROCS  16u	     /**< process slots at most */
#define XPDK_DPA_STAGE_OFF  0x200000 /**< bulk data of a command */
#define XPDK_DPA_STAGE_SIZE 0x200000 /**< bytes of staging: the most a command carries */
/**@}*/

/** @name Limits of one process */
/**@{*/
#define XPDK_DPA_MAX_EUS      64u  /**< EU threads a process may have */
#define XPDK_DPA_MAX_HANDLERS 64u  /**< event handlers */
#define XPDK_DPA_MAX_CQS      64u  /**< CQs */
#define XPDK_DPA_MAX_WINDOWS  16u  /**< windows */
#define XPDK_DPA_MAX_OUTBOXES 16u  /**< outboxes */
#define XPDK_DPA_MAX_MKEYS    64u  /**< host memory keys, device-wide */
#define XPDK_DPA_MAX_FUNCS    256u /**< device functions resolved per process */
#define XPDK_DPA_MAX_LOG_CQ   16u  /**< largest log2 CQ depth */
#define XPDK_DPA_NAME_LEN     256  /**< FLEXIO_MAX_NAME_LEN */
#define XPDK_DPA_MSG_LEN      256  /**< bytes of an error sentence, with its NUL */
/**@}*/

/** @name Interrupt vectors (MSI, 32) */
/**@{*/
#define XPDK_DPA_NUM_VECTORS	  32		/**< MSI vectors of the function */
#define XPDK_DPA_VEC_ERR(slot)	  (1u + (slot)) /**< a process's error event */
#define XPDK_DPA_VEC_USER_BASE	  17u		/**< MSI-X ids 0..14 raised by device code */
#define XPDK_DPA_NUM_USER_VECTORS 15u		/**< MSI-X ids device code may raise */
/**@}*/

/** Command opcodes. */
enum xpdk_dpa_opcode {
	XPDK_DPA_OP_NOP = 0,	  /**< nothing (checks the mailbox) */
	XPDK_DPA_OP_PROC_CREATE,  /**< staging: ELF (data_len); name: app; out0: slot */
	XPDK_DPA_OP_PROC_DESTROY, /**< slot */
	XPDK_DPA_OP_FUNC_RESOLVE, /**< name: symbol; out0: function id */
	XPDK_DPA_OP_HEAP_ALLOC,	  /**< arg0: size; out0: daddr */
	XPDK_DPA_OP_HEAP_FREE,	  /**< arg0: daddr */
	XPDK_DPA_OP_HEAP_WRITE,	  /**< arg0: daddr; staging: data_len bytes */
	XPDK_DPA_OP_HEAP_READ,	  /**< arg0: daddr; data_len bytes into staging */
	XPDK_DPA_OP_HEAP_SET,	  /**< arg0: daddr, arg1: len, arg2: byte value */
	XPDK_DPA_OP_CQ_CREATE,	  /**< arg0 log depth, arg1 element type, arg2 target, arg3 ring
				     daddr, arg4 flags; out0: cqn */
	XPDK_DPA_OP_CQ_DESTROY,	  /**< id: cqn */
	XPDK_DPA_OP_CQ_POST,	  /**< id: cqn; arg0..7: a 64-byte CQE (owner bit set by device) */
	XPDK_DPA_OP_HANDLER_CREATE,  /**< arg0 func id, arg1 affinity type, arg2 affinity id,
					arg3 window id+1, arg4 outbox id+1, arg5 continuable,
					arg6 thread-local storage daddr; out0: handler id */
	XPDK_DPA_OP_HANDLER_RUN,     /**< id: handler; arg0: user argument */
	XPDK_DPA_OP_HANDLER_DESTROY, /**< id: handler */
	XPDK_DPA_OP_WINDOW_CREATE,   /**< arg0: PD tag (0: any key's memory); out0: window id */
	XPDK_DPA_OP_WINDOW_DESTROY,  /**< id */
	XPDK_DPA_OP_OUTBOX_CREATE,   /**< out0: outbox id */
	XPDK_DPA_OP_OUTBOX_DESTROY,  /**< id */
	XPDK_DPA_OP_MKEY_REG,	     /**< device-wide: arg0 iova, arg1 len, arg2 host address, arg3
					access (XPDK_DPA_ACCESS_*), arg4 0 or XPDK_DPA_MKEY_NAMED |
					the key device code uses, arg5 PD tag (0: any window's);
					out0: mkey id (the key when unnamed) */
	XPDK_DPA_OP_MKEY_DEREG,	     /**< device-wide: id */
	XPDK_DPA_OP_DEV_MKEY_CREATE, /**< arg0 daddr, arg1 len, arg2 access; out0: mkey id */
	XPDK_DPA_OP_MSIX_CHECK,	     /**< arg0: MSI-X id: is it usable */
	XPDK_DPA_OP_ERR_CLEAR,	     /**< slot: clear the error status after it was read */
	XPDK_DPA_OP_ERR_HANDLER_SET, /**< name: device function run before a fatal error ends
					the process */
	XPDK_DPA_OP_WQ_CREATE,	     /**< NIC queue (xpdk_dpa_nic.h): arg0 XPDK_DPA_WQ_SQ/RQ, arg1
					cqn, arg2 log depth, arg3 ring daddr, arg4 DBR daddr,
					arg5 user index; out0: WQ number, out1: 1 if it owns the
					port's receive side */
	XPDK_DPA_OP_WQ_DESTROY,	     /**< id: WQ number */
	XPDK_DPA_OP_NIC_STATS,	     /**< id: WQ number or XPDK_DPA_NIC_PORT; out0..3: packets,
					bytes, dropped, errors (port: out0..1 received, out2..3
					sent) */
	XPDK_DPA_OP_QP_MODIFY,	     /**< id: QP number; arg0 next state, arg1 remote QP number */
	XPDK_DPA_OP_CQ_MODERATE,     /**< id: cqn; arg0 max count, arg1 period (µs), arg2 mode
					(stored) */
	XPDK_DPA_OP_MAX /**< number of opcodes */ /**< number of opcodes */
};

/** @name Values of command fields */
/**@{*/
#define XPDK_DPA_ACCESS_READ	   XPDK_BIT(0) /**< a memory key allows reads */
#define XPDK_DPA_ACCESS_WRITE	   XPDK_BIT(1) /**< a memory key allows writes */
#define XPDK_DPA_CQ_F_ALWAYS_ARMED XPDK_BIT(0) /**< CQ_CREATE flag: re-armed after every CQE */
#define XPDK_DPA_AFFINITY_NONE	   0	       /**< any free EU */
#define XPDK_DPA_AFFINITY_STRICT   1	       /**< one EU */
#define XPDK_DPA_AFFINITY_GROUP	   2	       /**< an EU of a group */
#define XPDK_DPA_EU_GROUP_SIZE	   16	       /**< EUs per affinity group (one DPA core) */
/* CQ element types, FlexIO's values */
#define XPDK_DPA_CQ_DPA_THREAD 0x0 /**< a CQE activates a handler */
#define XPDK_DPA_CQ_NON_DPA    0x8 /**< a CQE does nothing (polled) */
#define XPDK_DPA_CQ_MSIX       0x9 /**< a CQE raises an emulated MSI-X */
/** MKEY_REG arg4: its low 32 bits are the key device code names the memory by (a verbs MR's
 *  lkey) instead of the mkey id */
#define XPDK_DPA_MKEY_NAMED (1ULL << 32)
/** Largest PD tag (WINDOW_CREATE arg0, MKEY_REG arg5): a window with a non-zero tag reaches only
 *  keys with the same tag or none, as a window reaches only its PD's MRs */
#define XPDK_DPA_PD_TAG_MAX (1ULL << 32)
/**@}*/

/** The command mailbox at BAR2 offset 0 (host writes the first part, the device the rest). */
struct xpdk_dpa_cmd {
	uint32_t opcode;	      /**< enum xpdk_dpa_opcode */
	uint32_t status;	      /**< device: 0 or a positive errno */
	uint32_t slot;		      /**< process slot */
	uint32_t id;		      /**< object id */
	uint64_t arg[8];	      /**< arguments, per opcode */
	uint64_t data_len;	      /**< bytes of staging used (in or out) */
	uint64_t out[4];	      /**< device */
	char name[XPDK_DPA_NAME_LEN]; /**< a name argument, per opcode */
	char msg[XPDK_DPA_MSG_LEN];   /**< device: the error sentence */
};
_Static_assert(sizeof(struct xpdk_dpa_cmd) == 632, "mailbox layout");
_Static_assert(sizeof(struct xpdk_dpa_cmd) <= XPDK_DPA_MBOX_SIZE, "mailbox fits");

/** @name Slot states (slot.state, device-written) */
/**@{*/
#define XPDK_DPA_SLOT_FREE    0 /**< no process */
#define XPDK_DPA_SLOT_RUNNING 1 /**< the process runs */
#define XPDK_DPA_SLOT_DEAD    2 /**< the process ended (err_status says why) */
/**@}*/

/** @name Error status (slot.err_status), FlexIO's flexio_err_status values */
/**@{*/
#define XPDK_DPA_ERR_NONE  0 /**< no error */
#define XPDK_DPA_ERR_FATAL 1 /**< unrecoverable: the process is gone */
#define XPDK_DPA_ERR_USER  2 /**< device code reported an error */
/**@}*/

/** @name DPA process status codes (slot.dpa_status), FlexIO's bands */
/**@{*/
#define XPDK_DPA_STATUS_FINISHED 0x40 /**< flexio_dev_process_finish() */
#define XPDK_DPA_STATUS_ILLEGAL	 0x42 /**< FLEXIO_DEV_ERROR_ILLEGAL_ERR: illegal use */
#define XPDK_DPA_STATUS_CRASH	 0x3e /**< XPDK: the process crashed (a signal) */
#define XPDK_DPA_STATUS_USER_MIN 0x80 /**< flexio_dev_error() codes 0x80..0xff */
/**@}*/

/** @name RPC status (slot.rpc_status, device-written) */
/**@{*/
#define XPDK_DPA_RPC_OK	      0 /**< the function ran */
#define XPDK_DPA_RPC_BAD_FUNC 1 /**< no such function id */
/**@}*/

#define XPDK_DPA_RPC_ARGBUF 1024   /**< bytes of packed RPC arguments at most */
#define XPDK_DPA_PRINT_OFF  0x8000 /**< print ring, in the slot */
#define XPDK_DPA_PRINT_MAX  0x8000 /**< its capacity */

/** A process slot in BAR2 (64 KiB). */
struct xpdk_dpa_slot {
	/* the model writes */
	uint32_t state;			/**< XPDK_DPA_SLOT_* */
	uint32_t err_status;		/**< XPDK_DPA_ERR_* */
	uint32_t dpa_status;		/**< the process's exit code (0: running) */
	uint32_t err_count;		/**< errors reported since creation */
	char err_msg[XPDK_DPA_MSG_LEN]; /**< the last error's sentence */
	/* EU doorbell: a futex word bumped by whoever posts work (host, model, process) */
	uint32_t eu_bell;     /**< the doorbell */
	uint32_t eu_sleepers; /**< process: EUs waiting on eu_bell */
	/* RPC mailbox */
	uint32_t rpc_req;	   /**< host: sequence number of the posted request */
	uint32_t rpc_rsp;	   /**< process: sequence number of the finished request */
	uint32_t rpc_host_waiting; /**< host: sleeping on rpc_rsp (futex) */
	uint32_t rpc_status;	   /**< process: XPDK_DPA_RPC_* */
	uint64_t rpc_func;	   /**< host: function id */
	uint64_t rpc_arg;	   /**< host: the argument, or argbuf's device address */
	uint64_t rpc_ret;	   /**< process: the return value */
	uint32_t rpc_argbuf_len;   /**< host: bytes of packed arguments (0: plain argument) */
	uint32_t rsvd0;		   /**< reserved */
	uint8_t rpc_argbuf[XPDK_DPA_RPC_ARGBUF]; /**< host: packed arguments */
	/* print ring: the process produces, the host consumes */
	uint32_t print_size;	     /**< host: ring bytes in use (power of two), 0: off */
	uint32_t print_host_waiting; /**< host: sleeping on print_seq (futex) */
	uint32_t print_seq;	     /**< process: bumped after each message */
	uint32_t rsvd1;		     /**< reserved */
	uint64_t print_head;	     /**< process: bytes produced */
	uint64_t print_tail;	     /**< host: bytes consumed */
	uint64_t print_lost;	     /**< process: bytes dropped because the ring was full */
};
_Static_assert(offsetof(struct xpdk_dpa_slot, eu_bell) == 272, "slot layout");
_Static_assert(offsetof(struct xpdk_dpa_slot, rpc_argbuf) == 328, "slot layout");
_Static_assert(sizeof(struct xpdk_dpa_slot) <= XPDK_DPA_PRINT_OFF, "slot head fits");
_Static_assert(XPDK_DPA_PRINT_OFF + XPDK_DPA_PRINT_MAX == XPDK_DPA_SLOT_SIZE, "ring fits");
_Static_assert(XPDK_DPA_SLOT_OFF + XPDK_DPA_MAX_PROCS * XPDK_DPA_SLOT_SIZE <= XPDK_DPA_STAGE_OFF,
	       "slots fit");

/** A 64-byte CQE, mlx5's cqe64 layout (big-endian fields, as the device-side getters read). */
struct xpdk_dpa_cqe64 {
	uint8_t rsvd0[44];	 /**< unused */
	uint32_t byte_cnt;	 /**< 0x2c */
	uint32_t sop_drop_qpn;	 /**< 0x30: QP number in the low 24 bits */
	uint8_t rsvd1;		 /**< unused */
	uint8_t hw_err_synd;	 /**< 0x35: error CQEs: hardware syndrome */
	uint8_t vendor_err_synd; /**< 0x36: error CQEs: vendor syndrome */
	uint8_t syndrome;	 /**< 0x37: error CQEs: XPDK_DPA_SYND_* (xpdk_dpa_nic.h) */
	uint32_t user_index;	 /**< 0x38: XPDK emulation: 32-bit user data */
	uint16_t wqe_counter;	 /**< 0x3c */
	uint8_t signature;	 /**< 0x3e: unused */
	uint8_t op_own;		 /**< 0x3f: opcode << 4 | owner bit */
};
_Static_assert(sizeof(struct xpdk_dpa_cqe64) == 64, "CQE is 64 bytes");
_Static_assert(offsetof(struct xpdk_dpa_cqe64, op_own) == 63, "CQE layout");
_Static_assert(offsetof(struct xpdk_dpa_cqe64, syndrome) == 0x37, "CQE layout");

/**
 * @name Doorbells on shared memory
 * A slot's words are futexes (not private: host, model and process share them). A writer
 * stores, then wakes when the reader said it sleeps; a reader says it sleeps, checks again,
 * then waits: with sequentially consistent atomics on both sides no wake-up is lost.
 */
/**@{*/
/**
 * Sleep while *@p word == @p val, at most @p timeout_ns.
 * @param word the futex word.
 * @param val the value to sleep on.
 * @param timeout_ns nanoseconds at most (0: no limit).
 */
static inline void xpdk_dpa_futex_wait(uint32_t *word, uint32_t val, uint64_t timeout_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(timeout_ns / 1000000000ULL),
			       .tv_nsec = (long)(timeout_ns % 1000000000ULL) };

	syscall(SYS_futex, word, FUTEX_WAIT, val, timeout_ns ? &ts : NULL, NULL, 0);
}

/**
 * Wake up to @p n sleepers on @p word.
 * @param word the futex word.
 * @param n sleepers to wake.
 */
static inline void xpdk_dpa_futex_wake_n(uint32_t *word, int n)
{
	syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

/**
 * Wake every sleeper on @p word.
 * @param word the futex word.
 */
static inline void xpdk_dpa_futex_wake(uint32_t *word)
{
	xpdk_dpa_futex_wake_n(word, INT_MAX);
}

/**
 * Ring @p slot's EU doorbell: bump it and wake one sleeping EU (an EU that finds work it may
 * not run, for its affinity, wakes the others).
 * @param slot the process slot.
 */
static inline void xpdk_dpa_ring_eus(struct xpdk_dpa_slot *slot)
{
	__atomic_fetch_add(&slot->eu_bell, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&slot->eu_sleepers, __ATOMIC_SEQ_CST) != 0)
		xpdk_dpa_futex_wake_n(&slot->eu_bell, 1);
}
/**@}*/

#endif /* XPDK_DPA_REGS_H */
