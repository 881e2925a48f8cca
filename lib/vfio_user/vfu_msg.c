/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The vfio-user codec and transport: whole messages in one sendmsg() with SCM_RIGHTS, the header
 * read with recvmsg() (and its fds), then the payload; strict header validation; version
 * capabilities in JSON with json-c.
 */

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "vfu_priv.h"

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc;

	do {
		rc = poll(&p, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return -ETIMEDOUT;
	if (rc < 0)
		return -errno;
	return 0;
}

/* Milliseconds left until @p deadline_ns (0 when it has passed). */
static int ms_left(uint64_t deadline_ns)
{
	uint64_t now = xpdk_now_ns();

	return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

uint64_t xpdk_vfu_spin_ns(void)
{
	static _Atomic int64_t spin = -1;
	int64_t v = atomic_load(&spin);

	if (v < 0) {
		const char *e = getenv("XPDK_VFU_SPIN_US");
		uint64_t us = VFU_SPIN_US_DEFAULT;

		if (e != NULL && xpdk_parse_u64(e, &us) < 0)
			us = VFU_SPIN_US_DEFAULT;
		v = (int64_t)(us > 1000000 ? 1000000 : us) * 1000;
		atomic_store(&spin, v);
	}
	return (uint64_t)v;
}

bool xpdk_vfu_spin_readable(int sock)
{
	uint64_t budget = xpdk_vfu_spin_ns(), t0;
	char b;

	if (budget == 0)
		return false;
	t0 = xpdk_now_ns();
	for (;;) {
		ssize_t n = recv(sock, &b, 1, MSG_PEEK | MSG_DONTWAIT);

		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			return true; /* data, end of stream or an error: the caller reads it */
		if (xpdk_now_ns() - t0 > budget)
			return false;
		sched_yield(); /* a peer on this core runs now; on another core this returns */
	}
}

int xpdk_vfu_send(int sock, uint16_t msg_id, uint16_t cmd, uint32_t flags, uint32_t error,
		  const void *p1, size_t l1, const void *p2, size_t l2, const int *fds,
		  unsigned int nfds)
{
	struct xpdk_vfu_hdr hdr = {
		.msg_id = msg_id,
		.cmd = cmd,
		.msg_size = (uint32_t)(sizeof(hdr) + l1 + l2),
		.flags = flags,
		.error = error,
	};
	struct iovec iov[3] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)(uintptr_t)p1, .iov_len = l1 },
		{ .iov_base = (void *)(uintptr_t)p2, .iov_len = l2 },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * XPDK_VFU_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };
	size_t total = hdr.msg_size, sent = 0;
	/* one deadline for the whole message: a peer reading a byte at a time cannot hold us */
	uint64_t deadline = xpdk_now_ns() + (uint64_t)VFU_MSG_REST_MS * 1000000;

	if (nfds > XPDK_VFU_MAX_FDS)
		return xpdk_err(EINVAL, "%u fds in one message (at most %d)", nfds,
				XPDK_VFU_MAX_FDS);
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	while (sent < total) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(sock, POLLOUT, ms_left(deadline)) < 0)
				return xpdk_err(ETIMEDOUT,
						"vfio-user peer does not read its socket "
						"(%zu of %zu bytes sent in %d ms)",
						sent, total, VFU_MSG_REST_MS);
			continue;
		}
		if (n <= 0)
			return xpdk_err(ENOTCONN, "vfio-user peer went away (%s)",
					n < 0 ? strerror(errno) : "closed");
		sent += (size_t)n;
		/* the rest of a large message goes without the fds (already sent) */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		while (n > 0 && mh.msg_iovlen > 0) {
			size_t take =
			    (size_t)n < mh.msg_iov->iov_len ? (size_t)n : mh.msg_iov->iov_len;

			mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + take;
			mh.msg_iov->iov_len -= take;
			n -= (ssize_t)take;
			if (mh.msg_iov->iov_len == 0) {
				mh.msg_iov++;
				mh.msg_iovlen--;
			}
		}
	}
	return 0;
}

/* Read exactly @p len bytes by @p deadline_ns: a peer that trickles a message byte by byte
 * cannot stretch it past the deadline, however short each wait is. */
static int read_full(int sock, void *buf, size_t len, uint64_t deadline_ns)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(sock, (char *)buf + got, len - got, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int rc = wait_fd(sock, POLLIN, ms_left(deadline_ns));

			if (rc == -ETIMEDOUT)
				return xpdk_err(
				    ETIMEDOUT,
				    "vfio-user peer did not send a whole message in time "
				    "(%zu of %zu bytes)",
				    got, len);
			if (rc < 0)
				return xpdk_err(-rc, "poll: %s", strerror(-rc));
			continue;
		}
		if (n <= 0)
			return xpdk_err(ENOTCONN,
					"vfio-user peer went away in the middle of a "
					"message (%s)",
					n < 0 ? strerror(errno) : "end of stream");
		got += (size_t)n;
	}
	return 0;
}

int xpdk_vfu_recv(int sock, struct vfu_msg *m, size_t max_size, unsigned int max_fds,
		  int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * XPDK_VFU_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = &m->hdr, .iov_len = sizeof(m->hdr) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	uint64_t start = xpdk_now_ns(), deadline;
	bool spun = false;
	ssize_t n;
	int rc;

	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < XPDK_VFU_MAX_FDS; i++)
		m->fds[i] = -1;
	/* try at once; wait only when nothing is there (saves a poll per message) */
	for (;;) {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n >= 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		if (errno == EINTR)
			continue;
		/* a peer on another core answers within microseconds: spin a little before
		 * sleeping, as a wake-up across cores can cost tens of them */
		if (!spun && timeout_ms != 0) {
			spun = true;
			if (xpdk_vfu_spin_readable(sock))
				continue;
		}
		rc = wait_fd(sock, POLLIN,
			     timeout_ms > 0 ? ms_left(start + (uint64_t)timeout_ms * 1000000)
					    : timeout_ms);
		if (rc == -ETIMEDOUT)
			return xpdk_err(ETIMEDOUT, "no vfio-user message within %d ms", timeout_ms);
		if (rc < 0)
			return xpdk_err(-rc, "poll: %s", strerror(-rc));
	}
	if (n <= 0)
		return xpdk_err(ENOTCONN, "vfio-user peer went away (%s)",
				n < 0 ? strerror(errno) : "end of stream");
	/* the whole message by one deadline: the caller's (but never less than a second from the
	 * first byte, so that a short wait does not cut a large message in two), or, waiting
	 * without one, VFU_MSG_REST_MS from its first byte */
	deadline = xpdk_now_ns() +
		   (uint64_t)(timeout_ms > 0 ? VFU_MSG_MIN_REST_MS : VFU_MSG_REST_MS) * 1000000;
	if (timeout_ms > 0 && start + (uint64_t)timeout_ms * 1000000 > deadline)
		deadline = start + (uint64_t)timeout_ms * 1000000;
	/* take the fds first, so that every error path below closes them */
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (m->nfds < XPDK_VFU_MAX_FDS)
					m->fds[m->nfds++] = fd;
				else
					close(fd);
			}
		}
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		xpdk_vfu_msg_release(m);
		return xpdk_err(EPROTO, "vfio-user message carried more fds than we accept");
	}
	if ((size_t)n < sizeof(m->hdr)) {
		rc = read_full(sock, (char *)&m->hdr + n, sizeof(m->hdr) - (size_t)n, deadline);
		if (rc < 0) {
			xpdk_vfu_msg_release(m);
			return rc;
		}
	}
	if (m->nfds > max_fds) {
		unsigned int nfds = m->nfds;

		xpdk_vfu_msg_release(m);
		return xpdk_err(EPROTO, "vfio-user message carried %u fds, at most %u allowed",
				nfds, max_fds);
	}
	if (m->hdr.msg_size < sizeof(m->hdr)) {
		uint32_t sz = m->hdr.msg_size;

		xpdk_vfu_msg_release(m);
		return xpdk_err(EPROTO, "vfio-user message size %u is smaller than its header", sz);
	}
	if (m->hdr.msg_size > max_size) {
		uint32_t sz = m->hdr.msg_size;

		xpdk_vfu_msg_release(m);
		return xpdk_err(EMSGSIZE,
				"vfio-user message of %u bytes exceeds the %zu-byte limit", sz,
				max_size);
	}
	m->len = m->hdr.msg_size - sizeof(m->hdr);
	if (m->len > 0) {
		m->payload = malloc(m->len);
		if (m->payload == NULL) {
			xpdk_vfu_msg_release(m);
			return xpdk_err(ENOMEM, "out of memory for a vfio-user message");
		}
		rc = read_full(sock, m->payload, m->len, deadline);
		if (rc < 0) {
			xpdk_vfu_msg_release(m);
			return rc;
		}
	}
	return 0;
}

void xpdk_vfu_msg_release(struct vfu_msg *m)
{
	for (unsigned int i = 0; i < m->nfds; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
	m->nfds = 0;
	free(m->payload);
	m->payload = NULL;
	m->len = 0;
}

/* Fault injection: send the reply with field @p req->corrupt corrupted. */
static int reply_corrupt(int sock, const struct vfu_msg *req, int err, const void *p1, size_t l1,
			 const void *p2, size_t l2, const int *fds, unsigned int nfds)
{
	uint16_t id = req->hdr.msg_id, cmd = req->hdr.cmd;
	size_t len = err ? 0 : l1 + l2;
	uint8_t *buf = calloc(1, len + 4);
	int rc;

	if (buf == NULL)
		return xpdk_err(ENOMEM, "out of memory");
	if (len > 0) {
		memcpy(buf, p1, l1);
		if (l2 > 0)
			memcpy(buf + l1, p2, l2);
	}
	switch (req->corrupt) {
	case XPDK_VFU_CORRUPT_ID:
		id++;
		break;
	case XPDK_VFU_CORRUPT_CMD:
		cmd = cmd == XPDK_VFU_DEVICE_RESET ? XPDK_VFU_VERSION : cmd + 1;
		break;
	case XPDK_VFU_CORRUPT_SIZE:
		len = len > 0 ? len - 1 : 4;
		break;
	case XPDK_VFU_CORRUPT_DATA:
		/* a REGION_READ's data, or the whole payload of other replies */
		for (size_t i = cmd == XPDK_VFU_REGION_READ && len > l1 ? l1 : 0; i < len; i++)
			buf[i] = (uint8_t)~buf[i];
		break;
	}
	rc = xpdk_vfu_send(sock, id, cmd, XPDK_VFU_F_TYPE_REPLY | (err ? XPDK_VFU_F_ERROR : 0),
			   (uint32_t)err, buf, len, NULL, 0, err ? NULL : fds, err ? 0 : nfds);
	free(buf);
	return rc;
}

int xpdk_vfu_reply(int sock, const struct vfu_msg *req, int err, const void *p1, size_t l1,
		   const void *p2, size_t l2, const int *fds, unsigned int nfds)
{
	if (req->hdr.flags & XPDK_VFU_F_NO_REPLY)
		return 0;
	if (req->corrupt != 0)
		return reply_corrupt(sock, req, err, p1, l1, p2, l2, fds, nfds);
	if (err != 0)
		return xpdk_vfu_send(sock, req->hdr.msg_id, req->hdr.cmd,
				     XPDK_VFU_F_TYPE_REPLY | XPDK_VFU_F_ERROR, (uint32_t)err, NULL,
				     0, NULL, 0, NULL, 0);
	return xpdk_vfu_send(sock, req->hdr.msg_id, req->hdr.cmd, XPDK_VFU_F_TYPE_REPLY, 0, p1, l1,
			     p2, l2, fds, nfds);
}

int xpdk_vfu_caps_json(char *buf, size_t len, unsigned int max_fds)
{
	int n = snprintf(buf, len,
			 "{\"capabilities\":{\"max_msg_fds\":%u,\"max_data_xfer_size\":%u,"
			 "\"max_dma_maps\":%u,\"pgsizes\":%u}}",
			 max_fds, (unsigned int)XPDK_VFU_MAX_DATA_XFER,
			 (unsigned int)XPDK_VFU_MAX_DMA_MAPS, 4096u);

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int xpdk_vfu_caps_json_subset(char *buf, size_t len, unsigned int max_fds, const char *proposed)
{
	const char *keys[] = { "max_msg_fds", "max_data_xfer_size", "max_dma_maps", "pgsizes" };
	const uint64_t vals[] = { max_fds, XPDK_VFU_MAX_DATA_XFER, XPDK_VFU_MAX_DMA_MAPS, 4096 };
	struct json_object *root = proposed ? json_tokener_parse(proposed) : NULL, *c = NULL;
	size_t used;
	int n;

	if (root != NULL && json_object_is_type(root, json_type_object))
		json_object_object_get_ex(root, "capabilities", &c);
	if (c != NULL && !json_object_is_type(c, json_type_object))
		c = NULL;
	n = snprintf(buf, len, "{\"capabilities\":{");
	used = n < 0 ? len : (size_t)n;
	for (size_t i = 0, k = 0; i < XPDK_ARRAY_SIZE(keys) && used < len; i++) {
		if (c == NULL || !json_object_object_get_ex(c, keys[i], NULL))
			continue;
		n = snprintf(buf + used, len - used, "%s\"%s\":%llu", k++ ? "," : "", keys[i],
			     (unsigned long long)vals[i]);
		used = n < 0 ? len : used + (size_t)n;
	}
	if (used < len) {
		n = snprintf(buf + used, len - used, "}}");
		used = n < 0 ? len : used + (size_t)n;
	}
	json_object_put(root);
	return used >= len ? -ENOSPC : (int)used;
}

static int get_u64(struct json_object *caps, const char *key, uint64_t min, uint64_t max,
		   uint64_t *out)
{
	struct json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(caps, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return xpdk_err(EINVAL, "vfio-user capability '%s' is not an integer", key);
	errno = 0;
	x = json_object_get_int64(v);
	if (errno != 0 || x < 0 || (uint64_t)x < min || (uint64_t)x > max)
		return xpdk_err(EINVAL, "vfio-user capability '%s' = %lld is out of range", key,
				(long long)x);
	*out = (uint64_t)x;
	return 0;
}

int xpdk_vfu_caps_parse(const char *json, struct xpdk_vfu_caps *caps)
{
	struct json_object *root, *c;
	uint64_t v;
	int rc = 0;

	caps->max_msg_fds = 1;
	caps->max_data_xfer_size = 1u << 20;
	caps->max_dma_maps = 65535;
	caps->pgsizes = 4096;
	if (json == NULL || json[0] == '\0')
		return 0;
	root = json_tokener_parse(json);
	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return xpdk_err(EINVAL, "vfio-user VERSION capabilities are not a JSON object");
	}
	if (!json_object_object_get_ex(root, "capabilities", &c)) {
		json_object_put(root);
		return 0;
	}
	if (!json_object_is_type(c, json_type_object)) {
		json_object_put(root);
		return xpdk_err(EINVAL, "vfio-user 'capabilities' is not a JSON object");
	}
	v = caps->max_msg_fds;
	rc = get_u64(c, "max_msg_fds", 0, 1024, &v);
	caps->max_msg_fds = (uint32_t)v;
	if (rc == 0)
		rc = get_u64(c, "max_data_xfer_size", 1, 1ULL << 32, &caps->max_data_xfer_size);
	v = caps->max_dma_maps;
	if (rc == 0)
		rc = get_u64(c, "max_dma_maps", 1, UINT32_MAX, &v);
	caps->max_dma_maps = (uint32_t)v;
	if (rc == 0)
		rc = get_u64(c, "pgsizes", 1, UINT64_MAX >> 1, &caps->pgsizes);
	json_object_put(root);
	return rc;
}
