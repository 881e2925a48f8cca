/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * libFuzzer target: arbitrary bytes as a vfio-user client's stream into the server core, after a
 * valid VERSION so that every command handler is reached. The server must neither crash, leak,
 * hang nor read out of bounds, whatever arrives.
 */

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vfu_priv.h"

static uint8_t bar0[4096], cfg[256];

static int access_cb(void *arg, unsigned int index, uint64_t off, void *buf, size_t count,
		     bool write)
{
	uint8_t *base = index == 0 ? bar0 : cfg;

	(void)arg;
	if (write)
		memcpy(base + off, buf, count);
	else
		memcpy(buf, base + off, count);
	return 0;
}

struct feed {
	int sock;
	const uint8_t *data;
	size_t len;
};

/* Write the stream, then read and discard the server's replies until it hangs up. */
static void *feeder(void *arg)
{
	struct feed *f = arg;
	uint8_t sink[65536];
	size_t off = 0;

	while (off < f->len) {
		ssize_t n = send(f->sock, f->data + off, f->len - off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0)
			off += (size_t)n;
		else if (recv(f->sock, sink, sizeof(sink), MSG_DONTWAIT) == 0)
			break;
	}
	shutdown(f->sock, SHUT_WR);
	while (recv(f->sock, sink, sizeof(sink), 0) > 0)
		;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char caps[] = "{\"capabilities\":{\"max_msg_fds\":8}}";
	struct xpdk_vfu_device_desc d;
	struct xpdk_vfu_server *s;
	struct feed f;
	pthread_t t;
	uint8_t *stream;
	int sv[2];
	struct xpdk_vfu_hdr h = { .msg_id = 1,
				  .cmd = XPDK_VFU_VERSION,
				  .msg_size = (uint32_t)(16 + 4 + sizeof(caps)) };
	uint8_t ver[4] = { 0, 0, 2, 0 };

	if (size > 65536)
		return 0;
	memset(&d, 0, sizeof(d));
	d.num_regions = 9;
	d.num_irqs = 5;
	for (unsigned int i = 0; i < XPDK_VFU_MAX_REGIONS; i++)
		d.regions[i].fd = -1;
	d.regions[0].size = sizeof(bar0);
	d.regions[0].flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	d.regions[7].size = sizeof(cfg);
	d.regions[7].flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	d.irq_count[0] = 1;
	d.irq_count[1] = 4;
	d.can_reset = true;
	d.region_access = access_cb;

	stream = malloc(sizeof(h) + 4 + sizeof(caps) + size);
	if (stream == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(stream);
		return 0;
	}
	memcpy(stream, &h, sizeof(h));
	memcpy(stream + sizeof(h), ver, 4);
	memcpy(stream + sizeof(h) + 4, caps, sizeof(caps));
	memcpy(stream + sizeof(h) + 4 + sizeof(caps), data, size);
	f = (struct feed){ sv[1], stream, sizeof(h) + 4 + sizeof(caps) + size };
	pthread_create(&t, NULL, feeder, &f);
	s = xpdk_vfu_server_create_fd(sv[0], &d);
	if (s != NULL) {
		xpdk_vfu_server_run(s); /* returns when the stream ends */
		xpdk_vfu_server_destroy(s);
	}
	pthread_join(t, NULL);
	close(sv[1]);
	free(stream);
	return 0;
}
