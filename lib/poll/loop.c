/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The poll loop of one lcore: call the handlers of the published table, report a quiescent
 * state to RCU once per iteration, account busy and idle time, and in interrupt mode sleep in
 * epoll once the lcore has been idle long enough. No lock, no allocation; syscalls only to
 * check event fds and to sleep.
 */

#include <errno.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "poll_priv.h"

#define S xpdk_poll_state

/* In an idle streak the loop reads the TSC only every IDLE_STAMP_EVERY iterations (a TSC read
 * costs about as much as an idle handler call); busy iterations, timers and per-handler cycle
 * accounting read it on every iteration. */
#define IDLE_STAMP_EVERY 64

static __thread bool in_loop;

/* The barrier between the "about to sleep" flag and the last poll. With membarrier(2) it is a
 * full barrier on every CPU that runs a thread of this process, so producers need none on their
 * side (xpdk_poll_lcore_notify()); it costs an IPI, once per sleep. */
static void sleep_barrier(void)
{
	rte_smp_mb();
	if (!xpdk_poll_state.membarrier ||
	    syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
		/* cannot happen once registered; producers fence themselves from now on */
		for (unsigned int i = 0; i < RTE_MAX_LCORE; i++)
			__atomic_store_n(&xpdk_poll_sleep_flags[i].fence, 1, __ATOMIC_RELAXED);
		rte_smp_mb();
	}
}

bool xpdk_poll_in_loop(void)
{
	return in_loop;
}

/* The error policy: count, log once, disable unless the handler asked to be kept. */
static void handler_error(struct poll_lcore *l, struct xpdk_poll_handler *h, int ret)
{
	bool first = h->errors == 0;

	POLL_STAT_ADD(h->errors, 1);
	__atomic_store_n(&h->last_error, ret, __ATOMIC_RELAXED);
	if (h->keep_on_error) {
		if (first)
			rte_log(RTE_LOG_ERR, xpdk_logtype_poll,
				"XPDK poll: handler %s on lcore %u returned %d (%s); it is kept "
				"(XPDK_POLL_F_KEEP_ON_ERROR) and further errors are only counted\n",
				h->name, h->lcore, ret, strerror(-ret));
		return;
	}
	__atomic_store_n(&h->disabled, true, __ATOMIC_RELAXED);
	/* a readable fd nobody reads would wake a sleeping lcore forever */
	if (h->kind == XPDK_POLL_EVENT)
		(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL);
	rte_log(RTE_LOG_ERR, xpdk_logtype_poll,
		"XPDK poll: handler %s on lcore %u returned %d (%s); it is disabled until it is "
		"unregistered\n",
		h->name, h->lcore, ret, strerror(-ret));
}

/* Non-blocking check of the lcore's fds: mark ready event handlers, drain the wake-up fd. */
static void events_check(struct poll_lcore *l)
{
	struct epoll_event ev[POLL_MAX_EVENTS];
	int n = epoll_wait(l->epfd, ev, POLL_MAX_EVENTS, 0);

	for (int i = 0; i < n; i++) {
		struct xpdk_poll_handler *h = ev[i].data.ptr;
		uint64_t cnt;

		if (h == NULL) {
			if (read(l->wakefd, &cnt, sizeof(cnt)) < 0)
				continue; /* EAGAIN: another check drained it */
		} else {
			h->event_ready = true;
		}
	}
}

/* Call one handler if it is due. @return the work it did (0 when idle or not called). */
static inline unsigned int handler_poll(struct poll_lcore *l, struct xpdk_poll_handler *h,
					uint64_t now, uint64_t *tc, bool cycles)
{
	unsigned int n = 0;
	int ret;

	switch (h->kind) {
	case XPDK_POLL_PLAIN:
		ret = h->fn(h->ctx);
		break;
	case XPDK_POLL_RING:
		n = rte_ring_dequeue_burst(h->ring, l->objs, h->burst, NULL);
		ret = n > 0 ? h->burst_fn(h->ctx, l->objs, n) : 0;
		break;
	case XPDK_POLL_EVENT:
		if (!h->event_ready)
			return 0;
		h->event_ready = false;
		ret = h->fn(h->ctx);
		break;
	default: /* XPDK_POLL_TIMER */
		if (now < h->next_tsc)
			return 0;
		h->next_tsc += h->period_tsc;
		if (h->next_tsc <= now) /* fell behind: skip the missed periods */
			h->next_tsc = now + h->period_tsc;
		ret = h->fn(h->ctx);
		break;
	}
	POLL_STAT_ADD(h->calls, 1);
	if (cycles) {
		uint64_t t = rte_rdtsc();

		if (ret > 0 || n > 0)
			POLL_STAT_ADD(h->busy_cycles, t - *tc);
		else
			POLL_STAT_ADD(h->idle_cycles, t - *tc);
		*tc = t;
	}
	if (unlikely(ret < 0)) {
		handler_error(l, h, ret);
		ret = 0;
	}
	if (h->kind == XPDK_POLL_RING)
		ret = (int)n;
	if (ret > 0) {
		POLL_STAT_ADD(h->busy_calls, 1);
		POLL_STAT_ADD(h->items, (uint64_t)ret);
	}
	return (unsigned int)ret;
}

/* Milliseconds until the first timer of @p t is due (-1: none), rounded up. */
static int next_timer_ms(const struct poll_table *t, uint64_t now)
{
	uint64_t first = UINT64_MAX, ms_cycles = rte_get_tsc_hz() / 1000;

	for (unsigned int i = 0; t != NULL && i < t->n; i++) {
		const struct xpdk_poll_handler *h = t->h[i];

		if (h->kind == XPDK_POLL_TIMER && !h->disabled && h->next_tsc < first)
			first = h->next_tsc;
	}
	if (first == UINT64_MAX)
		return -1;
	if (first <= now)
		return 0;
	return (int)RTE_MIN((first - now + ms_cycles - 1) / ms_cycles, (uint64_t)INT32_MAX);
}

/* Sleep in epoll until an fd, a producer or the next timer wakes the lcore. The loop is offline
 * for RCU meanwhile, so that removals do not wait for it; events are not used here (their
 * handlers may be freed while we sleep): the next iteration checks the fds again. */
static void lcore_sleep(struct poll_lcore *l, unsigned int lc, const struct poll_table *t)
{
	struct epoll_event ev[POLL_MAX_EVENTS];
	int timeout = next_timer_ms(t, rte_rdtsc());
	uint64_t t0, t1;
	int n = 0;

	if (timeout != 0 && !__atomic_load_n(&S.stop, __ATOMIC_ACQUIRE)) {
		rte_rcu_qsbr_thread_offline(S.qsbr, lc);
		POLL_STAT_ADD(l->sleeps, 1); /* counted on entry: readers see a sleep in progress */
		t0 = rte_rdtsc();
		n = epoll_wait(l->epfd, ev, POLL_MAX_EVENTS, timeout);
		t1 = rte_rdtsc();
		rte_rcu_qsbr_thread_online(S.qsbr, lc);
		POLL_STAT_ADD(l->sleep_cycles, t1 - t0);
		if (n > 0)
			POLL_STAT_ADD(l->wakeups, 1);
	}
	__atomic_store_n(&xpdk_poll_sleep_flags[lc].sleeping, 0, __ATOMIC_RELAXED);
}

int xpdk_poll_loop(unsigned int lc)
{
	struct poll_lcore *l = &S.lcore[lc];
	const bool cycles = l->attr.handler_cycles, intr = l->attr.interrupt && l->epfd >= 0;
	const uint32_t idle_max = l->attr.idle_iterations, ev_every = l->attr.event_interval;
	uint64_t t_mark, idle_run = 0, it = 0;
	bool prev_busy = true, announced = false, force_events = true;

	if (__atomic_exchange_n(&l->running, true, __ATOMIC_ACQ_REL))
		return xpdk_err(EBUSY, "the loop of lcore %u already runs", lc);
	in_loop = true;
	__atomic_store_n(&l->tid, (int)gettid(), __ATOMIC_RELAXED);
	rte_rcu_qsbr_thread_online(S.qsbr, lc);
	t_mark = rte_rdtsc();

	while (!__atomic_load_n(&S.stop, __ATOMIC_ACQUIRE)) {
		const struct poll_table *t = __atomic_load_n(&l->table, __ATOMIC_ACQUIRE);
		unsigned int n = t != NULL ? t->n : 0, work = 0;
		/* timers need the time on every iteration */
		bool stamp = prev_busy || cycles || (idle_run % IDLE_STAMP_EVERY) == 0 ||
			     (t != NULL && t->n_timer > 0);
		uint64_t now = 0, tc;

		if (stamp) {
			now = rte_rdtsc();
			/* at most one busy iteration per interval, at its end (see the header) */
			if (prev_busy)
				POLL_STAT_ADD(l->busy_cycles, now - t_mark);
			else
				POLL_STAT_ADD(l->idle_cycles, now - t_mark);
			t_mark = now;
		}
		tc = now;
		/* event fds every ev_every iterations; after a sleep also the wake-up fd */
		if ((t != NULL && t->n_event > 0 && (force_events || it % ev_every == 0)) ||
		    (force_events && intr))
			events_check(l);
		force_events = false;
		for (unsigned int i = 0; i < n; i++) {
			struct xpdk_poll_handler *h = t->h[i];

			if (likely(!h->disabled))
				work += handler_poll(l, h, now, &tc, cycles);
		}
		rte_rcu_qsbr_quiescent(S.qsbr, lc);
		it++;
		POLL_STAT_ADD(l->iterations, 1);
		prev_busy = work > 0;
		if (prev_busy) {
			POLL_STAT_ADD(l->busy_iterations, 1);
			idle_run = 0;
			if (announced) {
				announced = false;
				__atomic_store_n(&xpdk_poll_sleep_flags[lc].sleeping, 0,
						 __ATOMIC_RELAXED);
			}
			continue;
		}
		idle_run++;
		if (!intr || idle_run < idle_max)
			continue;
		if (!announced) {
			/* say we are about to sleep, then poll once more: a producer either sees
			 * the flag and wakes us, or we see its work in that last poll */
			__atomic_store_n(&xpdk_poll_sleep_flags[lc].sleeping, 1, __ATOMIC_RELAXED);
			sleep_barrier();
			announced = true;
			continue;
		}
		now = rte_rdtsc();
		POLL_STAT_ADD(l->idle_cycles, now - t_mark);
		lcore_sleep(l, lc, t);
		t_mark = rte_rdtsc();
		announced = false;
		idle_run = 0;
		prev_busy = false;
		force_events = true;
	}

	if (prev_busy)
		POLL_STAT_ADD(l->busy_cycles, rte_rdtsc() - t_mark);
	else
		POLL_STAT_ADD(l->idle_cycles, rte_rdtsc() - t_mark);
	__atomic_store_n(&xpdk_poll_sleep_flags[lc].sleeping, 0, __ATOMIC_RELAXED);
	rte_rcu_qsbr_thread_offline(S.qsbr, lc);
	in_loop = false;
	__atomic_store_n(&l->running, false, __ATOMIC_RELEASE);
	return 0;
}
