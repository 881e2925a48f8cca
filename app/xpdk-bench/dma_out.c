/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench dma output: the perftest-like table, JSON, CSV, and the gnuplot picture of
 * bandwidth and latency against transfer size.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dma.h"

const char *const mode_names[] = { "read", "write", "copy", "trput" };
const char *const base_names[] = { "read-fold", "fill", "memcpy", "read-fold+fill" };

static double ratio(double a, double b)
{
	return a > 0 && b > 0 ? a / b : 0;
}

/* A number, or "-" when it was not measured, in a column of @p w characters. */
static void col(double v, int w, int prec)
{
	if (v > 0 && isfinite(v) && v < 0.5 * pow(10, -prec))
		printf(" %*.1e", w, v); /* too small for the column's decimals */
	else if (v > 0 && isfinite(v))
		printf(" %*.*f", w, prec, v);
	else
		printf(" %*s", w, "-");
}

static void json_num(const char *key, double v, bool comma)
{
	if (v > 0 && isfinite(v))
		printf("%s\"%s\":%.6g", comma ? "," : "", key, v);
	else
		printf("%s\"%s\":null", comma ? "," : "", key);
}

static void print_json(const struct dma_opts *o, const char *dev, const struct dma_row *r, int n)
{
	printf("{\"command\":\"dma\",\"device\":");
	json_string(dev);
	printf(",\"engine\":\"%s\",\"mode\":\"%s\","
	       "\"baseline\":\"%s\",\"depth\":%u,\"time_per_size\":%.3f,\"results\":[",
	       o->engine_name, mode_names[o->mode], base_names[o->mode], o->depth, o->time);
	for (int i = 0; i < n; i++) {
		printf("%s{\"bytes\":%" PRIu64 ",\"iterations\":%" PRIu64 ",\"seconds\":%.6f",
		       i ? "," : "", r[i].bytes, r[i].iters, r[i].seconds);
		json_num("bw_gbps", r[i].gbps, true);
		json_num("mpps", r[i].mpps, true);
		json_num("device_bw_gbps", r[i].dev_gbps, true);
		printf(",\"repeat\":%u,\"runs\":%" PRIu64, r[i].repeat, r[i].runs);
		printf(",\"latency_ns\":{\"samples\":%" PRIu64, r[i].lat.samples);
		json_num("min", r[i].lat.min, true);
		json_num("p50", r[i].lat.p50, true);
		json_num("p99", r[i].lat.p99, true);
		json_num("p99_9", r[i].lat.p999, true);
		json_num("max", r[i].lat.max, true);
		printf("}");
		json_num("baseline_gbps", r[i].base_gbps, true);
		json_num("baseline_mpps", r[i].base_mpps, true);
		json_num("ratio_baseline", ratio(r[i].gbps, r[i].base_gbps), true);
		json_num("skeleton_gbps", r[i].skel_gbps, true);
		json_num("skeleton_mpps", r[i].skel_mpps, true);
		json_num("ratio_skeleton", ratio(r[i].gbps, r[i].skel_gbps), true);
		json_num("ratio_skeleton_ops", ratio(r[i].mpps, r[i].skel_mpps), true);
		printf("}");
	}
	printf("]}\n");
}

static void csv_num(double v)
{
	if (v > 0 && isfinite(v))
		printf(",%.6g", v);
	else
		printf(",");
}

static void print_csv(const struct dma_row *r, int n)
{
	printf("bytes,iterations,seconds,bw_gbps,mpps,device_bw_gbps,repeat,lat_min_ns,lat_p50_ns,"
	       "lat_p99_ns,lat_p99_9_ns,lat_max_ns,baseline_gbps,ratio_baseline,skeleton_gbps,"
	       "ratio_skeleton,skeleton_mpps,ratio_skeleton_ops\n");
	for (int i = 0; i < n; i++) {
		printf("%" PRIu64 ",%" PRIu64 ",%.6f", r[i].bytes, r[i].iters, r[i].seconds);
		csv_num(r[i].gbps);
		csv_num(r[i].mpps);
		csv_num(r[i].dev_gbps);
		printf(",%u", r[i].repeat);
		csv_num(r[i].lat.min);
		csv_num(r[i].lat.p50);
		csv_num(r[i].lat.p99);
		csv_num(r[i].lat.p999);
		csv_num(r[i].lat.max);
		csv_num(r[i].base_gbps);
		csv_num(ratio(r[i].gbps, r[i].base_gbps));
		csv_num(r[i].skel_gbps);
		csv_num(ratio(r[i].gbps, r[i].skel_gbps));
		csv_num(r[i].skel_mpps);
		csv_num(ratio(r[i].mpps, r[i].skel_mpps));
		printf("\n");
	}
}

void dma_print(const struct dma_opts *o, const char *dev, const struct dma_row *r, int n)
{
	if (o->out.fmt == FMT_JSON) {
		print_json(o, dev, r, n);
		return;
	}
	if (o->out.fmt == FMT_CSV) {
		print_csv(r, n);
		return;
	}
	printf("# xpdk-bench dma: %s, engine %s, mode %s, %.2f s per size\n", dev, o->engine_name,
	       mode_names[o->mode], o->time);
	if (o->batched)
		printf(
		    "# BW, MsgRate: host time from the doorbell to the completion seen by polling, "
		    "over submissions of `repeat` passes;\n# dev: the same from the device's own "
		    "clock; latency: one pass per submission (doorbell to completion)\n");
	else
		printf(
		    "# one operation (one pass) per submission; BW, MsgRate and latency: doorbell "
		    "to completion seen by polling\n");
	printf("# baseline: single-thread %s on the same buffers; skeleton: DPDK dma_skeleton, "
	       "%u in flight\n",
	       base_names[o->mode], o->depth);
	printf("%-8s %12s %9s %9s %9s %9s %9s %9s %9s %7s %9s %7s %9s %7s\n", "#bytes",
	       "#iterations", "BW[GB/s]", "MsgRate", "dev[GB/s]", "p50[us]", "p99[us]", "p99.9[us]",
	       "baseline", "ratio", "skeleton", "ratio", "skel", "ratio");
	printf("%-8s %12s %9s %9s %9s %9s %9s %9s %9s %7s %9s %7s %9s %7s\n", "", "", "average",
	       "[Mpps]", "", "", "", "", "[GB/s]", "", "[GB/s]", "", "[Mpps]", "ops");
	for (int i = 0; i < n; i++) {
		printf("%-8" PRIu64 " %12" PRIu64, r[i].bytes, r[i].iters);
		col(r[i].gbps, 9, 3);
		col(r[i].mpps, 9, 4);
		col(r[i].dev_gbps, 9, 3);
		col(r[i].lat.p50 / 1e3, 9, 2);
		col(r[i].lat.p99 / 1e3, 9, 2);
		col(r[i].lat.p999 / 1e3, 9, 2);
		col(r[i].base_gbps, 9, 3);
		col(ratio(r[i].gbps, r[i].base_gbps), 7, 3);
		col(r[i].skel_gbps, 9, 3);
		col(ratio(r[i].gbps, r[i].skel_gbps), 7, 3);
		col(r[i].skel_mpps, 9, 4);
		col(ratio(r[i].mpps, r[i].skel_mpps), 7, 3);
		printf("\n");
	}
}

/* One datablock line per size: bytes, engine, baseline, skeleton GB/s, p50, p99 us. */
static void plot_data(FILE *g, const struct dma_row *r, int n)
{
	fprintf(g, "$d << EOD\n");
	for (int i = 0; i < n; i++) {
		fprintf(g, "%" PRIu64, r[i].bytes);
		double v[] = { r[i].gbps, r[i].base_gbps, r[i].skel_gbps, r[i].lat.p50 / 1e3,
			       r[i].lat.p99 / 1e3 };

		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
			if (v[k] > 0 && isfinite(v[k]))
				fprintf(g, " %g", v[k]);
			else
				fprintf(g, " NaN");
		}
		fprintf(g, "\n");
	}
	fprintf(g, "EOD\n");
}

int dma_plot(const struct dma_opts *o, const char *dev, const struct dma_row *r, int n)
{
	bool skel = false;
	FILE *g;
	int st;

	for (int i = 0; i < n; i++)
		skel |= r[i].skel_gbps > 0;
	/* gnuplot that cannot open its output writes the PNG to stdout: find out first */
	g = fopen(o->out.plot, "w");
	if (g == NULL) {
		fprintf(stderr, "xpdk-bench: --plot %s: %s\n", o->out.plot, strerror(errno));
		return BENCH_FAIL;
	}
	fclose(g);
	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "xpdk-bench: --plot needs gnuplot: install gnuplot-nox "
				"(devtools/install-deps.sh)\n");
		return BENCH_FAIL;
	}
	g = popen("gnuplot", "w");
	if (g == NULL) {
		perror("xpdk-bench: gnuplot");
		return BENCH_FAIL;
	}
	fprintf(g, "set terminal pngcairo size 1000,800 font 'sans,10'\n");
	fprintf(g, "set output '");
	for (const char *c = o->out.plot; *c != '\0'; c++)
		fputs(*c == '\'' ? "''" : (char[2]){ *c, '\0' }, g); /* gnuplot: '' inside '…' */
	fprintf(g, "'\n");
	plot_data(g, r, n);
	/* the device's base name only: a path says little in a title, and may hold quotes */
	{
		const char *base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;

		fprintf(g, "set multiplot layout 2,1 title 'xpdk-bench dma: %s engine, %s mode (",
			o->engine_name, mode_names[o->mode]);
		for (const char *c = base; *c != '\0'; c++)
			fputs(*c == '\'' ? "''" : (char[2]){ *c, '\0' }, g);
		fprintf(g, ")'\n");
	}
	fprintf(g, "set logscale x 2\nset format x '%%.0b %%BB'\nset grid\nset key top left\n"
		   "set xlabel 'transfer size [bytes]'\n");
	fprintf(g, "set ylabel 'bandwidth [GB/s]'\nset yrange [0:*]\n");
	fprintf(g,
		"plot $d using 1:2 with linespoints lw 2 title '%s (host time)', "
		"$d using 1:3 with linespoints lw 2 title 'single-thread %s'%s\n",
		o->engine_name, base_names[o->mode],
		skel ? ", $d using 1:4 with linespoints lw 2 title 'DPDK dma\\_skeleton'" : "");
	fprintf(g, "set ylabel 'completion latency [us]'\nset logscale y 10\nset yrange [*:*]\n"
		   "set key top left\n");
	fprintf(g, "plot $d using 1:5 with linespoints lw 2 title 'p50 (one operation per start)', "
		   "$d using 1:6 with linespoints lw 2 title 'p99'\n");
	fprintf(g, "unset multiplot\n");
	st = pclose(g);
	if (st != 0) {
		fprintf(stderr, "xpdk-bench: gnuplot failed (status %d) writing %s\n", st,
			o->out.plot);
		return BENCH_FAIL;
	}
	return BENCH_OK;
}
