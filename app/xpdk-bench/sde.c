/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench sde: loopback streaming through an F2 slot's SDE (cl_sde), packets/s and GB/s
 * per size, beside DPDK's dma_skeleton copying the same sizes in the same run (ratios). Every
 * packet is checked: a sequence number in its first 8 bytes, its complement in its last 8,
 * its length, EOP and user bits; before timing, 2 x RING packets are compared whole (the
 * bytes between the stamps are a fixed pattern: a transmit buffer is reused, restamped, as
 * soon as H2C completes, which may be before its packet is checked on C2H).
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dmadev.h>

#include "bench.h"
#include "fpga_mgmt.h"
#include "xpdk_env.h"
#include "xpdk_sde.h"

#define MAX_SIZES 16
#define RING	  XPDK_SDE_RING
#define BURST	  32
#define ROUNDS	  4

struct sde_opts {
	int slot;
	uint64_t sizes[MAX_SIZES];
	int nsizes;
	double time;
	bool no_skeleton;
	unsigned int depth;
	struct out_opts out;
};

struct sde_row {
	uint64_t size, pkts;
	double mpps, gbps, skel_mpps, skel_gbps;
};

struct sde_ctx {
	struct sde_opts *o;
	struct xpdk_sde *sde;
	struct xpdk_dma_buf *tx, *rx; /* RING buffers of the largest size each */
	uint64_t max, hz;
	int16_t skel;
	uint64_t sent, got, posted; /* since the engine was opened for this size */
};

static void sde_usage(FILE *f)
{
	fprintf(f, "Usage: xpdk-bench [EAL options] -- sde -S SLOT [--sizes LIST] [--time S]\n"
		   "           [--depth N] [--no-skeleton] [--json | --csv]\n"
		   "\n"
		   "Loopback through an F2 slot's Streaming Data Engine (cl_sde loaded): H2C\n"
		   "packets come back on C2H; every packet's data is checked. Packets/s and GB/s\n"
		   "(one direction) per size, against DPDK's dma_skeleton copying the same sizes.\n"
		   "\n"
		   "  -S, --slot N      the slot (fpga-describe-local-image-slots lists them)\n"
		   "      --sizes LIST  packet sizes (default 64,256,1K,4K,64K)\n"
		   "      --time S      seconds per size (default 1)\n"
		   "      --depth N     dma_skeleton copies in flight (default 64)\n"
		   "      --no-skeleton skip the baseline\n"
		   "      --json, --csv machine-readable output\n");
}

static void stamp(uint8_t *p, uint64_t size, uint64_t seq)
{
	uint64_t inv = ~seq;

	memcpy(p, &seq, 8);
	memcpy(p + size - 8, &inv, 8);
}

static bool stamped(const uint8_t *p, uint64_t size, uint64_t seq)
{
	uint64_t a, b;

	memcpy(&a, p, 8);
	memcpy(&b, p + size - 8, 8);
	return a == seq && b == ~seq;
}

/*
 * Stream @p count packets (0: until @p end_tsc) of @p size, checking each. With @p full, the
 * whole packet is compared. @return packets moved, or -1 on a data or engine error.
 */
static int64_t stream(struct sde_ctx *c, uint64_t size, uint64_t count, uint64_t end_tsc, bool full)
{
	uint64_t sent = c->sent, got = c->got, posted = c->posted, first = c->got;
	struct xpdk_sde_tx tx[BURST];
	struct xpdk_sde_rx rx[BURST];
	uint64_t iova[BURST];
	uint32_t len[BURST];
	uint64_t spins = 0;

	for (;;) {
		bool stop = count ? sent - first >= count : rte_rdtsc() >= end_tsc;
		uint16_t n, k;

		/* receive buffers first, so that loopback never waits for them */
		k = (uint16_t)(RING - xpdk_sde_rx_pending(c->sde));
		k = k > BURST ? BURST : k;
		for (uint16_t i = 0; i < k; i++) {
			iova[i] = c->rx->iova + ((posted + i) % RING) * c->max;
			len[i] = (uint32_t)size;
		}
		posted += xpdk_sde_rx_post(c->sde, iova, len, k);
		(void)xpdk_sde_tx_done(c->sde);
		if (!stop) {
			k = (uint16_t)(RING - xpdk_sde_tx_pending(c->sde));
			k = k > BURST ? BURST : k;
			for (uint16_t i = 0; i < k; i++) {
				uint8_t *p = (uint8_t *)c->tx->va + ((sent + i) % RING) * c->max;

				stamp(p, size, sent + i);
				tx[i] = (struct xpdk_sde_tx){ .iova = c->tx->iova +
								      ((sent + i) % RING) * c->max,
							      .len = (uint32_t)size,
							      .eop = true,
							      .user = sent + i };
			}
			sent += xpdk_sde_tx_burst(c->sde, tx, k);
		}
		n = xpdk_sde_rx_burst(c->sde, rx, BURST);
		for (uint16_t i = 0; i < n; i++, got++) {
			const uint8_t *p =
			    (const uint8_t *)c->rx->va + (rx[i].slot % RING) * c->max;
			const uint8_t *q = (const uint8_t *)c->tx->va + (got % RING) * c->max;

			if (rx[i].len != size || !rx[i].eop || rx[i].user != got ||
			    !stamped(p, size, got) ||
			    (full && memcmp(p + 8, q + 8, size - 16) != 0)) {
				fprintf(stderr,
					"xpdk-bench: sde: packet %" PRIu64 " of %" PRIu64
					" bytes came back wrong (len %u, eop %d, user %" PRIu64
					", stamp %s, data %s)\n",
					got, size, rx[i].len, rx[i].eop, rx[i].user,
					stamped(p, size, got) ? "ok" : "wrong",
					full && memcmp(p + 8, q + 8, size - 16) != 0 ? "differs"
										     : "ok");
				return -1;
			}
		}
		if (n == 0 && ++spins % 4096 == 0 && xpdk_sde_check(c->sde) < 0) {
			fprintf(stderr, "xpdk-bench: sde: %s\n", xpdk_strerror_last());
			return -1;
		}
		if (n > 0)
			spins = 0;
		if (stop && got == sent) {
			c->sent = sent;
			c->got = got;
			c->posted = posted;
			return (int64_t)(got - first);
		}
		if (spins > 2000000000ull) {
			fprintf(stderr, "xpdk-bench: sde: packets stopped coming back\n");
			return -1;
		}
	}
}

static int skeleton(struct sde_ctx *c, uint64_t size, double secs, uint64_t *ops, uint64_t *cycles)
{
	uint64_t t0 = rte_rdtsc(), end = t0 + (uint64_t)(secs * (double)c->hz), inflight = 0;
	uint16_t last;
	bool err = false;

	if (rte_dma_start(c->skel) < 0)
		return -1;
	while (rte_rdtsc() < end && !err) {
		while (inflight < c->o->depth &&
		       rte_dma_copy(c->skel, 0, c->tx->iova, c->rx->iova, (uint32_t)size, 0) >= 0)
			inflight++;
		rte_dma_submit(c->skel, 0);
		uint16_t n = rte_dma_completed(c->skel, 0, (uint16_t)c->o->depth, &last, &err);

		inflight -= n;
		*ops += n;
	}
	for (uint64_t spin = 0; inflight > 0 && !err && spin < 1000000000ull; spin++) {
		uint16_t n = rte_dma_completed(c->skel, 0, (uint16_t)c->o->depth, &last, &err);

		inflight -= n;
		*ops += n;
	}
	*cycles += rte_rdtsc() - t0;
	rte_dma_stop(c->skel);
	return err || inflight ? -1 : 0;
}

static int run_size(struct sde_ctx *c, uint64_t size, struct sde_row *row)
{
	uint64_t pk = 0, pcyc = 0, sk = 0, scyc = 0;

	memset(row, 0, sizeof(*row));
	row->size = size;
	/* a fresh engine per size: no receive buffer of the previous size is left posted */
	xpdk_sde_close(c->sde);
	c->sent = c->got = c->posted = 0;
	c->sde = xpdk_sde_open(c->o->slot, NULL);
	if (c->sde == NULL) {
		fprintf(stderr, "xpdk-bench: sde: %s\n", xpdk_strerror_last());
		return BENCH_FAIL;
	}
	if (stream(c, size, (uint64_t)RING * 2, 0, true) < 0) /* full compare, wrapping the rings */
		return BENCH_FAIL;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = rte_rdtsc();
		int64_t n = stream(
		    c, size, 0, t0 + (uint64_t)(c->o->time * 0.7 / ROUNDS * (double)c->hz), false);

		if (n < 0)
			return BENCH_FAIL;
		pk += (uint64_t)n;
		pcyc += rte_rdtsc() - t0;
		if (c->skel >= 0 && skeleton(c, size, c->o->time * 0.3 / ROUNDS, &sk, &scyc) < 0) {
			fprintf(stderr, "xpdk-bench: sde: dma_skeleton failed\n");
			return BENCH_FAIL;
		}
	}
	row->pkts = pk;
	row->mpps = (double)pk / cycles_to_s(pcyc) / 1e6;
	row->gbps = (double)(pk * size) / cycles_to_s(pcyc) / 1e9;
	if (scyc > 0) {
		row->skel_mpps = (double)sk / cycles_to_s(scyc) / 1e6;
		row->skel_gbps = (double)(sk * size) / cycles_to_s(scyc) / 1e9;
	}
	return 0;
}

static void print_rows(const struct sde_ctx *c, const struct sde_row *rows, int n)
{
	char sz[32];

	if (c->o->out.fmt == FMT_JSON) {
		printf("{\"slot\":%d,\"rows\":[", c->o->slot);
		for (int i = 0; i < n; i++)
			printf("%s{\"size\":%" PRIu64 ",\"packets\":%" PRIu64
			       ",\"mpps\":%.3f,\"gbps\":%.3f,\"skeleton_mpps\":%.3f,"
			       "\"skeleton_gbps\":%.3f}",
			       i ? "," : "", rows[i].size, rows[i].pkts, rows[i].mpps, rows[i].gbps,
			       rows[i].skel_mpps, rows[i].skel_gbps);
		printf("]}\n");
		return;
	}
	if (c->o->out.fmt == FMT_CSV) {
		printf("size,packets,mpps,gbps,skeleton_mpps,skeleton_gbps\n");
		for (int i = 0; i < n; i++)
			printf("%" PRIu64 ",%" PRIu64 ",%.3f,%.3f,%.3f,%.3f\n", rows[i].size,
			       rows[i].pkts, rows[i].mpps, rows[i].gbps, rows[i].skel_mpps,
			       rows[i].skel_gbps);
		return;
	}
	printf("SDE loopback, slot %d (data checked on every packet)\n", c->o->slot);
	printf("%8s %12s %10s %10s %12s %12s %8s %8s\n", "size", "packets", "Mpps", "GB/s",
	       "skel Mpps", "skel GB/s", "x ops", "x GB/s");
	for (int i = 0; i < n; i++) {
		const struct sde_row *r = &rows[i];

		printf("%8s %12" PRIu64 " %10.3f %10.3f %12.3f %12.3f %8.2f %8.2f\n",
		       size_str(r->size, sz, sizeof(sz)), r->pkts, r->mpps, r->gbps, r->skel_mpps,
		       r->skel_gbps, r->skel_mpps > 0 ? r->mpps / r->skel_mpps : 0,
		       r->skel_gbps > 0 ? r->gbps / r->skel_gbps : 0);
	}
}

static int parse(int argc, char **argv, struct sde_opts *o)
{
	static const struct option lo[] = {
		{ "slot", required_argument, NULL, 'S' },
		{ "sizes", required_argument, NULL, 's' },
		{ "time", required_argument, NULL, 't' },
		{ "depth", required_argument, NULL, 'D' },
		{ "no-skeleton", no_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->slot = -1;
	o->time = 1;
	o->depth = 64;
	o->nsizes = parse_sizes("64,256,1K,4K,64K", o->sizes, MAX_SIZES);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "S:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'S':
			if (xpdk_parse_u64(optarg, &v) < 0 || v >= FPGA_SLOT_MAX)
				goto bad;
			o->slot = (int)v;
			break;
		case 's':
			o->nsizes = parse_sizes(optarg, o->sizes, MAX_SIZES);
			if (o->nsizes < 0)
				goto bad;
			for (int i = 0; i < o->nsizes; i++)
				if (o->sizes[i] < 16 || o->sizes[i] > (1u << 20))
					goto bad;
			break;
		case 't':
			if (parse_seconds(optarg, &o->time) < 0)
				goto bad;
			break;
		case 'D':
			if (xpdk_parse_u64(optarg, &v) < 0 || v < 32 || v > 4096 || (v & (v - 1)))
				goto bad;
			o->depth = (unsigned int)v;
			break;
		case 'N':
			o->no_skeleton = true;
			break;
		case 'j':
			o->out.fmt = FMT_JSON;
			break;
		case 'C':
			o->out.fmt = FMT_CSV;
			break;
		case 'h':
			sde_usage(stdout);
			return -1;
		default:
			sde_usage(stderr);
			return BENCH_USAGE;
		}
	}
	if (o->slot < 0 || optind != argc) {
		fprintf(stderr, "xpdk-bench: sde: -S SLOT is required (and nothing else); see "
				"sde --help\n");
		return BENCH_USAGE;
	}
	return 0;
bad:
	fprintf(stderr,
		"xpdk-bench: sde: bad value '%s' for %s (sizes 16 to 1M, depth a power "
		"of two 32 to 4096)\n",
		optarg, argv[optind - 1]);
	return BENCH_USAGE;
}

int bench_sde(int argc, char **argv)
{
	struct sde_opts o;
	struct sde_ctx c = { .o = &o, .skel = -1, .hz = bench_tsc_hz() };
	struct sde_row rows[MAX_SIZES];
	int rc = parse(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? BENCH_OK : rc;
	for (int i = 0; i < o.nsizes; i++)
		c.max = o.sizes[i] > c.max ? o.sizes[i] : c.max;
	c.max = (c.max + 63) & ~63ull;
	c.sde = xpdk_sde_open(o.slot, NULL);
	c.tx = xpdk_dma_alloc(RING * c.max, 4096, XPDK_DMA_F_ZERO);
	c.rx = xpdk_dma_alloc(RING * c.max, 4096, XPDK_DMA_F_ZERO);
	if (c.sde == NULL || c.tx == NULL || c.rx == NULL) {
		fprintf(stderr, "xpdk-bench: sde: %s\n", xpdk_strerror_last());
		rc = BENCH_FAIL;
		goto out;
	}
	for (uint64_t i = 0; i < RING * c.max / 8; i++)
		((uint64_t *)c.tx->va)[i] = i * 0x9e3779b97f4a7c15ull;
	if (!o.no_skeleton) {
		int16_t id;
		struct rte_dma_conf conf = { .nb_vchans = 1 };
		struct rte_dma_vchan_conf vc = { .direction = RTE_DMA_DIR_MEM_TO_MEM,
						 .nb_desc = (uint16_t)o.depth };

		RTE_DMA_FOREACH_DEV(id)
		{
			struct rte_dma_info info;

			if (rte_dma_info_get(id, &info) == 0 && strstr(info.dev_name, "skeleton"))
				c.skel = id;
		}
		if (c.skel < 0 || rte_dma_configure(c.skel, &conf) < 0 ||
		    rte_dma_vchan_setup(c.skel, 0, &vc) < 0) {
			fprintf(stderr, "xpdk-bench: sde: no usable dma_skeleton (EAL --vdev "
					"dma_skeleton, or --no-skeleton)\n");
			rc = BENCH_USAGE;
			goto out;
		}
	}
	for (int i = 0; i < o.nsizes && rc == 0; i++)
		rc = run_size(&c, o.sizes[i], &rows[i]);
	if (rc == 0)
		print_rows(&c, rows, o.nsizes);
out:
	if (c.skel >= 0)
		rte_dma_close(c.skel);
	xpdk_sde_close(c.sde);
	xpdk_dma_free(c.tx);
	xpdk_dma_free(c.rx);
	return rc;
}
