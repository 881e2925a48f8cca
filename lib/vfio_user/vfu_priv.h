/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to lib/vfio_user: the message codec shared by the client and the server. */

#ifndef XPDK_VFU_PRIV_H
#define XPDK_VFU_PRIV_H

#include "xpdk_vfio_user.h"

_Static_assert(sizeof(struct xpdk_vfu_hdr) == 16, "vfio-user header is 16 bytes");
_Static_assert(sizeof(struct xpdk_vfu_version) == 4, "VERSION head is 4 bytes");
_Static_assert(sizeof(struct xpdk_vfu_dma_map) == 32, "DMA_MAP payload is 32 bytes");
_Static_assert(sizeof(struct xpdk_vfu_dma_unmap) == 24, "DMA_UNMAP payload is 24 bytes");
_Static_assert(sizeof(struct xpdk_vfu_region_access) == 16, "REGION_* head is 16 bytes");
_Static_assert(sizeof(struct xpdk_vfu_dma_access) == 16, "DMA_* head is 16 bytes");
_Static_assert(sizeof(struct xpdk_vfu_device_info) == 16, "device info is 16 bytes");
_Static_assert(sizeof(struct vfio_region_info) == 32, "region info is 32 bytes");
_Static_assert(sizeof(struct vfio_irq_info) == 16, "IRQ info is 16 bytes");
_Static_assert(sizeof(struct vfio_irq_set) == 20, "IRQ set head is 20 bytes");

/* A received message: header, payload (malloc'd, len = msg_size - 16) and received fds. */
struct vfu_msg {
	struct xpdk_vfu_hdr hdr;
	uint8_t *payload;
	size_t len;
	int fds[XPDK_VFU_MAX_FDS];
	unsigned int nfds;
	enum xpdk_vfu_corrupt corrupt; /* fault injection: xpdk_vfu_reply() corrupts this field */
};

/* Send one message: header + up to two payload pieces + fds, the fds with the first byte; the
 * whole message within VFU_MSG_REST_MS (-ETIMEDOUT when the peer does not read it). */
int xpdk_vfu_send(int sock, uint16_t msg_id, uint16_t cmd, uint32_t flags, uint32_t error,
		  const void *p1, size_t l1, const void *p2, size_t l2, const int *fds,
		  unsigned int nfds);

/* Receive one message of at most @p max_size bytes with at most @p max_fds fds: the whole message
 * within @p timeout_ms (or VFU_MSG_MIN_REST_MS of its first byte, if later); with 0 or -1 (no
 * wait, or forever for its first byte) the rest of it within VFU_MSG_REST_MS of the first byte.
 * -ENOTCONN on EOF/short read/reset, -ETIMEDOUT, -EPROTO for a malformed header or truncated
 * ancillary data, -EMSGSIZE when too large. */
int xpdk_vfu_recv(int sock, struct vfu_msg *m, size_t max_size, unsigned int max_fds,
		  int timeout_ms);

#define VFU_MSG_REST_MS	    5000
#define VFU_MSG_MIN_REST_MS 1000

/* How long a side waiting for a message spins before it sleeps (XPDK_VFU_SPIN_US, default
 * VFU_SPIN_US_DEFAULT; 0 never spins). */
#define VFU_SPIN_US_DEFAULT 50
uint64_t xpdk_vfu_spin_ns(void);
/* Spin (yielding) up to xpdk_vfu_spin_ns() until @sock has something to read; true if it has. */
bool xpdk_vfu_spin_readable(int sock);

/* Close the fds the handler did not take (set to -1 those it took) and free the payload. */
void xpdk_vfu_msg_release(struct vfu_msg *m);

/* Reply to command @p req: header only with the error flag when @p err != 0. */
int xpdk_vfu_reply(int sock, const struct vfu_msg *req, int err, const void *p1, size_t l1,
		   const void *p2, size_t l2, const int *fds, unsigned int nfds);

/* JSON capabilities we announce. */
int xpdk_vfu_caps_json(char *buf, size_t len, unsigned int max_fds);
/* The same, limited to the members present in the peer's @p proposed JSON (may be NULL): a
 * VERSION reply's capabilities must be a subset of those proposed. */
int xpdk_vfu_caps_json_subset(char *buf, size_t len, unsigned int max_fds, const char *proposed);

/* Fault injection in the server (vfu_fault.c): the state of one client, zeroed when it connects. */
struct vfu_fault_state {
	uint64_t t0_ns;		  /* when the client connected */
	uint64_t nreq;		  /* its commands so far */
	uint64_t tick_ns;	  /* call the hook without a command then (0: never) */
	uint64_t storm_period_ns; /* an interrupt storm: every this long (0: none) */
	uint64_t storm_next_ns;
	bool stopped; /* XPDK_VFU_FAULT_STOP: nothing is answered any more */
};

/* Milliseconds the server may sleep before xpdk_vfu_fault_tick() has something to do (-1: any). */
int xpdk_vfu_fault_wait_ms(const struct vfu_fault_state *fs);
/* Timed faults and interrupt storms that are due: 0, or a negative errno to drop the client. */
int xpdk_vfu_fault_tick(struct xpdk_vfu_server *s, const struct xpdk_vfu_device_desc *desc,
			struct vfu_fault_state *fs, int stop_fd);
/* Before handling the client's command @p m on @p sock: 0 to handle it (m->corrupt may be set),
 * 1 when it has been dealt with (dropped or answered), a negative errno to drop the client. */
int xpdk_vfu_fault_command(struct xpdk_vfu_server *s, const struct xpdk_vfu_device_desc *desc,
			   struct vfu_fault_state *fs, int sock, int stop_fd, struct vfu_msg *m);

/* Monotonic milliseconds. */

#endif /* XPDK_VFU_PRIV_H */
