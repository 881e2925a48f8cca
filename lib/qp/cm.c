/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Connection management through librdmacm for RC QPs created by xpdk_qp_create() (not by
 * rdma_create_qp(): the QP lives on XPDK's own verbs context, so rdma_cm only exchanges the
 * connection; the QP is moved INIT → RTR → RTS here with the attributes rdma_init_qp_attr()
 * computes from the resolved path). Every wait has a timeout; a vanished peer shows up as a
 * DISCONNECTED event, which xpdk_qp_cm_poll() turns into flush completions.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qp_priv.h"
#include "xpdk_common.h"

struct xpdk_cm_listener {
	struct xpdk_rdma *dev;
	struct rdma_event_channel *ch;
	struct rdma_cm_id *id;
	char addr[64];
};

struct xpdk_cm_req {
	struct xpdk_cm_listener *l;
	struct rdma_cm_id *id;
	uint8_t data[256];
	size_t len;
};

static const char *ev_name(enum rdma_cm_event_type t)
{
	return rdma_event_str(t);
}

/* Wait for the next event on @p ch for up to @p timeout_ms (-1: for ever). 0 or -errno. */
static int next_event(struct rdma_event_channel *ch, int timeout_ms, struct rdma_cm_event **ev)
{
	struct pollfd pfd = { .fd = ch->fd, .events = POLLIN };
	uint64_t deadline = timeout_ms < 0 ? 0 : xpdk_now_ns() + (uint64_t)timeout_ms * 1000000;

	for (;;) {
		int left = -1, rc;

		if (rdma_get_cm_event(ch, ev) == 0)
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return xpdk_err(errno, "rdma_get_cm_event: %s", strerror(errno));
		if (timeout_ms >= 0) {
			uint64_t now = xpdk_now_ns();

			if (now >= deadline)
				return -ETIMEDOUT;
			left = (int)((deadline - now + 999999) / 1000000);
		}
		rc = poll(&pfd, 1, left);
		if (rc < 0 && errno != EINTR)
			return xpdk_err(errno, "poll: %s", strerror(errno));
	}
}

/* Wait for an event of type @p want on @p ch; anything else is an error. */
static int expect(struct rdma_event_channel *ch, enum rdma_cm_event_type want, int timeout_ms,
		  const char *what, void *priv, size_t *priv_len)
{
	struct rdma_cm_event *ev;
	int rc = next_event(ch, timeout_ms, &ev);

	if (rc == -ETIMEDOUT)
		return xpdk_err(ETIMEDOUT, "%s: no %s within %d ms", what, ev_name(want),
				timeout_ms);
	if (rc < 0)
		return rc;
	if (ev->event != want) {
		enum rdma_cm_event_type got = ev->event;
		int status = ev->status;

		rdma_ack_cm_event(ev);
		if (got == RDMA_CM_EVENT_REJECTED)
			return xpdk_err(ECONNREFUSED,
					"%s: rejected by the peer (nobody listening there, or it "
					"refused)",
					what);
		if (got == RDMA_CM_EVENT_UNREACHABLE || got == RDMA_CM_EVENT_ADDR_ERROR ||
		    got == RDMA_CM_EVENT_ROUTE_ERROR)
			return xpdk_err(EHOSTUNREACH,
					"%s: %s (status %d): the peer cannot be reached", what,
					ev_name(got), status);
		return xpdk_err(EPROTO, "%s: expected %s, got %s (status %d)", what, ev_name(want),
				ev_name(got), status);
	}
	if (priv != NULL && priv_len != NULL) {
		size_t n = ev->param.conn.private_data_len;

		if (n > *priv_len)
			n = *priv_len;
		if (n && ev->param.conn.private_data)
			memcpy(priv, ev->param.conn.private_data, n);
		*priv_len = n;
	}
	rdma_ack_cm_event(ev);
	return 0;
}

static int parse_addr(const char *ip, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return 0;
	}
	return xpdk_err(EINVAL, "'%s' is not an IPv4 or IPv6 address", ip);
}

/* The device's own address (its source GID as an IP address). */
static int dev_addr(const struct xpdk_rdma *dev, char *buf, size_t len)
{
	qp_gid_to_ip(&dev->gid, buf, len);
	if (buf[0] == '\0')
		return xpdk_err(EADDRNOTAVAIL,
				"%s GID %d holds no IP address; give the address, or add one to "
				"its network interface",
				dev->name, dev->gid_index);
	return 0;
}

static int check_device(const struct rdma_cm_id *id, const struct xpdk_rdma *dev, const char *ip)
{
	const char *name = id->verbs ? ibv_get_device_name(id->verbs->device) : "(none)";

	if (strcmp(name, dev->name) != 0)
		return xpdk_err(ENODEV, "%s is reached through RDMA device %s, not %s", ip, name,
				dev->name);
	return 0;
}

/*
 * RTR from rdma_cm's attributes, but with XPDK's RNR timer: the kernel CM leaves it at 0, which
 * the wire encodes as 655 ms, so a sender that outruns the receives would stall for that long
 * at each RNR NAK (12: 0.64 ms, as perftest).
 */
static int cm_to_rtr(struct xpdk_qp *qp, struct rdma_cm_id *id)
{
	struct ibv_qp_attr a;
	int mask;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	if (rdma_init_qp_attr(id, &a, &mask))
		return xpdk_err(errno, "rdma_init_qp_attr(RTR): %s", strerror(errno));
	a.min_rnr_timer = 12;
	mask |= IBV_QP_MIN_RNR_TIMER;
	return qp_modify(qp, &a, mask, "(rdma_cm)");
}

/* INIT, RTR, RTS from rdma_cm's attributes, with XPDK's access flags and retry settings. */
static int cm_bring_up(struct xpdk_qp *qp, struct rdma_cm_id *id, bool to_rts)
{
	struct ibv_qp_attr a;
	int mask, rc;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	rc = rdma_init_qp_attr(id, &a, &mask);
	if (rc)
		return xpdk_err(errno, "rdma_init_qp_attr(INIT): %s", strerror(errno));
	a.qp_access_flags =
	    IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
	mask |= IBV_QP_ACCESS_FLAGS;
	rc = qp_modify(qp, &a, mask, "(rdma_cm)");
	if (rc < 0 || !to_rts)
		return rc;
	rc = cm_to_rtr(qp, id);
	if (rc < 0)
		return rc;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	rc = rdma_init_qp_attr(id, &a, &mask);
	if (rc)
		return xpdk_err(errno, "rdma_init_qp_attr(RTS): %s", strerror(errno));
	a.timeout = qp->opts.timeout;
	a.retry_cnt = qp->opts.retry_cnt;
	a.rnr_retry = qp->opts.rnr_retry;
	mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY;
	return qp_modify(qp, &a, mask, "(rdma_cm)");
}

static void conn_param(const struct xpdk_qp *qp, struct rdma_conn_param *p, const void *priv,
		       size_t len)
{
	memset(p, 0, sizeof(*p));
	p->private_data = priv;
	p->private_data_len = (uint8_t)len;
	p->responder_resources = qp->opts.max_rd_atomic;
	p->initiator_depth = qp->opts.max_rd_atomic;
	p->retry_count = qp->opts.retry_cnt;
	p->rnr_retry_count = qp->opts.rnr_retry;
	p->qp_num = qp->qp->qp_num;
}

static int nonblock(int fd)
{
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* ---- passive side ---- */

struct xpdk_cm_listener *xpdk_cm_listen(struct xpdk_rdma *dev, const char *ip, uint16_t port)
{
	struct xpdk_cm_listener *l;
	struct sockaddr_storage ss;

	if (dev == NULL) {
		xpdk_err(EINVAL, "xpdk_cm_listen: no device");
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	l->dev = dev;
	if (ip != NULL)
		snprintf(l->addr, sizeof(l->addr), "%s", ip);
	else if (dev_addr(dev, l->addr, sizeof(l->addr)) < 0)
		goto fail;
	if (parse_addr(l->addr, port, &ss) < 0)
		goto fail;
	l->ch = rdma_create_event_channel();
	if (l->ch == NULL) {
		xpdk_err(errno, "rdma_create_event_channel: %s%s", strerror(errno),
			 errno == ENODEV || errno == ENOENT ? " (load rdma_ucm: modprobe rdma_ucm)"
							    : "");
		goto fail;
	}
	nonblock(l->ch->fd);
	if (rdma_create_id(l->ch, &l->id, l, RDMA_PS_TCP)) {
		xpdk_err(errno, "rdma_create_id: %s", strerror(errno));
		goto fail;
	}
	if (rdma_bind_addr(l->id, (struct sockaddr *)&ss)) {
		xpdk_err(errno, "cannot listen on %s port %u: %s%s", l->addr, port, strerror(errno),
			 errno == EADDRNOTAVAIL || errno == ENODEV
			     ? " (no RDMA device serves that address)"
			     : "");
		goto fail;
	}
	if (l->id->verbs != NULL && check_device(l->id, dev, l->addr) < 0)
		goto fail;
	if (rdma_listen(l->id, 16)) {
		xpdk_err(errno, "rdma_listen on %s port %u: %s", l->addr, port, strerror(errno));
		goto fail;
	}
	return l;
fail:
	xpdk_cm_listener_close(l);
	return NULL;
}

void xpdk_cm_listener_close(struct xpdk_cm_listener *l)
{
	if (l == NULL)
		return;
	if (l->id)
		rdma_destroy_id(l->id);
	if (l->ch)
		rdma_destroy_event_channel(l->ch);
	free(l);
}

struct xpdk_cm_req *xpdk_cm_get_request(struct xpdk_cm_listener *l, int timeout_ms)
{
	struct rdma_cm_event *ev;
	struct xpdk_cm_req *req;
	int rc;

	if (l == NULL) {
		xpdk_err(EINVAL, "xpdk_cm_get_request: no listener");
		return NULL;
	}
	for (;;) {
		rc = next_event(l->ch, timeout_ms, &ev);
		if (rc == -ETIMEDOUT) {
			xpdk_err(ETIMEDOUT, "no connection request on %s within %d ms", l->addr,
				 timeout_ms);
			return NULL;
		}
		if (rc < 0)
			return NULL;
		if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST)
			break;
		rdma_ack_cm_event(ev); /* e.g. a request's id that vanished */
	}
	req = calloc(1, sizeof(*req));
	if (req == NULL) {
		rdma_reject(ev->id, NULL, 0);
		rdma_destroy_id(ev->id);
		rdma_ack_cm_event(ev);
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	req->l = l;
	req->id = ev->id;
	req->len = ev->param.conn.private_data_len;
	if (req->len > sizeof(req->data))
		req->len = sizeof(req->data);
	if (req->len && ev->param.conn.private_data)
		memcpy(req->data, ev->param.conn.private_data, req->len);
	rdma_ack_cm_event(ev);
	return req;
}

const void *xpdk_cm_req_data(const struct xpdk_cm_req *req, size_t *len)
{
	if (len)
		*len = req ? req->len : 0;
	return req ? req->data : NULL;
}

void xpdk_cm_reject(struct xpdk_cm_req *req)
{
	if (req == NULL)
		return;
	rdma_reject(req->id, NULL, 0);
	rdma_destroy_id(req->id);
	free(req);
}

int xpdk_cm_accept(struct xpdk_cm_req *req, struct xpdk_qp *qp, const void *priv, size_t len,
		   int timeout_ms)
{
	struct rdma_conn_param p;
	struct rdma_event_channel *ch = NULL;
	int rc;

	if (req == NULL)
		return xpdk_err(EINVAL, "xpdk_cm_accept: no request");
	if (qp == NULL || len > 196 || (len && priv == NULL)) {
		rc = xpdk_err(EINVAL, "xpdk_cm_accept: %s",
			      req == NULL  ? "no request"
			      : qp == NULL ? "no QP"
					   : "private data over 196 bytes");
		goto reject;
	}
	if (qp->type != XPDK_QP_RC || qp->cm_id != NULL) {
		rc = xpdk_err(EINVAL, "xpdk_cm_accept: the QP must be an unconnected RC QP");
		goto reject;
	}
	rc = check_device(req->id, qp->dev, req->l->addr);
	if (rc < 0)
		goto reject;
	/* the connection's events on a channel of its own */
	ch = rdma_create_event_channel();
	if (ch == NULL) {
		rc = xpdk_err(errno, "rdma_create_event_channel: %s", strerror(errno));
		goto reject;
	}
	nonblock(ch->fd);
	if (rdma_migrate_id(req->id, ch)) {
		rc = xpdk_err(errno, "rdma_migrate_id: %s", strerror(errno));
		goto reject;
	}
	rc = cm_bring_up(qp, req->id, true);
	if (rc < 0)
		goto reject;
	conn_param(qp, &p, priv, len);
	if (rdma_accept(req->id, &p)) {
		rc = xpdk_err(errno, "rdma_accept: %s", strerror(errno));
		goto reject;
	}
	qp->cm_id = req->id;
	qp->cm_ch = ch;
	free(req);
	rc =
	    expect(ch, RDMA_CM_EVENT_ESTABLISHED, timeout_ms, "accepting a connection", NULL, NULL);
	if (rc < 0) {
		xpdk_qp_to_error(qp);
		return rc;
	}
	qp->cm_connected = true;
	return 0;
reject:
	rdma_reject(req->id, NULL, 0);
	rdma_destroy_id(req->id);
	if (ch)
		rdma_destroy_event_channel(ch);
	free(req);
	return rc;
}

/* ---- active side ---- */

int xpdk_cm_connect(struct xpdk_qp *qp, const char *ip, uint16_t port, const void *priv, size_t len,
		    void *peer, size_t *peer_len, int timeout_ms)
{
	struct sockaddr_storage dst, src;
	struct rdma_conn_param p;
	char src_ip[64], what[128];
	int rc;

	if (qp == NULL || ip == NULL || len > XPDK_CM_PRIV_MAX || (len && priv == NULL))
		return xpdk_err(EINVAL, "xpdk_cm_connect: %s",
				qp == NULL   ? "no QP"
				: ip == NULL ? "no address"
					     : "private data over 56 bytes");
	if (qp->type != XPDK_QP_RC || qp->cm_id != NULL)
		return xpdk_err(EINVAL, "xpdk_cm_connect: the QP must be an unconnected RC QP");
	rc = parse_addr(ip, port, &dst);
	if (rc < 0)
		return rc;
	rc = dev_addr(qp->dev, src_ip, sizeof(src_ip));
	if (rc < 0)
		return rc;
	parse_addr(src_ip, 0, &src);
	snprintf(what, sizeof(what), "connecting %s to %s port %u", src_ip, ip, port);
	qp->cm_ch = rdma_create_event_channel();
	if (qp->cm_ch == NULL)
		return xpdk_err(errno, "rdma_create_event_channel: %s%s", strerror(errno),
				errno == ENODEV || errno == ENOENT
				    ? " (load rdma_ucm: modprobe rdma_ucm)"
				    : "");
	nonblock(qp->cm_ch->fd);
	if (rdma_create_id(qp->cm_ch, &qp->cm_id, qp, RDMA_PS_TCP)) {
		rc = xpdk_err(errno, "rdma_create_id: %s", strerror(errno));
		goto fail;
	}
	/*
	 * Resolve in short attempts: the kernel re-examines a request waiting for ARP when a
	 * neighbour update arrives, else only at the request's timeout; on rxe over a veth pair
	 * the update was seen to go unnoticed, so a 20 s timeout meant 20 s of waiting.
	 */
	for (int attempt = 0;; attempt++) {
		int step = timeout_ms < 0 || timeout_ms > 1000 ? 1000 : timeout_ms;

		if (rdma_resolve_addr(qp->cm_id, (struct sockaddr *)&src, (struct sockaddr *)&dst,
				      step)) {
			rc = xpdk_err(errno, "%s: rdma_resolve_addr: %s", what, strerror(errno));
			goto fail;
		}
		rc = expect(qp->cm_ch, RDMA_CM_EVENT_ADDR_RESOLVED, step + 1000, what, NULL, NULL);
		if (rc == 0 || (timeout_ms >= 0 && (attempt + 1) * step >= timeout_ms))
			break;
		/* a fresh identity for the next attempt */
		rdma_destroy_id(qp->cm_id);
		qp->cm_id = NULL;
		if (rdma_create_id(qp->cm_ch, &qp->cm_id, qp, RDMA_PS_TCP)) {
			rc = xpdk_err(errno, "rdma_create_id: %s", strerror(errno));
			goto fail;
		}
	}
	if (rc < 0)
		goto fail;
	if (rdma_resolve_route(qp->cm_id, timeout_ms < 0 ? 5000 : timeout_ms)) {
		rc = xpdk_err(errno, "%s: rdma_resolve_route: %s", what, strerror(errno));
		goto fail;
	}
	rc = expect(qp->cm_ch, RDMA_CM_EVENT_ROUTE_RESOLVED, timeout_ms, what, NULL, NULL);
	if (rc < 0)
		goto fail;
	rc = check_device(qp->cm_id, qp->dev, ip);
	if (rc < 0)
		goto fail;
	rc = cm_bring_up(qp, qp->cm_id, false);
	if (rc < 0)
		goto fail;
	conn_param(qp, &p, priv, len);
	if (rdma_connect(qp->cm_id, &p)) {
		rc = xpdk_err(errno, "%s: rdma_connect: %s", what, strerror(errno));
		goto fail;
	}
	/* no QP attached to the id: librdmacm reports the reply for us to finish the QP */
	rc = expect(qp->cm_ch, RDMA_CM_EVENT_CONNECT_RESPONSE, timeout_ms, what, peer, peer_len);
	if (rc < 0)
		goto fail;
	{
		struct ibv_qp_attr a;
		int mask;

		rc = cm_to_rtr(qp, qp->cm_id);
		if (rc < 0)
			goto fail;
		memset(&a, 0, sizeof(a));
		a.qp_state = IBV_QPS_RTS;
		if (rdma_init_qp_attr(qp->cm_id, &a, &mask)) {
			rc = xpdk_err(errno, "rdma_init_qp_attr(RTS): %s", strerror(errno));
			goto fail;
		}
		a.timeout = qp->opts.timeout;
		a.retry_cnt = qp->opts.retry_cnt;
		a.rnr_retry = qp->opts.rnr_retry;
		mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY;
		rc = qp_modify(qp, &a, mask, "(rdma_cm)");
		if (rc < 0)
			goto fail;
	}
	if (rdma_establish(qp->cm_id)) {
		rc = xpdk_err(errno, "%s: rdma_establish: %s", what, strerror(errno));
		goto fail;
	}
	qp->cm_connected = true;
	return 0;
fail:
	if (qp->cm_id) {
		rdma_destroy_id(qp->cm_id);
		qp->cm_id = NULL;
	}
	rdma_destroy_event_channel(qp->cm_ch);
	qp->cm_ch = NULL;
	return rc;
}

int xpdk_qp_cm_poll(struct xpdk_qp *qp)
{
	struct rdma_cm_event *ev;
	int gone = 0;

	if (qp == NULL)
		return xpdk_err(EINVAL, "xpdk_qp_cm_poll: no QP");
	if (qp->cm_ch == NULL)
		return 0;
	while (rdma_get_cm_event(qp->cm_ch, &ev) == 0) {
		enum rdma_cm_event_type t = ev->event;

		rdma_ack_cm_event(ev);
		if (t == RDMA_CM_EVENT_DISCONNECTED || t == RDMA_CM_EVENT_DEVICE_REMOVAL ||
		    t == RDMA_CM_EVENT_TIMEWAIT_EXIT)
			gone = 1;
	}
	if (gone && qp->cm_connected) {
		qp->cm_connected = false;
		rdma_disconnect(qp->cm_id); /* answers the peer's request */
		xpdk_qp_to_error(qp);
	}
	return gone || !qp->cm_connected ? 1 : 0;
}

int xpdk_qp_disconnect(struct xpdk_qp *qp)
{
	if (qp == NULL)
		return xpdk_err(EINVAL, "xpdk_qp_disconnect: no QP");
	if (qp->cm_id != NULL && qp->cm_connected) {
		qp->cm_connected = false;
		rdma_disconnect(qp->cm_id);
	}
	return xpdk_qp_to_error(qp);
}
