/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench poll: lib/poll's costs, each beside a baseline measured in the same run.
 *
 *  - ring -> handler throughput: a producer on the main lcore enqueues bursts with
 *    xpdk_poll_ring_enqueue_burst() to a ring-fed handler on the worker lcore, against a raw
 *    rte_ring producer/consumer loop (rte_ring_enqueue_burst, rte_eal_remote_launch'ed
 *    rte_ring_dequeue_burst loop) with the same ring, burst and lcores. They take turns in
 *    ROUNDS rounds so that both see the same load on a shared machine; the best round of each
 *    is reported (preemption only ever lowers a round).
 *  - empty poll: TSC cycles per idle handler call with 1, 8 and 64 idle handlers on the main
 *    lcore's loop, against a plain C loop making the same indirect calls (best of
 *    EMPTY_ROUNDS short runs each, taking turns).
 *  - wake-up latency: enqueue (TSC) -> handler running (TSC) on the worker lcore asleep in
 *    interrupt mode, p50/p99, against the same with the worker awake in polled mode.
 *  - idle CPU: the worker's thread CPU time (/proc/self/task/TID/stat) over --idle-time seconds
 *    with nothing to do, in interrupt mode, against polled mode.
 */

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "bench.h"
#include "xpdk_poll.h"

#define ROUNDS	     4	/* throughput: turns of raw and lib/poll; the best of each */
#define EMPTY_ROUNDS 10 /* empty poll: turns of lib/poll and the plain loop; the best of each */
#define MAX_ROWS     16
#define MAX_HANDLE   64

struct poll_opts {
	unsigned int burst, ring_size, ring_flags, samples;
	const char *sync;
	double time, idle_time;
	struct out_opts out;
};

struct row {
	char name[48];
	double value;
	const char *unit;
	double base;
	char base_name[48];
	double ratio;	    /* value / base (0: none) */
	const char *target; /* "" when there is none */
	bool met, has_target;
};

struct bench {
	struct poll_opts *o;
	unsigned int prod, cons; /* lcores */
	uint64_t hz;
	struct row rows[MAX_ROWS];
	int nrows;
};

static void poll_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: xpdk-bench [EAL options] -- poll [--burst N] [--ring-size N]\n"
	    "           [--sync sp|mp|rts|hts] [--time S] [--samples N] [--idle-time S]\n"
	    "           [--json | --csv] [--plot FILE.png]\n"
	    "\n"
	    "lib/poll's costs against same-run baselines (EAL: -l 0,1; the worker lcore runs the\n"
	    "consumer, the main lcore the producer; with one lcore only the empty poll runs):\n"
	    "  ring->handler items/s   vs a raw rte_ring producer/consumer loop (same ring, "
	    "burst,\n"
	    "                          lcores)\n"
	    "  empty poll              cycles per idle handler call with 1, 8, 64 handlers, vs a\n"
	    "                          plain loop of indirect calls\n"
	    "  wake-up p50/p99         enqueue -> handler running, interrupt mode vs polled mode\n"
	    "  idle CPU                worker thread CPU over --idle-time, interrupt vs polled\n"
	    "\n"
	    "  --burst N       ring burst (default 32, 1 to 512)\n"
	    "  --ring-size N   ring slots (default 1024, a power of two)\n"
	    "  --sync M        ring sync mode: sp (SP/SC, default), mp, rts, hts\n"
	    "  --time S        seconds per throughput and empty-poll measurement (default 1)\n"
	    "  --samples N     wake-up samples per mode (default 2000)\n"
	    "  --idle-time S   seconds per idle-CPU measurement (default 2)\n"
	    "  --json, --csv   machine-readable output\n"
	    "  --plot F.png    draw the ratios (gnuplot)\n");
}

static struct row *add_row(struct bench *b, const char *name, double value, const char *unit,
			   double base, const char *base_name)
{
	struct row *r = &b->rows[b->nrows++];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->value = value;
	r->unit = unit;
	r->base = base;
	snprintf(r->base_name, sizeof(r->base_name), "%s", base_name);
	r->ratio = value > 0 && base > 0 ? value / base : 0;
	r->target = "";
	return r;
}

static void set_target(struct row *r, const char *target, bool met)
{
	r->target = target;
	r->has_target = true;
	r->met = met;
}

/* ---- throughput ---- */

struct tput {
	struct rte_ring *ring;
	unsigned int burst;
	uint64_t consumed; /* atomic, written by the consumer */
	bool stop;	   /* atomic */
};

static int raw_consumer(void *arg)
{
	struct tput *t = arg;
	void *objs[XPDK_POLL_BURST_MAX];
	uint64_t n = 0;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		n += rte_ring_dequeue_burst(t->ring, objs, t->burst, NULL);
		__atomic_store_n(&t->consumed, n, __ATOMIC_RELEASE);
	}
	return 0;
}

static int count_burst(void *ctx, void **objs, unsigned int n)
{
	struct tput *t = ctx;

	(void)objs;
	__atomic_store_n(&t->consumed, t->consumed + n, __ATOMIC_RELEASE);
	return (int)n;
}

/* Produce for @p secs; wait until the consumer has everything. @return items per second. */
static double produce(struct bench *b, struct tput *t, bool wrapper)
{
	void *objs[XPDK_POLL_BURST_MAX];
	uint64_t sent = 0, t0, end;

	for (unsigned int i = 0; i < t->burst; i++)
		objs[i] = (void *)(uintptr_t)(i + 1);
	__atomic_store_n(&t->consumed, 0, __ATOMIC_RELEASE);
	t0 = rte_rdtsc();
	end = t0 + (uint64_t)(b->o->time / ROUNDS / 2 * (double)b->hz);
	do {
		for (int k = 0; k < 64; k++)
			sent += wrapper ? xpdk_poll_ring_enqueue_burst(t->ring, b->cons, objs,
								       t->burst, NULL)
					: rte_ring_enqueue_burst(t->ring, objs, t->burst, NULL);
	} while (rte_rdtsc() < end);
	while (__atomic_load_n(&t->consumed, __ATOMIC_ACQUIRE) < sent)
		rte_pause();
	return (double)sent / ((double)(rte_rdtsc() - t0) / (double)b->hz);
}

static int bench_throughput(struct bench *b)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct tput t = { .burst = b->o->burst };
	struct xpdk_poll_handler *h = NULL;
	double raw = 0, pol = 0;
	char name[64];
	int rc = BENCH_FAIL;

	t.ring = rte_ring_create("bench-poll", b->o->ring_size, SOCKET_ID_ANY, b->o->ring_flags);
	if (t.ring == NULL) {
		fprintf(stderr, "xpdk-bench: poll: ring of %u: %s\n", b->o->ring_size,
			rte_strerror(rte_errno));
		return BENCH_FAIL;
	}
	a.name = "bench-consumer";
	a.kind = XPDK_POLL_RING;
	a.lcore = b->cons;
	a.ring = t.ring;
	a.burst = t.burst;
	a.burst_fn = count_burst;
	a.ctx = &t;
	for (int round = 0; round < ROUNDS; round++) {
		bench_progress("poll: ring throughput, round %d of %d", round + 1, ROUNDS);
		__atomic_store_n(&t.stop, false, __ATOMIC_RELEASE);
		if (rte_eal_remote_launch(raw_consumer, &t, b->cons) != 0) {
			fprintf(stderr, "xpdk-bench: poll: lcore %u is busy\n", b->cons);
			goto out;
		}
		raw = RTE_MAX(raw, produce(b, &t, false));
		__atomic_store_n(&t.stop, true, __ATOMIC_RELEASE);
		rte_eal_wait_lcore(b->cons);

		if (xpdk_poll_register(&a, &h) < 0 || xpdk_poll_start() != 1) {
			fprintf(stderr, "xpdk-bench: poll: %s\n", xpdk_strerror_last());
			goto out;
		}
		pol = RTE_MAX(pol, produce(b, &t, true));
		xpdk_poll_stop();
		xpdk_poll_unregister(h);
		h = NULL;
	}
	snprintf(name, sizeof(name), "ring->handler, burst %u", t.burst);
	set_target(add_row(b, name, pol / 1e6, "Mitems/s", raw / 1e6, "raw rte_ring loop"),
		   ">= 0.9x", pol >= 0.9 * raw);
	rc = BENCH_OK;
out:
	xpdk_poll_stop();
	xpdk_poll_unregister(h);
	rte_ring_free(t.ring);
	return rc;
}

/* ---- empty poll ---- */

static int idle_fn(void *ctx)
{
	(void)ctx;
	return 0;
}

static void *stop_after(void *arg)
{
	const double *secs = arg;

	usleep((useconds_t)(*secs * 1e6));
	xpdk_poll_request_stop();
	return NULL;
}

/* The same indirect calls without lib/poll: a plain loop over an array of callbacks. */
static double raw_calls(struct bench *b, unsigned int n, double secs)
{
	static xpdk_poll_fn volatile fns[MAX_HANDLE];
	uint64_t calls = 0, t0, end;
	int sink = 0;

	for (unsigned int i = 0; i < n; i++)
		fns[i] = idle_fn;
	t0 = rte_rdtsc();
	end = t0 + (uint64_t)(secs * (double)b->hz);
	do {
		for (int k = 0; k < 64; k++)
			for (unsigned int i = 0; i < n; i++)
				sink += fns[i](NULL);
		calls += 64ull * n;
	} while (rte_rdtsc() < end);
	return (double)(rte_rdtsc() - t0 + (uint64_t)sink) / (double)calls;
}

/* One run of the main lcore's loop for @p secs. @return cycles per handler call. */
static double loop_once(struct xpdk_poll_handler **h, unsigned int n, double secs)
{
	uint64_t calls = 0, t0, t1;
	pthread_t th;

	for (unsigned int i = 0; i < n; i++) {
		struct xpdk_poll_handler_stats st = { .size = sizeof(st) };

		xpdk_poll_handler_stats(h[i], &st);
		calls -= st.calls;
	}
	if (pthread_create(&th, NULL, stop_after, &secs) != 0)
		return 0;
	t0 = rte_rdtsc();
	xpdk_poll_run();
	t1 = rte_rdtsc();
	pthread_join(th, NULL);
	xpdk_poll_stop();
	for (unsigned int i = 0; i < n; i++) {
		struct xpdk_poll_handler_stats st = { .size = sizeof(st) };

		xpdk_poll_handler_stats(h[i], &st);
		calls += st.calls;
	}
	return calls ? (double)(t1 - t0) / (double)calls : 0;
}

/* Best of EMPTY_ROUNDS short runs each, lib/poll and the plain loop taking turns: on a shared
 * machine a run the scheduler interrupted only counts more cycles, never fewer. */
static int bench_empty(struct bench *b, unsigned int n)
{
	struct xpdk_poll_handler *h[MAX_HANDLE] = { NULL };
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	double secs = b->o->time / 2 / EMPTY_ROUNDS, raw = 0, loop = 0;
	char name[48];
	int rc = BENCH_FAIL;

	a.fn = idle_fn;
	a.lcore = b->prod;
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench-idle-%u", i);
		a.name = name;
		if (xpdk_poll_register(&a, &h[i]) < 0) {
			fprintf(stderr, "xpdk-bench: poll: %s\n", xpdk_strerror_last());
			goto out;
		}
	}
	for (int round = 0; round < EMPTY_ROUNDS; round++) {
		double l, r;

		bench_progress("poll: empty poll, %u handlers, round %d of %d", n, round + 1,
			       EMPTY_ROUNDS);
		l = loop_once(h, n, secs);
		r = raw_calls(b, n, secs);
		if (l > 0 && (loop == 0 || l < loop))
			loop = l;
		if (r > 0 && (raw == 0 || r < raw))
			raw = r;
	}
	snprintf(name, sizeof(name), "empty poll, %u handler%s", n, n == 1 ? "" : "s");
	set_target(add_row(b, name, loop, "cycles/call", raw, "plain indirect-call loop"), "<= 30",
		   loop > 0 && loop <= 30);
	rc = BENCH_OK;
out:
	for (unsigned int i = 0; i < n; i++)
		xpdk_poll_unregister(h[i]);
	return rc;
}

/* ---- wake-up latency and idle CPU ---- */

struct wake {
	uint64_t t0;	/* producer's TSC at the enqueue */
	uint64_t done;	/* atomic: samples taken */
	struct hist *h; /* written by the consumer */
};

static int wake_fn(void *ctx, void **objs, unsigned int n)
{
	struct wake *w = ctx;

	(void)objs;
	hist_add(w->h, rte_rdtsc() - __atomic_load_n(&w->t0, __ATOMIC_ACQUIRE));
	__atomic_store_n(&w->done, w->done + 1, __ATOMIC_RELEASE);
	return (int)n;
}

static int worker_mode(struct bench *b, bool intr)
{
	struct xpdk_poll_lcore_attr la = XPDK_POLL_LCORE_ATTR_INIT;

	la.interrupt = intr;
	la.idle_iterations = 64;
	return xpdk_poll_lcore_configure(b->cons, &la);
}

/* CPU seconds (user + system) of thread @p tid of this process. */
static double thread_cpu(int tid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* after "pid (comm)": state is field 3; utime and stime are fields 14 and 15 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Wake-up samples in one mode, then the worker's CPU while idle. */
static int wake_and_idle(struct bench *b, bool intr, struct hist *h, double *cpu)
{
	struct xpdk_poll_attr a = XPDK_POLL_ATTR_INIT;
	struct xpdk_poll_lcore_stats ls = { .size = sizeof(ls) };
	struct wake w = { .h = h };
	struct xpdk_poll_handler *hd = NULL;
	struct rte_ring *r = rte_ring_create("bench-wake", 64, SOCKET_ID_ANY, b->o->ring_flags);
	void *obj = &w;
	double c0, c1;
	int rc = BENCH_FAIL;

	hist_reset(h);
	a.name = "bench-wake";
	a.kind = XPDK_POLL_RING;
	a.lcore = b->cons;
	a.ring = r;
	a.burst_fn = wake_fn;
	a.ctx = &w;
	if (r == NULL || worker_mode(b, intr) < 0 || xpdk_poll_register(&a, &hd) < 0 ||
	    xpdk_poll_start() != 1) {
		fprintf(stderr, "xpdk-bench: poll: %s\n", xpdk_strerror_last());
		goto out;
	}
	for (uint64_t i = 0; i < b->o->samples; i++) {
		bench_progress("poll: wake-up, %s mode, %" PRIu64 " of %u",
			       intr ? "interrupt" : "polled", i, b->o->samples);
		if (intr) {
			/* asleep: announced, then give it time to enter epoll_wait */
			while (!__atomic_load_n(&xpdk_poll_sleep_flags[b->cons].sleeping,
						__ATOMIC_ACQUIRE))
				rte_pause();
			usleep(200);
		}
		__atomic_store_n(&w.t0, rte_rdtsc(), __ATOMIC_RELEASE);
		xpdk_poll_ring_enqueue_burst(r, b->cons, &obj, 1, NULL);
		while (__atomic_load_n(&w.done, __ATOMIC_ACQUIRE) <= i)
			rte_pause();
	}
	/* idle: nothing enqueued for idle_time seconds */
	bench_progress("poll: idle CPU, %s mode", intr ? "interrupt" : "polled");
	xpdk_poll_lcore_stats(b->cons, &ls);
	c0 = thread_cpu(ls.tid);
	usleep((useconds_t)(b->o->idle_time * 1e6));
	c1 = thread_cpu(ls.tid);
	*cpu = c0 >= 0 && c1 >= 0 ? 100.0 * (c1 - c0) / b->o->idle_time : -1;
	rc = BENCH_OK;
out:
	xpdk_poll_stop();
	xpdk_poll_unregister(hd);
	worker_mode(b, false);
	rte_ring_free(r);
	return rc;
}

static int bench_wake(struct bench *b)
{
	struct hist *hi = malloc(sizeof(*hi)), *hp = malloc(sizeof(*hp));
	struct lat li, lp;
	double cpu_i = -1, cpu_p = -1;
	int rc = BENCH_FAIL;

	if (hi == NULL || hp == NULL)
		goto out;
	if (wake_and_idle(b, false, hp, &cpu_p) != BENCH_OK ||
	    wake_and_idle(b, true, hi, &cpu_i) != BENCH_OK)
		goto out;
	hist_summary(hi, b->hz, &li);
	hist_summary(hp, b->hz, &lp);
	set_target(add_row(b, "wake-up p50, interrupt mode", li.p50 / 1e3, "us", lp.p50 / 1e3,
			   "polled mode p50"),
		   "<= 20 us", li.p50 / 1e3 <= 20);
	add_row(b, "wake-up p99, interrupt mode", li.p99 / 1e3, "us", lp.p99 / 1e3,
		"polled mode p99");
	set_target(add_row(b, "idle CPU, interrupt mode", cpu_i, "%", cpu_p, "polled mode"), "< 1%",
		   cpu_i >= 0 && cpu_i < 1);
	/* a 0% figure is a measurement, not a missing one */
	if (cpu_i == 0)
		b->rows[b->nrows - 1].value = 0;
	rc = BENCH_OK;
out:
	free(hi);
	free(hp);
	return rc;
}

/* ---- output ---- */

static void json_num(const char *key, double v, bool measured)
{
	if (measured && isfinite(v))
		printf(",\"%s\":%.6g", key, v);
	else
		printf(",\"%s\":null", key);
}

static void print_rows(const struct bench *b)
{
	const struct poll_opts *o = b->o;

	if (o->out.fmt == FMT_JSON) {
		printf("{\"command\":\"poll\",\"burst\":%u,\"ring_size\":%u,\"sync\":\"%s\","
		       "\"producer_lcore\":%u,\"consumer_lcore\":%u,\"tsc_hz\":%" PRIu64
		       ",\"results\":[",
		       o->burst, o->ring_size, o->sync, b->prod, b->cons, b->hz);
		for (int i = 0; i < b->nrows; i++) {
			const struct row *r = &b->rows[i];

			printf("%s{\"name\":", i ? "," : "");
			json_string(r->name);
			json_num("value", r->value, r->value >= 0);
			printf(",\"unit\":\"%s\",\"baseline_name\":", r->unit);
			json_string(r->base_name);
			json_num("baseline", r->base, r->base >= 0);
			json_num("ratio", r->ratio, r->ratio > 0);
			if (r->has_target)
				printf(",\"target\":\"%s\",\"met\":%s", r->target,
				       r->met ? "true" : "false");
			printf("}");
		}
		printf("]}\n");
		return;
	}
	if (o->out.fmt == FMT_CSV) {
		printf("name,value,unit,baseline,baseline_name,ratio,target,met\n");
		for (int i = 0; i < b->nrows; i++) {
			const struct row *r = &b->rows[i];

			/* names hold commas: quoted (no quotes inside them) */
			printf("\"%s\",%.6g,%s,%.6g,\"%s\",%.6g,%s,%s\n", r->name, r->value,
			       r->unit, r->base, r->base_name, r->ratio, r->target,
			       r->has_target ? (r->met ? "yes" : "no") : "");
		}
		return;
	}
	printf("# xpdk-bench poll: burst %u, ring %u slots (%s), producer lcore %u, consumer lcore "
	       "%u, TSC %.3f GHz\n",
	       o->burst, o->ring_size, o->sync, b->prod, b->cons, (double)b->hz / 1e9);
	printf("%-30s %10s %-12s %10s  %-26s %7s  %-9s %s\n", "#measure", "value", "unit",
	       "baseline", "(baseline)", "ratio", "target", "met");
	for (int i = 0; i < b->nrows; i++) {
		const struct row *r = &b->rows[i];

		printf("%-30s %10.3f %-12s %10.3f  %-26s", r->name, r->value, r->unit, r->base,
		       r->base_name);
		if (r->ratio > 0)
			printf(" %7.3f", r->ratio);
		else
			printf(" %7s", "-");
		printf("  %-9s %s\n", r->has_target ? r->target : "-",
		       r->has_target ? (r->met ? "yes" : "NO") : "");
	}
}

static int plot_rows(const struct bench *b)
{
	FILE *g;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "xpdk-bench: --plot needs gnuplot: install gnuplot-nox "
				"(devtools/install-deps.sh)\n");
		return BENCH_FAIL;
	}
	g = popen("gnuplot", "w");
	if (g == NULL)
		return BENCH_FAIL;
	fprintf(g, "set terminal pngcairo size 1000,600 font 'sans,10'\nset output '");
	for (const char *c = b->o->out.plot; *c != '\0'; c++)
		fputs(*c == '\'' ? "''" : (char[2]){ *c, '\0' }, g);
	fprintf(g, "'\n$d << EOD\n");
	for (int i = 0; i < b->nrows; i++)
		fprintf(g, "\"%s\" %g %g\n", b->rows[i].name, b->rows[i].value, b->rows[i].base);
	fprintf(g, "EOD\nset style data histograms\nset style fill solid 0.8\nset logscale y\n"
		   "set xtics rotate by -25\nset grid y\nset key top right\n"
		   "set title 'xpdk-bench poll: lib/poll (value) against its same-run baseline'\n"
		   "plot $d using 2:xtic(1) title 'lib/poll', '' using 3 title 'baseline'\n");
	return pclose(g) == 0 ? BENCH_OK : BENCH_FAIL;
}

/* ---- entry ---- */

static int parse_opts(int argc, char **argv, struct poll_opts *o)
{
	static const struct option lo[] = {
		{ "burst", required_argument, NULL, 'b' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "sync", required_argument, NULL, 's' },
		{ "time", required_argument, NULL, 't' },
		{ "samples", required_argument, NULL, 'n' },
		{ "idle-time", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' },
		{ "plot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (xpdk_parse_u64(optarg, &v) < 0 || v < 1 || v > XPDK_POLL_BURST_MAX)
				goto bad;
			o->burst = (unsigned int)v;
			break;
		case 'r':
			if (xpdk_parse_u64(optarg, &v) < 0 || !XPDK_IS_POW2(v) || v < 2 ||
			    v > (1u << 24))
				goto bad;
			o->ring_size = (unsigned int)v;
			break;
		case 's':
			if (strcmp(optarg, "sp") == 0)
				o->ring_flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
			else if (strcmp(optarg, "mp") == 0)
				o->ring_flags = 0;
			else if (strcmp(optarg, "rts") == 0)
				o->ring_flags = RING_F_MP_RTS_ENQ | RING_F_MC_RTS_DEQ;
			else if (strcmp(optarg, "hts") == 0)
				o->ring_flags = RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ;
			else
				goto bad;
			o->sync = optarg;
			break;
		case 't':
			if (parse_seconds(optarg, &o->time) < 0)
				goto bad;
			break;
		case 'n':
			if (xpdk_parse_u64(optarg, &v) < 0 || v < 1 || v > 10000000)
				goto bad;
			o->samples = (unsigned int)v;
			break;
		case 'i':
			if (parse_seconds(optarg, &o->idle_time) < 0)
				goto bad;
			break;
		case 'j':
			o->out.fmt = FMT_JSON;
			break;
		case 'C':
			o->out.fmt = FMT_CSV;
			break;
		case 'p':
			o->out.plot = optarg;
			break;
		case 'h':
			poll_usage(stdout);
			return -1 - BENCH_OK;
		default:
			poll_usage(stderr);
			return -1 - BENCH_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xpdk-bench: poll: unexpected argument '%s'\n", argv[optind]);
		return -1 - BENCH_USAGE;
	}
	return 0;
bad:
	fprintf(stderr, "xpdk-bench: poll: bad value '%s' (see --help)\n", optarg);
	return -1 - BENCH_USAGE;
}

int bench_poll(int argc, char **argv)
{
	struct poll_opts o = { .burst = XPDK_POLL_BURST_DEFAULT,
			       .ring_size = 1024,
			       .ring_flags = RING_F_SP_ENQ | RING_F_SC_DEQ,
			       .samples = 2000,
			       .sync = "sp",
			       .time = 1,
			       .idle_time = 2 };
	struct bench b = { .o = &o };
	int rc = parse_opts(argc, argv, &o);
	static const unsigned int counts[] = { 1, 8, 64 };

	if (rc < 0)
		return -1 - rc;
	b.hz = bench_tsc_hz();
	b.prod = rte_get_main_lcore();
	b.cons = rte_get_next_lcore(b.prod, 1, 0);
	bench_progress_on = o.out.fmt == FMT_TABLE && isatty(2);
	if (b.cons >= RTE_MAX_LCORE)
		fprintf(stderr, "xpdk-bench: poll: one lcore: only the empty poll runs (give EAL "
				"-l 0,1 for the rest)\n");
	else if (bench_throughput(&b) != BENCH_OK)
		return BENCH_FAIL;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if (bench_empty(&b, counts[i]) != BENCH_OK)
			return BENCH_FAIL;
	if (b.cons < RTE_MAX_LCORE && bench_wake(&b) != BENCH_OK)
		return BENCH_FAIL;
	bench_progress_end();
	xpdk_poll_cleanup();
	print_rows(&b);
	return o.out.plot != NULL ? plot_rows(&b) : BENCH_OK;
}
