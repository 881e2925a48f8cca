/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * lib/poll registry: handler registration and removal (tables republished under RCU), lcore
 * configuration, start and stop of the loops, and the statistics readers. Everything here runs
 * on control threads under one lock; the loop itself is in loop.c.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_log.h>

#include "poll_priv.h"

RTE_LOG_REGISTER(xpdk_logtype_poll, xpdk.poll, NOTICE);

struct xpdk_poll_sleep_flag xpdk_poll_sleep_flags[RTE_MAX_LCORE];

struct poll_state xpdk_poll_state = { .lock = PTHREAD_MUTEX_INITIALIZER };

#define S xpdk_poll_state

/* Size of the first published version of the attribute and statistics structs. */
#define ATTR_SIZE_V1	    (offsetof(struct xpdk_poll_attr, flags) + sizeof(unsigned int))
#define LCORE_ATTR_SIZE_V1  (offsetof(struct xpdk_poll_lcore_attr, handler_cycles) + sizeof(bool))
#define H_STATS_SIZE_V1	    sizeof(struct xpdk_poll_handler_stats)
#define LCORE_STATS_SIZE_V1 sizeof(struct xpdk_poll_lcore_stats)

const char *xpdk_poll_kind_name(unsigned int kind)
{
	static const char *const names[] = { "plain", "ring", "event", "timer" };

	return kind < RTE_DIM(names) ? names[kind] : "unknown";
}

static bool lcore_ok(unsigned int lcore)
{
	return lcore < RTE_MAX_LCORE && rte_lcore_is_enabled(lcore);
}

static int lcore_error(unsigned int lcore)
{
	return xpdk_err(EINVAL,
			"lcore %u is not enabled: give it to EAL with -l (e.g. -l 0,%u); "
			"enabled lcores: %u",
			lcore, lcore, rte_lcore_count());
}

/* Lazily: the RCU variable with every enabled lcore registered, and default lcore attributes.
 * Called with the lock held. */
static int state_init(void)
{
	struct rte_rcu_qsbr *v;
	size_t sz;
	unsigned int lc;

	if (S.qsbr != NULL)
		return 0;
	if (rte_lcore_count() == 0)
		return xpdk_err(EINVAL,
				"lib/poll needs the environment: call xpdk_env_init() first");
	xpdk_poll_telemetry_register(); /* done by a constructor unless that was dropped */
	sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	v = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(sz, RTE_CACHE_LINE_SIZE));
	if (v == NULL)
		return xpdk_err(ENOMEM, "out of memory for the RCU state (%zu bytes)", sz);
	if (rte_rcu_qsbr_init(v, RTE_MAX_LCORE) != 0) {
		free(v);
		return xpdk_err(EINVAL, "rte_rcu_qsbr_init failed");
	}
	RTE_LCORE_FOREACH (lc) {
		(void)rte_rcu_qsbr_thread_register(v, lc);
	}
	/* a fresh state (first use, or after xpdk_poll_cleanup): no table, no fd */
	for (lc = 0; lc < RTE_MAX_LCORE; lc++) {
		struct poll_lcore *l = &S.lcore[lc];

		l->attr = (struct xpdk_poll_lcore_attr)XPDK_POLL_LCORE_ATTR_INIT;
		l->epfd = -1;
		__atomic_store_n(&l->wakefd, -1, __ATOMIC_RELAXED);
	}
	/* sleeping lcores pay for the producers' barrier (see xpdk_poll_lcore_notify()) */
	S.membarrier =
	    syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
	for (lc = 0; lc < RTE_MAX_LCORE; lc++)
		__atomic_store_n(&xpdk_poll_sleep_flags[lc].fence, !S.membarrier, __ATOMIC_RELAXED);
	__atomic_store_n(&S.qsbr, v, __ATOMIC_RELEASE);
	return 0;
}

/* The epoll set and wake-up eventfd of an lcore, created on first need (lock held). */
static int lcore_fds(struct poll_lcore *l)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	if (l->epfd >= 0)
		return 0;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return xpdk_err(errno, "epoll_create1: %s", strerror(errno));
	l->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->wakefd < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev) < 0) {
		int err = errno;

		if (l->wakefd >= 0)
			close(l->wakefd);
		close(l->epfd);
		l->epfd = l->wakefd = -1;
		return xpdk_err(err, "wake-up eventfd: %s", strerror(err));
	}
	return 0;
}

static struct xpdk_poll_handler *find_locked(const char *name, unsigned int *lcore,
					     unsigned int *idx)
{
	for (unsigned int lc = 0; lc < RTE_MAX_LCORE; lc++) {
		const struct poll_table *t = S.lcore[lc].table;

		for (unsigned int i = 0; t != NULL && i < t->n; i++) {
			if (strcmp(t->h[i]->name, name) == 0) {
				if (lcore != NULL)
					*lcore = lc;
				if (idx != NULL)
					*idx = i;
				return t->h[i];
			}
		}
	}
	return NULL;
}

static int check_attr(const struct xpdk_poll_attr *a)
{
	size_t len;

	if (a == NULL)
		return xpdk_err(EINVAL, "xpdk_poll_register: attr is NULL");
	if (a->size < ATTR_SIZE_V1)
		return xpdk_err(EINVAL,
				"xpdk_poll_register: attr.size is %zu; set it to sizeof(struct "
				"xpdk_poll_attr) (XPDK_POLL_ATTR_INIT)",
				a->size);
	len = a->name != NULL ? strnlen(a->name, XPDK_POLL_NAME_MAX) : 0;
	if (len == 0 || len >= XPDK_POLL_NAME_MAX)
		return xpdk_err(EINVAL, "a handler needs a name of 1 to %d characters",
				XPDK_POLL_NAME_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if (a->name[i] == ',' || a->name[i] <= ' ' || a->name[i] == '"' ||
		    a->name[i] == '\\')
			return xpdk_err(EINVAL,
					"handler name '%s': no spaces, commas, quotes or "
					"backslashes (it is a telemetry parameter)",
					a->name);
	if (!lcore_ok(a->lcore))
		return lcore_error(a->lcore);
	if (a->flags & ~XPDK_POLL_F_ALL)
		return xpdk_err(EINVAL, "handler %s: unknown flags 0x%x", a->name,
				a->flags & ~XPDK_POLL_F_ALL);
	switch (a->kind) {
	case XPDK_POLL_PLAIN:
		break;
	case XPDK_POLL_RING:
		if (a->ring == NULL || a->burst_fn == NULL)
			return xpdk_err(EINVAL, "ring handler %s needs a ring and a burst_fn",
					a->name);
		if (a->burst > XPDK_POLL_BURST_MAX)
			return xpdk_err(EINVAL, "ring handler %s: burst %u is above %u", a->name,
					a->burst, XPDK_POLL_BURST_MAX);
		return 0;
	case XPDK_POLL_EVENT:
		if (a->fd < 0)
			return xpdk_err(EINVAL, "event handler %s needs an fd (got %d)", a->name,
					a->fd);
		break;
	case XPDK_POLL_TIMER:
		if (a->period_us == 0 || a->period_us > UINT64_MAX / rte_get_tsc_hz())
			return xpdk_err(EINVAL, "timer %s: period of %llu us is out of range",
					a->name, (unsigned long long)a->period_us);
		break;
	default:
		return xpdk_err(EINVAL, "handler %s: unknown kind %u", a->name,
				(unsigned int)a->kind);
	}
	if (a->fn == NULL)
		return xpdk_err(EINVAL, "%s handler %s needs a callback (fn)",
				xpdk_poll_kind_name(a->kind), a->name);
	return 0;
}

/* Publish a new table for @p l and wait until no loop can still read the old one, then free
 * it. Lock held. */
static void publish(struct poll_lcore *l, struct poll_table *t)
{
	struct poll_table *old = l->table;

	__atomic_store_n(&l->table, t, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(S.qsbr, RTE_QSBR_THRID_INVALID);
	free(old);
}

static struct poll_table *table_copy(const struct poll_table *old, unsigned int extra)
{
	unsigned int n = old != NULL ? old->n : 0;
	struct poll_table *t =
	    malloc(sizeof(*t) + sizeof(struct xpdk_poll_handler *) * (n + extra));

	if (t == NULL)
		return NULL;
	t->n = n;
	t->n_event = old != NULL ? old->n_event : 0;
	t->n_timer = old != NULL ? old->n_timer : 0;
	if (n > 0)
		memcpy(t->h, old->h, sizeof(struct xpdk_poll_handler *) * n);
	return t;
}

static struct xpdk_poll_handler *handler_new(const struct xpdk_poll_attr *a)
{
	struct xpdk_poll_handler *h = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*h));

	if (h == NULL)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->kind = (uint8_t)a->kind;
	h->keep_on_error = (a->flags & XPDK_POLL_F_KEEP_ON_ERROR) != 0;
	h->fn = a->fn;
	h->burst_fn = a->burst_fn;
	h->ctx = a->ctx;
	h->ring = a->ring;
	h->burst = a->burst ? a->burst : XPDK_POLL_BURST_DEFAULT;
	h->lcore = a->lcore;
	h->fd = a->kind == XPDK_POLL_EVENT ? a->fd : -1;
	if (a->kind == XPDK_POLL_TIMER) {
		h->period_tsc = a->period_us * rte_get_tsc_hz() / 1000000;
		if (h->period_tsc == 0)
			h->period_tsc = 1;
		h->next_tsc = rte_get_tsc_cycles() + h->period_tsc;
	}
	snprintf(h->name, sizeof(h->name), "%s", a->name);
	return h;
}

static int register_locked(const struct xpdk_poll_attr *a, struct xpdk_poll_handler **out)
{
	struct poll_lcore *l;
	struct xpdk_poll_handler *h;
	struct poll_table *t;
	int rc = check_attr(a);

	if (rc == 0)
		rc = state_init();
	if (rc < 0)
		return rc;
	if (find_locked(a->name, NULL, NULL) != NULL)
		return xpdk_err(EEXIST, "a handler named %s is already registered", a->name);
	l = &S.lcore[a->lcore];
	if (a->kind == XPDK_POLL_EVENT && (rc = lcore_fds(l)) < 0)
		return rc;
	h = handler_new(a);
	t = table_copy(l->table, 1);
	if (h == NULL || t == NULL) {
		free(h);
		free(t);
		return xpdk_err(ENOMEM, "out of memory registering handler %s", a->name);
	}
	if (h->kind == XPDK_POLL_EVENT) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = h };

		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0) {
			rc = xpdk_err(errno, "event handler %s: cannot watch fd %d: %s", a->name,
				      h->fd, strerror(errno));
			free(h);
			free(t);
			return rc;
		}
		t->n_event++;
	}
	if (h->kind == XPDK_POLL_TIMER)
		t->n_timer++;
	t->h[t->n++] = h;
	publish(l, t);
	/* a sleeping loop (interrupt mode) looks at its new table now, not at its next event */
	xpdk_poll_lcore_wake(a->lcore);
	if (out != NULL)
		*out = h;
	return 0;
}

int xpdk_poll_register(const struct xpdk_poll_attr *attr, struct xpdk_poll_handler **out)
{
	int rc;

	if (xpdk_poll_in_loop())
		return xpdk_err(EDEADLK, "xpdk_poll_register cannot be called from a handler");
	pthread_mutex_lock(&S.lock);
	rc = register_locked(attr, out);
	pthread_mutex_unlock(&S.lock);
	return rc;
}

/* Remove @p h (index @p idx of lcore @p lc's table). Lock held. */
static int unregister_locked(struct xpdk_poll_handler *h, unsigned int lc, unsigned int idx)
{
	struct poll_lcore *l = &S.lcore[lc];
	struct poll_table *t = table_copy(l->table, 0);

	if (t == NULL)
		return xpdk_err(ENOMEM, "out of memory removing handler %s", h->name);
	memmove(&t->h[idx], &t->h[idx + 1], sizeof(struct xpdk_poll_handler *) * (t->n - idx - 1));
	t->n--;
	if (h->kind == XPDK_POLL_EVENT) {
		t->n_event--;
		/* ENOENT when the loop already dropped it (disabled by the error policy) */
		(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL);
	}
	if (h->kind == XPDK_POLL_TIMER)
		t->n_timer--;
	publish(l, t);
	free(h);
	return 0;
}

int xpdk_poll_unregister(struct xpdk_poll_handler *h)
{
	unsigned int lc = 0, idx = 0;
	int rc = -ENOENT;

	if (h == NULL)
		return 0;
	if (xpdk_poll_in_loop())
		return xpdk_err(EDEADLK, "xpdk_poll_unregister cannot be called from a handler");
	pthread_mutex_lock(&S.lock);
	/* look the pointer up rather than trusting it: a second removal must not free twice */
	for (unsigned int l = 0; l < RTE_MAX_LCORE && rc == -ENOENT; l++) {
		const struct poll_table *t = S.lcore[l].table;

		for (unsigned int i = 0; t != NULL && i < t->n; i++)
			if (t->h[i] == h) {
				lc = l;
				idx = i;
				rc = 0;
				break;
			}
	}
	if (rc == 0)
		rc = unregister_locked(h, lc, idx);
	else
		rc = xpdk_err(ENOENT, "xpdk_poll_unregister: the handler is not registered");
	pthread_mutex_unlock(&S.lock);
	return rc;
}

struct xpdk_poll_handler *xpdk_poll_find(const char *name)
{
	struct xpdk_poll_handler *h;

	pthread_mutex_lock(&S.lock);
	h = name != NULL ? find_locked(name, NULL, NULL) : NULL;
	pthread_mutex_unlock(&S.lock);
	if (h == NULL)
		(void)xpdk_err(ENOENT, "no handler named %s", name != NULL ? name : "(null)");
	return h;
}

const char *xpdk_poll_handler_name(const struct xpdk_poll_handler *h)
{
	return h->name;
}

unsigned int xpdk_poll_handler_lcore(const struct xpdk_poll_handler *h)
{
	return h->lcore;
}

int xpdk_poll_lcore_configure(unsigned int lcore, const struct xpdk_poll_lcore_attr *attr)
{
	struct poll_lcore *l;
	int rc;

	if (attr == NULL || attr->size < LCORE_ATTR_SIZE_V1)
		return xpdk_err(EINVAL, "xpdk_poll_lcore_configure: attr is NULL or its size is "
					"not sizeof(struct xpdk_poll_lcore_attr)");
	if (!lcore_ok(lcore))
		return lcore_error(lcore);
	if (attr->idle_iterations == 0 || attr->event_interval == 0)
		return xpdk_err(EINVAL, "lcore %u: idle_iterations and event_interval must be >= 1",
				lcore);
	pthread_mutex_lock(&S.lock);
	rc = state_init();
	l = &S.lcore[lcore];
	if (rc == 0 && __atomic_load_n(&l->running, __ATOMIC_ACQUIRE))
		rc = xpdk_err(
		    EBUSY, "lcore %u runs its loop: configure it before xpdk_poll_start()", lcore);
	if (rc == 0 && attr->interrupt)
		rc = lcore_fds(l);
	if (rc == 0) {
		l->attr = (struct xpdk_poll_lcore_attr)XPDK_POLL_LCORE_ATTR_INIT;
		memcpy(&l->attr, attr, RTE_MIN(attr->size, sizeof(l->attr)));
		l->attr.size = sizeof(l->attr);
	}
	pthread_mutex_unlock(&S.lock);
	return rc;
}

static int launch_fn(void *arg)
{
	return xpdk_poll_loop((unsigned int)(uintptr_t)arg);
}

int xpdk_poll_start(void)
{
	unsigned int lc;
	int rc, launched = 0;

	if (xpdk_poll_in_loop())
		return xpdk_err(EDEADLK, "xpdk_poll_start cannot be called from a handler");
	pthread_mutex_lock(&S.lock);
	rc = state_init();
	if (rc < 0)
		goto out;
	__atomic_store_n(&S.stop, false, __ATOMIC_RELEASE);
	RTE_LCORE_FOREACH_WORKER (lc) {
		struct poll_lcore *l = &S.lcore[lc];

		if (l->table == NULL || l->table->n == 0 || l->launched)
			continue;
		if (rte_eal_remote_launch(launch_fn, (void *)(uintptr_t)lc, lc) != 0) {
			rc = xpdk_err(EBUSY,
				      "lcore %u is busy with other work (rte_eal_remote_launch); "
				      "its handlers do not run",
				      lc);
			continue;
		}
		l->launched = true;
		launched++;
	}
out:
	pthread_mutex_unlock(&S.lock);
	return rc < 0 ? rc : launched;
}

int xpdk_poll_run(void)
{
	unsigned int lc = rte_lcore_id();
	int rc;

	if (lc >= RTE_MAX_LCORE)
		return xpdk_err(EINVAL, "xpdk_poll_run must be called on an EAL lcore thread");
	pthread_mutex_lock(&S.lock);
	rc = state_init();
	if (rc == 0 && __atomic_load_n(&S.lcore[lc].running, __ATOMIC_ACQUIRE))
		rc = xpdk_err(EBUSY, "the loop of lcore %u already runs", lc);
	pthread_mutex_unlock(&S.lock);
	return rc < 0 ? rc : xpdk_poll_loop(lc);
}

void xpdk_poll_request_stop(void)
{
	__atomic_store_n(&S.stop, true, __ATOMIC_RELEASE);
	for (unsigned int lc = 0; lc < RTE_MAX_LCORE; lc++)
		if (__atomic_load_n(&S.lcore[lc].running, __ATOMIC_ACQUIRE))
			xpdk_poll_lcore_wake(lc);
}

void xpdk_poll_lcore_wake(unsigned int lcore)
{
	static const uint64_t one = 1;
	int fd;

	if (lcore >= RTE_MAX_LCORE || __atomic_load_n(&S.qsbr, __ATOMIC_ACQUIRE) == NULL)
		return;
	fd = __atomic_load_n(&S.lcore[lcore].wakefd, __ATOMIC_RELAXED);
	/* a full counter (EAGAIN) still wakes the reader */
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		return;
}

int xpdk_poll_stop(void)
{
	unsigned int lc;

	if (xpdk_poll_in_loop())
		return xpdk_err(EDEADLK, "xpdk_poll_stop cannot be called from a handler: use "
					 "xpdk_poll_request_stop()");
	xpdk_poll_request_stop();
	pthread_mutex_lock(&S.lock);
	RTE_LCORE_FOREACH_WORKER (lc) {
		if (S.lcore[lc].launched) {
			(void)rte_eal_wait_lcore(lc);
			S.lcore[lc].launched = false;
		}
	}
	/* every worker returned: the next xpdk_poll_run() runs until the next request */
	__atomic_store_n(&S.stop, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&S.lock);
	return 0;
}

bool xpdk_poll_lcore_running(unsigned int lcore)
{
	return lcore < RTE_MAX_LCORE && __atomic_load_n(&S.lcore[lcore].running, __ATOMIC_ACQUIRE);
}

void xpdk_poll_cleanup(void)
{
	if (xpdk_poll_in_loop())
		return;
	(void)xpdk_poll_stop();
	pthread_mutex_lock(&S.lock);
	for (unsigned int lc = 0; lc < RTE_MAX_LCORE; lc++) {
		struct poll_lcore *l = &S.lcore[lc];
		struct poll_table *t = l->table;

		/* no loop runs any more: nothing to wait for */
		for (unsigned int i = 0; t != NULL && i < t->n; i++)
			free(t->h[i]);
		free(t);
		l->table = NULL;
		if (l->epfd >= 0)
			close(l->epfd);
		if (l->wakefd >= 0)
			close(l->wakefd);
		l->epfd = l->wakefd = -1;
		l->attr = (struct xpdk_poll_lcore_attr)XPDK_POLL_LCORE_ATTR_INIT;
		l->iterations = l->busy_iterations = l->busy_cycles = l->idle_cycles = 0;
		l->sleep_cycles = l->sleeps = l->wakeups = 0;
	}
	free(S.qsbr);
	S.qsbr = NULL;
	pthread_mutex_unlock(&S.lock);
}

void xpdk_poll_stats_fill(const struct xpdk_poll_handler *h, struct xpdk_poll_handler_stats *st)
{
	st->calls = POLL_STAT_GET(h->calls);
	st->busy_calls = POLL_STAT_GET(h->busy_calls);
	st->items = POLL_STAT_GET(h->items);
	st->busy_cycles = POLL_STAT_GET(h->busy_cycles);
	st->idle_cycles = POLL_STAT_GET(h->idle_cycles);
	st->errors = POLL_STAT_GET(h->errors);
	st->last_error = POLL_STAT_GET(h->last_error);
	st->disabled = POLL_STAT_GET(h->disabled);
	st->lcore = h->lcore;
	st->kind = (enum xpdk_poll_kind)h->kind;
}

int xpdk_poll_handler_stats(const struct xpdk_poll_handler *h, struct xpdk_poll_handler_stats *st)
{
	if (h == NULL || st == NULL || st->size < H_STATS_SIZE_V1)
		return xpdk_err(EINVAL, "xpdk_poll_handler_stats: NULL argument or stats size not "
					"set to sizeof(struct xpdk_poll_handler_stats)");
	xpdk_poll_stats_fill(h, st);
	return 0;
}

void xpdk_poll_lcore_stats_fill(unsigned int lcore, struct xpdk_poll_lcore_stats *st)
{
	const struct poll_lcore *l = &S.lcore[lcore];
	const struct poll_table *t = __atomic_load_n(&l->table, __ATOMIC_ACQUIRE);
	uint64_t all;

	st->iterations = POLL_STAT_GET(l->iterations);
	st->busy_iterations = POLL_STAT_GET(l->busy_iterations);
	st->busy_cycles = POLL_STAT_GET(l->busy_cycles);
	st->idle_cycles = POLL_STAT_GET(l->idle_cycles);
	st->sleep_cycles = POLL_STAT_GET(l->sleep_cycles);
	st->sleeps = POLL_STAT_GET(l->sleeps);
	st->wakeups = POLL_STAT_GET(l->wakeups);
	all = st->busy_cycles + st->idle_cycles + st->sleep_cycles;
	st->utilisation = all > 0 ? (double)st->busy_cycles / (double)all : 0;
	st->handlers = t != NULL ? t->n : 0;
	st->running = __atomic_load_n(&l->running, __ATOMIC_ACQUIRE);
	st->interrupt = l->attr.interrupt;
	st->sleeping = __atomic_load_n(&xpdk_poll_sleep_flags[lcore].sleeping, __ATOMIC_RELAXED);
	st->tid = POLL_STAT_GET(l->tid);
}

int xpdk_poll_lcore_stats(unsigned int lcore, struct xpdk_poll_lcore_stats *st)
{
	if (st == NULL || st->size < LCORE_STATS_SIZE_V1)
		return xpdk_err(EINVAL, "xpdk_poll_lcore_stats: NULL stats or size not set to "
					"sizeof(struct xpdk_poll_lcore_stats)");
	if (!lcore_ok(lcore))
		return lcore_error(lcore);
	pthread_mutex_lock(&S.lock);
	xpdk_poll_lcore_stats_fill(lcore, st);
	pthread_mutex_unlock(&S.lock);
	return 0;
}
