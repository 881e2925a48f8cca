/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-bench dpa-net: the DPA packet processor (examples/dpa_packet_processor on the emulated
 * DPA, whose port is a TAP interface) against DPDK's testpmd in macswap mode on its own TAP
 * (net_tap), in the same run, alternating rounds, same frame sizes. Both forwarders are child
 * processes; this process is the wire's other end: an AF_PACKET socket per interface keeps a
 * window of frames in flight (closed loop), checks every reply (MAC addresses swapped, bytes
 * unchanged) and times it. Run it inside a network namespace holding the DPA's TAP; testpmd
 * creates its interface there too.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "bench.h"

#ifndef XPDK_DPA_PP_BUILD
#define XPDK_DPA_PP_BUILD "dpa_packet_processor"
#endif

#define MAX_SIZES   8
#define MAX_FRAME   9014u
#define HDR	    14
#define MAGIC	    0x5850444bu	 /* "XPDK" */
#define LOSS_NS	    200000000ULL /* a frame not back in 200 ms is lost */
#define DPA_MAC	    "\x02\x00\x00\x00\x00\x01"
#define BENCH_ETYPE 0x88b5

struct fwd {
	const char *name, *ifname;
	pid_t pid;
	int stdin_fd; /* closing it stops the forwarder */
};

struct result {
	uint64_t sent, received, lost, wrong;
	double pps;
	struct hist h;
};

/* One frame's payload after the Ethernet header. */
struct stamp {
	uint32_t magic, seq;
	uint64_t tsc;
};

static pid_t spawn(char *const argv[], int *stdin_fd, const char *log)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		dup2(p[0], 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	*stdin_fd = p[1];
	return pid;
}

static void stop(struct fwd *f)
{
	if (f->pid <= 0)
		return;
	close(f->stdin_fd);
	for (int i = 0; i < 100 && waitpid(f->pid, NULL, WNOHANG) == 0; i++)
		usleep(50000);
	if (waitpid(f->pid, NULL, WNOHANG) == 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
	}
	f->pid = 0;
}

static int open_if(const char *ifname, uint8_t mac[6])
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	socklen_t len = sizeof(sll);
	int buf = 16 << 20;
	int fd;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0)
		return -1;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sll, &len) < 0 || sll.sll_halen != 6) {
		close(fd);
		return -1;
	}
	memcpy(mac, sll.sll_addr, 6);
	return fd;
}

static void send_one(int fd, uint8_t *frame, uint32_t size, uint32_t seq)
{
	struct stamp st = { .magic = MAGIC, .seq = seq, .tsc = rte_rdtsc() };

	memcpy(frame + HDR, &st, sizeof(st));
	(void)!send(fd, frame, size, MSG_DONTWAIT);
}

/* Closed loop on @p ifname: @p window frames of @p size in flight for @p seconds. */
static int measure(const char *ifname, uint32_t size, uint32_t window, double seconds,
		   struct result *r)
{
	static uint8_t frame[MAX_FRAME], rx[MAX_FRAME + 64];
	uint64_t hz = bench_tsc_hz(), t0, end, last_rx;
	uint8_t mac[6];
	uint32_t seq = 0, inflight = 0;
	int fd = open_if(ifname, mac);

	memset(r, 0, sizeof(*r));
	hist_reset(&r->h);
	if (fd < 0)
		return -1;
	memcpy(frame, DPA_MAC, 6);
	memcpy(frame + 6, mac, 6);
	frame[12] = BENCH_ETYPE >> 8;
	frame[13] = BENCH_ETYPE & 0xff;
	for (uint32_t i = HDR + sizeof(struct stamp); i < size; i++)
		frame[i] = (uint8_t)i;
	t0 = last_rx = rte_rdtsc();
	end = t0 + (uint64_t)(seconds * (double)hz);
	while (rte_rdtsc() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		while (inflight < window) {
			send_one(fd, frame, size, seq++);
			inflight++;
			r->sent++;
		}
		if (poll(&pfd, 1, 10) <= 0) {
			if ((rte_rdtsc() - last_rx) * 1000000000ULL / hz > LOSS_NS) {
				r->lost += inflight; /* the window never comes back: refill */
				inflight = 0;
				last_rx = rte_rdtsc();
			}
			continue;
		}
		while ((n = recvfrom(fd, rx, sizeof(rx), MSG_DONTWAIT, (struct sockaddr *)&from,
				     &fl)) > 0) {
			struct stamp st;

			fl = sizeof(from);
			if (from.sll_pkttype == PACKET_OUTGOING || n < (ssize_t)(HDR + sizeof(st)))
				continue;
			memcpy(&st, rx + HDR, sizeof(st));
			if (st.magic != MAGIC)
				continue; /* not ours */
			if ((uint32_t)n != size || memcmp(rx, mac, 6) != 0 ||
			    memcmp(rx + 6, DPA_MAC, 6) != 0 ||
			    memcmp(rx + 12, frame + 12, 2) != 0 ||
			    memcmp(rx + HDR + sizeof(st), frame + HDR + sizeof(st),
				   size - HDR - sizeof(st)) != 0) {
				r->wrong++;
				continue;
			}
			hist_add(&r->h, rte_rdtsc() - st.tsc);
			r->received++;
			last_rx = rte_rdtsc();
			if (inflight > 0)
				inflight--;
		}
	}
	r->pps = (double)r->received / cycles_to_s(rte_rdtsc() - t0);
	close(fd);
	return 0;
}

/* Wait until @p ifname exists and is up (a forwarder created or attached it). */
static int wait_if(const char *ifname, pid_t pid)
{
	for (int i = 0; i < 300; i++) {
		unsigned int idx = if_nametoindex(ifname);
		char path[64], buf[16] = "";
		FILE *f;

		if (waitpid(pid, NULL, WNOHANG) != 0)
			return -1;
		snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", ifname);
		f = idx ? fopen(path, "r") : NULL;
		if (f != NULL) {
			(void)!fgets(buf, sizeof(buf), f);
			fclose(f);
			if (strncmp(buf, "up", 2) == 0 || strncmp(buf, "unknown", 7) == 0)
				return 0;
		}
		usleep(100000);
	}
	return -1;
}

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: xpdk-bench [EAL] -- dpa-net -d DEV --dpa-if IF [options]\n"
		"Run inside a network namespace where xpdk-devsim --model dpa --model-args tap=IF\n"
		"runs. Options:\n"
		"  -d DEV              the emulated DPA (vfio-user:PATH)\n"
		"  --dpa-if IF         its TAP interface\n"
		"  --testpmd-if IF     the interface testpmd's net_tap creates (default xbtpmd0)\n"
		"  --testpmd PATH      dpdk-testpmd (default: from PATH)\n"
		"  --processor PATH    examples/dpa_packet_processor (default: this build's)\n"
		"  -s SIZES            frame sizes, e.g. 64,1500 (default), 60..9014\n"
		"  -w N                frames in flight (default 32)\n"
		"  -t SECONDS          per round (default 2)\n"
		"  -r N                rounds per size and forwarder, alternating (default 3)\n"
		"  --json              one JSON object\n");
}

static void report(const char *fwd, uint64_t size, const struct result *r, bool json, bool first)
{
	struct lat l;

	hist_summary(&r->h, bench_tsc_hz(), &l);
	if (json)
		printf("%s{\"forwarder\":\"%s\",\"size\":%llu,\"pps\":%.0f,\"sent\":%llu,"
		       "\"received\":%llu,\"lost\":%llu,\"wrong\":%llu,\"p50_ns\":%.0f,"
		       "\"p99_ns\":%.0f}",
		       first ? "" : ",", fwd, (unsigned long long)size, r->pps,
		       (unsigned long long)r->sent, (unsigned long long)r->received,
		       (unsigned long long)r->lost, (unsigned long long)r->wrong, l.p50, l.p99);
	else
		printf("%-10s %6llu %12.0f %10llu %6llu %6llu %10.1f %10.1f\n", fwd,
		       (unsigned long long)size, r->pps, (unsigned long long)r->received,
		       (unsigned long long)r->lost, (unsigned long long)r->wrong, l.p50 / 1000,
		       l.p99 / 1000);
}

int bench_dpa_net(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "dpa-if", required_argument, NULL, 'D' },
		{ "testpmd-if", required_argument, NULL, 'T' },
		{ "testpmd", required_argument, NULL, 'P' },
		{ "processor", required_argument, NULL, 'X' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dev = NULL, *dpa_if = NULL, *tp_if = "xbtpmd0", *testpmd = "dpdk-testpmd";
	const char *processor = XPDK_DPA_PP_BUILD;
	uint64_t sizes[MAX_SIZES] = { 64, 1500 };
	int nsizes = 2, rounds = 3, c, rc = BENCH_OK;
	uint32_t window = 32;
	double seconds = 2;
	bool json = false, first = true;
	struct fwd f[2] = { { .name = "dpa" }, { .name = "testpmd" } };
	char vdev[96], prefix[64], log0[64], log1[64];

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:s:w:t:r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'D':
			dpa_if = optarg;
			break;
		case 'T':
			tp_if = optarg;
			break;
		case 'P':
			testpmd = optarg;
			break;
		case 'X':
			processor = optarg;
			break;
		case 's':
			nsizes = parse_sizes(optarg, sizes, MAX_SIZES);
			for (int i = 0; i < nsizes; i++)
				if (sizes[i] < 60 || sizes[i] > MAX_FRAME)
					nsizes = -1;
			if (nsizes <= 0) {
				fprintf(stderr, "xpdk-bench dpa-net: -s takes sizes 60..%u\n",
					MAX_FRAME);
				return BENCH_USAGE;
			}
			break;
		case 'w':
			window = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 't':
			if (parse_seconds(optarg, &seconds) < 0)
				return BENCH_USAGE;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return BENCH_OK;
		default:
			usage(stderr);
			return BENCH_USAGE;
		}
	}
	if (dev == NULL || dpa_if == NULL || window == 0 || window > 200 || rounds < 1 ||
	    rounds > 100 || strlen(tp_if) >= IFNAMSIZ) {
		fprintf(stderr, "xpdk-bench dpa-net: needs -d DEV and --dpa-if IF; -w 1..200 (the "
				"processor's RQ holds 256), -r 1..100\n");
		return BENCH_USAGE;
	}
	f[0].ifname = dpa_if;
	f[1].ifname = tp_if;
	snprintf(vdev, sizeof(vdev), "net_tap0,iface=%s", tp_if);
	snprintf(prefix, sizeof(prefix), "--file-prefix=xpdk-bench-tpmd-%d", (int)getpid());
	snprintf(log0, sizeof(log0), "/tmp/xpdk-bench-dpa-net-%d-dpa.log", (int)getpid());
	snprintf(log1, sizeof(log1), "/tmp/xpdk-bench-dpa-net-%d-testpmd.log", (int)getpid());
	{
		char *pa[] = { (char *)processor, (char *)dev, NULL };
		char *ta[] = { (char *)testpmd,
			       "-l",
			       "0,1", /* testpmd: a main lcore and a forwarding one */
			       "--no-pci",
			       "--no-huge",
			       "-m",
			       "512",
			       prefix,
			       "--vdev",
			       vdev,
			       "--",
			       "--forward-mode=macswap",
			       "--auto-start",
			       "--total-num-mbufs=8192",
			       NULL };

		f[0].pid = spawn(pa, &f[0].stdin_fd, log0);
		f[1].pid = spawn(ta, &f[1].stdin_fd, log1);
	}
	for (int i = 0; i < 2; i++) {
		if (f[i].pid <= 0 || wait_if(f[i].ifname, f[i].pid) < 0) {
			fprintf(stderr,
				"xpdk-bench dpa-net: %s did not bring up interface %s (its output: "
				"%s)\n",
				f[i].name, f[i].ifname, i == 0 ? log0 : log1);
			rc = BENCH_FAIL;
		}
	}
	sleep(1); /* the processor's handler runs once its interface is up */
	if (rc == BENCH_OK && !json)
		printf("%-10s %6s %12s %10s %6s %6s %10s %10s\n", "forwarder", "size", "packets/s",
		       "replies", "lost", "wrong", "p50 us", "p99 us");
	if (json && rc == BENCH_OK)
		printf("{\"window\":%u,\"seconds\":%.3f,\"rounds\":[", window, seconds);
	for (int s = 0; s < nsizes && rc == BENCH_OK; s++) {
		double best[2] = { 0, 0 };

		for (int k = 0; k < rounds * 2 && rc == BENCH_OK; k++) {
			struct result r;
			int i = k % 2; /* alternate: dpa, testpmd, dpa, … */

			if (measure(f[i].ifname, (uint32_t)sizes[s], window, seconds, &r) < 0) {
				fprintf(stderr, "xpdk-bench dpa-net: cannot open %s: %s\n",
					f[i].ifname, strerror(errno));
				rc = BENCH_FAIL;
				break;
			}
			report(f[i].name, sizes[s], &r, json, first);
			first = false;
			if (r.pps > best[i])
				best[i] = r.pps;
			if (r.wrong != 0)
				rc = BENCH_FAIL;
		}
		if (!json && rc == BENCH_OK)
			printf("size %llu: dpa/testpmd = %.2f (best rounds)\n",
			       (unsigned long long)sizes[s], best[1] > 0 ? best[0] / best[1] : 0.0);
	}
	if (json && !first)
		printf("]}\n");
	stop(&f[0]);
	stop(&f[1]);
	if (rc == BENCH_OK) { /* on failure the forwarders' output stays for the user */
		unlink(log0);
		unlink(log1);
	}
	return rc;
}
