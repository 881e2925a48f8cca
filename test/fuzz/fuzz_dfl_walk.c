/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * libFuzzer target: arbitrary bytes as a DFL region (BAR 0), walked as one chain and enumerated
 * as a device. The region is copied to a buffer of exactly its size so that ASan sees any read
 * past it; the read callback also traps on a read the walker promised never to make
 * (unaligned, or not wholly inside the region).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_dfl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_region {
	const uint8_t *buf;
	uint64_t size;
};

static int fuzz_read64(void *ctx, uint64_t off, uint64_t *val)
{
	const struct fuzz_region *f = ctx;

	if (off % 8 || off >= f->size || f->size - off < 8)
		__builtin_trap();
	memcpy(val, f->buf + off, 8);
	return 0;
}

static int fuzz_cb(const struct xpdk_dfl_feature *f, void *arg)
{
	char s[XPDK_GUID_STR_LEN + 1];
	unsigned int i;

	(void)arg;
	if (f->num_params > XPDK_DFL_MAX_PARAMS || f->depth > XPDK_DFL_MAX_DEPTH)
		__builtin_trap();
	for (i = 0; i < f->num_params; i++)
		if (f->params[i].offset + f->params[i].size > f->offset + f->size)
			__builtin_trap();
	if (f->has_guid && xpdk_guid_format(&f->guid, s, sizeof(s)) != XPDK_GUID_STR_LEN)
		__builtin_trap();
	return xpdk_dfl_feature_name(f->type, f->id) == NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_region f = { .buf = NULL, .size = size };
	struct xpdk_dfl_region r = { .size = size, .read64 = fuzz_read64, .ctx = &f };
	struct xpdk_dfl_feature feat;
	struct xpdk_dfl_error err;
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	f.buf = copy;
	(void)xpdk_dfl_walk(&r, 0, fuzz_cb, NULL, &err);
	(void)xpdk_dfl_enumerate(&r, fuzz_cb, NULL, &err);
	(void)xpdk_dfl_find(&r, 0, XPDK_DFH_TYPE_AFU, XPDK_DFH_ID_AFU, &feat);
	free(copy);
	return 0;
}
