/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * lib/poll internals: the handler and lcore objects shared by the registry (poll.c), the loop
 * (loop.c) and telemetry (telemetry.c). Private to lib/poll.
 */

#ifndef XPDK_POLL_PRIV_H
#define XPDK_POLL_PRIV_H

#include <pthread.h>

#include <rte_rcu_qsbr.h>

#include "xpdk_poll.h"

/* Counters written only by the handler's lcore and read by other threads: relaxed atomics
 * compile to plain loads and stores on x86 and keep the readers free of torn values. */
#define POLL_STAT_ADD(field, v) __atomic_store_n(&(field), (field) + (v), __ATOMIC_RELAXED)
#define POLL_STAT_GET(field)	__atomic_load_n(&(field), __ATOMIC_RELAXED)

struct xpdk_poll_handler {
	/* read on every iteration by the lcore */
	uint8_t kind;	  /* enum xpdk_poll_kind */
	bool disabled;	  /* by the error policy (written by the lcore) */
	bool event_ready; /* event: the fd was readable at the last check */
	bool keep_on_error;
	unsigned int burst;
	xpdk_poll_fn fn;
	xpdk_poll_burst_fn burst_fn;
	void *ctx;
	struct rte_ring *ring;
	uint64_t period_tsc; /* timer */
	uint64_t next_tsc;   /* timer: next deadline */

	/* statistics, written by the lcore */
	uint64_t calls, busy_calls, items, busy_cycles, idle_cycles, errors;
	int last_error;

	/* set up at registration */
	unsigned int lcore;
	int fd;
	char name[XPDK_POLL_NAME_MAX];
} __rte_cache_aligned;

/* The handlers of an lcore, in call order: immutable once published (replaced, never edited). */
struct poll_table {
	unsigned int n;
	unsigned int n_event;
	unsigned int n_timer;
	struct xpdk_poll_handler *h[];
};

/* Largest number of epoll events handled per check. */
#define POLL_MAX_EVENTS 64

struct poll_lcore {
	struct poll_table *table; /* published with release, read with acquire */
	bool running;		  /* the loop runs (atomic) */
	bool launched;		  /* a worker loop was launched and not yet joined */
	struct xpdk_poll_lcore_attr attr;
	int epfd;   /* epoll set: event handlers' fds and wakefd; -1 until needed */
	int wakefd; /* eventfd producers write to wake the lcore; -1 until needed */

	/* statistics, written by the lcore */
	uint64_t iterations, busy_iterations, busy_cycles, idle_cycles, sleep_cycles;
	uint64_t sleeps, wakeups;
	int tid;

	void *objs[XPDK_POLL_BURST_MAX]; /* burst buffer of ring-fed handlers */
} __rte_cache_aligned;

/* Library state: the registry lock, RCU, the lcores. */
struct poll_state {
	pthread_mutex_t lock;
	struct rte_rcu_qsbr *qsbr; /* thread ids are lcore ids */
	bool stop;		   /* a stop was requested (atomic) */
	bool membarrier;	   /* registered for MEMBARRIER_CMD_PRIVATE_EXPEDITED */
	struct poll_lcore lcore[RTE_MAX_LCORE];
};

extern struct poll_state xpdk_poll_state;

/* Log type xpdk.poll. */
extern int xpdk_logtype_poll;

/* The loop of lcore @p lc_id on the calling thread (loop.c); returns 0 when stopped. */
int xpdk_poll_loop(unsigned int lc_id);

/* True when the calling thread runs a loop (registration from a handler would deadlock). */
bool xpdk_poll_in_loop(void);

/* Sum of the handler statistics, for telemetry and the API (poll.c). */
void xpdk_poll_stats_fill(const struct xpdk_poll_handler *h, struct xpdk_poll_handler_stats *st);
void xpdk_poll_lcore_stats_fill(unsigned int lcore, struct xpdk_poll_lcore_stats *st);

/* Register the /xpdk/poll/ telemetry commands (telemetry.c); called from the first
 * initialisation rather than a constructor, which a static archive would drop. Lock held. */
void xpdk_poll_telemetry_register(void);

/* Name of a handler kind ("plain", "ring", "event", "timer"). */
const char *xpdk_poll_kind_name(unsigned int kind);

#endif /* XPDK_POLL_PRIV_H */
