/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Unit tests of lib/poll on two lcores (-l 0,1): registration errors, the statistics of a
 * loop run on the main lcore (deterministic: the handlers stop it themselves), burst order over
 * every ring sync mode, removal while the worker loop runs (many times; ASan checks that no
 * removed handler is called), start/stop/start, the error policy, timers, event fds and
 * interrupt mode. Waits have a generous deadline only so that a broken build fails instead of
 * hanging; no assertion depends on how fast the machine is.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "xpdk_env.h"
#include "xpdk_poll.h"

#define WORKER	    1
#define DEADLINE_NS (60ull * 1000000000ull) /* a hang guard, not a timing assertion */

/* Spin until @p cond holds; fail the test after DEADLINE_NS. */
#define WAIT_FOR(cond)                                                                             \
	do {                                                                                       \
		uint64_t dl_ = xpdk_now_ns() + DEADLINE_NS;                                        \
		while (!(cond)) {                                                                  \
			if (xpdk_now_ns() > dl_)                                                   \
				fail_msg("timed out waiting for: %s", #cond);                      \
			usleep(50);                                                                \
		}                                                                                  \
	} while (0)

static uint64_t load64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static struct xpdk_poll_handler_stats hstats(const struct xpdk_poll_handler *h)
{
	struct xpdk_poll_handler_stats st = { .size = sizeof(st) };

	assert_int_equal(xpdk_poll_handler_stats(h, &st), 0);
	return st;
}

static struct xpdk_poll_lcore_stats lstats(unsigned int lc)
{
	struct xpdk_poll_lcore_stats st = { .size = sizeof(st) };

	assert_int_equal(xpdk_poll_lcore_stats(lc, &st), 0);
	return st;
}

/* The documented sequence on the main lcore: launch workers, run here until a handler stops
 * the loops, join. */
static void run_main(void)
{
	assert_true(xpdk_poll_start() >= 0);
	assert_int_equal(xpdk_poll_run(), 0);
	assert_int_equal(xpdk_poll_stop(), 0);
}

static int idle_fn(void *ctx)
{
	(void)ctx;
	return 0;
}

/* ---- errors ---- */

static void test_register_rejects_lcore_not_enabled(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;

	(void)state;
	a.name = "nowhere";
	a.fn = idle_fn;
	a.lcore = 5;
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "lcore 5 is not enabled"));
	a.lcore = RTE_MAX_LCORE + 3;
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	assert_int_equal(xpdk_poll_start(), 0); /* nothing registered, nothing launched */
	assert_int_equal(xpdk_poll_stop(), 0);
}

static void test_register_rejects_duplicate_name(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_handler *h = NULL, *h2 = NULL;

	(void)state;
	a.name = "twice";
	a.fn = idle_fn;
	a.lcore = 0;
	assert_int_equal(xpdk_poll_register(&a, &h), 0);
	a.lcore = WORKER; /* unique across lcores, as telemetry names it */
	assert_int_equal(xpdk_poll_register(&a, &h2), -EEXIST);
	assert_null(h2);
	assert_non_null(strstr(xpdk_strerror_last(), "twice is already registered"));
	assert_ptr_equal(xpdk_poll_find("twice"), h);
	assert_string_equal(xpdk_poll_handler_name(h), "twice");
	assert_int_equal(xpdk_poll_handler_lcore(h), 0);
	assert_int_equal(xpdk_poll_unregister(h), 0);
	assert_null(xpdk_poll_find("twice"));
	assert_int_equal(errno, ENOENT);
	/* a second removal is refused rather than freeing twice */
	assert_int_equal(xpdk_poll_unregister(h), -ENOENT);
	assert_int_equal(xpdk_poll_unregister(NULL), 0);
}

static void test_register_rejects_bad_attributes(void **state)
{
	static char ring_mem[8];
	struct xpdk_poll_attr good = XPDK_POLL_ATTR_INIT, a;
	struct xpdk_poll_lcore_attr la = XPDK_POLL_LCORE_ATTR_INIT;

	(void)state;
	good.name = "bad";
	good.fn = idle_fn;
	assert_int_equal(xpdk_poll_register(NULL, NULL), -EINVAL);
	a = good;
	a.size = 0;
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "XPDK_POLL_ATTR_INIT"));
	a = good;
	a.name = "";
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a.name = "with,comma";
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a.name = "a-name-that-is-longer-than-31-characters";
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a = good;
	a.fn = NULL;
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	assert_non_null(strstr(xpdk_strerror_last(), "needs a callback"));
	a = good;
	a.kind = XPDK_POLL_RING; /* no ring */
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a.ring = (struct rte_ring *)ring_mem;
	a.burst_fn = (xpdk_poll_burst_fn)(void *)idle_fn;
	a.burst = XPDK_POLL_BURST_MAX + 1;
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a = good;
	a.kind = XPDK_POLL_EVENT; /* fd -1 */
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a.fd = 1000000; /* not an open fd: epoll says so */
	assert_int_equal(xpdk_poll_register(&a, NULL), -EBADF);
	a = good;
	a.kind = XPDK_POLL_TIMER; /* period 0 */
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a = good;
	a.kind = (enum xpdk_poll_kind)9;
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	a = good;
	a.flags = 0x80;
	assert_int_equal(xpdk_poll_register(&a, NULL), -EINVAL);
	assert_null(xpdk_poll_find("bad"));

	assert_int_equal(xpdk_poll_lcore_configure(7, &la), -EINVAL);
	la.idle_iterations = 0;
	assert_int_equal(xpdk_poll_lcore_configure(0, &la), -EINVAL);
	la.size = 1;
	assert_int_equal(xpdk_poll_lcore_configure(0, &la), -EINVAL);
	assert_int_equal(xpdk_poll_lcore_stats(9, &(struct xpdk_poll_lcore_stats){ .size = 0 }),
			 -EINVAL);
}

/* ---- statistics of a loop on the main lcore, stopped by its own handlers ---- */

struct script {
	unsigned int calls;
	unsigned int stop_after;
	int error_at; /* return this call's error, 0: none */
	int error;
};

/* Work 3 on every even call, idle on odd ones; stop after stop_after calls. */
static int script_fn(void *ctx)
{
	struct script *s = ctx;
	unsigned int n = ++s->calls;

	if (n == s->stop_after)
		xpdk_poll_request_stop();
	if (s->error_at != 0 && (int)n >= s->error_at)
		return s->error;
	return n % 2 == 0 ? 3 : 0;
}

static void test_statistics_count_calls_work_and_iterations(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_lcore_attr la = XPDK_POLL_LCORE_ATTR_INIT;
	struct script s = { .stop_after = 100 };
	struct xpdk_poll_lcore_stats l0, l1;
	struct xpdk_poll_handler_stats st;
	struct xpdk_poll_handler *h;

	(void)state;
	la.handler_cycles = true;
	assert_int_equal(xpdk_poll_lcore_configure(0, &la), 0);
	a.name = "script";
	a.fn = script_fn;
	a.ctx = &s;
	assert_int_equal(xpdk_poll_register(&a, &h), 0);
	l0 = lstats(0);
	assert_int_equal(xpdk_poll_start(), 0); /* no worker has handlers */
	assert_int_equal(xpdk_poll_run(), 0);
	assert_int_equal(xpdk_poll_stop(), 0);
	l1 = lstats(0);
	st = hstats(h);
	assert_int_equal(st.calls, 100);
	assert_int_equal(st.busy_calls, 50);
	assert_int_equal(st.items, 150);
	assert_int_equal(st.errors, 0);
	assert_false(st.disabled);
	assert_int_equal(st.kind, XPDK_POLL_PLAIN);
	assert_true(st.busy_cycles > 0 && st.idle_cycles > 0);
	assert_int_equal(l1.iterations - l0.iterations, 100);
	assert_int_equal(l1.busy_iterations - l0.busy_iterations, 50);
	assert_int_equal(l1.handlers, 1);
	assert_false(l1.running);
	assert_true(l1.utilisation > 0 && l1.utilisation < 1);
	assert_int_equal(l1.tid, gettid());
	assert_int_equal(xpdk_poll_unregister(h), 0);
	la.handler_cycles = false;
	assert_int_equal(xpdk_poll_lcore_configure(0, &la), 0);
}

static void run_error_policy(unsigned int flags, uint64_t want_calls, uint64_t want_errors,
			     bool want_disabled)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT, b = XPDK_POLL_ATTR_INIT;
	struct script bad = { .error_at = 3, .error = -EIO };
	struct script stopper = { .stop_after = 10 };
	struct xpdk_poll_handler *hb, *hs;
	struct xpdk_poll_handler_stats st;

	a.name = "fails";
	a.fn = script_fn;
	a.ctx = &bad;
	a.flags = flags;
	b.name = "stopper";
	b.fn = script_fn;
	b.ctx = &stopper;
	assert_int_equal(xpdk_poll_register(&a, &hb), 0);
	assert_int_equal(xpdk_poll_register(&b, &hs), 0);
	run_main();
	st = hstats(hb);
	assert_int_equal(st.calls, want_calls);
	assert_int_equal(st.errors, want_errors);
	assert_int_equal(st.last_error, -EIO);
	assert_int_equal(st.disabled, want_disabled);
	assert_int_equal(hstats(hs).calls, 10);
	assert_int_equal(xpdk_poll_unregister(hb), 0);
	assert_int_equal(xpdk_poll_unregister(hs), 0);
}

static void test_handler_error_disables_it(void **state)
{
	(void)state;
	run_error_policy(0, 3, 1, true);
}

static void test_handler_error_with_keep_flag_is_counted(void **state)
{
	(void)state;
	run_error_policy(XPDK_POLL_F_KEEP_ON_ERROR, 10, 8, false);
}

struct timer_ctx {
	unsigned int fired;
	uint64_t t0, t3;
};

static int timer_fn(void *ctx)
{
	struct timer_ctx *t = ctx;

	if (++t->fired == 3) {
		t->t3 = rte_get_tsc_cycles();
		xpdk_poll_request_stop();
	}
	return 1;
}

static void test_timer_fires_after_its_period(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT, p = XPDK_POLL_ATTR_INIT;
	struct timer_ctx t = { 0 };
	struct xpdk_poll_handler *ht, *hp;

	(void)state;
	a.name = "timer";
	a.kind = XPDK_POLL_TIMER;
	a.fn = timer_fn;
	a.ctx = &t;
	a.period_us = 2000;
	p.name = "spinner";
	p.fn = idle_fn;
	t.t0 = rte_get_tsc_cycles();
	assert_int_equal(xpdk_poll_register(&a, &ht), 0);
	assert_int_equal(xpdk_poll_register(&p, &hp), 0);
	run_main();
	assert_int_equal(t.fired, 3);
	assert_int_equal(hstats(ht).calls, 3);
	/* three periods at least (a loaded machine only makes it later) */
	assert_true(t.t3 - t.t0 >= 3 * 2000 * rte_get_tsc_hz() / 1000000);
	assert_true(hstats(hp).calls > 3);
	assert_int_equal(xpdk_poll_unregister(ht), 0);
	assert_int_equal(xpdk_poll_unregister(hp), 0);
}

struct event_ctx {
	int fd;
	unsigned int iter, events;
	uint64_t total;
};

/* Plain handler: signal the eventfd on its 5th call. */
static int signaller_fn(void *ctx)
{
	struct event_ctx *e = ctx;
	uint64_t two = 2;

	if (++e->iter == 5 && write(e->fd, &two, sizeof(two)) != sizeof(two))
		return -errno;
	return 0;
}

static int event_fn(void *ctx)
{
	struct event_ctx *e = ctx;
	uint64_t v = 0;

	if (read(e->fd, &v, sizeof(v)) != sizeof(v))
		return -errno;
	e->events++;
	e->total += v;
	xpdk_poll_request_stop();
	return 1;
}

static void test_event_handler_runs_when_fd_is_readable(void **state)
{
	struct event_ctx e = { .fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT, s = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_handler *he, *hs;

	(void)state;
	assert_true(e.fd >= 0);
	a.name = "event";
	a.kind = XPDK_POLL_EVENT;
	a.fd = e.fd;
	a.fn = event_fn;
	a.ctx = &e;
	s.name = "signaller";
	s.fn = signaller_fn;
	s.ctx = &e;
	assert_int_equal(xpdk_poll_register(&a, &he), 0);
	assert_int_equal(xpdk_poll_register(&s, &hs), 0);
	run_main();
	assert_int_equal(e.events, 1);
	assert_int_equal(e.total, 2);
	assert_int_equal(hstats(he).calls, 1); /* never called while the fd was empty */
	assert_true(e.iter >= 5);
	assert_int_equal(xpdk_poll_unregister(he), 0);
	assert_int_equal(xpdk_poll_unregister(hs), 0);
	close(e.fd);
}

static int unregister_self_fn(void *ctx)
{
	int *rc = ctx;

	*rc = xpdk_poll_unregister(xpdk_poll_find("selfish"));
	xpdk_poll_request_stop();
	return 0;
}

static void test_calls_from_a_handler_are_refused(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_handler *h;
	int rc = 0;

	(void)state;
	a.name = "selfish";
	a.fn = unregister_self_fn;
	a.ctx = &rc;
	assert_int_equal(xpdk_poll_register(&a, &h), 0);
	run_main();
	assert_int_equal(rc, -EDEADLK);
	assert_int_equal(xpdk_poll_unregister(h), 0);
}

/* ---- on the worker lcore ---- */

struct burst_ctx {
	uint64_t next;	   /* next value expected */
	uint64_t received; /* atomic: objects seen */
	uint64_t out_of_order;
	unsigned int max_n;
};

static int burst_fn(void *ctx, void **objs, unsigned int n)
{
	struct burst_ctx *b = ctx;

	for (unsigned int i = 0; i < n; i++) {
		if ((uintptr_t)objs[i] != b->next)
			b->out_of_order++;
		b->next = (uintptr_t)objs[i] + 1;
	}
	if (n > b->max_n)
		b->max_n = n;
	__atomic_store_n(&b->received, b->received + n, __ATOMIC_RELEASE);
	return (int)n;
}

static void pass_through_ring(unsigned int flags, const char *what)
{
	char name[32];
	struct rte_ring *r;
	struct burst_ctx b = { .next = 1 };
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_handler *h;
	struct xpdk_poll_handler_stats st;
	const uint64_t total = 20000;
	uint64_t sent = 1;

	snprintf(name, sizeof(name), "burst-%s", what);
	r = rte_ring_create(name, 256, SOCKET_ID_ANY, flags);
	assert_non_null(r);
	a.name = name;
	a.kind = XPDK_POLL_RING;
	a.lcore = WORKER;
	a.ring = r;
	a.burst = 8;
	a.burst_fn = burst_fn;
	a.ctx = &b;
	assert_int_equal(xpdk_poll_register(&a, &h), 0);
	assert_int_equal(xpdk_poll_start(), 1);
	while (sent <= total) {
		void *objs[16];
		unsigned int n = 0;

		while (n < 16 && sent + n <= total) {
			objs[n] = (void *)(uintptr_t)(sent + n);
			n++;
		}
		sent += xpdk_poll_ring_enqueue_burst(r, WORKER, objs, n, NULL);
	}
	WAIT_FOR(load64(&b.received) == total);
	assert_int_equal(xpdk_poll_stop(), 0);
	st = hstats(h);
	assert_int_equal(b.out_of_order, 0);
	assert_int_equal(b.next, total + 1);
	assert_true(b.max_n >= 1 && b.max_n <= 8);
	assert_int_equal(st.items, total);
	assert_true(st.busy_calls >= total / 8 && st.busy_calls <= total);
	assert_true(st.calls >= st.busy_calls);
	assert_int_equal(xpdk_poll_unregister(h), 0);
	rte_ring_free(r);
}

static void test_ring_bursts_keep_order_in_every_sync_mode(void **state)
{
	(void)state;
	pass_through_ring(RING_F_SP_ENQ | RING_F_SC_DEQ, "spsc");
	pass_through_ring(0, "mpmc");
	pass_through_ring(RING_F_MP_RTS_ENQ | RING_F_MC_RTS_DEQ, "rts");
	pass_through_ring(RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ, "hts");
}

struct churn_ctx {
	uint64_t calls; /* atomic */
	int inside;	/* atomic: 1 while in the callback */
	char pad[200];
};

static int churn_fn(void *ctx)
{
	struct churn_ctx *c = ctx;

	__atomic_store_n(&c->inside, 1, __ATOMIC_RELEASE);
	memset(c->pad, (int)(c->calls & 0xff), sizeof(c->pad)); /* ASan: ctx still alive */
	__atomic_store_n(&c->calls, c->calls + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&c->inside, 0, __ATOMIC_RELEASE);
	return 1;
}

static void test_unregister_while_running_many_times(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT, k = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_handler *keep;
	const unsigned int rounds = 2000;

	(void)state;
	k.name = "resident";
	k.fn = idle_fn;
	k.lcore = WORKER;
	assert_int_equal(xpdk_poll_register(&k, &keep), 0);
	assert_int_equal(xpdk_poll_start(), 1);
	for (unsigned int i = 0; i < rounds; i++) {
		struct churn_ctx *c[2];
		struct xpdk_poll_handler *h[2];
		char name[2][32];

		for (int j = 0; j < 2; j++) {
			c[j] = calloc(1, sizeof(*c[j]));
			assert_non_null(c[j]);
			snprintf(name[j], sizeof(name[j]), "churn-%u-%d", i, j);
			a.name = name[j];
			a.fn = churn_fn;
			a.ctx = c[j];
			a.lcore = WORKER;
			assert_int_equal(xpdk_poll_register(&a, &h[j]), 0);
		}
		/* every round: both called at least once; one removed from the middle */
		for (int j = 0; j < 2; j++)
			while (load64(&c[j]->calls) == 0)
				rte_pause();
		for (int j = 0; j < 2; j++) {
			uint64_t seen;

			assert_int_equal(xpdk_poll_unregister(h[j]), 0);
			/* removal returned: the lcore is out of the callback and stays out */
			assert_int_equal(__atomic_load_n(&c[j]->inside, __ATOMIC_ACQUIRE), 0);
			seen = load64(&c[j]->calls);
			assert_true(seen > 0);
			free(c[j]); /* a later call would be a use after free under ASan */
		}
	}
	assert_true(xpdk_poll_lcore_running(WORKER));
	assert_int_equal(lstats(WORKER).handlers, 1);
	assert_int_equal(xpdk_poll_stop(), 0);
	assert_int_equal(xpdk_poll_unregister(keep), 0);
}

static int count_fn(void *ctx)
{
	uint64_t *n = ctx;

	__atomic_store_n(n, *n + 1, __ATOMIC_RELEASE);
	return 1;
}

static void test_start_stop_start(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_lcore_attr la = XPDK_POLL_LCORE_ATTR_INIT;
	struct xpdk_poll_handler *h;
	uint64_t n = 0, after;

	(void)state;
	a.name = "counter";
	a.fn = count_fn;
	a.ctx = &n;
	a.lcore = WORKER;
	assert_int_equal(xpdk_poll_register(&a, &h), 0);
	for (int round = 0; round < 3; round++) {
		uint64_t before = load64(&n);

		assert_int_equal(xpdk_poll_start(), 1);
		assert_int_equal(xpdk_poll_start(), 0); /* already running: nothing new */
		assert_int_equal(xpdk_poll_lcore_configure(WORKER, &la), -EBUSY);
		WAIT_FOR(load64(&n) > before + 100);
		assert_true(xpdk_poll_lcore_running(WORKER));
		assert_int_equal(xpdk_poll_stop(), 0);
		assert_false(xpdk_poll_lcore_running(WORKER));
		after = load64(&n);
		/* joined: nothing calls it any more */
		usleep(1000);
		assert_int_equal(load64(&n), after);
		assert_int_equal(hstats(h).calls, after);
	}
	assert_int_equal(xpdk_poll_unregister(h), 0);
}

static void test_interrupt_mode_sleeps_and_producer_wakes_it(void **state)
{
	struct xpdk_poll_lcore_attr la = XPDK_POLL_LCORE_ATTR_INIT;
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct burst_ctx b = { .next = 1 };
	struct xpdk_poll_lcore_stats st;
	struct xpdk_poll_handler *h;
	struct rte_ring *r = rte_ring_create("intr", 64, SOCKET_ID_ANY, 0);

	(void)state;
	assert_non_null(r);
	la.interrupt = true;
	la.idle_iterations = 16;
	assert_int_equal(xpdk_poll_lcore_configure(WORKER, &la), 0);
	a.name = "intr-ring";
	a.kind = XPDK_POLL_RING;
	a.lcore = WORKER;
	a.ring = r;
	a.burst_fn = burst_fn;
	a.ctx = &b;
	assert_int_equal(xpdk_poll_register(&a, &h), 0);
	assert_int_equal(xpdk_poll_start(), 1);
	for (uint64_t i = 1; i <= 20; i++) {
		void *obj = (void *)(uintptr_t)i;

		/* wait until it sleeps, then wake it with one object */
		WAIT_FOR(lstats(WORKER).sleeps >= i);
		assert_int_equal(xpdk_poll_ring_enqueue_burst(r, WORKER, &obj, 1, NULL), 1);
		WAIT_FOR(load64(&b.received) == i);
	}
	st = lstats(WORKER);
	assert_true(st.interrupt);
	assert_true(st.sleeps >= 20 && st.wakeups >= 1);
	assert_true(st.sleep_cycles > 0);
	assert_int_equal(b.out_of_order, 0);
	/* a sleeping loop is woken by the stop request */
	WAIT_FOR(lstats(WORKER).sleeping);
	assert_int_equal(xpdk_poll_stop(), 0);
	assert_false(xpdk_poll_lcore_running(WORKER));
	assert_int_equal(xpdk_poll_unregister(h), 0);
	rte_ring_free(r);
	la.interrupt = false;
	assert_int_equal(xpdk_poll_lcore_configure(WORKER, &la), 0);
}

static void test_cleanup_releases_everything(void **state)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;

	(void)state;
	a.name = "leftover";
	a.fn = idle_fn;
	a.lcore = WORKER;
	assert_int_equal(xpdk_poll_register(&a, NULL), 0);
	assert_int_equal(xpdk_poll_start(), 1);
	xpdk_poll_cleanup(); /* stops, frees the handler (ASan: no leak) */
	assert_false(xpdk_poll_lcore_running(WORKER));
	assert_null(xpdk_poll_find("leftover"));
	assert_int_equal(xpdk_poll_register(&a, NULL), 0); /* usable again */
	xpdk_poll_cleanup();
}

static int setup(void **state)
{
	(void)state;
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_rejects_lcore_not_enabled),
		cmocka_unit_test(test_register_rejects_duplicate_name),
		cmocka_unit_test(test_register_rejects_bad_attributes),
		cmocka_unit_test(test_statistics_count_calls_work_and_iterations),
		cmocka_unit_test(test_handler_error_disables_it),
		cmocka_unit_test(test_handler_error_with_keep_flag_is_counted),
		cmocka_unit_test(test_timer_fires_after_its_period),
		cmocka_unit_test(test_event_handler_runs_when_fd_is_readable),
		cmocka_unit_test(test_calls_from_a_handler_are_refused),
		cmocka_unit_test(test_ring_bursts_keep_order_in_every_sync_mode),
		cmocka_unit_test(test_unregister_while_running_many_times),
		cmocka_unit_test(test_start_stop_start),
		cmocka_unit_test(test_interrupt_mode_sleeps_and_producer_wakes_it),
		cmocka_unit_test(test_cleanup_releases_everything),
	};
	int rc;

	if (xpdk_env_init(argc, argv) < 0) {
		fprintf(stderr, "test_poll: %s\n", xpdk_strerror_last());
		return 1;
	}
	if (rte_lcore_count() < 2) {
		fprintf(stderr, "test_poll: needs two lcores (-l 0,1)\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("poll", tests, setup, NULL);
	xpdk_poll_cleanup();
	xpdk_env_cleanup();
	return rc;
}
