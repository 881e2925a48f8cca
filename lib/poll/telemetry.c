/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * lib/poll statistics in DPDK telemetry:
 *   /xpdk/poll/lcores          per lcore with a loop or handlers: loop statistics
 *   /xpdk/poll/handlers        the names of the registered handlers
 *   /xpdk/poll/handler,NAME    one handler's statistics
 * Readable with DPDK's dpdk-telemetry.py (-f FILE_PREFIX). The callbacks run on DPDK's
 * telemetry thread and take the registry lock, so handlers cannot be freed under them.
 */

#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "poll_priv.h"

#define S xpdk_poll_state

static void add_u64(struct rte_tel_data *d, const char *name, uint64_t v)
{
	(void)rte_tel_data_add_dict_u64(d, name, v);
}

static void lcore_dict(struct rte_tel_data *d, unsigned int lc)
{
	struct xpdk_poll_lcore_stats st = { .size = sizeof(st) };
	char util[32];

	xpdk_poll_lcore_stats_fill(lc, &st);
	rte_tel_data_start_dict(d);
	add_u64(d, "handlers", st.handlers);
	add_u64(d, "running", st.running);
	add_u64(d, "interrupt", st.interrupt);
	add_u64(d, "sleeping", st.sleeping);
	add_u64(d, "iterations", st.iterations);
	add_u64(d, "busy_iterations", st.busy_iterations);
	add_u64(d, "busy_cycles", st.busy_cycles);
	add_u64(d, "idle_cycles", st.idle_cycles);
	add_u64(d, "sleep_cycles", st.sleep_cycles);
	add_u64(d, "sleeps", st.sleeps);
	add_u64(d, "wakeups", st.wakeups);
	/* telemetry has no floating point values in 22.11: a decimal string */
	snprintf(util, sizeof(util), "%.4f", st.utilisation);
	rte_tel_data_add_dict_string(d, "utilisation", util);
	(void)rte_tel_data_add_dict_int(d, "tid", st.tid);
}

static int tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&S.lock);
	for (unsigned int lc = 0; lc < RTE_MAX_LCORE && S.qsbr != NULL; lc++) {
		const struct poll_lcore *l = &S.lcore[lc];
		struct rte_tel_data *c;
		char key[16];

		if ((l->table == NULL || l->table->n == 0) &&
		    !__atomic_load_n(&l->running, __ATOMIC_ACQUIRE) &&
		    POLL_STAT_GET(l->iterations) == 0)
			continue;
		c = rte_tel_data_alloc();
		if (c == NULL)
			break;
		lcore_dict(c, lc);
		snprintf(key, sizeof(key), "%u", lc);
		if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
			rte_tel_data_free(c);
	}
	pthread_mutex_unlock(&S.lock);
	return 0;
}

static int tel_handlers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&S.lock);
	for (unsigned int lc = 0; lc < RTE_MAX_LCORE && S.qsbr != NULL; lc++) {
		const struct poll_table *t = S.lcore[lc].table;

		for (unsigned int i = 0; t != NULL && i < t->n; i++)
			rte_tel_data_add_array_string(d, t->h[i]->name);
	}
	pthread_mutex_unlock(&S.lock);
	return 0;
}

static int tel_handler(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct xpdk_poll_handler_stats st = { .size = sizeof(st) };
	const struct xpdk_poll_handler *h = NULL;

	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0')
		return -1;
	pthread_mutex_lock(&S.lock);
	for (unsigned int lc = 0; lc < RTE_MAX_LCORE && S.qsbr != NULL && h == NULL; lc++) {
		const struct poll_table *t = S.lcore[lc].table;

		for (unsigned int i = 0; t != NULL && i < t->n; i++)
			if (strcmp(t->h[i]->name, params) == 0)
				h = t->h[i];
	}
	if (h == NULL) {
		pthread_mutex_unlock(&S.lock);
		return -1;
	}
	xpdk_poll_stats_fill(h, &st);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", h->name);
	rte_tel_data_add_dict_string(d, "kind", xpdk_poll_kind_name(st.kind));
	add_u64(d, "lcore", st.lcore);
	add_u64(d, "calls", st.calls);
	add_u64(d, "busy_calls", st.busy_calls);
	add_u64(d, "items", st.items);
	add_u64(d, "busy_cycles", st.busy_cycles);
	add_u64(d, "idle_cycles", st.idle_cycles);
	add_u64(d, "errors", st.errors);
	(void)rte_tel_data_add_dict_int(d, "last_error", st.last_error);
	add_u64(d, "disabled", st.disabled);
	if (h->kind == XPDK_POLL_RING)
		add_u64(d, "burst", h->burst);
	pthread_mutex_unlock(&S.lock);
	return 0;
}

void xpdk_poll_telemetry_register(void)
{
	static bool done;
	int rc;

	/* once per process: telemetry keeps its commands until exit */
	if (done)
		return;
	done = true;
	rc = rte_telemetry_register_cmd("/xpdk/poll/lcores", tel_lcores,
					"XPDK poll loops: per lcore statistics. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/xpdk/poll/handlers", tel_handlers,
						"XPDK poll handlers: their names. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd(
		    "/xpdk/poll/handler", tel_handler,
		    "XPDK poll handler statistics. Parameters: handler name");
	/* DPDK 22.11 holds at most 64 commands, and its drivers register many */
	if (rc < 0)
		rte_log(RTE_LOG_WARNING, xpdk_logtype_poll,
			"XPDK poll: telemetry commands not registered (%s): DPDK's telemetry "
			"table is full\n",
			strerror(-rc));
}

/* Before main(): ahead of the driver plugins EAL loads, which would fill the table first. The
 * constructor lives in this file, which every user of lib/poll links. */
RTE_INIT(xpdk_poll_telemetry_init)
{
	xpdk_poll_telemetry_register();
}
