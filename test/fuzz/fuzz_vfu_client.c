/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * libFuzzer target: arbitrary bytes as a vfio-user server's stream into the client core, after
 * a valid VERSION reply. The client issues every kind of call; whatever comes back (replies with
 * wrong ids or sizes, hostile capability chains, DMA_READ/WRITE commands, truncation) must be
 * refused cleanly.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vfu_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xpdk_vfu_client_opts o = { .timeout_ms = 5 };
	const struct xpdk_vfu_region *r;
	struct xpdk_vfu_device_info di;
	struct vfio_irq_info ii;
	struct xpdk_vfu_client *c;
	uint8_t mem[512], buf[64];
	uint8_t ver[4] = { 0, 0, 2, 0 };
	int sv[2], efd;

	/* the whole stream must fit the socket buffer: the "server" writes it up front */
	if (size > 100000 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	xpdk_vfu_send(sv[0], 1, XPDK_VFU_VERSION, XPDK_VFU_F_TYPE_REPLY, 0, ver, 4, NULL, 0, NULL,
		      0);
	if (size > 0 && send(sv[0], data, size, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);
	c = xpdk_vfu_client_attach(sv[1], &o);
	if (c != NULL) {
		efd = eventfd(0, EFD_CLOEXEC);
		(void)xpdk_vfu_client_dma_map_mem(c, 0x1000, sizeof(mem), mem, 3);
		(void)xpdk_vfu_client_device_info(c, &di);
		for (unsigned int i = 0; i < 9; i++)
			(void)xpdk_vfu_client_region(c, i, &r);
		(void)xpdk_vfu_client_region_read(c, 0, 0, buf, sizeof(buf));
		(void)xpdk_vfu_client_region_write(c, 0, 0, buf, sizeof(buf));
		(void)xpdk_vfu_client_irq_info(c, 1, &ii);
		(void)xpdk_vfu_client_set_irqs(c, 1, 0, 1, &efd);
		(void)xpdk_vfu_client_dma_unmap(c, 0x1000, sizeof(mem), false);
		(void)xpdk_vfu_client_reset(c);
		(void)xpdk_vfu_client_poll(c, 0);
		xpdk_vfu_client_close(c);
		close(efd);
	}
	close(sv[0]);
	return 0;
}
