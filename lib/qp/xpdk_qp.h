/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * RDMA queue pairs for polled cores: a typed layer over rdma-core (libibverbs, librdmacm).
 *
 * Objects, each owned by the one before it (destroy in the reverse order):
 *  - xpdk_rdma: an opened RDMA device port and source GID, by name ("rxe0", "mlx5_0") or by the
 *    IP address it serves ("192.0.2.1");
 *  - xpdk_pd: a protection domain; it also holds the registration of XPDK's DMA memory (EAL
 *    hugepages), one memory region per contiguous chunk, found by address (as DPDK's mlx5 does);
 *  - xpdk_mr: a memory region over any user buffer;
 *  - xpdk_cq: a completion queue polled in bursts, optionally with a completion channel;
 *  - xpdk_qp: an RC or UD queue pair, connected through rdma_cm (xpdk_cm_*) or with attributes
 *    exchanged out of band (xpdk_qp_local_addr(), xpdk_qp_connect());
 *  - xpdk_ah: an address handle for UD sends.
 *
 * Errors: functions return a negative errno (or NULL with errno set) and set the last-error
 * sentence (xpdk_strerror_last()), which says what to do where it can: a kernel without RDMA
 * says so and how to get a Soft-RoCE device, a missing device names the ones present, a wrong
 * port or GID index lists the valid ones.
 *
 * Threads: a device, PD and MR may be shared; a QP and the CQs it uses belong to one thread at a
 * time (the data path takes no locks). xpdk_pd_dma_key() may be called from any thread.
 */

#ifndef XPDK_QP_H
#define XPDK_QP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

struct xpdk_rdma;
struct xpdk_pd;
struct xpdk_mr;
struct xpdk_cq;
struct xpdk_qp;
struct xpdk_ah;
struct xpdk_cm_listener;
struct xpdk_cm_req;

/* ------------------------------------------------------------------------------------------ */
/** @name Devices */
/**@{*/

/** Options of xpdk_rdma_open(); a NULL pointer means all defaults. */
struct xpdk_rdma_opts {
	/** Port number (1-based); 0: the port serving the IP address, else the first active. */
	uint8_t port;
	/**
	 * Source GID index; -1 (or any negative): the GID holding the IP address when opened by
	 * address, else the first RoCE v2 GID with an IPv4 address, else index 0.
	 * Set gid_index_given to use index 0 explicitly.
	 */
	int gid_index;
	/** True when gid_index is to be taken as given (even 0). */
	bool gid_index_given;
};

/**
 * Names of the RDMA devices present, separated by single spaces, into @p buf (cut short when
 * @p buf is too small).
 *
 * @param[out] buf the names, NUL-terminated ("" when there is no device).
 * @param len      size of @p buf in bytes, at least 1.
 * @return the number of devices (0 when the kernel has RDMA but no device), or a negative errno:
 *         -EINVAL for a NULL or empty @p buf, -ENOSYS when the kernel has no RDMA (the sentence
 *         says how to get a device), or the errno of ibv_get_device_list().
 */
int xpdk_rdma_list(char *buf, size_t len);

/**
 * Open an RDMA device by name, or by an IPv4/IPv6 address one of its GIDs holds, and choose its
 * port and source GID (see struct xpdk_rdma_opts).
 *
 * @param name_or_ip a device name ("rxe0", "mlx5_0") or an IP address ("192.0.2.1").
 * @param opts       port and GID choice; NULL for the defaults.
 * @return the device, or NULL with errno: EINVAL (no name, or no such port or GID, or a port
 *         or GID index other than the one holding the address; the sentence lists the valid
 *         ones), ENOSYS (no RDMA in the kernel), ENODEV (no such device or no device serves
 *         that address; the sentence names what exists), ENOMEM, or the errno of opening or
 *         querying the device (EIO when verbs gave none).
 */
struct xpdk_rdma *xpdk_rdma_open(const char *name_or_ip, const struct xpdk_rdma_opts *opts);

/**
 * Close a device; its PDs, CQs, QPs and listeners must be gone.
 * @param dev the device; NULL is ignored.
 */
void xpdk_rdma_close(struct xpdk_rdma *dev);

/** What xpdk_rdma_query() reports. */
struct xpdk_rdma_info {
	char name[64];		   /**< the device's name */
	char fw_ver[64];	   /**< firmware version, as the device reports it */
	uint64_t node_guid;	   /**< node GUID, host order */
	uint32_t vendor_id;	   /**< IEEE vendor ID */
	uint32_t vendor_part_id;   /**< vendor's part ID */
	uint32_t hw_ver;	   /**< hardware version */
	int phys_port_cnt;	   /**< number of ports */
	int max_qp;		   /**< most QPs */
	int max_qp_wr;		   /**< most WRs in one queue */
	int max_sge;		   /**< most scatter/gather elements per WR */
	int max_cq;		   /**< most CQs */
	int max_cqe;		   /**< most entries in one CQ */
	int max_mr;		   /**< most memory regions */
	int max_pd;		   /**< most protection domains */
	int max_ah;		   /**< most address handles */
	int max_qp_rd_atom;	   /**< most READs a QP accepts in flight (as the target) */
	int max_qp_init_rd_atom;   /**< most READs a QP issues in flight (as the initiator) */
	uint64_t max_mr_size;	   /**< largest memory region, bytes */
	uint8_t port;		   /**< the port opened */
	enum ibv_port_state state; /**< its state */
	enum ibv_mtu active_mtu;   /**< its active MTU */
	enum ibv_mtu max_mtu;	   /**< its largest MTU */
	uint8_t link_layer;	   /**< IBV_LINK_LAYER_* */
	uint32_t max_msg_sz;	   /**< its largest message, bytes */
	int gid_tbl_len;	   /**< entries in its GID table */
	int gid_index;		   /**< the source GID index chosen */
	union ibv_gid gid;	   /**< its GID */
	char gid_type[16];	   /**< "IB", "RoCE v1" or "RoCE v2" ("" if it cannot be read) */
	char netdev[32];	   /**< the GID's network interface, "" if none */
	char addr[48];		   /**< the GID as an IP address when it holds one, else "" */
	bool mlx5dv;		   /**< mlx5dv_is_supported() said yes (nothing more is claimed) */
};

/**
 * Query the device and the port and GID opened.
 *
 * @param dev       an open device.
 * @param[out] info what the device and its port report.
 * @return 0, -EINVAL for a NULL argument, or the errno of ibv_query_port() (EIO when it gave
 *         none).
 */
int xpdk_rdma_query(const struct xpdk_rdma *dev, struct xpdk_rdma_info *info);

/** One GID table entry. */
struct xpdk_rdma_gid {
	int index;	   /**< index in the port's GID table */
	union ibv_gid gid; /**< the GID */
	uint32_t type;	   /**< IBV_GID_TYPE_IB, _ROCE_V1, _ROCE_V2 */
	char netdev[32];   /**< its network interface, "" if none */
};

/**
 * The valid (non-zero) GIDs of a port, in table order.
 *
 * @param dev       an open device.
 * @param port      the port (1-based); 0: the port opened.
 * @param[out] gids the first @p max GIDs; may be NULL when @p max is 0.
 * @param max       entries in @p gids.
 * @return how many there are (may exceed @p max; only @p max are stored), or a negative errno:
 *         -EINVAL for a NULL argument or no such port (the sentence gives the valid ones), or
 *         the errno of ibv_query_port() (EIO when it gave none).
 */
int xpdk_rdma_gids(const struct xpdk_rdma *dev, uint8_t port, struct xpdk_rdma_gid *gids,
		   size_t max);

/**
 * Format a GID as "fe80:0000:…" (8 groups of 4 hex digits, pyverbs' form).
 *
 * @param gid      the GID.
 * @param[out] buf the text; "" when @p gid is NULL or @p len is under 40.
 * @param len      size of @p buf, at least 40 bytes.
 * @return @p buf.
 */
const char *xpdk_gid_str(const union ibv_gid *gid, char *buf, size_t len);

/**
 * The verbs context, for what this layer does not wrap.
 * @param dev an open device.
 * @return its ibv_context (owned by @p dev), or NULL when @p dev is NULL.
 */
struct ibv_context *xpdk_rdma_ibv(const struct xpdk_rdma *dev);

/**
 * The device's name.
 * @param dev an open device.
 * @return its name ("rxe0"), valid until it is closed; "" when @p dev is NULL.
 */
const char *xpdk_rdma_name(const struct xpdk_rdma *dev);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Protection domains and memory registration */
/**@{*/

/**
 * Allocate a protection domain. Thread-safe.
 *
 * @param dev an open device.
 * @return the PD, or NULL with errno: EINVAL for a NULL @p dev, ENOMEM, or the errno of
 *         ibv_alloc_pd().
 */
struct xpdk_pd *xpdk_pd_alloc(struct xpdk_rdma *dev);

/**
 * Free a PD and its registration of DMA memory. No other thread may use the PD meanwhile.
 *
 * @param pd the PD; NULL is ignored (returns 0).
 * @return 0, -EBUSY while MRs, QPs or AHs of the PD exist (the PD is then kept), or the errno
 *         of ibv_dealloc_pd().
 */
int xpdk_pd_free(struct xpdk_pd *pd);

/** Default access of DMA memory registrations: local write, remote read and write. */
#define XPDK_MR_ACCESS_DEFAULT                                                                     \
	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ)

/**
 * Register every chunk of EAL memory allocated so far that is not registered yet, one memory
 * region per contiguous chunk. Needs xpdk_env_init(). Optional: xpdk_pd_dma_key() registers on
 * a miss by itself (with the access fixed by the first registration, XPDK_MR_ACCESS_DEFAULT if
 * it was xpdk_pd_dma_key()'s). Thread-safe (serialised per PD).
 *
 * @param pd     the PD.
 * @param access IBV_ACCESS_* flags; 0 for XPDK_MR_ACCESS_DEFAULT. Every registration of a PD's
 *               DMA memory uses the same access.
 * @return the number of regions the PD holds, or a negative errno: -EINVAL for a NULL @p pd,
 *         for an access other than the PD's earlier one, or without xpdk_env_init(); -ENOMEM;
 *         or the errno of ibv_reg_mr() (ENOMEM and EPERM usually mean the locked-memory limit:
 *         the sentence says so). On failure the PD keeps the regions of earlier calls and none
 *         of this call's.
 */
int xpdk_pd_dma_register(struct xpdk_pd *pd, int access);

/**
 * Keys of DMA memory [@p addr, @p addr + @p len): the memory region covering it, registered on
 * first use (a miss walks EAL memory once and registers the new chunks under the PD's lock).
 * Lock-free on a hit. Thread-safe.
 *
 * @param pd        the PD.
 * @param addr      start of the range, in EAL memory (an xpdk_dma_alloc() buffer).
 * @param len       bytes (0 is taken as 1).
 * @param[out] lkey the local key; may be NULL.
 * @param[out] rkey the remote key; may be NULL.
 * @return 0, or a negative errno: -EINVAL for a NULL @p pd or @p addr, -ENOENT when the range
 *         is not in EAL memory (register it with xpdk_mr_reg()), or on a miss an error of the
 *         registration (as xpdk_pd_dma_register()).
 */
int xpdk_pd_dma_key(struct xpdk_pd *pd, const void *addr, size_t len, uint32_t *lkey,
		    uint32_t *rkey);

/**
 * Register a user buffer (any memory, e.g. from malloc()). The PD cannot be freed while the
 * region exists. Thread-safe.
 *
 * @param pd     the PD.
 * @param addr   start of the buffer.
 * @param len    bytes, at least 1.
 * @param access IBV_ACCESS_* flags, passed to ibv_reg_mr() as they are (0 is local read only,
 *               not XPDK_MR_ACCESS_DEFAULT).
 * @return the region, or NULL with errno: EINVAL for a NULL @p pd or @p addr or a @p len of 0,
 *         ENOMEM, or the errno of ibv_reg_mr() (ENOMEM and EPERM usually mean the locked-memory
 *         limit: the sentence says so).
 */
struct xpdk_mr *xpdk_mr_reg(struct xpdk_pd *pd, void *addr, size_t len, int access);

/**
 * Deregister a region and free it. No WR may use it any more.
 *
 * @param mr the region; NULL is ignored (returns 0).
 * @return 0, or the errno of ibv_dereg_mr() (the region is then kept).
 */
int xpdk_mr_dereg(struct xpdk_mr *mr);

/**
 * The region's local key, for struct xpdk_wr::lkey.
 * @param mr a registered region (not NULL).
 * @return its lkey.
 */
uint32_t xpdk_mr_lkey(const struct xpdk_mr *mr);

/**
 * The region's remote key, for a peer's WRITE and READ (struct xpdk_wr::rkey).
 * @param mr a registered region (not NULL).
 * @return its rkey.
 */
uint32_t xpdk_mr_rkey(const struct xpdk_mr *mr);

/**
 * Start of the region.
 * @param mr a registered region (not NULL).
 * @return the address it was registered at.
 */
void *xpdk_mr_addr(const struct xpdk_mr *mr);

/**
 * Length of the region.
 * @param mr a registered region (not NULL).
 * @return its length in bytes.
 */
size_t xpdk_mr_len(const struct xpdk_mr *mr);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Completion queues */
/**@{*/

/** xpdk_cq_create() flag: give the CQ a completion channel (xpdk_cq_wait(), xpdk_cq_fd()). */
#define XPDK_CQ_F_CHANNEL (1u << 0)

/**
 * Create a completion queue.
 *
 * @param dev   an open device.
 * @param size  entries, 1 .. the device's max_cqe (the device may round it up).
 * @param flags 0 or XPDK_CQ_F_CHANNEL.
 * @return the CQ, or NULL with errno: EINVAL for a NULL @p dev, a @p size of 0 or over the
 *         device's limit, or unknown @p flags; ENOMEM; or the errno of
 *         ibv_create_comp_channel() or ibv_create_cq().
 */
struct xpdk_cq *xpdk_cq_create(struct xpdk_rdma *dev, unsigned int size, unsigned int flags);

/**
 * Destroy a CQ (and its channel).
 *
 * @param cq the CQ; NULL is ignored (returns 0).
 * @return 0, -EBUSY while QPs use it, or the errno of ibv_destroy_cq().
 */
int xpdk_cq_destroy(struct xpdk_cq *cq);

/**
 * Poll up to @p n completions into @p wc (one burst). Send completions also credit their QP's
 * send-queue bookkeeping (xpdk_qp_sq_free()), receive completions its count of posted receives
 * (xpdk_qp_rq_posted()), and an error completion resets both (the QP is in error and flushes
 * everything). Call it from the thread that owns the CQ.
 *
 * @param cq      the CQ (not NULL).
 * @param[out] wc room for @p n completions.
 * @param n       most completions to poll.
 * @return the number polled (0 when none, or when @p n is 0), or -EIO when ibv_poll_cq() fails.
 */
int xpdk_cq_poll(struct xpdk_cq *cq, struct ibv_wc *wc, unsigned int n);

/**
 * Called by xpdk_cq_poll_cb() with one burst of completions.
 * @param arg the argument given to xpdk_cq_poll_cb().
 * @param cq  the CQ polled.
 * @param wc  the completions, valid during the call only.
 * @param n   how many (>= 1).
 */
typedef void (*xpdk_cq_cb)(void *arg, struct xpdk_cq *cq, const struct ibv_wc *wc, unsigned int n);

/** Most completions xpdk_cq_poll_cb() polls in one call. */
#define XPDK_CQ_BURST_MAX 64

/**
 * Poll one burst of completions and, when there are any, hand them to @p cb. Made to be the
 * body of a lib/poll handler on an lcore, the thread that owns the CQ.
 *
 * @param cq    the CQ.
 * @param burst most completions; 0 or more than XPDK_CQ_BURST_MAX: XPDK_CQ_BURST_MAX.
 * @param cb    called once with the burst; not called when there is none.
 * @param arg   passed to @p cb.
 * @return the number handed over (0 when idle), or a negative errno: -EINVAL for a NULL @p cq
 *         or @p cb, -EIO when ibv_poll_cq() fails.
 */
int xpdk_cq_poll_cb(struct xpdk_cq *cq, unsigned int burst, xpdk_cq_cb cb, void *arg);

/**
 * Blocking form of xpdk_cq_poll() for a CQ with a channel: polls; when empty, arms the CQ,
 * polls again (completions queued before arming raise no event) and sleeps on the channel, for
 * up to @p timeout_ms in all. Call it from the thread that owns the CQ.
 *
 * @param cq         a CQ created with XPDK_CQ_F_CHANNEL.
 * @param[out] wc    room for @p n completions.
 * @param n          most completions to poll, at least 1.
 * @param timeout_ms how long to wait in all; -1: no limit.
 * @return the number polled, 0 on timeout, or a negative errno: -EINVAL for a NULL @p cq or one
 *         without a channel, -EIO when ibv_poll_cq() fails, or the errno of
 *         ibv_req_notify_cq() or poll().
 */
int xpdk_cq_wait(struct xpdk_cq *cq, struct ibv_wc *wc, unsigned int n, int timeout_ms);

/**
 * File descriptor of the CQ's completion channel: non-blocking, readable once the CQ is armed
 * (as xpdk_cq_wait() does) and a completion arrives.
 * @param cq the CQ.
 * @return the fd (owned by the CQ), or -1 when @p cq is NULL or has no channel.
 */
int xpdk_cq_fd(const struct xpdk_cq *cq);

/**
 * The verbs CQ, for what this layer does not wrap.
 * @param cq the CQ.
 * @return its ibv_cq (owned by @p cq), or NULL when @p cq is NULL.
 */
struct ibv_cq *xpdk_cq_ibv(const struct xpdk_cq *cq);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Queue pairs */
/**@{*/

/** Queue pair type. */
enum xpdk_qp_type {
	XPDK_QP_RC = 0, /**< reliable connected: SEND, WRITE, READ */
	XPDK_QP_UD,	/**< unreliable datagram: SEND only, receives carry a 40-byte GRH */
};

/** Options of xpdk_qp_create(); zeros mean the defaults given. */
struct xpdk_qp_opts {
	enum xpdk_qp_type type;	 /**< XPDK_QP_RC (0) or XPDK_QP_UD */
	struct xpdk_cq *send_cq; /**< required */
	struct xpdk_cq *recv_cq; /**< NULL: send_cq */
	uint32_t sq_depth;	 /**< send WRs; default 128 */
	uint32_t rq_depth;	 /**< receive WRs; default 128 */
	uint32_t max_inline;	 /**< inline bytes per send; default 0 */
	/**
	 * Selective signalling: 0 or 1 signals every send WR; N signals every Nth (and any WR with
	 * XPDK_WR_SIGNALED, and the WR that would otherwise fill the send queue unsignalled).
	 */
	uint32_t sig_every;
	uint32_t qkey;	       /**< UD Q_Key; default 0x11111111 */
	uint8_t max_rd_atomic; /**< RC READs in flight each way; default: the device's maximum */
	uint8_t timeout;       /**< RC local ACK timeout exponent; default 14 (67 ms) */
	uint8_t retry_cnt;     /**< RC retries; default 7 */
	uint8_t rnr_retry;     /**< RC RNR retries; default 7 (for ever) */
};

/**
 * Create a QP in the RESET state, with one scatter/gather element per WR and a random initial
 * PSN. The PD and the CQs are busy (cannot be freed) while it exists.
 *
 * @param pd   the PD (its device is the QP's).
 * @param opts type, CQs and sizes; see struct xpdk_qp_opts.
 * @return the QP, or NULL with errno: EINVAL for a NULL @p pd, @p opts or send CQ, an unknown
 *         type, CQs of another device than the PD's, or a depth over the device's max_qp_wr;
 *         ENOMEM; or the errno of ibv_create_qp().
 */
struct xpdk_qp *xpdk_qp_create(struct xpdk_pd *pd, const struct xpdk_qp_opts *opts);

/**
 * Destroy a QP, and its rdma_cm identity (disconnecting it).
 *
 * @param qp the QP; NULL is ignored (returns 0).
 * @return 0, or the errno of ibv_destroy_qp() (the QP is then kept).
 */
int xpdk_qp_destroy(struct xpdk_qp *qp);

/**
 * The QP number.
 * @param qp the QP (not NULL).
 * @return its number (24 bits).
 */
uint32_t xpdk_qp_num(const struct xpdk_qp *qp);

/**
 * The verbs QP, for what this layer does not wrap.
 * @param qp the QP.
 * @return its ibv_qp (owned by @p qp), or NULL when @p qp is NULL.
 */
struct ibv_qp *xpdk_qp_ibv(const struct xpdk_qp *qp);

/**
 * The QP's current state, as the device reports it (a query, not for the data path).
 * @param qp the QP.
 * @return its state (IBV_QPS_RESET … IBV_QPS_ERR), or a negative errno: -EINVAL for a NULL
 *         @p qp, or the errno of ibv_query_qp().
 */
int xpdk_qp_state(struct xpdk_qp *qp);

/**
 * What a peer needs to reach a QP, for out-of-band exchange. Send it as is between hosts of the
 * same byte order, or through xpdk_qp_addr_pack()/xpdk_qp_addr_unpack() (network order).
 */
struct xpdk_qp_addr {
	uint32_t qpn;	   /**< QP number */
	uint32_t psn;	   /**< first packet sequence number of its send queue (24 bits) */
	uint32_t qkey;	   /**< its UD Q_Key (unused by RC) */
	uint16_t lid;	   /**< the port's LID (0 on RoCE) */
	uint8_t mtu;	   /**< enum ibv_mtu of the port */
	uint8_t rd_atomic; /**< READs this side accepts in flight */
	uint8_t gid[16];   /**< the source GID, raw bytes */
};

/** Size of a packed xpdk_qp_addr. */
#define XPDK_QP_ADDR_WIRE 32

/**
 * Pack an address for the wire: qpn, psn, qkey (32 bits each), lid (16 bits), all in network
 * order, then mtu, rd_atomic and the 16 GID bytes.
 * @param a        the address.
 * @param[out] out its XPDK_QP_ADDR_WIRE bytes.
 */
void xpdk_qp_addr_pack(const struct xpdk_qp_addr *a, uint8_t out[XPDK_QP_ADDR_WIRE]);

/**
 * Unpack an address packed by xpdk_qp_addr_pack() (on any host). Every byte pattern is taken;
 * nothing is checked.
 * @param in     XPDK_QP_ADDR_WIRE bytes.
 * @param[out] a the address.
 */
void xpdk_qp_addr_unpack(const uint8_t in[XPDK_QP_ADDR_WIRE], struct xpdk_qp_addr *a);

/**
 * This QP's address, to give to the peer for xpdk_qp_connect() (or xpdk_ah_create()).
 * @param qp         the QP.
 * @param[out] addr  its QP number, PSN, Q_Key, the port's LID and active MTU, its READ depth and
 *                   the device's source GID.
 * @return 0, or -EINVAL for a NULL argument.
 */
int xpdk_qp_local_addr(const struct xpdk_qp *qp, struct xpdk_qp_addr *addr);

/**
 * Bring a QP to RTS, doing RESET → INIT → RTR → RTS with each state's attribute mask.
 * RC: @p remote is the peer's address (path MTU: the smaller of both ports; READs in flight:
 * the smaller of both sides). UD: @p remote is ignored (may be NULL).
 *
 * @param qp     a QP in the RESET state.
 * @param remote the peer's address (xpdk_qp_local_addr() on its side); an mtu of 0 takes this
 *               port's.
 * @return 0, or a negative errno: -EINVAL for a NULL @p qp, an RC QP without @p remote, or a QP
 *         not in RESET; the errno of ibv_query_qp(); or the errno of ibv_modify_qp() with a
 *         sentence naming the transition that failed (the QP stays in the state it reached).
 */
int xpdk_qp_connect(struct xpdk_qp *qp, const struct xpdk_qp_addr *remote);

/**
 * Move a QP to the ERROR state: every outstanding WR completes with a flush error (poll them to
 * free the queues' slots).
 * @param qp the QP.
 * @return 0, or a negative errno: -EINVAL for a NULL @p qp, or the errno of ibv_modify_qp().
 */
int xpdk_qp_to_error(struct xpdk_qp *qp);

/**
 * Free send-queue slots by XPDK's bookkeeping (posted minus completed by xpdk_cq_poll()).
 * @param qp the QP (not NULL).
 * @return how many send WRs can be posted now.
 */
unsigned int xpdk_qp_sq_free(const struct xpdk_qp *qp);

/**
 * Receive WRs posted and not completed yet (by xpdk_cq_poll() on the QP's receive CQ).
 * @param qp the QP (not NULL).
 * @return their number; the receive queue takes rq_depth minus that many more.
 */
unsigned int xpdk_qp_rq_posted(const struct xpdk_qp *qp);

/**
 * Create an address handle to a UD peer, for struct xpdk_wr::ah. It routes through the PD's
 * device port and source GID, with a GRH on RoCE or when the peer's LID is 0. The PD is busy
 * while it exists.
 *
 * @param pd     the PD (the one of the QPs that send with it).
 * @param remote the peer's address (its lid and gid are used).
 * @return the address handle, or NULL with errno: EINVAL for a NULL argument, ENOMEM, or the
 *         errno of ibv_create_ah() (EINVAL when it gave none; e.g. an unreachable GID).
 */
struct xpdk_ah *xpdk_ah_create(struct xpdk_pd *pd, const struct xpdk_qp_addr *remote);

/**
 * Destroy an address handle; no WR in flight may use it.
 * @param ah the address handle; NULL is ignored (returns 0).
 * @return 0, or the errno of ibv_destroy_ah() (the handle is then kept).
 */
int xpdk_ah_destroy(struct xpdk_ah *ah);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Work requests */
/**@{*/

/** Operation of a send-queue work request. */
enum xpdk_wr_op {
	XPDK_OP_SEND = 0,  /**< send to a posted receive */
	XPDK_OP_SEND_IMM,  /**< send, with immediate data */
	XPDK_OP_WRITE,	   /**< RDMA WRITE to raddr/rkey (RC) */
	XPDK_OP_WRITE_IMM, /**< RDMA WRITE that also consumes a receive, with immediate data (RC) */
	XPDK_OP_READ,	   /**< RDMA READ from raddr/rkey (RC) */
};

/** @name Work request flags */
/**@{*/
#define XPDK_WR_SIGNALED  (1u << 0) /**< always generate a completion */
#define XPDK_WR_INLINE	  (1u << 1) /**< copy the data into the WR (len <= max_inline) */
#define XPDK_WR_FENCE	  (1u << 2) /**< wait for earlier READs */
#define XPDK_WR_SOLICITED (1u << 3) /**< solicited event at the receiver */
#define XPDK_WR_DMA_KEY	  (1u << 4) /**< lkey from the PD's DMA registration (xpdk_pd_dma_key) */
/**@}*/

/** One work request with one scatter/gather element (or none when len is 0). */
struct xpdk_wr {
	uint64_t wr_id;	    /**< the caller's, returned in the completion */
	void *addr;	    /**< local buffer */
	uint32_t len;	    /**< bytes */
	uint32_t lkey;	    /**< its key (ignored with XPDK_WR_INLINE or XPDK_WR_DMA_KEY) */
	uint8_t op;	    /**< enum xpdk_wr_op (send queue only) */
	uint8_t flags;	    /**< XPDK_WR_* */
	uint32_t imm;	    /**< immediate data (network order), *_IMM */
	uint64_t raddr;	    /**< remote address, WRITE/READ */
	uint32_t rkey;	    /**< remote key, WRITE/READ */
	uint32_t rqpn;	    /**< UD: destination QP number */
	uint32_t rqkey;	    /**< UD: destination Q_Key (0: the QP's own) */
	struct xpdk_ah *ah; /**< UD: address handle */
};

/**
 * Post up to @p n send WRs in one burst (chains of up to 32 per doorbell), signalled as
 * struct xpdk_qp_opts::sig_every says. Call it from the thread that owns the QP.
 *
 * @param qp the QP.
 * @param wr the WRs, in order.
 * @param n  how many.
 * @return the number posted, from the first: fewer than @p n when the send queue is full by the
 *         bookkeeping (poll completions and post the rest) or when the WR after the last posted
 *         was refused (post again from it to see why); or a negative errno when nothing
 *         was posted because the first WR was refused: -EINVAL for a NULL argument or a bad WR
 *         (the sentence gives the reason), the error of xpdk_pd_dma_key() for XPDK_WR_DMA_KEY
 *         (-ENOENT: not in EAL memory), or the errno of ibv_post_send().
 */
int xpdk_qp_post_send(struct xpdk_qp *qp, const struct xpdk_wr *wr, unsigned int n);

/**
 * Post up to @p n receive WRs (of each: addr, len, lkey or XPDK_WR_DMA_KEY, wr_id; the rest is
 * ignored). Call it from the thread that owns the QP.
 *
 * @param qp the QP.
 * @param wr the WRs, in order.
 * @param n  how many.
 * @return the number posted, from the first: fewer than @p n when the receive queue is full
 *         (rq_depth WRs not completed yet) or when the WR after the last posted was refused; or
 *         a negative errno when nothing was posted because the first WR was refused: -EINVAL
 *         for a NULL argument or a buffer at NULL, the error of xpdk_pd_dma_key() for
 *         XPDK_WR_DMA_KEY, or the errno of ibv_post_recv().
 */
int xpdk_qp_post_recv(struct xpdk_qp *qp, const struct xpdk_wr *wr, unsigned int n);

/**
 * Name a completion status, for messages.
 * @param status a struct ibv_wc status.
 * @return "remote access error" etc. (ibv_wc_status_str()'s static text).
 */
const char *xpdk_wc_status_str(enum ibv_wc_status status);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Connection management (rdma_cm), RC queue pairs */
/**@{*/

/** Most private-data bytes a connect request carries (RC REQ: 56). */
#define XPDK_CM_PRIV_MAX 56

/**
 * Listen for connections (backlog 16, TCP-style port space). The address must be one the
 * device serves.
 *
 * @param dev  an open device.
 * @param ip   the IPv4 or IPv6 address to listen on; NULL: the address the device's source GID
 *             holds.
 * @param port the port.
 * @return the listener, or NULL with errno: EINVAL for a NULL @p dev or an @p ip that is not an
 *         address, EADDRNOTAVAIL when @p ip is NULL and the GID holds no address, ENODEV when
 *         the address belongs to another RDMA device, ENOMEM, or the errno of rdma_cm (ENODEV or
 *         ENOENT without rdma_ucm, EADDRNOTAVAIL when no device serves the address, EADDRINUSE;
 *         the sentence says which call failed).
 */
struct xpdk_cm_listener *xpdk_cm_listen(struct xpdk_rdma *dev, const char *ip, uint16_t port);

/**
 * Stop listening and drop the requests not taken yet. Requests taken from it
 * (xpdk_cm_get_request()) must be accepted or rejected first.
 * @param l the listener; NULL is ignored.
 */
void xpdk_cm_listener_close(struct xpdk_cm_listener *l);

/**
 * Wait for a connection request (other events on the listener are consumed and ignored).
 *
 * @param l          the listener.
 * @param timeout_ms how long to wait; 0: do not wait; -1: no limit.
 * @return the request, to accept or reject (both consume it), or NULL with errno: EINVAL for a
 *         NULL @p l, ETIMEDOUT, ENOMEM (the request is then rejected), or the errno of
 *         rdma_get_cm_event() or poll().
 */
struct xpdk_cm_req *xpdk_cm_get_request(struct xpdk_cm_listener *l, int timeout_ms);

/**
 * The request's private data (what the peer gave to xpdk_cm_connect(); the transport pads it,
 * up to 56 bytes).
 * @param req       the request.
 * @param[out] len  its length in bytes (0 when @p req is NULL); may be NULL.
 * @return the data, valid until the request is accepted or rejected; NULL when @p req is NULL.
 */
const void *xpdk_cm_req_data(const struct xpdk_cm_req *req, size_t *len);

/**
 * Accept a request with an RC queue pair: brings the QP to RTS with rdma_cm's path
 * attributes, replies @p priv and waits for the connection. The request is consumed whatever
 * the result (rejected when the reply was not sent).
 *
 * @param req        the request, from xpdk_cm_get_request().
 * @param qp         an RC QP in the RESET state, on the device the request came to, not
 *                   connected through rdma_cm before.
 * @param priv       private data for the peer (xpdk_cm_connect()'s @c peer); may be NULL when
 *                   @p len is 0.
 * @param len        its length, up to 196 bytes.
 * @param timeout_ms how long to wait for the connection; -1: no limit.
 * @return 0, or a negative errno: -EINVAL for a NULL @p req or @p qp, @p len over 196, or a
 *         QP that is not an unconnected RC QP; -ENODEV when the request came to another
 *         device; the errno of rdma_cm or of a QP transition; or, after the reply (the QP is
 *         then moved to ERROR), -ETIMEDOUT, -ECONNREFUSED (rejected), -EHOSTUNREACH or -EPROTO
 *         (another event than the connection). After a failure the QP may have left RESET:
 *         destroy it.
 */
int xpdk_cm_accept(struct xpdk_cm_req *req, struct xpdk_qp *qp, const void *priv, size_t len,
		   int timeout_ms);

/**
 * Reject a request; it is consumed.
 * @param req the request; NULL is ignored.
 */
void xpdk_cm_reject(struct xpdk_cm_req *req);

/**
 * Connect an RC queue pair to a listener: resolves the address and route from the QP's
 * device's address, sends @p priv, receives the peer's reply and brings the QP to RTS.
 *
 * @param qp             an RC QP in the RESET state, not connected through rdma_cm before.
 * @param ip             the listener's IPv4 or IPv6 address.
 * @param port           the listener's port.
 * @param priv           private data for the peer (xpdk_cm_req_data()); may be NULL when @p len
 *                       is 0.
 * @param len            its length, up to XPDK_CM_PRIV_MAX (56) bytes.
 * @param[out] peer      the peer's reply (xpdk_cm_accept()'s @c priv), up to *@p peer_len
 *                       bytes; NULL: not wanted.
 * @param[in,out] peer_len size of @p peer; set to the bytes stored. NULL: not wanted.
 * @param timeout_ms     how long to wait for each step (address, route, reply); -1: no limit
 *                       (route resolution itself still gives up after 5 s).
 * @return 0, or a negative errno: -EINVAL for a NULL @p qp or @p ip, @p len over 56, an @p ip
 *         that is not an address, or a QP that is not an unconnected RC QP; -EADDRNOTAVAIL when
 *         the device's source GID holds no address; -ENODEV when the route leaves through
 *         another device; -ECONNREFUSED (rejected, or nobody listening); -ETIMEDOUT;
 *         -EHOSTUNREACH; -EPROTO (an unexpected event); or the errno of rdma_cm or of a QP
 *         transition. After a failure the QP may have left RESET: create another to retry.
 */
int xpdk_cm_connect(struct xpdk_qp *qp, const char *ip, uint16_t port, const void *priv, size_t len,
		    void *peer, size_t *peer_len, int timeout_ms);

/**
 * Handle pending connection events without blocking: when the peer disconnected (or vanished),
 * moves the QP to ERROR so that its outstanding WRs complete with flush errors, and returns 1.
 * Call it from the polling loop now and then (e.g. when the CQ is idle), on the thread that
 * owns the QP.
 *
 * @param qp the QP.
 * @return 0 when still connected, or when the QP has no rdma_cm connection (it was connected
 *         with xpdk_qp_connect(), or xpdk_cm_connect() failed); 1 when disconnected; or
 *         -EINVAL for a NULL @p qp.
 */
int xpdk_qp_cm_poll(struct xpdk_qp *qp);

/**
 * Disconnect (when connected through rdma_cm) and move the QP to ERROR, so that its
 * outstanding WRs complete with flush errors.
 *
 * @param qp the QP.
 * @return 0, or a negative errno: -EINVAL for a NULL @p qp, or the errno of ibv_modify_qp().
 */
int xpdk_qp_disconnect(struct xpdk_qp *qp);
/**@}*/

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_QP_H */
