/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * dma_hello: the smallest XPDK program. It brings up the environment, allocates DMA buffers,
 * prints where they live (virtual address, IOVA, backing page size and file), copies one into
 * the other and checks the copy with the system_buffer helpers.
 *
 *   dma_hello [EAL args] -- [--size SIZE] [--count N] [--json]
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_env.h"

#define PATTERN 0x5eed0000c0ffee00ULL

static void usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--size SIZE] [--count N] [--json]\n"
	       "\n"
	       "Allocate N DMA buffers of SIZE bytes, print their virtual address, IOVA and\n"
	       "backing memory, copy the first into each other one and verify the copies.\n"
	       "\n"
	       "  -s, --size SIZE   bytes per buffer, e.g. 4096, 64K, 2M (default 1M)\n"
	       "  -n, --count N     number of buffers, at least 2 (default 2)\n"
	       "      --json        print one JSON object instead of a table\n"
	       "  -h, --help        this text\n"
	       "\n"
	       "EAL options come before '--' (see doc/getting-started.md); XPDK adds --no-pci,\n"
	       "--in-memory and --iova-mode=va unless you say otherwise.\n",
	       prog);
}

struct opts {
	uint64_t size;
	uint64_t count;
	int json;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->size = 1 << 20;
	o->count = 2;
	o->json = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (xpdk_parse_size(optarg, &o->size) < 0 || o->size == 0) {
				fprintf(stderr, "dma_hello: --size: %s\n",
					o->size == 0 ? "must be at least 1 byte"
						     : xpdk_strerror_last());
				return 2;
			}
			break;
		case 'n':
			if (xpdk_parse_u64(optarg, &o->count) < 0 || o->count < 2 ||
			    o->count > 1024) {
				fprintf(stderr, "dma_hello: --count must be between 2 and 1024\n");
				return 2;
			}
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(argv[0]);
			return 1;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dma_hello: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	return 0;
}

static void print_buf(const struct opts *o, size_t i, const struct xpdk_dma_buf *b)
{
	char backing[64] = "none (no file behind this memory mode)";
	int fd;
	off_t off;

	if (xpdk_dma_fd(b, &fd, &off) == 0)
		snprintf(backing, sizeof(backing), "fd %d offset 0x%llx", fd,
			 (unsigned long long)off);
	if (o->json)
		printf("%s{\"index\":%zu,\"va\":\"%p\",\"iova\":\"0x%llx\",\"size\":%zu,"
		       "\"page_size\":%llu,\"shareable\":%s}",
		       i ? "," : "", i, b->va, (unsigned long long)b->iova, b->size,
		       (unsigned long long)b->page_size,
		       strncmp(backing, "fd", 2) ? "false" : "true");
	else
		printf("  buf%-3zu va %-16p iova 0x%-12llx size %-10zu page %-8s %s\n", i, b->va,
		       (unsigned long long)b->iova, b->size,
		       b->page_size >= (1 << 20) ? (b->page_size >= (1 << 30) ? "1G" : "2M") : "4K",
		       backing);
}

int main(int argc, char **argv)
{
	struct xpdk_dma_buf **bufs;
	struct opts o;
	size_t bad = 0;
	int ret;

	ret = xpdk_env_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "dma_hello: %s\n", xpdk_strerror_last());
		return 1;
	}
	argc -= ret;
	argv += ret;
	ret = parse_opts(argc, argv, &o);
	if (ret != 0) {
		xpdk_env_cleanup();
		return ret == 1 ? 0 : ret;
	}

	bufs = calloc(o.count, sizeof(struct xpdk_dma_buf *));
	if (bufs == NULL) {
		xpdk_env_cleanup();
		return 1;
	}
	if (o.json)
		printf("{\"hugepages\":%s,\"buffers\":[", xpdk_env_hugepages() ? "true" : "false");
	else
		printf("XPDK environment up (%s); %llu DMA buffers of %llu bytes:\n",
		       xpdk_env_hugepages() ? "hugepages" : "no hugepages",
		       (unsigned long long)o.count, (unsigned long long)o.size);
	for (size_t i = 0; i < o.count; i++) {
		bufs[i] = xpdk_dma_alloc(o.size, 0, XPDK_DMA_F_ZERO);
		if (bufs[i] == NULL) {
			fprintf(stderr, "dma_hello: buffer %zu: %s\n", i, xpdk_strerror_last());
			ret = 1;
			goto out;
		}
		print_buf(&o, i, bufs[i]);
	}

	/* a pattern that differs in every word, so a misplaced copy is caught */
	for (size_t w = 0; w < xpdk_dma_len64(bufs[0]); w++)
		xpdk_dma_set64(bufs[0], w, PATTERN ^ w);
	for (size_t i = 1; i < o.count; i++) {
		memcpy(bufs[i]->va, bufs[0]->va, o.size);
		if (xpdk_dma_compare(bufs[0], bufs[i]) != (ssize_t)o.size)
			bad++;
	}
	if (o.json)
		printf("],\"memcpy_check\":\"%s\",\"mismatches\":%zu}\n", bad ? "FAIL" : "OK", bad);
	else
		printf("memcpy check: %s (%llu copies of %llu bytes, %zu mismatched)\n",
		       bad ? "FAIL" : "OK", (unsigned long long)o.count - 1,
		       (unsigned long long)o.size, bad);
	ret = bad ? 1 : 0;
out:
	for (size_t i = 0; i < o.count; i++)
		xpdk_dma_free(bufs[i]);
	free(bufs);
	xpdk_env_cleanup();
	return ret;
}
