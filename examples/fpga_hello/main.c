/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * fpga_hello: the DFL FPGA driver's worked example. Enumerate the FPGA, print what its FME and
 * port say, optionally load a green bitstream into the port by partial reconfiguration, and,
 * when the AFU is XPDK's host exerciser, copy a buffer through it and check the data.
 *
 *   fpga_hello [EAL args] -- DEVICE [--gbs FILE] [--size BYTES]
 *   e.g. fpga_hello -l 0 -- vfio-user:/run/xpdk/devsim/dfl-fpga0.sock --gbs counter.gbs
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xpdk_fpga.h"

static const char *device = ""; /* the device's name, for messages */

/* Print a failure, naming the device unless the sentence does already. */
static int fail(const char *what)
{
	const char *msg = xpdk_strerror_last();
	const char *path = strncmp(device, "vfio-user:", 10) == 0 ? device + 10 : device;

	if (path[0] != '\0' && strstr(msg, path) == NULL && strcmp(what, device) != 0)
		fprintf(stderr, "fpga_hello: %s: %s: %s\n", device, what, msg);
	else
		fprintf(stderr, "fpga_hello: %s: %s\n", what, msg);
	return 1;
}

static void show(struct xpdk_fpga *fpga)
{
	struct xpdk_fpga_fme_info fme;
	struct xpdk_fpga_port_info pi;
	char g[XPDK_GUID_STR_LEN + 1];
	unsigned int t = 0, w = 0;

	if (xpdk_fpga_fme_info(fpga, &fme) == 0 && fme.present) {
		xpdk_guid_format(&fme.pr_interface_id, g, sizeof(g));
		printf("FME: fabric version %u, %u port%s, %u-bit addresses; bitstream %u.%u.%u "
		       "(hash %08x, built 20%02u-%02u-%02u); PR interface %s\n",
		       fme.fabric_version, fme.num_ports, fme.num_ports == 1 ? "" : "s",
		       fme.addr_width, fme.bs_major, fme.bs_minor, fme.bs_patch, fme.bs_hash,
		       fme.synth_year, fme.synth_month, fme.synth_day, g);
	}
	if (xpdk_fpga_temperature(fpga, &t) == 0 && xpdk_fpga_power(fpga, &w) == 0)
		printf("FME: %u degrees C, %u W\n", t, w);
	for (unsigned int p = 0; p < xpdk_fpga_num_ports(fpga); p++) {
		if (xpdk_fpga_port_info(fpga, p, &pi) < 0)
			continue;
		xpdk_guid_format(&pi.afu_id, g, sizeof(g));
		printf("port %u at 0x%llx: %llu KiB of AFU MMIO, %u interrupt%s; AFU %s\n",
		       pi.number, (unsigned long long)pi.offset,
		       (unsigned long long)(pi.mmio_size >> 10), pi.num_irqs,
		       pi.num_irqs == 1 ? "" : "s", g);
	}
}

static void progress(size_t done, size_t total, void *arg)
{
	(void)arg;
	fprintf(stderr, "\rPR: %zu of %zu bytes", done, total);
	if (done == total)
		fputc('\n', stderr);
}

static int load(struct xpdk_fpga *fpga, const char *path)
{
	struct xpdk_gbs_info info;
	char g[XPDK_GUID_STR_LEN + 1];
	size_t len;
	void *img;
	int rc;

	if (xpdk_gbs_load(path, &img, &len, &info) < 0)
		return fail("bitstream");
	xpdk_guid_format(&info.afu_id[0], g, sizeof(g));
	printf("PR: %s: AFU %s (%s), %zu bytes of bitstream\n", path, g, info.afu_name[0],
	       info.bitstream_len);
	rc = xpdk_fpga_pr(fpga, 0, img, len, isatty(2) ? progress : NULL, NULL);
	free(img);
	if (rc < 0)
		return fail("partial reconfiguration");
	printf("PR: done, port 0 runs AFU %s\n", g);
	return 0;
}

static int exercise(struct xpdk_fpga *fpga, size_t size)
{
	struct xpdk_dma_buf *src = xpdk_dma_alloc(size, 4096, 0);
	struct xpdk_dma_buf *dst = xpdk_dma_alloc(size, 4096, XPDK_DMA_F_ZERO);
	struct xpdk_he_cfg cfg = {
		.mode = XPDK_HE_MODE_COPY, .lines = size / XPDK_HE_LINE, .repeat = 1, .irq = true
	};
	struct xpdk_he_result res;
	int rc = 1;

	if (src == NULL || dst == NULL) {
		rc = fail("DMA buffers");
		goto out;
	}
	for (size_t i = 0; i < size / 8; i++)
		xpdk_dma_set64(src, i, i * 0x9e3779b97f4a7c15ULL);
	cfg.src = src;
	cfg.dst = dst;
	if (xpdk_he_run(fpga, &cfg, &res) < 0) {
		rc = fail("host exerciser");
		goto out;
	}
	rc = xpdk_dma_compare(src, dst) == (ssize_t)size ? 0 : 1;
	printf("host exerciser: copied %zu bytes in %.1f us (device %.1f us): %s\n", size,
	       (double)res.host_ns / 1e3, (double)res.device_ns / 1e3,
	       rc == 0 ? "data identical" : "DATA MISMATCH");
out:
	xpdk_dma_free(src);
	xpdk_dma_free(dst);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gbs", required_argument, NULL, 'g' },
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *gbs = NULL;
	uint64_t size = 1u << 20;
	struct xpdk_fpga *fpga;
	int n = xpdk_env_init(argc, argv), c, rc = 0;

	if (n < 0)
		return fail("environment");
	argc -= n;
	argv += n;
	while ((c = getopt_long(argc, argv, "g:s:h", opts, NULL)) != -1) {
		if (c == 'g') {
			gbs = optarg;
		} else if (c == 's' && xpdk_parse_size(optarg, &size) == 0 && size >= 64 &&
			   size % 64 == 0 && size <= (64u << 20)) {
			continue;
		} else {
			printf("Usage: fpga_hello [EAL options] -- DEVICE [--gbs FILE] [--size "
			       "BYTES]\n"
			       "DEVICE: vfio-user:PATH (xpdk-devsim --model dfl-fpga) or a PCI "
			       "address\n"
			       "--gbs FILE: load this green bitstream into port 0 first\n"
			       "--size BYTES: bytes the host exerciser copies (64 B .. 64 MiB, "
			       "multiple "
			       "of 64; default 1M)\n");
			xpdk_env_cleanup();
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "fpga_hello: which device? (try --help)\n");
		xpdk_env_cleanup();
		return 2;
	}
	device = argv[optind];
	fpga = xpdk_fpga_open(argv[optind]);
	if (fpga == NULL) {
		rc = fail(argv[optind]);
		goto out;
	}
	show(fpga);
	if (gbs != NULL && (rc = load(fpga, gbs)) != 0)
		goto out;
	if (xpdk_he_attach(fpga, 0) == 0)
		rc = exercise(fpga, size);
	else
		printf("port 0: %s\n", xpdk_strerror_last());
out:
	xpdk_fpga_close(fpga);
	xpdk_env_cleanup();
	return rc;
}
