/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The vfio-user client core: connect and negotiate, then one synchronous call per command with
 * a reply timeout. While it waits for a reply it serves the server's DMA_READ/DMA_WRITE on
 * memory mapped without an fd, since those may arrive between a command and its reply.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfu_priv.h"

#define DEFAULT_TIMEOUT_MS 5000
#define MAX_MEM_WINDOWS	   64

struct mem_win {
	uint64_t iova;
	uint64_t size;
	uint8_t *vaddr;
	uint32_t prot;
};

struct xpdk_vfu_client {
	int sock;
	char path[108];	      /* the server's socket, for messages ("" when attached to an fd) */
	char broken_why[256]; /* why the connection was closed (see broken()) */
	int timeout_ms;
	uint16_t next_id;
	unsigned int minor;
	struct xpdk_vfu_caps caps;
	bool region_known[XPDK_VFU_MAX_REGIONS];
	struct xpdk_vfu_region regions[XPDK_VFU_MAX_REGIONS];
	struct mem_win mem[MAX_MEM_WINDOWS];
	unsigned int nmem;
};

static const char *cmd_name(unsigned int cmd)
{
	static const char *const names[] = {
		"?",
		"VERSION",
		"DMA_MAP",
		"DMA_UNMAP",
		"DEVICE_GET_INFO",
		"DEVICE_GET_REGION_INFO",
		"DEVICE_GET_REGION_IO_FDS",
		"DEVICE_GET_IRQ_INFO",
		"DEVICE_SET_IRQS",
		"REGION_READ",
		"REGION_WRITE",
		"DMA_READ",
		"DMA_WRITE",
		"DEVICE_RESET",
	};

	return cmd < XPDK_ARRAY_SIZE(names) ? names[cmd] : "?";
}

/* Serve a DMA_READ/DMA_WRITE from the server on a window mapped without an fd. */
static int serve_dma(struct xpdk_vfu_client *c, struct vfu_msg *m)
{
	struct xpdk_vfu_dma_access a;
	bool write = m->hdr.cmd == XPDK_VFU_DMA_WRITE;
	struct mem_win *w = NULL;

	if (m->len < sizeof(a))
		return xpdk_vfu_reply(c->sock, m, EINVAL, NULL, 0, NULL, 0, NULL, 0);
	memcpy(&a, m->payload, sizeof(a));
	if (a.count > XPDK_VFU_MAX_DATA_XFER || m->len != sizeof(a) + (write ? a.count : 0))
		return xpdk_vfu_reply(c->sock, m, EINVAL, NULL, 0, NULL, 0, NULL, 0);
	for (unsigned int i = 0; i < c->nmem; i++) {
		struct mem_win *x = &c->mem[i];

		if (a.addr >= x->iova && a.addr - x->iova <= x->size &&
		    a.count <= x->size - (a.addr - x->iova))
			w = x;
	}
	/* DMA_WRITE is the device writing our memory: it needs the WRITE permission */
	if (w == NULL || !(w->prot & (write ? XPDK_VFU_DMA_F_WRITE : XPDK_VFU_DMA_F_READ)))
		return xpdk_vfu_reply(c->sock, m, EFAULT, NULL, 0, NULL, 0, NULL, 0);
	if (write) {
		memcpy(w->vaddr + (a.addr - w->iova), m->payload + sizeof(a), a.count);
		return xpdk_vfu_reply(c->sock, m, 0, &a, sizeof(a), NULL, 0, NULL, 0);
	}
	return xpdk_vfu_reply(c->sock, m, 0, &a, sizeof(a), w->vaddr + (a.addr - w->iova), a.count,
			      NULL, 0);
}

static int handle_incoming(struct xpdk_vfu_client *c, struct vfu_msg *m)
{
	if (m->hdr.cmd == XPDK_VFU_DMA_READ || m->hdr.cmd == XPDK_VFU_DMA_WRITE)
		return serve_dma(c, m);
	return xpdk_vfu_reply(c->sock, m, ENOTSUP, NULL, 0, NULL, 0, NULL, 0);
}

/* The stream is out of step (a reply missing, late, cut or foreign): no later reply can be
 * trusted, so the connection is closed and every later call fails at once. Returns @p rc. */
static int broken(struct xpdk_vfu_client *c, int rc)
{
	if (c->sock >= 0 && c->broken_why[0] == '\0')
		snprintf(c->broken_why, sizeof(c->broken_why), "%s", xpdk_strerror_last());
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	return rc;
}

static int closed_error(const struct xpdk_vfu_client *c)
{
	return xpdk_err(ENOTCONN,
			"the connection to the vfio-user server%s%s was closed after an earlier "
			"error (%s); reopen the device",
			c->path[0] ? " at " : "", c->path, c->broken_why);
}

/*
 * Send a command and wait for its reply (into @p reply, which the caller releases). Serves
 * server commands meanwhile. Error replies become -errno with a sentence.
 */
static int call(struct xpdk_vfu_client *c, uint16_t cmd, const void *p1, size_t l1, const void *p2,
		size_t l2, const int *fds, unsigned int nfds, struct vfu_msg *reply)
{
	uint16_t id = c->next_id++;
	uint64_t deadline = (xpdk_now_ns() / 1000000) + (uint64_t)c->timeout_ms;
	int rc;

	if (c->sock < 0)
		return closed_error(c);
	rc = xpdk_vfu_send(c->sock, id, cmd, XPDK_VFU_F_TYPE_COMMAND, 0, p1, l1, p2, l2, fds, nfds);
	if (rc < 0)
		return broken(c, rc);
	for (;;) {
		uint64_t now = (xpdk_now_ns() / 1000000);
		int left = now >= deadline ? 0 : (int)(deadline - now);

		rc = xpdk_vfu_recv(c->sock, reply, XPDK_VFU_MAX_MSG_SIZE, XPDK_VFU_MAX_FDS, left);
		if (rc < 0)
			(void)broken(c, rc);
		if (rc == -ETIMEDOUT)
			return xpdk_err(ETIMEDOUT, "no reply to %s within %d ms", cmd_name(cmd),
					c->timeout_ms);
		if (rc == -ENOTCONN)
			return xpdk_err(ENOTCONN,
					"the vfio-user server went away before answering %s (it "
					"closed the connection)",
					cmd_name(cmd));
		if (rc < 0)
			return rc;
		if ((reply->hdr.flags & XPDK_VFU_F_TYPE_MASK) == XPDK_VFU_F_TYPE_COMMAND) {
			rc = handle_incoming(c, reply);
			xpdk_vfu_msg_release(reply);
			if (rc < 0)
				return rc;
			continue;
		}
		if (reply->hdr.msg_id != id || reply->hdr.cmd != cmd) {
			uint16_t rid = reply->hdr.msg_id, rcmd = reply->hdr.cmd;

			xpdk_vfu_msg_release(reply);
			(void)broken(c, -EPROTO);
			return xpdk_err(EPROTO, "reply %u/%s does not answer %u/%s", rid,
					cmd_name(rcmd), id, cmd_name(cmd));
		}
		if (reply->hdr.flags & XPDK_VFU_F_ERROR) {
			int err = reply->hdr.error > 0 && reply->hdr.error < 4096
				      ? (int)reply->hdr.error
				      : EIO;

			xpdk_vfu_msg_release(reply);
			return xpdk_err(err, "the vfio-user server refused %s: %s", cmd_name(cmd),
					strerror(err));
		}
		return 0;
	}
}

/* A call whose reply carries nothing we need. */
static int call_simple(struct xpdk_vfu_client *c, uint16_t cmd, const void *p1, size_t l1,
		       const void *p2, size_t l2, const int *fds, unsigned int nfds)
{
	struct vfu_msg r;
	int rc = call(c, cmd, p1, l1, p2, l2, fds, nfds, &r);

	if (rc == 0)
		xpdk_vfu_msg_release(&r);
	return rc;
}

static int negotiate(struct xpdk_vfu_client *c)
{
	struct xpdk_vfu_version v = { .major = XPDK_VFU_MAJOR, .minor = XPDK_VFU_MINOR };
	char caps[256];
	struct vfu_msg r;
	int n, rc;

	n = xpdk_vfu_caps_json(caps, sizeof(caps), XPDK_VFU_MAX_FDS);
	if (n < 0)
		return xpdk_err(ENOSPC, "capabilities do not fit");
	rc = call(c, XPDK_VFU_VERSION, &v, sizeof(v), caps, (size_t)n + 1, NULL, 0, &r);
	if (rc < 0)
		return rc;
	if (r.len < sizeof(v) || r.nfds != 0) {
		xpdk_vfu_msg_release(&r);
		return xpdk_err(EPROTO, "malformed VERSION reply");
	}
	memcpy(&v, r.payload, sizeof(v));
	if (v.major != XPDK_VFU_MAJOR || v.minor > XPDK_VFU_MINOR)
		rc = xpdk_err(EPROTO, "server answered vfio-user %u.%u to our %u.%u", v.major,
			      v.minor, XPDK_VFU_MAJOR, XPDK_VFU_MINOR);
	else if (r.len > sizeof(v) && r.payload[r.len - 1] != '\0')
		rc = xpdk_err(EPROTO, "VERSION capabilities are not NUL-terminated");
	else
		rc = xpdk_vfu_caps_parse(
		    r.len > sizeof(v) ? (const char *)r.payload + sizeof(v) : NULL, &c->caps);
	if (rc == 0)
		c->minor = v.minor;
	xpdk_vfu_msg_release(&r);
	return rc;
}

/* Options from a newer XPDK than this one are refused, not half-applied (doc/sdk.md). */
static int check_opts(const struct xpdk_vfu_client_opts *opts)
{
	if (opts != NULL && (opts->comp_mask & ~XPDK_VFU_CLIENT_OPTS_KNOWN) != 0)
		return xpdk_err(
		    EINVAL,
		    "struct xpdk_vfu_client_opts: unknown comp_mask bits 0x%x (this XPDK "
		    "knows 0x%x): the program was built against a newer XPDK",
		    opts->comp_mask & ~XPDK_VFU_CLIENT_OPTS_KNOWN, XPDK_VFU_CLIENT_OPTS_KNOWN);
	return 0;
}

struct xpdk_vfu_client *xpdk_vfu_client_attach(int sock, const struct xpdk_vfu_client_opts *opts)
{
	struct xpdk_vfu_client *c;
	int rc;

	if (check_opts(opts) < 0) {
		close(sock);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(sock);
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	c->sock = sock;
	c->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->next_id = 1;
	rc = negotiate(c);
	if (rc < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
		xpdk_vfu_client_close(c);
		xpdk_err(-rc, "vfio-user version negotiation failed: %s", why);
		return NULL;
	}
	return c;
}

/* Why nobody answers at @p path, when connect() was refused: a stale socket or not a socket. */
static void explain_refused(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		xpdk_err(ENOTSOCK, "%s is not a vfio-user socket but a %s", path,
			 S_ISDIR(st.st_mode)	? "directory"
			 : S_ISFIFO(st.st_mode) ? "FIFO"
			 : S_ISREG(st.st_mode)	? "regular file"
			 : S_ISLNK(st.st_mode)	? "symbolic link"
						: "device or other file");
	else
		xpdk_err(ECONNREFUSED,
			 "nobody serves %s: the socket is stale (its server exited); "
			 "start its vfio-user server again",
			 path);
}

/*
 * connect() within @p timeout_ms: a UNIX socket whose listen backlog is full would block a
 * blocking connect() until a slot frees, so the socket is non-blocking and a full backlog
 * (EAGAIN) is retried until the deadline.
 */
static int connect_by(int sock, const struct sockaddr_un *sa, const char *path, int timeout_ms)
{
	uint64_t deadline = xpdk_now_ns() + (uint64_t)timeout_ms * 1000000;
	unsigned int pause_us = 1000;

	for (;;) {
		int err;

		if (connect(sock, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		err = errno;
		if (err == EINTR)
			continue;
		if (err == ECONNREFUSED) {
			explain_refused(path);
			return -errno;
		}
		if (err == ENOENT)
			return xpdk_err(err, "no vfio-user socket at %s (is its server running?)",
					path);
		if (err != EAGAIN)
			return xpdk_err(err, "cannot connect to %s: %s", path, strerror(err));
		if (xpdk_now_ns() >= deadline)
			return xpdk_err(ETIMEDOUT,
					"the vfio-user server at %s is busy: its queue of waiting "
					"connections stayed full for %d ms",
					path, timeout_ms);
		usleep(pause_us);
		if (pause_us < 50000)
			pause_us *= 2;
	}
}

struct xpdk_vfu_client *xpdk_vfu_client_connect(const char *path,
						const struct xpdk_vfu_client_opts *opts)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xpdk_vfu_client *c;
	int sock, rc;

	if (check_opts(opts) < 0)
		return NULL;
	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		xpdk_err(EINVAL, "socket path '%s' is empty or too long", path ? path : "");
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sock < 0) {
		xpdk_err(errno, "socket: %s", strerror(errno));
		return NULL;
	}
	rc = connect_by(sock, &sa, path,
			opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS);
	/* the codec polls and uses MSG_DONTWAIT itself: back to a blocking socket */
	if (rc == 0 && fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) & ~O_NONBLOCK) < 0)
		rc = xpdk_err(errno, "fcntl: %s", strerror(errno));
	if (rc < 0) {
		close(sock);
		errno = -rc;
		return NULL;
	}
	c = xpdk_vfu_client_attach(sock, opts);
	if (c != NULL)
		snprintf(c->path, sizeof(c->path), "%s", path);
	return c;
}

void xpdk_vfu_client_close(struct xpdk_vfu_client *c)
{
	if (c == NULL)
		return;
	for (unsigned int i = 0; i < XPDK_VFU_MAX_REGIONS; i++)
		for (unsigned int j = 0; j < c->regions[i].nareas; j++)
			if (c->regions[i].areas[j].ptr != NULL)
				munmap(c->regions[i].areas[j].ptr, c->regions[i].areas[j].size);
	if (c->sock >= 0)
		close(c->sock);
	free(c);
}

const struct xpdk_vfu_caps *xpdk_vfu_client_caps(const struct xpdk_vfu_client *c)
{
	return &c->caps;
}

unsigned int xpdk_vfu_client_minor(const struct xpdk_vfu_client *c)
{
	return c->minor;
}

int xpdk_vfu_client_fd(const struct xpdk_vfu_client *c)
{
	return c->sock;
}

int xpdk_vfu_client_device_info(struct xpdk_vfu_client *c, struct xpdk_vfu_device_info *info)
{
	struct xpdk_vfu_device_info req = { .argsz = sizeof(req) };
	struct vfu_msg r;
	int rc = call(c, XPDK_VFU_DEVICE_GET_INFO, &req, sizeof(req), NULL, 0, NULL, 0, &r);

	if (rc < 0)
		return rc;
	if (r.len < sizeof(*info))
		rc = xpdk_err(EPROTO, "DEVICE_GET_INFO reply of %zu bytes is too short", r.len);
	else
		memcpy(info, r.payload, sizeof(*info));
	xpdk_vfu_msg_release(&r);
	if (rc == 0 &&
	    (info->num_regions > XPDK_VFU_MAX_REGIONS || info->num_irqs > XPDK_VFU_MAX_IRQ_TYPES))
		rc = xpdk_err(EPROTO, "server claims %u regions and %u IRQ types (at most %d, %d)",
			      info->num_regions, info->num_irqs, XPDK_VFU_MAX_REGIONS,
			      XPDK_VFU_MAX_IRQ_TYPES);
	return rc;
}

/*
 * Whether (@p fd, [@p off, @p off + @p len)) can be mapped without a SIGBUS on access: a regular
 * file (memfd, shared memory, hugetlbfs) that holds the whole range. Anything else a hostile
 * server could pass (a short file, a pipe, a socket) is refused.
 */
static int check_map_fd(int fd, unsigned int index, uint64_t off, uint64_t len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return xpdk_err(errno, "region %u: fstat of the server's fd: %s", index,
				strerror(errno));
	if (!S_ISREG(st.st_mode))
		return xpdk_err(EPROTO,
				"region %u: the server's fd to map is not a memory file "
				"(mode 0%o)",
				index, (unsigned int)(st.st_mode & S_IFMT));
	if (off + len < off || st.st_size < 0 || off + len > (uint64_t)st.st_size)
		return xpdk_err(EPROTO,
				"region %u: the server's fd holds %lld bytes, too few for the "
				"mappable part at 0x%llx+0x%llx",
				index, (long long)st.st_size, (unsigned long long)off,
				(unsigned long long)len);
	return 0;
}

/* Map the areas of a region from the server's fd; a hostile reply cannot make us read past it.
 * Returns 0 or a negative errno (an fd that cannot hold what the reply says is mappable). */
static int map_region(struct xpdk_vfu_region *reg, unsigned int index,
		      const struct vfio_region_info *ri, const struct vfu_msg *r, int fd)
{
	int prot = ((ri->flags & VFIO_REGION_INFO_FLAG_READ) ? PROT_READ : 0) |
		   ((ri->flags & VFIO_REGION_INFO_FLAG_WRITE) ? PROT_WRITE : 0);
	const struct vfio_region_info_cap_sparse_mmap *sp = NULL;
	int rc;

	if (ri->flags & VFIO_REGION_INFO_FLAG_CAPS) {
		uint32_t off = ri->cap_offset;

		for (int hops = 0; hops < 16 && off >= sizeof(*ri) &&
				   off + sizeof(struct vfio_info_cap_header) <= r->len;
		     hops++) {
			const struct vfio_info_cap_header *h = (const void *)(r->payload + off);

			if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP &&
			    off + sizeof(*sp) <= r->len) {
				sp = (const void *)h;
				if (sp->nr_areas > XPDK_VFU_MAX_AREAS ||
				    off + sizeof(*sp) + sp->nr_areas * sizeof(sp->areas[0]) >
					r->len)
					sp = NULL; /* truncated: ignore, use the slow path */
				break;
			}
			if (h->next <= off)
				break; /* a loop */
			off = h->next;
		}
	}
	if (sp != NULL) {
		for (uint32_t i = 0; i < sp->nr_areas; i++) {
			const struct vfio_region_sparse_mmap_area *a = &sp->areas[i];
			void *p;

			if (a->size == 0 || a->offset > ri->size || a->size > ri->size - a->offset)
				continue;
			rc = check_map_fd(fd, index, ri->offset + a->offset, a->size);
			if (rc < 0)
				return rc;
			p = mmap(NULL, a->size, prot, MAP_SHARED, fd,
				 (off_t)(ri->offset + a->offset));
			if (p == MAP_FAILED)
				continue;
			reg->areas[reg->nareas].offset = a->offset;
			reg->areas[reg->nareas].size = a->size;
			reg->areas[reg->nareas].ptr = p;
			reg->nareas++;
		}
	} else {
		void *p;

		rc = check_map_fd(fd, index, ri->offset, ri->size);
		if (rc < 0)
			return rc;
		p = mmap(NULL, ri->size, prot, MAP_SHARED, fd, (off_t)ri->offset);
		if (p != MAP_FAILED) {
			reg->areas[0].offset = 0;
			reg->areas[0].size = ri->size;
			reg->areas[0].ptr = p;
			reg->nareas = 1;
		}
	}
	return 0;
}

int xpdk_vfu_client_region(struct xpdk_vfu_client *c, unsigned int index,
			   const struct xpdk_vfu_region **region)
{
	/* a buffer large enough for any capability chain, so the server sends caps and fd at once
	 */
	struct vfio_region_info req = { .argsz = 4096, .index = index };
	struct xpdk_vfu_region *reg;
	struct vfio_region_info ri;
	struct vfu_msg r;
	int rc;

	if (index >= XPDK_VFU_MAX_REGIONS)
		return xpdk_err(EINVAL, "region %u does not exist", index);
	reg = &c->regions[index];
	if (c->region_known[index]) {
		*region = reg;
		return 0;
	}
	rc = call(c, XPDK_VFU_DEVICE_GET_REGION_INFO, &req, sizeof(req), NULL, 0, NULL, 0, &r);
	if (rc < 0)
		return rc;
	if (r.len < sizeof(ri) || r.nfds > 1) {
		xpdk_vfu_msg_release(&r);
		return xpdk_err(EPROTO, "malformed DEVICE_GET_REGION_INFO reply");
	}
	memcpy(&ri, r.payload, sizeof(ri));
	memset(reg, 0, sizeof(*reg));
	reg->size = ri.size;
	reg->flags = ri.flags;
	if ((ri.flags & VFIO_REGION_INFO_FLAG_MMAP) && r.nfds == 1 && ri.size > 0)
		rc = map_region(reg, index, &ri, &r, r.fds[0]);
	xpdk_vfu_msg_release(&r); /* closes the fd: the mappings stay */
	if (rc < 0) {
		for (unsigned int i = 0; i < reg->nareas; i++)
			munmap(reg->areas[i].ptr, reg->areas[i].size);
		memset(reg, 0, sizeof(*reg));
		return rc;
	}
	c->region_known[index] = true;
	*region = reg;
	return 0;
}

static int region_rw(struct xpdk_vfu_client *c, unsigned int index, uint64_t off, void *buf,
		     size_t count, bool write)
{
	size_t chunk = c->caps.max_data_xfer_size < XPDK_VFU_MAX_DATA_XFER
			   ? (size_t)c->caps.max_data_xfer_size
			   : XPDK_VFU_MAX_DATA_XFER;

	while (count > 0) {
		struct xpdk_vfu_region_access a = {
			.offset = off,
			.region = index,
			.count = (uint32_t)(count < chunk ? count : chunk),
		};
		struct vfu_msg r;
		int rc = call(c, write ? XPDK_VFU_REGION_WRITE : XPDK_VFU_REGION_READ, &a,
			      sizeof(a), write ? buf : NULL, write ? a.count : 0, NULL, 0, &r);

		if (rc < 0)
			return rc;
		if (!write) {
			if (r.len != sizeof(a) + a.count) {
				size_t got = r.len;

				xpdk_vfu_msg_release(&r);
				return xpdk_err(
				    EPROTO,
				    "malformed REGION_READ reply: %zu bytes of payload for "
				    "%u bytes asked (%zu expected)",
				    got, a.count, sizeof(a) + a.count);
			}
			memcpy(buf, r.payload + sizeof(a), a.count);
		}
		xpdk_vfu_msg_release(&r);
		off += a.count;
		buf = (uint8_t *)buf + a.count;
		count -= a.count;
	}
	return 0;
}

int xpdk_vfu_client_region_read(struct xpdk_vfu_client *c, unsigned int index, uint64_t off,
				void *buf, size_t count)
{
	return region_rw(c, index, off, buf, count, false);
}

int xpdk_vfu_client_region_write(struct xpdk_vfu_client *c, unsigned int index, uint64_t off,
				 const void *buf, size_t count)
{
	return region_rw(c, index, off, (void *)(uintptr_t)buf, count, true);
}

int xpdk_vfu_client_irq_info(struct xpdk_vfu_client *c, unsigned int index,
			     struct vfio_irq_info *info)
{
	struct vfio_irq_info req = { .argsz = sizeof(req), .index = index };
	struct vfu_msg r;
	int rc = call(c, XPDK_VFU_DEVICE_GET_IRQ_INFO, &req, sizeof(req), NULL, 0, NULL, 0, &r);

	if (rc < 0)
		return rc;
	if (r.len < sizeof(*info))
		rc = xpdk_err(EPROTO, "DEVICE_GET_IRQ_INFO reply is too short");
	else
		memcpy(info, r.payload, sizeof(*info));
	xpdk_vfu_msg_release(&r);
	return rc;
}

int xpdk_vfu_client_set_irqs(struct xpdk_vfu_client *c, unsigned int index, unsigned int start,
			     unsigned int count, const int *fds)
{
	unsigned int chunk = c->caps.max_msg_fds ? c->caps.max_msg_fds : 1;

	if (fds == NULL || count == 0) {
		struct vfio_irq_set set = {
			.argsz = sizeof(set),
			.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
		};

		return call_simple(c, XPDK_VFU_DEVICE_SET_IRQS, &set, sizeof(set), NULL, 0, NULL,
				   0);
	}
	if (chunk > XPDK_VFU_MAX_FDS)
		chunk = XPDK_VFU_MAX_FDS;
	for (unsigned int done = 0; done < count;) {
		unsigned int n = count - done < chunk ? count - done : chunk;
		struct vfio_irq_set set = {
			.argsz = sizeof(set),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
			.start = start + done,
			.count = n,
		};
		int rc = call_simple(c, XPDK_VFU_DEVICE_SET_IRQS, &set, sizeof(set), NULL, 0,
				     fds + done, n);

		if (rc < 0)
			return rc;
		done += n;
	}
	return 0;
}

static int dma_map(struct xpdk_vfu_client *c, uint64_t iova, uint64_t size, int fd, uint64_t offset,
		   uint32_t prot)
{
	struct xpdk_vfu_dma_map dm = {
		.argsz = sizeof(dm),
		.flags = prot,
		.offset = fd >= 0 ? offset : 0,
		.addr = iova,
		.size = size,
	};

	return call_simple(c, XPDK_VFU_DMA_MAP, &dm, sizeof(dm), NULL, 0, fd >= 0 ? &fd : NULL,
			   fd >= 0 ? 1 : 0);
}

int xpdk_vfu_client_dma_map_fd(struct xpdk_vfu_client *c, uint64_t iova, uint64_t size, int fd,
			       uint64_t offset, uint32_t prot)
{
	if (fd < 0)
		return xpdk_err(EINVAL, "DMA_MAP by fd needs an fd");
	return dma_map(c, iova, size, fd, offset, prot);
}

int xpdk_vfu_client_dma_map_mem(struct xpdk_vfu_client *c, uint64_t iova, uint64_t size,
				void *vaddr, uint32_t prot)
{
	int rc;

	if (c->nmem == MAX_MEM_WINDOWS)
		return xpdk_err(ENOSPC, "at most %d DMA windows without an fd", MAX_MEM_WINDOWS);
	rc = dma_map(c, iova, size, -1, 0, prot);
	if (rc == 0)
		c->mem[c->nmem++] = (struct mem_win){ iova, size, vaddr, prot };
	return rc;
}

int xpdk_vfu_client_dma_unmap(struct xpdk_vfu_client *c, uint64_t iova, uint64_t size, bool all)
{
	struct xpdk_vfu_dma_unmap du = {
		.argsz = sizeof(du),
		.flags = all ? XPDK_VFU_UNMAP_F_ALL : 0,
		.addr = all ? 0 : iova,
		.size = all ? 0 : size,
	};
	struct vfu_msg r;
	int rc = call(c, XPDK_VFU_DMA_UNMAP, &du, sizeof(du), NULL, 0, NULL, 0, &r);

	if (rc < 0)
		return rc;
	xpdk_vfu_msg_release(&r); /* the echoed request: read whole, as msg_size says */
	for (unsigned int i = 0; i < c->nmem;) {
		if (all || (c->mem[i].iova == iova && c->mem[i].size == size))
			c->mem[i] = c->mem[--c->nmem];
		else
			i++;
	}
	return 0;
}

int xpdk_vfu_client_reset(struct xpdk_vfu_client *c)
{
	return call_simple(c, XPDK_VFU_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0);
}

int xpdk_vfu_client_poll(struct xpdk_vfu_client *c, int timeout_ms)
{
	int served = 0;

	if (c->sock < 0)
		return closed_error(c);
	for (;;) {
		struct vfu_msg m;
		int rc = xpdk_vfu_recv(c->sock, &m, XPDK_VFU_MAX_MSG_SIZE, XPDK_VFU_MAX_FDS,
				       served ? 0 : timeout_ms);

		if (rc == -ETIMEDOUT) {
			xpdk_err_clear();
			return served;
		}
		if (rc < 0)
			return rc;
		if ((m.hdr.flags & XPDK_VFU_F_TYPE_MASK) == XPDK_VFU_F_TYPE_COMMAND) {
			rc = handle_incoming(c, &m);
			served++;
		}
		xpdk_vfu_msg_release(&m);
		if (rc < 0)
			return rc;
	}
}
