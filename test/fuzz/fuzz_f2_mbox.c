/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * libFuzzer target: arbitrary bytes as AFI command messages through the f2 model's mailbox
 * interpreter (xpdk_f2m_mbox_exec), several per input so that state (busy loads, the AFI
 * cache) carries between them. Every reply must be a well-formed reply header whose length
 * fits the mailbox, and the shell's status must stay one the protocol defines.
 */

#include <stdlib.h>
#include <string.h>

#include "model_f2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct f2_shell sh;
	static struct f2_clkgen cg;
	static uint8_t reply[XPDK_F2_MB_MSG_MAX];
	uint64_t now = 0;

	xpdk_f2m_shell_init(&sh, size > 0 ? data[0] & 3 : 0, 1000);
	xpdk_f2m_clkgen_reset(&cg);
	while (size > 0) {
		size_t len =
		    data[0] % 4 == 0 && size > 2 ? (size_t)data[1] * 4 + data[2] % 4 : size;
		uint8_t *msg;
		struct xpdk_f2_afi_hdr h;
		size_t n;

		data += size > 2 ? 3 : size;
		size -= size > 2 ? 3 : size;
		if (len > size)
			len = size;
		msg = malloc(len ? len : 1); /* exactly len bytes: ASan sees reads past them */
		if (msg == NULL)
			return 0;
		memcpy(msg, data, len);
		n = xpdk_f2m_mbox_exec(&sh, &cg, msg, len, reply, now);
		free(msg);
		data += len;
		size -= len;
		now += 700;
		memcpy(&h, reply, sizeof(h));
		if (n < sizeof(h) || n > XPDK_F2_MB_MSG_MAX || !(h.len_flags & XPDK_F2_FLAG_RESP) ||
		    XPDK_FIELD_GET(XPDK_F2_LEN_MASK, h.len_flags) != n - sizeof(h) ||
		    (sh.status != XPDK_F2_STATUS_LOADED && sh.status != XPDK_F2_STATUS_CLEARED &&
		     sh.status != XPDK_F2_STATUS_BUSY && sh.status != XPDK_F2_STATUS_LOAD_FAILED))
			__builtin_trap();
	}
	return 0;
}
