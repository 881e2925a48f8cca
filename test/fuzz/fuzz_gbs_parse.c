/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * libFuzzer target: arbitrary bytes as a GBS file image through xpdk_gbs_parse(). The input is
 * copied to a buffer of exactly its size so ASan sees any read past it; on success the
 * bitstream the parser points at must lie inside the image.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_fpga.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xpdk_gbs_info info;
	uint8_t *buf = malloc(size ? size : 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (xpdk_gbs_parse(buf, size, &info) == 0) {
		if (info.bitstream < buf || info.bitstream_len == 0 ||
		    info.bitstream + info.bitstream_len != buf + size || info.num_afus == 0 ||
		    info.num_afus > XPDK_GBS_MAX_AFUS)
			__builtin_trap();
	}
	free(buf);
	return 0;
}
