/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The FlexIO unit tests' shared fixture: the environment up, one devsim dpa model served
 * in-process on a socket of the test's own, and a FlexIO context opened on it. main() sets
 * g_argc and g_argv (EAL's arguments) before the group setup calls dpa_fixture_start().
 */
#ifndef XPDK_TEST_DPA_FIXTURE_H
#define XPDK_TEST_DPA_FIXTURE_H

#include <stdio.h>
#include <unistd.h>

#include "libflexio/flexio.h"
#include "xpdk_devsim.h"
#include "xpdk_env.h"
#include "xpdk_flexio.h"

static int g_argc;
static char **g_argv;
static struct xpdk_devsim_dev *sim;
static struct ibv_context *ctx;
static char sock[128]; /* /tmp/xpdk-test-TAG-PID.sock */

/* Bounded wait for a condition the device makes true (liveness, not timing): polled every
 * millisecond, the test fails after 20 s. */
#define WAIT_FOR(cond)                                                                             \
	do {                                                                                       \
		for (int w_ = 0; w_ < 20000 && !(cond); w_++)                                      \
			usleep(1000);                                                              \
		assert_true(cond);                                                                 \
	} while (0)

/* Bring the environment up, serve model dpa with @p model_args as dpa0 and open it as ctx. */
static inline int dpa_fixture_start(const char *tag, const char *model_args)
{
	char name[160];

	if (xpdk_env_init(g_argc, g_argv) < 0)
		return -1;
	snprintf(sock, sizeof(sock), "/tmp/xpdk-test-%s-%d.sock", tag, (int)getpid());
	xpdk_devsim_set_log_level(0);
	sim = xpdk_devsim_create("dpa", model_args, "dpa0", sock, -1);
	if (sim == NULL || xpdk_devsim_start(sim) < 0)
		return -1;
	snprintf(name, sizeof(name), "vfio-user:%s", sock);
	ctx = xpdk_flexio_open(name);
	return ctx == NULL ? -1 : 0;
}

/* cmocka group teardown: close the context, stop the model, take the environment down. */
static inline int dpa_fixture_stop(void **state)
{
	(void)state;
	xpdk_flexio_close(ctx);
	xpdk_devsim_destroy(sim);
	xpdk_env_cleanup();
	return 0;
}

#endif /* XPDK_TEST_DPA_FIXTURE_H */
