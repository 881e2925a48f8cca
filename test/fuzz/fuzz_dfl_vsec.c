/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * libFuzzer target: the DFL locator and the DFHv1 parameters. The first 4 KiB of the input are
 * a configuration space (its vendor forced to Intel, so that the VSEC is looked for), searched
 * for the DFL VSEC; the rest is a DFL region walked as one chain, asking each feature for its
 * MSI-X vectors. The reads trap on an access the parsers promised never to make, and the
 * locations found are checked against what the parser guarantees.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_dfl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CFG_SIZE 4096

struct fuzz_buf {
	const uint8_t *buf;
	uint64_t size;
};

static int fuzz_read32(void *ctx, uint64_t off, uint32_t *val)
{
	const struct fuzz_buf *f = ctx;

	if (off % 4 || off >= f->size || f->size - off < 4)
		__builtin_trap();
	memcpy(val, f->buf + off, 4);
	return 0;
}

static int fuzz_read64(void *ctx, uint64_t off, uint64_t *val)
{
	const struct fuzz_buf *f = ctx;

	if (off % 8 || off >= f->size || f->size - off < 8)
		__builtin_trap();
	memcpy(val, f->buf + off, 8);
	return 0;
}

static int msix_cb(const struct xpdk_dfl_feature *f, void *arg)
{
	const struct xpdk_dfl_region *r = arg;
	unsigned int start, count;

	(void)xpdk_dfl_msix(r, f, &start, &count);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *space = calloc(1, CFG_SIZE);
	size_t n = size < CFG_SIZE ? size : CFG_SIZE;
	struct fuzz_buf c = { space, CFG_SIZE };
	struct xpdk_dfl_cfg cfg = { .size = CFG_SIZE, .read32 = fuzz_read32, .ctx = &c };
	struct xpdk_dfl_loc locs[XPDK_DFL_MAX_LISTS];
	struct xpdk_dfl_error err;
	int rc;

	if (space == NULL)
		return 0;
	memcpy(space, data, n);
	space[0] = 0x86;
	space[1] = 0x80;
	rc = xpdk_dfl_vsec_find(&cfg, locs, XPDK_DFL_MAX_LISTS, &err);
	if (rc > XPDK_DFL_MAX_LISTS)
		__builtin_trap();
	for (int i = 0; i < rc; i++) {
		if (locs[i].bar > 5 || locs[i].offset % 8)
			__builtin_trap();
		for (int k = 0; k < i; k++)
			if (locs[k].bar == locs[i].bar && locs[k].offset == locs[i].offset)
				__builtin_trap();
	}
	if (rc < 0 && err.code == XPDK_DFL_E_NONE)
		__builtin_trap();
	free(space);

	if (size > CFG_SIZE) {
		size_t len = size - CFG_SIZE;
		uint8_t *copy = malloc(len);
		struct fuzz_buf d = { copy, len };
		struct xpdk_dfl_region r = { .size = len, .read64 = fuzz_read64, .ctx = &d };

		if (copy == NULL)
			return 0;
		memcpy(copy, data + CFG_SIZE, len);
		(void)xpdk_dfl_walk(&r, 0, msix_cb, &r, NULL);
		free(copy);
	}
	return 0;
}
