/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The vfio-user server core: listen, accept one client at a time, validate and dispatch its
 * commands to a device description, keep its DMA windows (mapped from the fds it passes) and
 * interrupt eventfds, and drop both when it leaves.
 *
 * Locking: the server thread owns the socket. DMA windows and eventfds are also read by device
 * threads (dma_read/write/pin, irq_trigger) under a read lock; the server thread changes them
 * under the write lock, so a DMA_UNMAP or a disconnect waits for in-flight device accesses, as
 * the spec requires before the reply.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfu_priv.h"

#define MSG_TIMEOUT_MS	   5000 /* for a whole message once its first byte arrived */
#define VERSION_TIMEOUT_MS 5000 /* from accept to the client's VERSION */

struct dma_win {
	uint64_t iova;
	uint64_t size;
	uint32_t prot;
	uint8_t *vaddr; /* local address of iova; NULL when mapped without an fd */
	void *map_base; /* the mmap()ed range, rounded to the fd's block size */
	size_t map_len;
	int fd;		 /* a duplicate of the client's fd (for xpdk_vfu_server_dma_fd), or -1 */
	uint64_t fd_off; /* offset of iova in that fd */
};

struct xpdk_vfu_server {
	struct xpdk_vfu_device_desc desc;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;
	int conn_fd;
	bool fd_mode;
	int stop_fd;
	int drop_fd; /* eventfd: xpdk_vfu_server_disconnect() asks to drop the client */
	atomic_bool stopping;
	atomic_bool connected;
	bool versioned;
	struct xpdk_vfu_caps peer;
	struct vfu_fault_state fault; /* fault injection, when desc.fault is set */

	pthread_rwlock_t lock; /* wins, nwins, irq_fds */
	struct dma_win wins[XPDK_VFU_MAX_DMA_MAPS];
	unsigned int nwins;
	int irq_fds[XPDK_VFU_MAX_IRQ_TYPES][XPDK_VFU_MAX_VECTORS];
};

static struct xpdk_vfu_server *server_new(const struct xpdk_vfu_device_desc *desc)
{
	struct xpdk_vfu_server *s;

	if (desc == NULL || desc->num_regions > XPDK_VFU_MAX_REGIONS ||
	    desc->num_irqs > XPDK_VFU_MAX_IRQ_TYPES || desc->region_access == NULL) {
		xpdk_err(EINVAL, "bad vfio-user device description");
		return NULL;
	}
	for (unsigned int i = 0; i < desc->num_irqs; i++) {
		if (desc->irq_count[i] > XPDK_VFU_MAX_VECTORS) {
			xpdk_err(EINVAL, "IRQ type %u has %u vectors (at most %d)", i,
				 desc->irq_count[i], XPDK_VFU_MAX_VECTORS);
			return NULL;
		}
	}
	if (xpdk_vfu_guard_init() < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	s->desc = *desc;
	s->listen_fd = -1;
	s->conn_fd = -1;
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->drop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_rwlock_init(&s->lock, NULL);
	for (unsigned int i = 0; i < XPDK_VFU_MAX_IRQ_TYPES; i++)
		for (unsigned int j = 0; j < XPDK_VFU_MAX_VECTORS; j++)
			s->irq_fds[i][j] = -1;
	if (s->stop_fd < 0 || s->drop_fd < 0) {
		xpdk_err(errno, "eventfd: %s", strerror(errno));
		if (s->stop_fd >= 0)
			close(s->stop_fd);
		if (s->drop_fd >= 0)
			close(s->drop_fd);
		free(s);
		return NULL;
	}
	return s;
}

static const char *file_kind(mode_t mode)
{
	return S_ISREG(mode)	? "regular file"
	       : S_ISDIR(mode)	? "directory"
	       : S_ISFIFO(mode) ? "FIFO"
	       : S_ISLNK(mode)	? "symbolic link"
				: "device or other file";
}

/*
 * Make @p path free for bind(): nothing there, or a stale socket (nobody accepts on it), which
 * is removed. A live socket (another server, or another device of this process) and anything
 * that is not a socket are left alone and refused.
 */
static int claim_path(const struct sockaddr_un *sa, const char *path)
{
	struct stat st;
	int probe, rc, err;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : xpdk_err(errno, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return xpdk_err(EEXIST, "%s exists and is a %s, not a socket: not replacing it",
				path, file_kind(st.st_mode));
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (probe < 0)
		return xpdk_err(errno, "socket: %s", strerror(errno));
	rc = connect(probe, (const struct sockaddr *)sa, sizeof(*sa));
	err = errno;
	close(probe);
	if (rc == 0 || err == EAGAIN || err == EINPROGRESS)
		return xpdk_err(EADDRINUSE,
				"a server is already listening on %s: not taking it over", path);
	if (err != ECONNREFUSED)
		return xpdk_err(err, "cannot tell whether %s is in use: %s", path, strerror(err));
	if (unlink(path) < 0 && errno != ENOENT)
		return xpdk_err(errno, "cannot remove the stale socket %s: %s", path,
				strerror(errno));
	return 0;
}

struct xpdk_vfu_server *xpdk_vfu_server_create(const char *path,
					       const struct xpdk_vfu_device_desc *desc)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xpdk_vfu_server *s;
	mode_t old;

	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		xpdk_err(EINVAL, "socket path '%s' is empty or longer than %zu bytes",
			 path ? path : "", sizeof(sa.sun_path) - 1);
		return NULL;
	}
	s = server_new(desc);
	if (s == NULL)
		return NULL;
	snprintf(s->path, sizeof(s->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0) {
		xpdk_err(errno, "socket: %s", strerror(errno));
		goto fail;
	}
	/* a stale socket left by a crashed server would make bind() fail */
	if (claim_path(&sa, path) < 0) {
		s->path[0] = '\0'; /* not ours: destroy must not remove it */
		goto fail;
	}
	old = umask(0177); /* 0600: authentication is the socket's permissions */
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		umask(old);
		xpdk_err(errno, "cannot listen on %s: %s", path, strerror(errno));
		s->path[0] = '\0';
		goto fail;
	}
	umask(old);
	if (listen(s->listen_fd, 4) < 0) {
		xpdk_err(errno, "listen on %s: %s", path, strerror(errno));
		goto fail;
	}
	return s;
fail:
	xpdk_vfu_server_destroy(s);
	return NULL;
}

struct xpdk_vfu_server *xpdk_vfu_server_create_fd(int sock, const struct xpdk_vfu_device_desc *desc)
{
	struct xpdk_vfu_server *s = server_new(desc);

	if (s == NULL) {
		close(sock);
		return NULL;
	}
	s->conn_fd = sock;
	s->fd_mode = true;
	return s;
}

void xpdk_vfu_server_stop(struct xpdk_vfu_server *s)
{
	uint64_t one = 1;

	atomic_store(&s->stopping, true);
	(void)!write(s->stop_fd, &one, sizeof(one));
}

bool xpdk_vfu_server_connected(const struct xpdk_vfu_server *s)
{
	return atomic_load(&s->connected);
}

/* ---- DMA windows ------------------------------------------------------------------------ */

static void win_unmap(struct dma_win *w)
{
	if (w->map_base != NULL)
		munmap(w->map_base, w->map_len);
	if (w->map_base != NULL && w->fd >= 0)
		close(w->fd);
	memset(w, 0, sizeof(*w));
}

/* The window holding all of [iova, iova + len), or NULL. Caller holds the lock. */
static struct dma_win *win_find(struct xpdk_vfu_server *s, uint64_t iova, uint64_t len)
{
	for (unsigned int i = 0; i < s->nwins; i++) {
		struct dma_win *w = &s->wins[i];

		if (iova >= w->iova && iova - w->iova <= w->size &&
		    len <= w->size - (iova - w->iova))
			return w;
	}
	return NULL;
}

/* Why window @p w (NULL: none) does not give a device access. */
static const char *win_fault(const struct dma_win *w)
{
	if (w == NULL)
		return "not in memory the client mapped";
	if (w->vaddr == NULL)
		return "mapped without an fd (no direct access)";
	return "not mapped for this direction";
}

static void drop_client_state(struct xpdk_vfu_server *s)
{
	pthread_rwlock_wrlock(&s->lock);
	for (unsigned int i = 0; i < s->nwins; i++)
		win_unmap(&s->wins[i]);
	s->nwins = 0;
	for (unsigned int i = 0; i < XPDK_VFU_MAX_IRQ_TYPES; i++) {
		for (unsigned int j = 0; j < XPDK_VFU_MAX_VECTORS; j++) {
			if (s->irq_fds[i][j] >= 0)
				close(s->irq_fds[i][j]);
			s->irq_fds[i][j] = -1;
		}
	}
	pthread_rwlock_unlock(&s->lock);
}

int xpdk_vfu_server_dma_hold(struct xpdk_vfu_server *s)
{
	pthread_rwlock_rdlock(&s->lock);
	if (!atomic_load(&s->connected)) {
		pthread_rwlock_unlock(&s->lock);
		return xpdk_err(ENOTCONN, "no vfio-user client is connected");
	}
	return 0;
}

void xpdk_vfu_server_dma_release(struct xpdk_vfu_server *s)
{
	pthread_rwlock_unlock(&s->lock);
}

int xpdk_vfu_server_dma_find(struct xpdk_vfu_server *s, struct xpdk_vfu_dma_cache *c, uint64_t iova,
			     bool write, void **ptr, uint64_t *avail)
{
	uint32_t need = write ? XPDK_VFU_DMA_F_WRITE : XPDK_VFU_DMA_F_READ;
	const struct dma_win *w = win_find(s, iova, 1);

	if (w == NULL || w->vaddr == NULL || !(w->prot & need))
		return xpdk_err(EFAULT, "DMA %s at IOVA 0x%llx: %s", write ? "write" : "read",
				(unsigned long long)iova, win_fault(w));
	c->iova = w->iova;
	c->size = w->size;
	c->vaddr = w->vaddr;
	c->prot = w->prot;
	*ptr = w->vaddr + (iova - w->iova);
	*avail = w->size - (iova - w->iova);
	return 0;
}

/* Hold the client's memory and find @p iova: its address and the bytes its window has from
 * there. The read lock stays held on success only. */
static int pin_at(struct xpdk_vfu_server *s, uint64_t iova, bool write, void **ptr, uint64_t *avail)
{
	struct xpdk_vfu_dma_cache c = { 0 };
	int rc = xpdk_vfu_server_dma_hold(s);

	if (rc < 0)
		return rc;
	rc = xpdk_vfu_server_dma_find(s, &c, iova, write, ptr, avail);
	if (rc < 0)
		pthread_rwlock_unlock(&s->lock);
	return rc;
}

int xpdk_vfu_server_dma_pin(struct xpdk_vfu_server *s, uint64_t iova, size_t len, bool write,
			    void **ptr)
{
	uint64_t avail = 0;
	int rc = pin_at(s, iova, write, ptr, &avail);

	if (rc == 0 && len > avail) {
		pthread_rwlock_unlock(&s->lock);
		rc = xpdk_err(EFAULT,
			      "DMA %s of %zu bytes at IOVA 0x%llx: not in one window the client "
			      "mapped",
			      write ? "write" : "read", len, (unsigned long long)iova);
	}
	return rc; /* on success the read lock stays held until unpin */
}

int xpdk_vfu_server_dma_pin_run(struct xpdk_vfu_server *s, uint64_t iova, size_t len, bool write,
				void **ptr, size_t *run)
{
	uint64_t avail = 0;
	int rc;

	if (len == 0)
		return xpdk_err(EINVAL, "a DMA pin of 0 bytes at IOVA 0x%llx",
				(unsigned long long)iova);
	rc = pin_at(s, iova, write, ptr, &avail);
	if (rc == 0)
		*run = len < avail ? len : (size_t)avail;
	return rc; /* on success the read lock stays held until unpin */
}

void xpdk_vfu_server_dma_unpin(struct xpdk_vfu_server *s)
{
	pthread_rwlock_unlock(&s->lock);
}

int xpdk_vfu_server_dma_fd(struct xpdk_vfu_server *s, uint64_t iova, size_t len, bool write,
			   int *fd, uint64_t *offset)
{
	uint32_t need = write ? XPDK_VFU_DMA_F_WRITE : XPDK_VFU_DMA_F_READ;
	struct dma_win *w;
	int rc = 0;

	pthread_rwlock_rdlock(&s->lock);
	w = atomic_load(&s->connected) ? win_find(s, iova, len) : NULL;
	if (w == NULL || w->vaddr == NULL || w->fd < 0 || !(w->prot & need)) {
		rc = xpdk_err(EFAULT,
			      "IOVA 0x%llx+0x%zx is not in one %s window the client mapped "
			      "with an fd",
			      (unsigned long long)iova, len, write ? "writable" : "readable");
	} else {
		*fd = fcntl(w->fd, F_DUPFD_CLOEXEC, 0);
		*offset = w->fd_off + (iova - w->iova);
		if (*fd < 0)
			rc = xpdk_err(errno, "cannot duplicate a DMA fd: %s", strerror(errno));
	}
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

static int dma_gone(uint64_t iova, size_t len, bool write)
{
	return xpdk_err(
	    EFAULT,
	    "DMA %s of %zu bytes at IOVA 0x%llx: the client's memory there is gone (the "
	    "file behind it was truncated after DMA_MAP)",
	    write ? "write" : "read", len, (unsigned long long)iova);
}

/*
 * Copy between @p buf and client memory [iova, iova + len), which may run over several adjacent
 * windows (a client maps its memory file by file, e.g. one window per hugepage). The whole range
 * is checked before a byte moves.
 */
static int dma_copy(struct xpdk_vfu_server *s, uint64_t iova, void *buf, size_t len, bool write)
{
	uint32_t need = write ? XPDK_VFU_DMA_F_WRITE : XPDK_VFU_DMA_F_READ;
	int rc = 0;

	if (len == 0)
		return 0;
	if (iova + len - 1 < iova)
		return xpdk_err(EFAULT, "DMA of %zu bytes at IOVA 0x%llx wraps", len,
				(unsigned long long)iova);
	pthread_rwlock_rdlock(&s->lock);
	if (!atomic_load(&s->connected))
		rc = xpdk_err(ENOTCONN, "no vfio-user client is connected");
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		for (size_t done = 0, n; done < len; done += n) {
			uint64_t at = iova + done;
			struct dma_win *w = win_find(s, at, 1);

			if (w == NULL || w->vaddr == NULL || !(w->prot & need)) {
				rc = xpdk_err(EFAULT, "DMA %s of %zu bytes at 0x%llx: 0x%llx is %s",
					      write ? "write" : "read", len,
					      (unsigned long long)iova, (unsigned long long)at,
					      win_fault(w));
				break;
			}
			n = w->size - (at - w->iova);
			if (n > len - done)
				n = len - done;
			if (pass == 1 && write)
				rc = xpdk_vfu_guarded_copy(w->vaddr + (at - w->iova),
							   (uint8_t *)buf + done, n);
			else if (pass == 1)
				rc = xpdk_vfu_guarded_copy((uint8_t *)buf + done,
							   w->vaddr + (at - w->iova), n);
			if (rc < 0) {
				rc = dma_gone(iova, len, write);
				break;
			}
		}
	}
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

int xpdk_vfu_server_dma_read(struct xpdk_vfu_server *s, uint64_t iova, void *buf, size_t len)
{
	return dma_copy(s, iova, buf, len, false);
}

int xpdk_vfu_server_dma_write(struct xpdk_vfu_server *s, uint64_t iova, const void *buf, size_t len)
{
	return dma_copy(s, iova, (void *)(uintptr_t)buf, len, true);
}

int xpdk_vfu_server_irq_trigger(struct xpdk_vfu_server *s, unsigned int index, unsigned int vector)
{
	uint64_t one = 1;
	int fd, rc = 0;

	if (index >= XPDK_VFU_MAX_IRQ_TYPES || vector >= XPDK_VFU_MAX_VECTORS)
		return xpdk_err(EINVAL, "IRQ %u/%u does not exist", index, vector);
	pthread_rwlock_rdlock(&s->lock);
	fd = s->irq_fds[index][vector];
	if (fd < 0) {
		rc = xpdk_err(ENOENT, "no eventfd for IRQ %u/%u", index, vector);
	} else {
		int fl = fcntl(fd, F_GETFL);

		/* never block the device on a counter that is full: the file is shared with the
		 * client, which may have cleared the O_NONBLOCK we set at SET_IRQS */
		if (fl >= 0 && !(fl & O_NONBLOCK))
			(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		if (write(fd, &one, sizeof(one)) < 0) {
			int err = errno;

			rc = xpdk_err(err, "IRQ %u/%u: %s", index, vector,
				      err == EAGAIN ? "the eventfd's counter is full (an interrupt "
						      "is pending)"
						    : strerror(err));
		}
	}
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

/* ---- command handlers: each returns 0 (reply sent) or a positive errno for an error reply;
 *      a negative value ends the connection ------------------------------------------------ */

static int handle_version(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	struct xpdk_vfu_version v, ours;
	char json[256];
	int n;

	if (m->len < sizeof(v) || m->nfds != 0)
		return EINVAL;
	memcpy(&v, m->payload, sizeof(v));
	if (m->len > sizeof(v) && m->payload[m->len - 1] != '\0')
		return EINVAL; /* capabilities must be NUL-terminated */
	if (v.major != XPDK_VFU_MAJOR) {
		xpdk_vfu_reply(s->conn_fd, m, EINVAL, NULL, 0, NULL, 0, NULL, 0);
		return xpdk_err(ENOTSUP, "client speaks vfio-user %u.%u; we speak %u.x", v.major,
				v.minor, XPDK_VFU_MAJOR);
	}
	if (xpdk_vfu_caps_parse(m->len > sizeof(v) ? (const char *)m->payload + sizeof(v) : NULL,
				&s->peer) < 0)
		return EINVAL;
	/* the spec: the reply's capabilities are a subset of those the client proposed */
	n = xpdk_vfu_caps_json_subset(json, sizeof(json), XPDK_VFU_MAX_FDS,
				      m->len > sizeof(v) ? (const char *)m->payload + sizeof(v)
							 : NULL);
	if (n < 0)
		return EINVAL;
	ours.major = XPDK_VFU_MAJOR;
	ours.minor = v.minor < XPDK_VFU_MINOR ? v.minor : XPDK_VFU_MINOR;
	s->versioned = true;
	return xpdk_vfu_reply(s->conn_fd, m, 0, &ours, sizeof(ours), json, (size_t)n + 1, NULL, 0);
}

static int handle_dma_map(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	struct xpdk_vfu_dma_map dm;
	struct dma_win w = { 0 };
	int rc = 0;

	if (m->len != sizeof(dm) || m->nfds > 1)
		return EINVAL;
	memcpy(&dm, m->payload, sizeof(dm));
	if (dm.argsz != sizeof(dm) || (dm.flags & ~(XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE)) ||
	    dm.size == 0 || dm.addr + dm.size < dm.addr)
		return EINVAL;
	w.iova = dm.addr;
	w.size = dm.size;
	w.prot = dm.flags;
	if (m->nfds == 1) {
		struct stat st;
		uint64_t blk, start, end;
		int prot = ((dm.flags & XPDK_VFU_DMA_F_READ) ? PROT_READ : 0) |
			   ((dm.flags & XPDK_VFU_DMA_F_WRITE) ? PROT_WRITE : 0);

		if (fstat(m->fds[0], &st) < 0)
			return errno;
		/* hugetlbfs fds map in whole hugepages: round to the fd's block size */
		blk = st.st_blksize > 0 ? (uint64_t)st.st_blksize : 4096;
		start = dm.offset / blk * blk;
		if (dm.offset + dm.size < dm.offset)
			return EINVAL;
		/* memory past the end of a regular file (or memfd) would SIGBUS us on access */
		if (S_ISREG(st.st_mode) && dm.offset + dm.size > (uint64_t)st.st_size)
			return EINVAL;
		end = (dm.offset + dm.size + blk - 1) / blk * blk;
		w.map_len = end - start;
		w.map_base = mmap(NULL, w.map_len, prot ? prot : PROT_NONE, MAP_SHARED, m->fds[0],
				  (off_t)start);
		if (w.map_base == MAP_FAILED)
			return errno;
		madvise(w.map_base, w.map_len, MADV_DONTDUMP);
		w.vaddr = (uint8_t *)w.map_base + (dm.offset - start);
		w.fd =
		    fcntl(m->fds[0], F_DUPFD_CLOEXEC, 0); /* -1 only loses xpdk_vfu_server_dma_fd */
		w.fd_off = dm.offset;
	}
	pthread_rwlock_wrlock(&s->lock);
	for (unsigned int i = 0; i < s->nwins && rc == 0; i++)
		if (w.iova < s->wins[i].iova + s->wins[i].size && s->wins[i].iova < w.iova + w.size)
			rc = EEXIST; /* the spec: mapping over an existing window fails */
	if (rc == 0 && s->nwins == XPDK_VFU_MAX_DMA_MAPS)
		rc = ENOSPC;
	if (rc == 0)
		s->wins[s->nwins++] = w;
	pthread_rwlock_unlock(&s->lock);
	if (rc != 0) {
		win_unmap(&w);
		return rc;
	}
	return xpdk_vfu_reply(s->conn_fd, m, 0, NULL, 0, NULL, 0, NULL, 0);
}

static int handle_dma_unmap(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	struct xpdk_vfu_dma_unmap du;
	int rc = EINVAL;

	if (m->len != sizeof(du))
		return EINVAL;
	memcpy(&du, m->payload, sizeof(du));
	if (du.argsz < sizeof(du) || (du.flags & ~XPDK_VFU_UNMAP_F_ALL))
		return EINVAL;
	pthread_rwlock_wrlock(&s->lock); /* waits for in-flight device accesses */
	if (du.flags & XPDK_VFU_UNMAP_F_ALL) {
		if (du.addr == 0 && du.size == 0) {
			for (unsigned int i = 0; i < s->nwins; i++)
				win_unmap(&s->wins[i]);
			s->nwins = 0;
			rc = 0;
		}
	} else {
		for (unsigned int i = 0; i < s->nwins; i++) {
			if (s->wins[i].iova == du.addr && s->wins[i].size == du.size) {
				win_unmap(&s->wins[i]);
				s->wins[i] = s->wins[--s->nwins];
				rc = 0;
				break;
			}
		}
	}
	pthread_rwlock_unlock(&s->lock);
	if (rc != 0)
		return rc;
	/* the reply echoes the request's 24 bytes */
	return xpdk_vfu_reply(s->conn_fd, m, 0, &du, sizeof(du), NULL, 0, NULL, 0);
}

static int handle_device_info(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	struct xpdk_vfu_device_info info = { 0 };

	if (m->len < sizeof(uint32_t))
		return EINVAL;
	memcpy(&info.argsz, m->payload, sizeof(info.argsz));
	if (info.argsz < sizeof(info))
		return EINVAL;
	info.argsz = sizeof(info);
	info.flags = VFIO_DEVICE_FLAGS_PCI | (s->desc.can_reset ? VFIO_DEVICE_FLAGS_RESET : 0);
	info.num_regions = s->desc.num_regions;
	info.num_irqs = s->desc.num_irqs;
	return xpdk_vfu_reply(s->conn_fd, m, 0, &info, sizeof(info), NULL, 0, NULL, 0);
}

static int handle_region_info(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	struct vfio_region_info req, ri = { 0 };
	const struct xpdk_vfu_region_desc *r;
	union {
		uint64_t align;
		uint8_t bytes[sizeof(struct vfio_region_info_cap_sparse_mmap) +
			      XPDK_VFU_MAX_AREAS * sizeof(struct vfio_region_sparse_mmap_area)];
	} capbuf;
	struct vfio_region_info_cap_sparse_mmap *cap = (void *)capbuf.bytes;
	size_t cap_len = 0;
	int fd = -1;

	memset(&capbuf, 0, sizeof(capbuf));
	if (m->len < sizeof(req))
		return EINVAL;
	memcpy(&req, m->payload, sizeof(req));
	if (req.argsz < sizeof(req) || req.index >= s->desc.num_regions)
		return EINVAL;
	r = &s->desc.regions[req.index];
	ri.argsz = sizeof(ri);
	ri.index = req.index;
	ri.size = r->size;
	ri.flags = r->flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	if (r->fd >= 0 && r->size > 0) {
		unsigned int n = r->nareas ? r->nareas : 1;

		ri.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		ri.offset = r->fd_offset;
		cap->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		cap->header.version = 1;
		cap->nr_areas = n;
		for (unsigned int i = 0; i < n; i++) {
			cap->areas[i].offset = r->nareas ? r->areas[i].offset : 0;
			cap->areas[i].size = r->nareas ? r->areas[i].size : r->size;
		}
		cap_len = sizeof(*cap) + n * sizeof(cap->areas[0]);
		ri.argsz = (uint32_t)(sizeof(ri) + cap_len);
		/* as libvfio-user: caps and the fd only when the client's buffer holds them */
		if (req.argsz >= ri.argsz) {
			ri.flags |= VFIO_REGION_INFO_FLAG_CAPS;
			ri.cap_offset = sizeof(ri);
			fd = r->fd;
		} else {
			cap_len = 0;
		}
	}
	return xpdk_vfu_reply(s->conn_fd, m, 0, &ri, sizeof(ri), capbuf.bytes, cap_len,
			      fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0);
}

static int handle_irq_info(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	struct vfio_irq_info info;

	if (m->len < sizeof(info))
		return EINVAL;
	memcpy(&info, m->payload, sizeof(info));
	if (info.argsz < sizeof(info) || info.index >= s->desc.num_irqs)
		return EINVAL;
	info.argsz = sizeof(info);
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = s->desc.irq_count[info.index];
	return xpdk_vfu_reply(s->conn_fd, m, 0, &info, sizeof(info), NULL, 0, NULL, 0);
}

static int set_irq_fds(struct xpdk_vfu_server *s, unsigned int index, unsigned int start,
		       unsigned int count, struct vfu_msg *m)
{
	pthread_rwlock_wrlock(&s->lock);
	for (unsigned int i = 0; i < count; i++) {
		int *slot = &s->irq_fds[index][start + i];

		if (*slot >= 0)
			close(*slot);
		*slot = -1;
		if (m->nfds == count) {
			*slot = m->fds[i];
			m->fds[i] = -1; /* taken */
		}
	}
	pthread_rwlock_unlock(&s->lock);
	return 0;
}

/* An interrupt fd must be an eventfd, made non-blocking: a pipe or a socket could block the
 * device thread that signals it. Returns 0 or a positive errno for the reply. */
static int check_irq_fd(int fd)
{
	char link[64], target[64];
	ssize_t n;
	int fl;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return EBADF;
	target[n] = '\0';
	if (strcmp(target, "anon_inode:[eventfd]") != 0)
		return EINVAL;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return EBADF;
	return 0;
}

static int handle_set_irqs(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	const uint32_t data_mask =
	    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_DATA_EVENTFD;
	const uint32_t action_mask =
	    VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK | VFIO_IRQ_SET_ACTION_TRIGGER;
	struct vfio_irq_set set;
	uint32_t data, action, avail;

	if (m->len < sizeof(set))
		return EINVAL;
	memcpy(&set, m->payload, sizeof(set));
	data = set.flags & data_mask;
	action = set.flags & action_mask;
	if (set.argsz != m->len || (set.flags & ~(data_mask | action_mask)) ||
	    __builtin_popcount(data) != 1 || __builtin_popcount(action) != 1 ||
	    set.index >= s->desc.num_irqs)
		return EINVAL;
	avail = s->desc.irq_count[set.index];
	if (set.start > avail || set.count > avail - set.start)
		return EINVAL;
	if (data == VFIO_IRQ_SET_DATA_BOOL && m->len != sizeof(set) + set.count)
		return EINVAL;
	if (data != VFIO_IRQ_SET_DATA_BOOL && m->len != sizeof(set))
		return EINVAL;
	if (data != VFIO_IRQ_SET_DATA_EVENTFD && m->nfds != 0)
		return EINVAL;
	if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
		; /* our devices do not mask: accepted, nothing to do */
	else if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
		/* count fds assign the vectors; none de-assigns them */
		if (m->nfds != 0 && m->nfds != set.count)
			return EINVAL;
		for (unsigned int i = 0; i < m->nfds; i++) {
			int err = check_irq_fd(m->fds[i]);

			if (err != 0)
				return err;
		}
		set_irq_fds(s, set.index, set.start, set.count, m);
	} else if (data == VFIO_IRQ_SET_DATA_NONE && set.count == 0) {
		set_irq_fds(s, set.index, 0, avail, m); /* disable every vector */
	} else {
		/* loopback trigger of the given vectors (all, or those whose bool is set) */
		for (uint32_t i = 0; i < set.count; i++)
			if (data == VFIO_IRQ_SET_DATA_NONE || m->payload[sizeof(set) + i])
				(void)xpdk_vfu_server_irq_trigger(s, set.index, set.start + i);
	}
	return xpdk_vfu_reply(s->conn_fd, m, 0, NULL, 0, NULL, 0, NULL, 0);
}

static int handle_region_rw(struct xpdk_vfu_server *s, struct vfu_msg *m, bool write)
{
	struct xpdk_vfu_region_access a;
	const struct xpdk_vfu_region_desc *r;
	uint8_t *data;
	int rc;

	if (m->len < sizeof(a))
		return EINVAL;
	memcpy(&a, m->payload, sizeof(a));
	if (a.region >= s->desc.num_regions || a.count == 0 || a.count > XPDK_VFU_MAX_DATA_XFER)
		return EINVAL;
	if (m->len != sizeof(a) + (write ? a.count : 0))
		return EINVAL;
	r = &s->desc.regions[a.region];
	if (a.offset > r->size || a.count > r->size - a.offset)
		return EINVAL;
	if (!(r->flags & (write ? VFIO_REGION_INFO_FLAG_WRITE : VFIO_REGION_INFO_FLAG_READ)))
		return EACCES;
	if (write) {
		rc = s->desc.region_access(s->desc.arg, a.region, a.offset, m->payload + sizeof(a),
					   a.count, true);
		return rc < 0 ? -rc
			      : xpdk_vfu_reply(s->conn_fd, m, 0, &a, sizeof(a), NULL, 0, NULL, 0);
	}
	data = malloc(a.count);
	if (data == NULL)
		return ENOMEM;
	rc = s->desc.region_access(s->desc.arg, a.region, a.offset, data, a.count, false);
	rc = rc < 0 ? -rc : xpdk_vfu_reply(s->conn_fd, m, 0, &a, sizeof(a), data, a.count, NULL, 0);
	free(data);
	return rc;
}

static int handle_reset(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	if (m->len != 0)
		return EINVAL;
	if (!s->desc.can_reset)
		return ENOTSUP;
	if (s->desc.reset)
		s->desc.reset(s->desc.arg);
	return xpdk_vfu_reply(s->conn_fd, m, 0, NULL, 0, NULL, 0, NULL, 0);
}

static int dispatch(struct xpdk_vfu_server *s, struct vfu_msg *m)
{
	if ((m->hdr.flags & XPDK_VFU_F_TYPE_MASK) != XPDK_VFU_F_TYPE_COMMAND)
		return 0; /* a stray reply: we send no commands, ignore it */
	if (!s->versioned && m->hdr.cmd != XPDK_VFU_VERSION)
		return EINVAL; /* VERSION must come first */
	switch (m->hdr.cmd) {
	case XPDK_VFU_VERSION:
		return s->versioned ? EINVAL : handle_version(s, m);
	case XPDK_VFU_DMA_MAP:
		return handle_dma_map(s, m);
	case XPDK_VFU_DMA_UNMAP:
		return handle_dma_unmap(s, m);
	case XPDK_VFU_DEVICE_GET_INFO:
		return handle_device_info(s, m);
	case XPDK_VFU_DEVICE_GET_REGION_INFO:
		return handle_region_info(s, m);
	case XPDK_VFU_DEVICE_GET_IRQ_INFO:
		return handle_irq_info(s, m);
	case XPDK_VFU_DEVICE_SET_IRQS:
		return handle_set_irqs(s, m);
	case XPDK_VFU_REGION_READ:
		return handle_region_rw(s, m, false);
	case XPDK_VFU_REGION_WRITE:
		return handle_region_rw(s, m, true);
	case XPDK_VFU_DEVICE_RESET:
		return handle_reset(s, m);
	default:
		return ENOTSUP; /* incl. DMA_READ/WRITE, which go server to client */
	}
}

/* Serve the connected client until it leaves or we are stopped. A client that has not sent
 * VERSION within VERSION_TIMEOUT_MS is dropped: it would keep the device from everyone else. */
static int serve(struct xpdk_vfu_server *s)
{
	uint64_t version_by = xpdk_now_ns() + (uint64_t)VERSION_TIMEOUT_MS * 1000000;

	s->fault = (struct vfu_fault_state){ .t0_ns = xpdk_now_ns() };
	for (;;) {
		struct pollfd p[3] = { { .fd = s->conn_fd, .events = POLLIN },
				       { .fd = s->stop_fd, .events = POLLIN },
				       { .fd = s->drop_fd, .events = POLLIN } };
		struct vfu_msg m;
		uint64_t n;
		int rc, wait_ms = -1, poll_ms;

		if (read(s->drop_fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
			return 0; /* xpdk_vfu_server_disconnect(): the client is dropped */
		if (!s->versioned) {
			uint64_t now = xpdk_now_ns();

			if (now >= version_by)
				return xpdk_err(ETIMEDOUT,
						"the client sent no VERSION within %d ms; "
						"dropped",
						VERSION_TIMEOUT_MS);
			wait_ms = (int)((version_by - now + 999999) / 1000000);
		}
		poll_ms = wait_ms;
		if (s->desc.fault != NULL) {
			int f_ms;

			rc = xpdk_vfu_fault_tick(s, &s->desc, &s->fault, s->stop_fd);
			if (rc < 0)
				return rc;
			f_ms = xpdk_vfu_fault_wait_ms(&s->fault);
			if (f_ms >= 0 && (poll_ms < 0 || f_ms < poll_ms))
				poll_ms = f_ms;
		}
		/* the next request of a busy client comes within microseconds: catch it
		 * spinning rather than after a cross-core wake-up */
		if (!xpdk_vfu_spin_readable(s->conn_fd)) {
			if (poll(p, 3, poll_ms) < 0 && errno != EINTR)
				return -errno;
			if (atomic_load(&s->stopping))
				return 0;
			if (p[2].revents & POLLIN)
				continue; /* read and acted on at the top */
			if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
		} else if (atomic_load(&s->stopping)) {
			return 0;
		}
		rc = xpdk_vfu_recv(s->conn_fd, &m, XPDK_VFU_MAX_MSG_SIZE, XPDK_VFU_MAX_FDS,
				   s->versioned ? MSG_TIMEOUT_MS : wait_ms);
		if (rc < 0)
			return rc; /* disconnect or protocol error: the stream cannot go on */
		if (s->desc.fault != NULL) {
			rc = xpdk_vfu_fault_command(s, &s->desc, &s->fault, s->conn_fd, s->stop_fd,
						    &m);
			if (rc != 0) {
				xpdk_vfu_msg_release(&m);
				if (rc < 0)
					return rc;
				continue;
			}
		}
		rc = dispatch(s, &m);
		if (rc > 0)
			rc = xpdk_vfu_reply(s->conn_fd, &m, rc, NULL, 0, NULL, 0, NULL, 0);
		xpdk_vfu_msg_release(&m);
		if (rc < 0)
			return rc;
	}
}

static void end_client(struct xpdk_vfu_server *s)
{
	atomic_store(&s->connected, false);
	/* the device abandons its in-flight DMA first, so that it does not see the memory
	 * vanish under a transfer and report a fault the next client would inherit */
	if (s->desc.detach)
		s->desc.detach(s->desc.arg);
	drop_client_state(s);
	if (s->conn_fd >= 0)
		close(s->conn_fd);
	s->conn_fd = -1;
	s->versioned = false;
}

int xpdk_vfu_server_run(struct xpdk_vfu_server *s)
{
	while (!atomic_load(&s->stopping)) {
		if (!s->fd_mode) {
			struct pollfd p[2] = { { .fd = s->listen_fd, .events = POLLIN },
					       { .fd = s->stop_fd, .events = POLLIN } };

			if (poll(p, 2, -1) < 0 && errno != EINTR)
				return xpdk_err(errno, "poll: %s", strerror(errno));
			if (atomic_load(&s->stopping))
				break;
			if (!(p[0].revents & POLLIN))
				continue;
			s->conn_fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (s->conn_fd < 0)
				continue;
		} else if (s->conn_fd < 0) {
			break; /* the one client of --fd mode has left */
		}
		{
			uint64_t stale;

			/* a drop asked for the previous client is not this one's */
			(void)!read(s->drop_fd, &stale, sizeof(stale));
		}
		atomic_store(&s->connected, true);
		if (s->desc.attach)
			s->desc.attach(s->desc.arg);
		(void)serve(s);
		end_client(s);
	}
	return 0;
}

void xpdk_vfu_server_disconnect(struct xpdk_vfu_server *s)
{
	uint64_t one = 1;

	/* only a connected client is dropped: a request made with none is forgotten */
	if (atomic_load(&s->connected))
		(void)!write(s->drop_fd, &one, sizeof(one));
}

void xpdk_vfu_server_destroy(struct xpdk_vfu_server *s)
{
	if (s == NULL)
		return;
	if (s->conn_fd >= 0)
		end_client(s);
	drop_client_state(s);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->path[0] != '\0')
		unlink(s->path);
	close(s->stop_fd);
	close(s->drop_fd);
	pthread_rwlock_destroy(&s->lock);
	free(s);
}
