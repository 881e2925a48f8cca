/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The environment's DMA memory as extents of backing files, and the memory-event subscribers.
 *
 * EAL describes its memory page by page (memory segments), each with the file behind it: one
 * file per page, or one per segment list with --single-file-segments and --no-huge. A device
 * that maps memory by (fd, offset, length) needs runs that stay in one file, so pages are
 * coalesced while the virtual address, the IOVA and the file offset all run on.
 *
 * Subscribers (lib/dev's devices) learn about memory through one EAL memory-event callback
 * registered when the environment starts. Lock order: EAL's memory-hotplug lock, then
 * subs_lock; EAL calls the callback with the former held for writing, and registration takes it
 * for reading before subs_lock, so a subscriber sees every extent exactly once, either in the
 * replay or as an event.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "env_priv.h"

#define EAL_CB_NAME "xpdk-env"

_Static_assert(RTE_BAD_IOVA == XPDK_ENV_BAD_IOVA, "XPDK_ENV_BAD_IOVA is RTE_BAD_IOVA");

struct sub {
	xpdk_env_mem_event_cb cb;
	void *arg;
	struct sub *next;
};

static struct sub *subs;
static pthread_mutex_t subs_lock = PTHREAD_MUTEX_INITIALIZER;
static bool eal_cb_registered;

/* the first subscriber failure seen by this thread since xpdk_env_mem_watch_begin() */
static __thread int watch_err;
static __thread char watch_why[256];

/* Adjacent extents merge into the pending one; a break emits it. */
struct coalesce {
	struct xpdk_env_mem_extent cur;
	bool have;
	int rc; /* what emit returned to stop */
	int (*emit)(const struct xpdk_env_mem_extent *ext, void *arg);
	void *arg;
};

static bool extends(const struct xpdk_env_mem_extent *a, const struct xpdk_env_mem_extent *b)
{
	if ((char *)a->va + a->len != (char *)b->va || a->page_size != b->page_size ||
	    a->fd != b->fd)
		return false;
	if (a->iova == XPDK_ENV_BAD_IOVA ? b->iova != XPDK_ENV_BAD_IOVA
					 : a->iova + a->len != b->iova)
		return false;
	return a->fd < 0 || a->fd_offset + a->len == b->fd_offset;
}

static int coalesce_add(struct coalesce *c, const struct xpdk_env_mem_extent *e)
{
	if (c->have && extends(&c->cur, e)) {
		c->cur.len += e->len;
		return 0;
	}
	if (c->have) {
		c->rc = c->emit(&c->cur, c->arg);
		if (c->rc != 0)
			return c->rc;
	}
	c->cur = *e;
	c->have = true;
	return 0;
}

static int coalesce_flush(struct coalesce *c)
{
	if (c->have && c->rc == 0)
		c->rc = c->emit(&c->cur, c->arg);
	c->have = false;
	return c->rc;
}

/* One segment as an extent; the fd lookups are EAL's thread-unsafe variants (lock held). */
static void seg_extent(const struct rte_memseg *ms, struct xpdk_env_mem_extent *e)
{
	size_t off = 0;
	int fd = rte_memseg_get_fd_thread_unsafe(ms);

	if (fd >= 0 && rte_memseg_get_fd_offset_thread_unsafe(ms, &off) < 0)
		fd = -1;
	e->va = ms->addr;
	e->iova = ms->iova;
	e->len = ms->len;
	e->fd = fd;
	e->fd_offset = fd >= 0 ? off : 0;
	e->page_size = ms->hugepage_sz;
}

int xpdk_env_mem_addr_extent(const void *addr, struct xpdk_env_mem_extent *ext)
{
	struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	const struct rte_memseg *ms = msl != NULL ? rte_mem_virt2memseg(addr, msl) : NULL;
	size_t skip;

	if (ms == NULL || msl->external || ms->len == 0)
		return xpdk_err(EINVAL, "address %p is not in XPDK's DMA memory", addr);
	seg_extent(ms, ext);
	skip = (size_t)((const char *)addr - (const char *)ms->addr);
	ext->va = (char *)ext->va + skip;
	ext->len -= skip;
	if (ext->iova != XPDK_ENV_BAD_IOVA)
		ext->iova += skip;
	if (ext->fd >= 0)
		ext->fd_offset += skip;
	return 0;
}

static int walk_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct xpdk_env_mem_extent e;

	if (msl->external)
		return 0;
	seg_extent(ms, &e);
	return coalesce_add(arg, &e) != 0 ? 1 : 0;
}

/* Walk with EAL's memory lock held by the caller. */
static int walk_locked(int (*emit)(const struct xpdk_env_mem_extent *ext, void *arg), void *arg)
{
	struct coalesce c = { .emit = emit, .arg = arg };

	if (rte_memseg_walk_thread_unsafe(walk_seg, &c) != 0)
		return c.rc;
	return coalesce_flush(&c);
}

struct walk_ctx {
	xpdk_env_mem_walk_cb cb;
	void *arg;
};

static int walk_emit(const struct xpdk_env_mem_extent *ext, void *arg)
{
	struct walk_ctx *w = arg;

	return w->cb(ext, w->arg);
}

int xpdk_env_mem_walk(xpdk_env_mem_walk_cb cb, void *arg)
{
	struct walk_ctx w = { cb, arg };
	int rc;

	if (cb == NULL)
		return xpdk_err(EINVAL, "xpdk_env_mem_walk: no callback");
	if (!xpdk_env_ready())
		return xpdk_err(EINVAL, "no DMA memory to walk: call xpdk_env_init() first");
	rte_mcfg_mem_read_lock();
	rc = walk_locked(walk_emit, &w);
	rte_mcfg_mem_read_unlock();
	return rc;
}

/* ---- events ----------------------------------------------------------------------------- */

struct event_ctx {
	enum xpdk_env_mem_event event;
	struct sub *only; /* replay to one subscriber; NULL: all of them */
};

static int event_emit(const struct xpdk_env_mem_extent *ext, void *arg)
{
	struct event_ctx *ev = arg;

	if (ev->only != NULL)
		return ev->only->cb(ev->event, ext, ev->only->arg);
	for (struct sub *s = subs; s != NULL; s = s->next) {
		int rc = s->cb(ev->event, ext, s->arg);

		/* remember the first failure for the allocating thread; the others still follow */
		if (rc < 0 && ev->event == XPDK_ENV_MEM_ALLOC && watch_err == 0) {
			watch_err = -rc;
			snprintf(watch_why, sizeof(watch_why), "%s", xpdk_strerror_last());
		}
	}
	return 0;
}

/* EAL added or is about to remove [addr, addr + len): tell every subscriber, per extent. */
static void on_eal_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	struct event_ctx ev = {
		.event = type == RTE_MEM_EVENT_ALLOC ? XPDK_ENV_MEM_ALLOC : XPDK_ENV_MEM_FREE,
	};
	struct coalesce c = { .emit = event_emit, .arg = &ev };
	int saved = errno;

	(void)arg;
	pthread_mutex_lock(&subs_lock);
	for (size_t done = 0; done < len;) {
		struct xpdk_env_mem_extent e = { 0 };

		if (xpdk_env_mem_addr_extent((const char *)addr + done, &e) < 0)
			break; /* external memory: not ours to report */
		if (e.len > len - done)
			e.len = len - done;
		coalesce_add(&c, &e);
		done += e.len;
	}
	coalesce_flush(&c);
	pthread_mutex_unlock(&subs_lock);
	errno = saved;
}

int xpdk_env_mem_event_register(xpdk_env_mem_event_cb cb, void *arg)
{
	struct sub *s;
	bool ready = xpdk_env_ready();
	int rc = 0;

	if (cb == NULL)
		return xpdk_err(EINVAL, "xpdk_env_mem_event_register: no callback");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return xpdk_err(ENOMEM, "out of memory for a memory-event subscription");
	s->cb = cb;
	s->arg = arg;
	if (ready)
		rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&subs_lock);
	for (struct sub *x = subs; x != NULL && rc == 0; x = x->next)
		if (x->cb == cb && x->arg == arg)
			rc = xpdk_err(EEXIST, "this memory-event callback is already registered");
	if (rc == 0 && ready) {
		struct event_ctx ev = { XPDK_ENV_MEM_ALLOC, s };

		rc = walk_locked(event_emit, &ev);
		if (rc > 0) /* a callback broke the contract: report it as an error */
			rc = xpdk_err(EIO, "memory-event callback returned %d", rc);
	}
	if (rc == 0) {
		s->next = subs;
		subs = s;
	}
	pthread_mutex_unlock(&subs_lock);
	if (ready)
		rte_mcfg_mem_read_unlock();
	if (rc != 0)
		free(s);
	return rc;
}

int xpdk_env_mem_event_unregister(xpdk_env_mem_event_cb cb, void *arg)
{
	struct sub **link, *s;

	pthread_mutex_lock(&subs_lock); /* waits for a callback in flight */
	for (link = &subs; *link != NULL && ((*link)->cb != cb || (*link)->arg != arg);
	     link = &(*link)->next)
		;
	s = *link;
	if (s != NULL)
		*link = s->next;
	pthread_mutex_unlock(&subs_lock);
	if (s == NULL)
		return xpdk_err(ENOENT, "this memory-event callback is not registered");
	free(s);
	return 0;
}

void xpdk_env_mem_start(void)
{
	rte_mcfg_mem_read_lock();
	/* with --legacy-mem (and --no-huge) EAL's memory is fixed at start: there are no events */
	if (rte_mem_event_callback_register(EAL_CB_NAME, on_eal_event, NULL) == 0)
		eal_cb_registered = true;
	else if (rte_errno != ENOTSUP)
		XPDK_LOG(WARNING, env,
			 "cannot follow EAL's memory events (%s): memory added later "
			 "will not reach vfio-user devices",
			 rte_strerror(rte_errno));
	pthread_mutex_lock(&subs_lock);
	for (struct sub *s = subs; s != NULL; s = s->next) {
		struct event_ctx ev = { XPDK_ENV_MEM_ALLOC, s };

		/* the subscriber logs its own failure: it knows which device it is */
		(void)walk_locked(event_emit, &ev);
	}
	pthread_mutex_unlock(&subs_lock);
	rte_mcfg_mem_read_unlock();
}

void xpdk_env_mem_stop(void)
{
	if (eal_cb_registered)
		rte_mem_event_callback_unregister(EAL_CB_NAME, NULL);
	eal_cb_registered = false;
}

void xpdk_env_mem_watch_begin(void)
{
	watch_err = 0;
	watch_why[0] = '\0';
}

int xpdk_env_mem_watch_end(void)
{
	int err = watch_err;

	watch_err = 0;
	return err != 0 ? xpdk_err(err, "%s", watch_why) : 0;
}
