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
 * Names of the RDMA devices present, separated by single spaces, into @p buf.
 * @return the number of devices (0 when the kernel has RDMA but no device), or a negative errno:
 *         -ENOSYS when the kernel has no RDMA (the sentence says how to get a device).
 */
int xpdk_rdma_list(char *buf, size_t len);

/**
 * Open an RDMA device by name, or by an IPv4/IPv6 address one of its GIDs holds.
 * @return the device, or NULL with errno: ENOSYS (no RDMA in the kernel), ENODEV (no such device
 *         or no device serves that address; the sentence names what exists), EINVAL (no such
 *         port or GID; the sentence lists the valid ones).
 */
struct xpdk_rdma *xpdk_rdma_open(const char *name_or_ip, const struct xpdk_rdma_opts *opts);

/** Close a device; its PDs, CQs and QPs must be gone. NULL is ignored. */
void xpdk_rdma_close(struct xpdk_rdma *dev);

/** What xpdk_rdma_query() reports. */
struct xpdk_rdma_info {
	char name[64];
	char fw_ver[64];
	uint64_t node_guid; /**< host order */
	uint32_t vendor_id, vendor_part_id, hw_ver;
	int phys_port_cnt;
	int max_qp, max_qp_wr, max_sge, max_cq, max_cqe, max_mr, max_pd, max_ah;
	int max_qp_rd_atom, max_qp_init_rd_atom;
	uint64_t max_mr_size;
	uint8_t port;		   /**< the port opened */
	enum ibv_port_state state; /**< its state */
	enum ibv_mtu active_mtu, max_mtu;
	uint8_t link_layer; /**< IBV_LINK_LAYER_* */
	uint32_t max_msg_sz;
	int gid_tbl_len;
	int gid_index;	   /**< the source GID index chosen */
	union ibv_gid gid; /**< its GID */
	char gid_type[16]; /**< "IB/RoCE v1" or "RoCE v2" */
	char netdev[32];   /**< the GID's network interface, "" if none */
	char addr[48];	   /**< the GID as an IP address when it holds one, else "" */
	bool mlx5dv;	   /**< mlx5dv_is_supported() said yes (nothing more is claimed) */
};

/** Query the device and the port and GID opened. @return 0 or a negative errno. */
int xpdk_rdma_query(const struct xpdk_rdma *dev, struct xpdk_rdma_info *info);

/** One GID table entry. */
struct xpdk_rdma_gid {
	int index;
	union ibv_gid gid;
	uint32_t type; /**< IBV_GID_TYPE_IB, _ROCE_V1, _ROCE_V2 */
	char netdev[32];
};

/**
 * The valid (non-zero) GIDs of @p port (0: the port opened) into @p gids.
 * @return how many there are (may exceed @p max; only @p max are stored), or a negative errno.
 */
int xpdk_rdma_gids(const struct xpdk_rdma *dev, uint8_t port, struct xpdk_rdma_gid *gids,
		   size_t max);

/** "fe80:0000:…" (8 groups, pyverbs' form) of @p gid into @p buf (at least 40 bytes). */
const char *xpdk_gid_str(const union ibv_gid *gid, char *buf, size_t len);

/** The verbs context, for what this layer does not wrap. */
struct ibv_context *xpdk_rdma_ibv(const struct xpdk_rdma *dev);
/** The device's name. */
const char *xpdk_rdma_name(const struct xpdk_rdma *dev);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Protection domains and memory registration */
/**@{*/

/** Allocate a protection domain. @return it, or NULL with errno. */
struct xpdk_pd *xpdk_pd_alloc(struct xpdk_rdma *dev);

/**
 * Free a PD and its registration of DMA memory. @return 0, or -EBUSY while MRs, QPs or AHs of
 * the PD exist (the PD is then kept). NULL is ignored (returns 0).
 */
int xpdk_pd_free(struct xpdk_pd *pd);

/** Default access of DMA memory registrations: local write, remote read and write. */
#define XPDK_MR_ACCESS_DEFAULT                                                                     \
	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ)

/**
 * Register every chunk of EAL memory allocated so far that is not registered yet, one memory
 * region per contiguous chunk, with @p access (IBV_ACCESS_* flags; 0 for
 * XPDK_MR_ACCESS_DEFAULT; every call on a PD must use the same access).
 * Needs xpdk_env_init(). Optional: xpdk_pd_dma_key() registers on a miss by itself.
 * @return the number of regions the PD holds, or a negative errno.
 */
int xpdk_pd_dma_register(struct xpdk_pd *pd, int access);

/**
 * Keys of DMA memory [@p addr, @p addr + @p len): the memory region covering it, registered on
 * first use (a miss walks EAL memory once and registers the new chunks). Lock-free on a hit.
 * @return 0, or -ENOENT when the range is not in EAL memory (register it with xpdk_mr_reg()).
 */
int xpdk_pd_dma_key(struct xpdk_pd *pd, const void *addr, size_t len, uint32_t *lkey,
		    uint32_t *rkey);

/** Register a user buffer. @return the region, or NULL with errno. */
struct xpdk_mr *xpdk_mr_reg(struct xpdk_pd *pd, void *addr, size_t len, int access);
/** Deregister a region. @return 0 or a negative errno. NULL is ignored. */
int xpdk_mr_dereg(struct xpdk_mr *mr);
uint32_t xpdk_mr_lkey(const struct xpdk_mr *mr);
uint32_t xpdk_mr_rkey(const struct xpdk_mr *mr);
void *xpdk_mr_addr(const struct xpdk_mr *mr);
size_t xpdk_mr_len(const struct xpdk_mr *mr);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Completion queues */
/**@{*/

/** xpdk_cq_create() flag: give the CQ a completion channel (xpdk_cq_wait(), xpdk_cq_fd()). */
#define XPDK_CQ_F_CHANNEL (1u << 0)

/** Create a CQ of at least @p size entries. @return it, or NULL with errno. */
struct xpdk_cq *xpdk_cq_create(struct xpdk_rdma *dev, unsigned int size, unsigned int flags);
/** Destroy a CQ. @return 0, or -EBUSY while QPs use it. NULL is ignored. */
int xpdk_cq_destroy(struct xpdk_cq *cq);

/**
 * Poll up to @p n completions into @p wc (one burst). Send completions also credit their QP's
 * send-queue bookkeeping (xpdk_qp_sq_free()).
 * @return the number polled (0 when none), or a negative errno.
 */
int xpdk_cq_poll(struct xpdk_cq *cq, struct ibv_wc *wc, unsigned int n);

/** Called by xpdk_cq_poll_cb() with one burst of @p n completions. */
typedef void (*xpdk_cq_cb)(void *arg, struct xpdk_cq *cq, const struct ibv_wc *wc, unsigned int n);

/** Most completions xpdk_cq_poll_cb() polls in one call. */
#define XPDK_CQ_BURST_MAX 64

/**
 * Poll one burst of up to @p burst (at most XPDK_CQ_BURST_MAX) completions and, when there
 * are any, hand them to @p cb. Made to be the body of a lib/poll handler on an lcore.
 * @return the number handed over (0 when idle), or a negative errno.
 */
int xpdk_cq_poll_cb(struct xpdk_cq *cq, unsigned int burst, xpdk_cq_cb cb, void *arg);

/**
 * Blocking form of xpdk_cq_poll() for a CQ with a channel: polls; when empty, arms the CQ,
 * polls again (completions queued before arming raise no event) and sleeps on the channel, for
 * up to @p timeout_ms in all (-1: no limit).
 * @return the number polled, 0 on timeout, or a negative errno (-EINVAL without a channel).
 */
int xpdk_cq_wait(struct xpdk_cq *cq, struct ibv_wc *wc, unsigned int n, int timeout_ms);

/** File descriptor of the CQ's channel (non-blocking; readable once armed), or -1. */
int xpdk_cq_fd(const struct xpdk_cq *cq);

/** The verbs CQ. */
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
	enum xpdk_qp_type type;
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

/** Create a QP in the RESET state. @return it, or NULL with errno. */
struct xpdk_qp *xpdk_qp_create(struct xpdk_pd *pd, const struct xpdk_qp_opts *opts);

/** Destroy a QP (and its rdma_cm identity, disconnecting it). @return 0 or a negative errno. */
int xpdk_qp_destroy(struct xpdk_qp *qp);

/** The QP number. */
uint32_t xpdk_qp_num(const struct xpdk_qp *qp);
/** The verbs QP. */
struct ibv_qp *xpdk_qp_ibv(const struct xpdk_qp *qp);
/** Current state (IBV_QPS_*) as the device reports it, or a negative errno. */
int xpdk_qp_state(struct xpdk_qp *qp);

/**
 * What a peer needs to reach a QP, for out-of-band exchange. Send it as is between hosts of the
 * same byte order, or through xpdk_qp_addr_pack()/xpdk_qp_addr_unpack() (network order).
 */
struct xpdk_qp_addr {
	uint32_t qpn;
	uint32_t psn;
	uint32_t qkey;
	uint16_t lid;
	uint8_t mtu;	   /**< enum ibv_mtu of the port */
	uint8_t rd_atomic; /**< READs this side accepts in flight */
	uint8_t gid[16];
};

/** Size of a packed xpdk_qp_addr. */
#define XPDK_QP_ADDR_WIRE 32
void xpdk_qp_addr_pack(const struct xpdk_qp_addr *a, uint8_t out[XPDK_QP_ADDR_WIRE]);
void xpdk_qp_addr_unpack(const uint8_t in[XPDK_QP_ADDR_WIRE], struct xpdk_qp_addr *a);

/** This QP's address. @return 0 or a negative errno. */
int xpdk_qp_local_addr(const struct xpdk_qp *qp, struct xpdk_qp_addr *addr);

/**
 * Bring a QP to RTS, doing RESET → INIT → RTR → RTS with each state's attribute mask.
 * RC: @p remote is the peer's address (path MTU: the smaller of both ports). UD: @p remote is
 * ignored (may be NULL).
 * @return 0, or a negative errno naming the transition that failed.
 */
int xpdk_qp_connect(struct xpdk_qp *qp, const struct xpdk_qp_addr *remote);

/** Move a QP to the ERROR state: every outstanding WR completes with a flush error. */
int xpdk_qp_to_error(struct xpdk_qp *qp);

/** Free send-queue slots by XPDK's bookkeeping (posted minus completed by xpdk_cq_poll()). */
unsigned int xpdk_qp_sq_free(const struct xpdk_qp *qp);
/** Receive WRs posted and not completed yet. */
unsigned int xpdk_qp_rq_posted(const struct xpdk_qp *qp);

/** Create an address handle to a UD peer. @return it, or NULL with errno. */
struct xpdk_ah *xpdk_ah_create(struct xpdk_pd *pd, const struct xpdk_qp_addr *remote);
/** Destroy an address handle. NULL is ignored. */
int xpdk_ah_destroy(struct xpdk_ah *ah);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Work requests */
/**@{*/

/** Operation of a send-queue work request. */
enum xpdk_wr_op {
	XPDK_OP_SEND = 0,
	XPDK_OP_SEND_IMM,
	XPDK_OP_WRITE,
	XPDK_OP_WRITE_IMM,
	XPDK_OP_READ,
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
	uint64_t wr_id;
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
 * Post up to @p n send WRs in one burst (chains of up to 32 per doorbell).
 * @return the number posted: fewer than @p n when the send queue is full by the bookkeeping
 *         (poll completions and post the rest), or a negative errno when the first WR was
 *         refused (EINVAL for a bad WR, with the reason; the device's errno otherwise).
 */
int xpdk_qp_post_send(struct xpdk_qp *qp, const struct xpdk_wr *wr, unsigned int n);

/** Post up to @p n receive WRs (addr, len, lkey or XPDK_WR_DMA_KEY, wr_id). Same returns. */
int xpdk_qp_post_recv(struct xpdk_qp *qp, const struct xpdk_wr *wr, unsigned int n);

/** "remote access error" etc. for a completion status. */
const char *xpdk_wc_status_str(enum ibv_wc_status status);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Connection management (rdma_cm), RC queue pairs */
/**@{*/

/** Most private-data bytes a connect request carries (RC REQ: 56). */
#define XPDK_CM_PRIV_MAX 56

/**
 * Listen for connections on @p ip (NULL: the device's address) port @p port (TCP-style port
 * space). The address must be one the device serves.
 * @return the listener, or NULL with errno.
 */
struct xpdk_cm_listener *xpdk_cm_listen(struct xpdk_rdma *dev, const char *ip, uint16_t port);
/** Stop listening. NULL is ignored. */
void xpdk_cm_listener_close(struct xpdk_cm_listener *l);

/**
 * Wait up to @p timeout_ms (-1: no limit) for a connection request.
 * @return the request, or NULL with errno (ETIMEDOUT).
 */
struct xpdk_cm_req *xpdk_cm_get_request(struct xpdk_cm_listener *l, int timeout_ms);
/** The request's private data and its length (the transport pads it; up to 56 bytes). */
const void *xpdk_cm_req_data(const struct xpdk_cm_req *req, size_t *len);

/**
 * Accept a request with RC queue pair @p qp (created in the RESET state on the same device),
 * replying @p priv (up to 196 bytes); brings the QP to RTS and waits up to @p timeout_ms for
 * the connection. The request is consumed whatever the result.
 * @return 0 or a negative errno.
 */
int xpdk_cm_accept(struct xpdk_cm_req *req, struct xpdk_qp *qp, const void *priv, size_t len,
		   int timeout_ms);
/** Reject a request (consumed). */
void xpdk_cm_reject(struct xpdk_cm_req *req);

/**
 * Connect RC queue pair @p qp (RESET state) to @p ip : @p port, sending @p priv (up to 56
 * bytes) and receiving the peer's reply into @p peer (up to *@p peer_len bytes; *@p peer_len is
 * set to the bytes stored). The source address is the QP's device's. Brings the QP to RTS.
 * @return 0, or a negative errno (ECONNREFUSED: rejected or nobody listening; ETIMEDOUT; ENODEV:
 *         the route leaves through another device).
 */
int xpdk_cm_connect(struct xpdk_qp *qp, const char *ip, uint16_t port, const void *priv, size_t len,
		    void *peer, size_t *peer_len, int timeout_ms);

/**
 * Handle pending connection events without blocking: when the peer disconnected (or vanished),
 * moves the QP to ERROR so that its outstanding WRs complete with flush errors, and returns 1.
 * Call it from the polling loop now and then (e.g. when the CQ is idle).
 * @return 0 when still connected, 1 when disconnected, or a negative errno.
 */
int xpdk_qp_cm_poll(struct xpdk_qp *qp);

/** Disconnect (when connected through rdma_cm) and move the QP to ERROR. */
int xpdk_qp_disconnect(struct xpdk_qp *qp);
/**@}*/

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_QP_H */
