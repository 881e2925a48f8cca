/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench helpers: the latency histogram (log-linear buckets over TSC cycles, so that a
 * sample costs one increment and percentiles cost nothing until the end), the TSC clock, the
 * stderr progress line, and parsing of sizes and durations.
 */

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "bench.h"
#include "xpdk_common.h"

bool bench_progress_on;
static bool progress_shown;

/* Bucket of @p v: values below HIST_SUB get their own bucket; above, 32 per power of two. */
static unsigned int bucket_of(uint64_t v)
{
	unsigned int msb, shift;

	if (v < HIST_SUB)
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);
	shift = msb - HIST_SUB_BITS;
	return (shift + 1) * HIST_SUB + (unsigned int)((v >> shift) & (HIST_SUB - 1));
}

/* Smallest value and width of bucket @p b. */
static void bucket_range(unsigned int b, double *lo, double *width)
{
	unsigned int shift;

	if (b < HIST_SUB) {
		*lo = b;
		*width = 1;
		return;
	}
	shift = b / HIST_SUB - 1;
	*lo = (double)((uint64_t)(HIST_SUB + b % HIST_SUB) << shift);
	*width = (double)(1ull << shift);
}

void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void hist_add(struct hist *h, uint64_t cycles)
{
	unsigned int b = bucket_of(cycles);

	h->bucket[b < HIST_BUCKETS ? b : HIST_BUCKETS - 1]++;
	h->count++;
	h->sum += cycles;
	if (cycles < h->min)
		h->min = cycles;
	if (cycles > h->max)
		h->max = cycles;
}

static double percentile(const struct hist *h, double q)
{
	uint64_t rank = (uint64_t)ceil(q * (double)h->count), seen = 0;
	double lo, width, v;

	if (rank == 0)
		rank = 1;
	for (unsigned int b = 0; b < HIST_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			bucket_range(b, &lo, &width);
			v = lo + width / 2;
			if (v < (double)h->min)
				v = (double)h->min;
			if (v > (double)h->max)
				v = (double)h->max;
			return v;
		}
	}
	return (double)h->max;
}

void hist_summary(const struct hist *h, uint64_t tsc_hz, struct lat *out)
{
	double ns = 1e9 / (double)tsc_hz;

	memset(out, 0, sizeof(*out));
	out->samples = h->count;
	if (h->count == 0)
		return;
	out->min = (double)h->min * ns;
	out->max = (double)h->max * ns;
	out->mean = (double)h->sum / (double)h->count * ns;
	out->p50 = percentile(h, 0.50) * ns;
	out->p99 = percentile(h, 0.99) * ns;
	out->p999 = percentile(h, 0.999) * ns;
}

uint64_t bench_tsc_hz(void)
{
	return rte_get_tsc_hz();
}

double cycles_to_s(uint64_t cycles)
{
	return (double)cycles / (double)rte_get_tsc_hz();
}

void bench_progress(const char *fmt, ...)
{
	char line[160];
	va_list ap;

	static uint64_t last_ns;
	uint64_t now = xpdk_now_ns();

	if (!bench_progress_on)
		return;
	/* at most four updates a second, however often the loops call */
	if (progress_shown && now - last_ns < 250000000ull)
		return;
	last_ns = now;
	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "\r%-79s", line);
	fflush(stderr);
	progress_shown = true;
}

void bench_progress_end(void)
{
	if (progress_shown)
		fprintf(stderr, "\r%79s\r", "");
	progress_shown = false;
}

int parse_sizes(const char *s, uint64_t *sizes, int max)
{
	char buf[256], *save = NULL, *tok;
	int n = 0;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (n == max || xpdk_parse_size(tok, &v) < 0 || v == 0)
			return -1;
		sizes[n++] = v;
	}
	return n > 0 ? n : -1;
}

int parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v > 0) || v > 86400)
		return -1;
	*out = v;
	return 0;
}

const char *size_str(uint64_t v, char *buf, size_t len)
{
	if (v >= (1u << 20) && v % (1u << 20) == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(v >> 20));
	else if (v >= 1024 && v % 1024 == 0)
		snprintf(buf, len, "%lluK", (unsigned long long)(v >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

void json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int require_device(const char *cmd, const char *dev, int optind_, int argc)
{
	if (dev != NULL && optind_ == argc)
		return 0;
	fprintf(stderr, "xpdk-bench: %s: %s\n", cmd,
		dev == NULL
		    ? "-d DEV is required (e.g. -d vfio-user:/run/xpdk/devsim/dfl-fpga0.sock)"
		    : "unexpected argument");
	return BENCH_USAGE;
}

const char *bench_dev_error(const char *dev)
{
	static char msg[1024];
	const char *last = xpdk_strerror_last();
	const char *path = strncmp(dev, "vfio-user:", 10) == 0 ? dev + 10 : dev;

	if (strstr(last, path) != NULL)
		return last;
	snprintf(msg, sizeof(msg), "%s: %s", dev, last);
	return msg;
}

const char *bench_opt_name(const struct option *lo, int c)
{
	static char name[64];

	for (; lo->name != NULL; lo++) {
		if (lo->val == c && lo->flag == NULL) {
			snprintf(name, sizeof(name), "--%s", lo->name);
			return name;
		}
	}
	snprintf(name, sizeof(name), "-%c", c);
	return name;
}
