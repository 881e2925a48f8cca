/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The DFL driver's unit tests' shared fixture: the environment up and one dfl-fpga model served
 * in-process on a socket of the test's own, and the FPGA opened on it. main() sets g_argc and
 * g_argv (EAL's arguments) before the group setup calls fixture_start().
 */
#ifndef XPDK_TEST_FPGA_FIXTURE_H
#define XPDK_TEST_FPGA_FIXTURE_H

#include <stdio.h>
#include <unistd.h>

#include "xpdk_devsim.h"
#include "xpdk_env.h"
#include "xpdk_fpga.h"

static int g_argc;
static char **g_argv;
static char sock[64]; /* /tmp/xpdk-test-TAG-PID.sock */
static struct xpdk_devsim_dev *sim;
static struct xpdk_fpga *fpga __attribute__((unused)); /* open_fpga()'s */

/* Bring the environment up and serve model dfl-fpga with @p model_args as @p name. */
static inline int fixture_start(const char *tag, const char *model_args, const char *name)
{
	if (xpdk_env_init(g_argc, g_argv) < 0) {
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
		return -1;
	}
	snprintf(sock, sizeof(sock), "/tmp/xpdk-test-%s-%d.sock", tag, (int)getpid());
	xpdk_devsim_set_log_level(0);
	sim = xpdk_devsim_create("dfl-fpga", model_args, name, sock, -1);
	return sim != NULL && xpdk_devsim_start(sim) == 0 ? 0 : -1;
}

static inline void fixture_stop(void)
{
	xpdk_devsim_destroy(sim);
	xpdk_env_cleanup();
}

/* cmocka setup: open the FPGA on the fixture's socket into fpga. */
static inline int open_fpga(void **state)
{
	char name[80];

	(void)state;
	snprintf(name, sizeof(name), "vfio-user:%s", sock);
	fpga = xpdk_fpga_open(name);
	if (fpga == NULL)
		fprintf(stderr, "# %s\n", xpdk_strerror_last());
	return fpga == NULL ? -1 : 0;
}

/* cmocka teardown: close it. */
static inline int close_fpga(void **state)
{
	(void)state;
	xpdk_fpga_close(fpga);
	fpga = NULL;
	return 0;
}

#endif /* XPDK_TEST_FPGA_FIXTURE_H */
