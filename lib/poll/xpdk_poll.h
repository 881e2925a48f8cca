/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Polled handlers on pinned lcores: XPDK's run-to-completion runtime.
 *
 * A *handler* is a name, a callback and a context pointer, registered on one EAL lcore. Each
 * lcore that has handlers runs a loop (launched by xpdk_poll_start(), or xpdk_poll_run() on the
 * calling lcore) that calls its handlers in registration order, over and over. A callback returns
 * the work it did: a positive count, 0 when it found nothing to do, or a negative errno.
 *
 * Kinds of handlers (struct xpdk_poll_attr::kind):
 *  - XPDK_POLL_PLAIN: called on every iteration;
 *  - XPDK_POLL_RING:  bound to an rte_ring; on every iteration the loop dequeues a burst (up to
 *    attr.burst objects, default 32) with the ring's own sync mode (SP/SC, MP/MC, RTS, HTS) and,
 *    when it got some, calls the burst callback with them;
 *  - XPDK_POLL_EVENT: bound to a file descriptor (an interrupt eventfd from xpdk_dev_irq_fd(), a
 *    socket, a timerfd …); called when the fd is readable. The loop checks the lcore's fds with
 *    one non-blocking epoll_wait() every `event_interval` iterations; the callback must consume
 *    the event (read the eventfd), or it is called again;
 *  - XPDK_POLL_TIMER: called every `period_us` microseconds, checked against the TSC once per
 *    iteration (no syscall). A loop that falls behind skips the missed periods.
 *
 * *Interrupt mode* is an opt-in per lcore (xpdk_poll_lcore_configure()): after
 * `idle_iterations` iterations in which no handler did any work, the loop announces that it is
 * about to sleep, polls once more, and then sleeps in epoll_wait() on its event handlers' fds and
 * its wake-up eventfd, until an fd is readable, the next timer is due, or a producer wakes it.
 * Producers wake a sleeping lcore with xpdk_poll_ring_enqueue_burst() or
 * xpdk_poll_lcore_notify(): when the consumer is awake this costs one load and one memory
 * barrier per call, and a syscall only when the consumer sleeps.
 *
 * Removal is safe while the loop runs: xpdk_poll_unregister() unpublishes the handler and waits,
 * with DPDK's rte_rcu_qsbr, until the lcore has finished the iteration that might still call it.
 * The loop takes no lock.
 *
 * *Error policy*: a callback that returns a negative errno is logged once (its name, lcore and
 * error) and **disabled**: it is not called again, and its statistics show `disabled` and the
 * error, until it is unregistered. With XPDK_POLL_F_KEEP_ON_ERROR it stays enabled instead; its
 * errors are counted and only the first is logged.
 *
 * Statistics (per handler and per lcore) are read with xpdk_poll_handler_stats() and
 * xpdk_poll_lcore_stats(), and through DPDK telemetry: `/xpdk/poll/lcores`,
 * `/xpdk/poll/handlers` and `/xpdk/poll/handler,NAME` (e.g. with dpdk-telemetry.py).
 *
 * Thread safety: registration, removal, configuration, start and stop are serialised by an
 * internal lock and may be called from any thread after xpdk_env_init(), except from inside a
 * handler (-EDEADLK). The inline producer calls are safe from any thread. Errors are negative
 * errnos with the last-error sentence (xpdk_strerror_last()).
 */

#ifndef XPDK_POLL_H
#define XPDK_POLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

XPDK_API_BEGIN

/** Longest handler name, including the terminating NUL. */
#define XPDK_POLL_NAME_MAX 32
/** Burst of a ring-fed handler when struct xpdk_poll_attr::burst is 0. */
#define XPDK_POLL_BURST_DEFAULT 32
/** Largest burst of a ring-fed handler. */
#define XPDK_POLL_BURST_MAX 512
/** Idle iterations before an lcore in interrupt mode sleeps, when not configured. */
#define XPDK_POLL_IDLE_ITERATIONS_DEFAULT 1024

/** A registered handler (opaque). */
struct xpdk_poll_handler;

/** What drives a handler. */
enum xpdk_poll_kind {
	XPDK_POLL_PLAIN = 0, /**< called on every iteration (fn) */
	XPDK_POLL_RING = 1,  /**< called with bursts dequeued from a ring (burst_fn) */
	XPDK_POLL_EVENT = 2, /**< called when a file descriptor is readable (fn) */
	XPDK_POLL_TIMER = 3, /**< called every period_us microseconds (fn) */
};

/**
 * Callback of plain, event and timer handlers.
 * @param ctx the handler's context pointer.
 * @return the work done (> 0), 0 when idle, or a negative errno (see the error policy above).
 */
typedef int (*xpdk_poll_fn)(void *ctx);

/**
 * Callback of ring-fed handlers: @p n (>= 1) objects dequeued from the ring, in ring order. The
 * handler owns them from now on (it must process, forward or free every one).
 * @return the work done (usually @p n), or a negative errno.
 */
typedef int (*xpdk_poll_burst_fn)(void *ctx, void **objs, unsigned int n);

/** @name Handler flags (struct xpdk_poll_attr::flags) */
/**@{*/
/** Keep calling the handler after it returned an error (default: disable it). */
#define XPDK_POLL_F_KEEP_ON_ERROR (1u << 0)
/** All flags this version understands; others are rejected with -EINVAL. */
#define XPDK_POLL_F_ALL XPDK_POLL_F_KEEP_ON_ERROR
/**@}*/

/**
 * How to register a handler. Zero it, set `size` to sizeof(struct xpdk_poll_attr) (the
 * XPDK_POLL_ATTR_INIT initialiser does both) and fill what the kind needs. `size` lets later
 * versions add fields at the end without breaking callers built against this one.
 */
struct xpdk_poll_attr {
	size_t size;		     /**< sizeof(struct xpdk_poll_attr) */
	const char *name;	     /**< unique, 1 .. XPDK_POLL_NAME_MAX - 1 characters; copied */
	unsigned int lcore;	     /**< EAL lcore that runs it (enabled with -l) */
	enum xpdk_poll_kind kind;    /**< what drives it */
	xpdk_poll_fn fn;	     /**< plain, event, timer: the callback */
	xpdk_poll_burst_fn burst_fn; /**< ring: the callback */
	void *ctx;		     /**< passed to the callback; owned by the caller */
	struct rte_ring *ring;	     /**< ring: the ring (any sync mode); owned by the caller */
	unsigned int burst;	     /**< ring: objects per call, 0 = 32, at most 512 */
	int fd;			     /**< event: the fd to watch; owned by the caller */
	uint64_t period_us;	     /**< timer: period in microseconds, >= 1 */
	unsigned int flags;	     /**< XPDK_POLL_F_* */
};

/** Initialiser of a struct xpdk_poll_attr: `struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;`. */
#define XPDK_POLL_ATTR_INIT                                                                        \
	{                                                                                          \
		.size = sizeof(struct xpdk_poll_attr), .fd = -1                                    \
	}

/**
 * Register a handler on an lcore. The lcore may be running: the handler is called from its next
 * iteration on. An lcore whose loop is not running starts calling it at the next
 * xpdk_poll_start() (or xpdk_poll_run() on that lcore).
 *
 * @param attr what to register (see struct xpdk_poll_attr).
 * @param[out] out the handler, for xpdk_poll_unregister() and the statistics; may be NULL.
 * @return 0; -EINVAL for a bad attribute (the sentence names it; an lcore that EAL did not
 *         enable, e.g. "lcore 3 is not enabled: give it to EAL with -l"), -EEXIST when the name
 *         is taken, -ENOMEM, -EDEADLK from inside a handler, or an epoll error for event
 *         handlers. Thread-safe.
 */
int xpdk_poll_register(const struct xpdk_poll_attr *attr, struct xpdk_poll_handler **out);

/**
 * Remove a handler and free it. When the call returns, the handler's lcore is no longer inside
 * its callback and will not call it again (rte_rcu_qsbr); the caller may then free the context,
 * the ring or the fd. If the lcore's loop runs, this waits for its current iteration to end.
 *
 * @param h a handler from xpdk_poll_register(); NULL is ignored.
 * @return 0, -ENOENT when @p h is not registered (already removed), -EDEADLK when called from
 *         inside a handler (the loop would wait for itself). Thread-safe.
 */
int xpdk_poll_unregister(struct xpdk_poll_handler *h);

/**
 * Find a handler by name.
 * @param name the name given at registration.
 * @return the handler, or NULL with errno ENOENT and the last-error sentence. The pointer is
 *         valid until the handler is unregistered. Thread-safe.
 */
struct xpdk_poll_handler *xpdk_poll_find(const char *name);

/**
 * The handler's name.
 * @param h a registered handler.
 * @return its name, valid until it is unregistered.
 */
const char *xpdk_poll_handler_name(const struct xpdk_poll_handler *h);

/**
 * The lcore the handler runs on.
 * @param h a registered handler.
 * @return the lcore id.
 */
unsigned int xpdk_poll_handler_lcore(const struct xpdk_poll_handler *h);

/**
 * How an lcore's loop behaves. As struct xpdk_poll_attr, `size` is
 * sizeof(struct xpdk_poll_lcore_attr) (XPDK_POLL_LCORE_ATTR_INIT sets it and the defaults).
 */
struct xpdk_poll_lcore_attr {
	size_t size;		  /**< sizeof(struct xpdk_poll_lcore_attr) */
	bool interrupt;		  /**< sleep in epoll after idle_iterations idle iterations */
	uint32_t idle_iterations; /**< interrupt mode: idle iterations before sleeping, >= 1 */
	uint32_t event_interval;  /**< check event fds every N iterations (>= 1) while awake */
	bool handler_cycles;	  /**< count busy/idle TSC cycles per handler call (one TSC read per
				       call, about 25-40 cycles); off: per lcore only */
};

/** Initialiser of a struct xpdk_poll_lcore_attr with the defaults (polled mode). */
#define XPDK_POLL_LCORE_ATTR_INIT                                                                  \
	{                                                                                          \
		.size = sizeof(struct xpdk_poll_lcore_attr), .interrupt = false,                   \
		.idle_iterations = XPDK_POLL_IDLE_ITERATIONS_DEFAULT, .event_interval = 1,         \
		.handler_cycles = false                                                            \
	}

/**
 * Configure an lcore's loop (polled or interrupt mode, cycle accounting). Takes effect at the
 * lcore's next start: the lcore's loop must not be running.
 *
 * @param lcore an lcore EAL enabled.
 * @param attr the configuration (XPDK_POLL_LCORE_ATTR_DEFAULT, then changed).
 * @return 0; -EINVAL for an lcore EAL did not enable or a bad attribute, -EBUSY while the lcore's
 *         loop runs, -ENOMEM or an epoll/eventfd error. Thread-safe.
 */
int xpdk_poll_lcore_configure(unsigned int lcore, const struct xpdk_poll_lcore_attr *attr);

/**
 * Launch a loop on every worker lcore that has handlers and is not running one yet
 * (rte_eal_remote_launch()). The main lcore runs its own with xpdk_poll_run(). Clears a stop
 * requested earlier.
 *
 * @return the number of loops launched (0 when there was nothing to launch), or -EBUSY when an
 *         lcore with handlers is busy with other work (nothing is launched on it), -EINVAL
 *         without an initialised environment, -EDEADLK from inside a handler. Thread-safe.
 */
int xpdk_poll_start(void);

/**
 * Run the calling lcore's loop (usually on the main lcore, after xpdk_poll_start() launched the
 * workers) until a stop is requested. It runs even with no handler yet (handlers may be
 * registered while it runs).
 *
 * @return 0 when stopped, -EINVAL when the caller is not an EAL lcore thread, -EBUSY when this
 *         lcore's loop already runs.
 */
int xpdk_poll_run(void);

/**
 * Ask every loop to return at the end of its current iteration and wake sleeping ones. Returns
 * at once; async-signal-safe (a SIGINT handler may call it); a handler may call it.
 */
void xpdk_poll_request_stop(void);

/**
 * Request a stop and wait until every worker loop has returned (rte_eal_wait_lcore()). A loop
 * run with xpdk_poll_run() returns by itself; the caller joins nothing for it.
 *
 * @return 0, -EDEADLK from inside a handler (use xpdk_poll_request_stop() there). Thread-safe.
 */
int xpdk_poll_stop(void);

/**
 * Whether the loop of @p lcore runs. Thread-safe.
 * @param lcore an lcore id.
 * @return true while it runs.
 */
bool xpdk_poll_lcore_running(unsigned int lcore);

/**
 * Stop every loop, unregister every handler and release the library's resources (RCU state,
 * epoll and eventfds). Call before xpdk_env_cleanup(). Registration works again afterwards.
 * Not to be called from a handler.
 */
void xpdk_poll_cleanup(void);

/** @name Statistics */
/**@{*/

/** A handler's statistics; set `size` to sizeof(struct xpdk_poll_handler_stats). */
struct xpdk_poll_handler_stats {
	size_t size;		  /**< in: sizeof(struct xpdk_poll_handler_stats) */
	uint64_t calls;		  /**< callback calls */
	uint64_t busy_calls;	  /**< calls that did work (returned > 0) */
	uint64_t items;		  /**< ring: objects passed in; others: sum of the work returned */
	uint64_t busy_cycles;	  /**< TSC cycles in busy calls (lcore attr handler_cycles) */
	uint64_t idle_cycles;	  /**< TSC cycles in idle calls (lcore attr handler_cycles) */
	uint64_t errors;	  /**< calls that returned an error */
	int last_error;		  /**< the last error returned (negative errno), 0 if none */
	bool disabled;		  /**< disabled by the error policy */
	unsigned int lcore;	  /**< lcore it runs on */
	enum xpdk_poll_kind kind; /**< what feeds it (plain, ring, event, timer) */
};

/**
 * Read a handler's statistics. Counters are written by the handler's lcore and read without
 * stopping it: each is exact, taken together they may be an iteration apart.
 * @param h a registered handler.
 * @param[in,out] st set st->size before the call; filled.
 * @return 0, -EINVAL for a NULL argument or a size smaller than the first version's.
 */
int xpdk_poll_handler_stats(const struct xpdk_poll_handler *h, struct xpdk_poll_handler_stats *st);

/** An lcore's loop statistics; set `size` to sizeof(struct xpdk_poll_lcore_stats). */
struct xpdk_poll_lcore_stats {
	size_t size;		  /**< in: sizeof(struct xpdk_poll_lcore_stats) */
	uint64_t iterations;	  /**< loop iterations */
	uint64_t busy_iterations; /**< iterations in which a handler did work */
	uint64_t busy_cycles;	  /**< TSC cycles of busy iterations */
	uint64_t idle_cycles;	  /**< TSC cycles of idle iterations (awake) */
	uint64_t sleep_cycles;	  /**< TSC cycles asleep in epoll (interrupt mode) */
	uint64_t sleeps;	  /**< times the loop went to sleep */
	uint64_t wakeups;	  /**< sleeps ended by an fd or a producer (not a timer) */
	double utilisation;	  /**< busy_cycles / all cycles, 0 .. 1 */
	unsigned int handlers;	  /**< handlers registered on the lcore */
	bool running;		  /**< the loop runs */
	bool interrupt;		  /**< configured for interrupt mode */
	bool sleeping;		  /**< asleep now (or about to be) */
	int tid;		  /**< OS thread id of the loop's last run, 0 if never run */
};

/**
 * Read an lcore's statistics (as xpdk_poll_handler_stats(), read while it runs).
 * @param lcore an lcore id.
 * @param[in,out] st set st->size before the call; filled.
 * @return 0, -EINVAL for an lcore EAL did not enable, a NULL @p st or a bad size.
 */
int xpdk_poll_lcore_stats(unsigned int lcore, struct xpdk_poll_lcore_stats *st);
/**@}*/

/** @name Producers: waking a consumer lcore in interrupt mode */
/**@{*/

/** Per-lcore "about to sleep" flags (internal to the inline calls below; do not write). */
struct xpdk_poll_sleep_flag {
	uint32_t sleeping; /**< set by the lcore before it sleeps */
	uint32_t fence;	   /**< producers need a full barrier (no membarrier(2) in the kernel) */
} __attribute__((aligned(RTE_CACHE_LINE_SIZE)));

/** One flag per lcore, read by xpdk_poll_lcore_notify(). */
extern struct xpdk_poll_sleep_flag xpdk_poll_sleep_flags[RTE_MAX_LCORE];

/**
 * Wake @p lcore (slow path of xpdk_poll_lcore_notify(): one eventfd write). Harmless when the
 * lcore is awake or not in interrupt mode. Async-signal-safe.
 * @param lcore the lcore to wake.
 */
void xpdk_poll_lcore_wake(unsigned int lcore);

/**
 * Tell @p lcore that there is work for it (after publishing the work, e.g. enqueuing to a ring
 * its handler reads). When the lcore is awake this is one load of a read-mostly cache line: the
 * lcore about to sleep pays for the memory barrier instead, with membarrier(2) (a full barrier
 * on every CPU running this process), so that either it sees the work or we see its flag. Only
 * a sleeping lcore costs the producer a syscall. On kernels without membarrier(2) the producer
 * issues a full barrier itself. Safe from any thread; out-of-range lcores are ignored.
 * @param lcore the consumer's lcore.
 */
static inline void xpdk_poll_lcore_notify(unsigned int lcore)
{
	const struct xpdk_poll_sleep_flag *f;

	if (unlikely(lcore >= RTE_MAX_LCORE))
		return;
	f = &xpdk_poll_sleep_flags[lcore];
	if (unlikely(__atomic_load_n(&f->fence, __ATOMIC_RELAXED)))
		rte_smp_mb();
	else
		rte_compiler_barrier();
	if (unlikely(__atomic_load_n(&f->sleeping, __ATOMIC_RELAXED)))
		xpdk_poll_lcore_wake(lcore);
}

/**
 * rte_ring_enqueue_burst() that wakes the consumer @p lcore when it sleeps in interrupt mode.
 * Thread safety: that of the ring's producer sync mode.
 * @param r the ring.
 * @param lcore the consumer's lcore.
 * @param objs the objects to enqueue.
 * @param n how many.
 * @param free_space if not NULL, set to the ring's free space after the enqueue.
 * @return the number of objects enqueued (0 .. @p n), as rte_ring_enqueue_burst().
 */
static inline unsigned int xpdk_poll_ring_enqueue_burst(struct rte_ring *r, unsigned int lcore,
							void *const *objs, unsigned int n,
							unsigned int *free_space)
{
	unsigned int done = rte_ring_enqueue_burst(r, objs, n, free_space);

	if (done > 0)
		xpdk_poll_lcore_notify(lcore);
	return done;
}
/**@}*/

XPDK_API_END

#ifdef __cplusplus
}
#endif

#endif /* XPDK_POLL_H */
