/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * DMA buffers: IOVA-contiguous memzones from EAL memory, the opae.io system_buffer helpers, and
 * the (fd, offset) behind a buffer for sharing it with a device process (mem.c finds it).
 *
 * Live buffers are kept on a list so that xpdk_dma_free() can tell a live buffer from a stale or
 * foreign pointer without touching it; allocation and free are setup-path calls, so the lock is
 * not on any data path.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "env_priv.h"

#define DMA_DEFAULT_ALIGN 64
#define DMA_MAX_ALIGN	  (1ULL << 30)

struct dma_buf {
	struct xpdk_dma_buf pub; /* first: users hold &pub */
	const struct rte_memzone *mz;
	struct dma_buf *next;
};

static struct dma_buf *live_bufs;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t dma_seq;

struct xpdk_dma_buf *xpdk_dma_alloc(size_t size, size_t align, unsigned int flags)
{
	const struct rte_memzone *mz;
	struct dma_buf *b;
	char name[RTE_MEMZONE_NAMESIZE];
	int unreachable;

	if (!xpdk_env_ready()) {
		xpdk_err(EINVAL, "cannot allocate DMA memory: call xpdk_env_init() first");
		return NULL;
	}
	if (size == 0) {
		xpdk_err(EINVAL, "cannot allocate a DMA buffer of size 0");
		return NULL;
	}
	if (align == 0)
		align = DMA_DEFAULT_ALIGN;
	if (!XPDK_IS_POW2(align) || align > DMA_MAX_ALIGN) {
		xpdk_err(EINVAL, "DMA alignment %zu is not a power of two between 1 and 1 GiB",
			 align);
		return NULL;
	}
	if (flags & ~XPDK_DMA_F_ALL) {
		xpdk_err(EINVAL, "unknown DMA allocation flags 0x%x", flags & ~XPDK_DMA_F_ALL);
		return NULL;
	}
	if (size > XPDK_DMA_MAX_SIZE) {
		xpdk_err(ENOMEM, "DMA buffer of %zu bytes is larger than the %llu-byte limit", size,
			 (unsigned long long)XPDK_DMA_MAX_SIZE);
		return NULL;
	}

	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		xpdk_err(ENOMEM, "out of memory for a DMA buffer descriptor");
		return NULL;
	}
	snprintf(name, sizeof(name), "xpdk_dma_%" PRIu64,
		 __atomic_fetch_add(&dma_seq, 1, __ATOMIC_RELAXED));
	/* memzones take at least a cache-line alignment; memory EAL adds for this one must reach
	 * every device that follows the memory (mem.c), or the buffer is refused */
	xpdk_env_mem_watch_begin();
	mz = rte_memzone_reserve_aligned(name, size, SOCKET_ID_ANY, RTE_MEMZONE_IOVA_CONTIG,
					 align < RTE_CACHE_LINE_SIZE ? RTE_CACHE_LINE_SIZE
								     : (unsigned int)align);
	unreachable = xpdk_env_mem_watch_end();
	if (mz != NULL && unreachable < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", xpdk_strerror_last());
		rte_memzone_free(mz);
		free(b);
		xpdk_err(-unreachable,
			 "the %zu-byte DMA buffer's new memory cannot be reached by a "
			 "device: %s",
			 size, why);
		return NULL;
	}
	if (mz == NULL) {
		int err = rte_errno;

		free(b);
		xpdk_err(ENOMEM,
			 "cannot allocate a %zu-byte IOVA-contiguous DMA buffer (aligned to %zu): "
			 "%s; %.0f MiB of hugepages are free, reserve more with "
			 "'devtools/hugepages.sh' or pass -m/--socket-mem",
			 size, align, rte_strerror(err),
			 (double)xpdk_env_hugepages_free() / (1 << 20));
		return NULL;
	}
	b->mz = mz;
	b->pub.va = mz->addr;
	b->pub.iova = mz->iova;
	b->pub.size = size;
	b->pub.align = align;
	b->pub.page_size = mz->hugepage_sz;
	if (flags & XPDK_DMA_F_ZERO)
		memset(mz->addr, 0, size);

	pthread_mutex_lock(&live_lock);
	b->next = live_bufs;
	live_bufs = b;
	pthread_mutex_unlock(&live_lock);
	return &b->pub;
}

void xpdk_dma_free(struct xpdk_dma_buf *buf)
{
	struct dma_buf **link;
	struct dma_buf *b;

	if (buf == NULL)
		return;
	pthread_mutex_lock(&live_lock);
	for (link = &live_bufs; *link != NULL && &(*link)->pub != buf; link = &(*link)->next)
		;
	b = *link;
	if (b != NULL)
		*link = b->next;
	pthread_mutex_unlock(&live_lock);

	if (b == NULL) {
		xpdk_err(EINVAL, "xpdk_dma_free(%p): not a live DMA buffer (freed twice?)",
			 (void *)buf);
		XPDK_LOG(WARNING, env, "%s", xpdk_strerror_last());
		return;
	}
	rte_memzone_free(b->mz);
	free(b);
}

static int check_index(const struct xpdk_dma_buf *buf, size_t index)
{
	if (buf == NULL)
		return xpdk_err(EINVAL, "DMA buffer is NULL");
	if (index >= xpdk_dma_len64(buf))
		return xpdk_err(ERANGE,
				"64-bit index %zu is past the end of a %zu-byte buffer "
				"(%zu words)",
				index, buf->size, xpdk_dma_len64(buf));
	return 0;
}

int xpdk_dma_get64(const struct xpdk_dma_buf *buf, size_t index, uint64_t *value)
{
	int rc = check_index(buf, index);

	if (rc == 0)
		*value = ((const volatile uint64_t *)buf->va)[index];
	return rc;
}

int xpdk_dma_set64(struct xpdk_dma_buf *buf, size_t index, uint64_t value)
{
	int rc = check_index(buf, index);

	if (rc == 0)
		((volatile uint64_t *)buf->va)[index] = value;
	return rc;
}

int xpdk_dma_read64(const struct xpdk_dma_buf *buf, size_t offset, uint64_t *value)
{
	if (buf == NULL)
		return xpdk_err(EINVAL, "DMA buffer is NULL");
	if (offset % sizeof(uint64_t) != 0)
		return xpdk_err(EINVAL, "offset 0x%zx is not 8-byte aligned", offset);
	if (offset > buf->size || buf->size - offset < sizeof(uint64_t))
		return xpdk_err(ERANGE, "offset 0x%zx is past the end of a %zu-byte buffer", offset,
				buf->size);
	return xpdk_dma_get64(buf, offset / sizeof(uint64_t), value);
}

int xpdk_dma_fill64(struct xpdk_dma_buf *buf, uint64_t value)
{
	uint64_t *w;

	if (buf == NULL)
		return xpdk_err(EINVAL, "DMA buffer is NULL");
	w = buf->va;
	for (size_t i = 0; i < xpdk_dma_len64(buf); i++)
		w[i] = value;
	return 0;
}

ssize_t xpdk_dma_compare(const struct xpdk_dma_buf *a, const struct xpdk_dma_buf *b)
{
	const unsigned char *pa, *pb;
	size_t n;

	if (a == NULL || b == NULL)
		return xpdk_err(EINVAL, "cannot compare a NULL DMA buffer");
	n = a->size < b->size ? a->size : b->size;
	pa = a->va;
	pb = b->va;
	for (size_t i = 0; i < n; i++)
		if (pa[i] != pb[i])
			return (ssize_t)i;
	return (ssize_t)n;
}

/* fd and file offset of the byte at @p addr, which must lie in EAL memory */
static int addr_fd(const void *addr, int *fd, size_t *offset)
{
	struct xpdk_env_mem_extent e;
	int rc = xpdk_env_mem_addr_extent(addr, &e);

	if (rc < 0)
		return rc;
	if (e.fd < 0)
		return xpdk_err(ENOTSUP,
				"this memory mode has no file behind its memory; run with "
				"hugepages and XPDK's default --in-memory, or --no-huge, to share "
				"DMA buffers with a device process");
	*fd = e.fd;
	*offset = (size_t)e.fd_offset;
	return 0;
}
int xpdk_dma_fd(const struct xpdk_dma_buf *buf, int *fd, off_t *offset)
{
	const char *first, *last;
	size_t off_first = 0, off_last = 0;
	int fd_first = -1, fd_last = -1;
	int rc;

	if (buf == NULL || fd == NULL || offset == NULL)
		return xpdk_err(EINVAL, "xpdk_dma_fd: NULL argument");
	first = buf->va;
	last = first + buf->size - 1;
	rc = addr_fd(first, &fd_first, &off_first);
	if (rc < 0)
		return rc;
	rc = addr_fd(last, &fd_last, &off_last);
	if (rc < 0)
		return rc;
	if (fd_first != fd_last || off_last - off_first != buf->size - 1)
		return xpdk_err(EXDEV,
				"the %zu-byte buffer at %p spans two memory files; run with "
				"--single-file-segments (XPDK's default), or share it file by file "
				"(xpdk_env_mem_walk())",
				buf->size, buf->va);
	*fd = fd_first;
	*offset = (off_t)off_first;
	return 0;
}

/* ---- walk of EAL memory, for registering it once with a device (lib/qp) ---- */

struct contig_walk_arg {
	xpdk_env_mem_cb cb;
	void *arg;
};

static int contig_walk_one(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
			   size_t len, void *arg)
{
	struct contig_walk_arg *w = arg;

	if (msl->external)
		return 0;
	return w->cb(ms->addr, len, ms->iova, w->arg);
}

int xpdk_env_mem_contig_walk(xpdk_env_mem_cb cb, void *arg)
{
	struct contig_walk_arg w = { .cb = cb, .arg = arg };

	if (cb == NULL)
		return xpdk_err(EINVAL, "xpdk_env_mem_contig_walk: NULL callback");
	if (!xpdk_env_ready())
		return xpdk_err(EINVAL, "xpdk_env_mem_contig_walk: call xpdk_env_init() first");
	return rte_memseg_contig_walk(contig_walk_one, &w);
}
