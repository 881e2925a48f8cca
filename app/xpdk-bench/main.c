/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench: MMIO and DMA throughput and latency, each figure beside a baseline measured in
 * the same run on the same machine.
 *
 *   xpdk-bench [EAL options] -- mmio -d DEV …
 *   xpdk-bench [EAL options] -- dma -d DEV …
 *   xpdk-bench [EAL options] -- poll …
 *
 * EAL options go before `--` (lib/env adds --no-pci and --in-memory unless told otherwise);
 * the dma subcommand also gets `--vdev dma_skeleton` for its baseline unless a --vdev is given.
 * Exit codes: 0 success, 1 failure while measuring, 2 bad usage.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "xpdk_env.h"

#define MAX_ARGS 256

static void usage(FILE *o)
{
	fprintf(
	    o, "Usage: xpdk-bench [EAL options] -- mmio -d DEV [options]\n"
	       "       xpdk-bench [EAL options] -- dma -d DEV [options]\n"
	       "       xpdk-bench [EAL options] -- poll [options]\n"
	       "       xpdk-bench [EAL options] -- dpa -d DEV [options]\n"
	       "       xpdk-bench [EAL options] -- dpa-net -d DEV --dpa-if IF [options]\n"
	       "       xpdk-bench [EAL options] -- sde -S SLOT [options]\n"
	       "       xpdk-bench [EAL options] -- qp TEST [options] [SERVER]\n"
	       "       xpdk-bench -- SUBCOMMAND --help\n"
	       "\n"
	       "Throughput and latency of device access, each beside a same-run baseline:\n"
	       "  mmio  register accesses: XPDK's fast path against plain volatile loads and\n"
	       "        stores on the same mapping (ratio), or --trapped: the vfio-user message\n"
	       "        path's latency percentiles\n"
	       "  dma   DMA engine bandwidth, message rate and completion latency per size,\n"
	       "        against single-thread memcpy and DPDK's dma_skeleton (ratios)\n"
	       "  poll  lib/poll: ring->handler items/s against a raw rte_ring loop, cycles per\n"
	       "        idle handler call, interrupt-mode wake-up latency and idle CPU (-l 0,1)\n"
	       "  dpa   FlexIO RPC round trip against an eventfd ping-pong between two threads,\n"
	       "        and CQE-to-handler activation latency, on the emulated DPA\n"
	       "  dpa-net  the DPA packet processor on a TAP port against dpdk-testpmd macswap\n"
	       "        on net_tap: packets/s and latency, alternating rounds\n"
	       "  sde   AWS F2 SDE loopback packets/s and GB/s, data checked, against\n"
	       "        dma_skeleton (ratios)\n"
	       "  qp    RDMA write/read/send bandwidth and send/write latency between two\n"
	       "        xpdk-bench processes, perftest style (when built with lib/qp)\n"
	       "\n"
	       "Output: a table (perftest style), --json, --csv; dma --plot FILE.png.\n"
	       "EAL: e.g. -l 0 (the main lcore: where the benchmark runs); XPDK adds --no-pci and\n"
	       "--in-memory unless told otherwise; dma adds --vdev dma_skeleton.\n"
	       "Placement: doc/performance.md says how to put xpdk-devsim on the same core.\n"
	       "Exit codes: 0 done, 1 failed while measuring, 2 bad usage.\n"
	       "Example: xpdk-bench -l 0 -- dma -d vfio-user:/run/xpdk/devsim/dfl-fpga0.sock\n");
}

static int find_dashdash(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

static bool wants_help(int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 1) {
		usage(stderr);
		return BENCH_USAGE;
	}
	if (strcmp(argv[0], "mmio") == 0)
		return bench_mmio(argc, argv);
	if (strcmp(argv[0], "dma") == 0)
		return bench_dma(argc, argv);
	if (strcmp(argv[0], "poll") == 0)
		return bench_poll(argc, argv);
	if (strcmp(argv[0], "dpa") == 0)
		return bench_dpa(argc, argv);
	if (strcmp(argv[0], "dpa-net") == 0)
		return bench_dpa_net(argc, argv);
	if (strcmp(argv[0], "sde") == 0)
		return bench_sde(argc, argv);
#ifdef XPDK_HAVE_QP
	if (strcmp(argv[0], "qp") == 0)
		return bench_qp(argc, argv);
#endif
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) {
		usage(stdout);
		return BENCH_OK;
	}
	fprintf(stderr,
		"xpdk-bench: unknown subcommand '%s' (mmio, dma, poll, dpa or sde; see --help)\n",
		argv[0]);
	return BENCH_USAGE;
}

int main(int argc, char **argv)
{
	char *eal[MAX_ARGS + 4];
	char vdev[] = "--vdev=dma_skeleton";
	int dd = find_dashdash(argc, argv), neal = 0, n, rc;
	bool has_vdev = false, want_skeleton;

	if (argc > MAX_ARGS) {
		fprintf(stderr, "xpdk-bench: too many arguments\n");
		return BENCH_USAGE;
	}
	if (dd < 0) {
		/* no EAL options: everything is the benchmark's */
		if (argc < 2 || wants_help(argc, argv, 1)) {
			if (argc >= 2 && strcmp(argv[1], "-h") != 0 &&
			    strcmp(argv[1], "--help") != 0)
				return dispatch(argc - 1, argv + 1);
			usage(argc < 2 ? stderr : stdout);
			return argc < 2 ? BENCH_USAGE : BENCH_OK;
		}
		fprintf(stderr,
			"xpdk-bench: put EAL options, then `--`, before the subcommand, "
			"e.g. xpdk-bench -l 0 -- %s …\n",
			argv[1]);
		return BENCH_USAGE;
	}
	if (dd + 1 >= argc) {
		usage(stderr);
		return BENCH_USAGE;
	}
	if (wants_help(argc, argv, dd + 1))
		return dispatch(argc - dd - 1, argv + dd + 1);

	for (int i = 0; i < dd; i++) {
		has_vdev |= strncmp(argv[i], "--vdev", 6) == 0;
		eal[neal++] = argv[i];
	}
	/* dma's baseline device, unless the user gave devices or skips the baseline */
	want_skeleton =
	    !has_vdev && (strcmp(argv[dd + 1], "dma") == 0 || strcmp(argv[dd + 1], "sde") == 0);
	for (int i = dd + 2; i < argc; i++)
		want_skeleton &= strcmp(argv[i], "--no-skeleton") != 0;
	if (want_skeleton)
		eal[neal++] = vdev;
	eal[neal] = NULL;
	n = xpdk_env_init(neal, eal);
	if (n < 0) {
		fprintf(stderr, "xpdk-bench: environment: %s\n", xpdk_strerror_last());
		return BENCH_FAIL;
	}
	rc = dispatch(argc - dd - 1, argv + dd + 1);
	xpdk_env_cleanup();
	return rc;
}
