/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Fault injection in the server core, for simulators: a device description's fault hook decides
 * per command (and on a timer) to delay, stop answering, close the connection, answer an error,
 * corrupt the reply, or storm the client's interrupts; this file carries the decisions out. The
 * policy (which fault, when) is the hook's (lib/devsim/devsim_faults.c); nothing here runs
 * unless a hook is set.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "vfu_priv.h"

#define NS_PER_MS 1000000ull

/* Sleep @p ms, but wake for a stop request: -ECANCELED then. */
static int delay(int stop_fd, unsigned int ms)
{
	struct pollfd p = { .fd = stop_fd, .events = POLLIN };
	uint64_t end = xpdk_now_ns() + ms * NS_PER_MS;

	for (;;) {
		uint64_t now = xpdk_now_ns();

		if (now >= end)
			return 0;
		if (poll(&p, 1, (int)((end - now + NS_PER_MS - 1) / NS_PER_MS)) > 0)
			return -ECANCELED;
	}
}

static void storm(struct xpdk_vfu_server *s, const struct xpdk_vfu_device_desc *desc)
{
	for (unsigned int i = 0; i < desc->num_irqs; i++)
		for (unsigned int v = 0; v < desc->irq_count[i]; v++)
			(void)xpdk_vfu_server_irq_trigger(s, i, v); /* -ENOENT: not enabled */
}

/* Carry out @p f; see xpdk_vfu_fault_command() for the return value. */
static int apply(struct xpdk_vfu_server *s, const struct xpdk_vfu_device_desc *desc,
		 struct vfu_fault_state *fs, int sock, int stop_fd, const struct xpdk_vfu_fault *f,
		 struct vfu_msg *m)
{
	uint64_t now;

	fs->tick_ns = f->next_ms >= 0 ? xpdk_now_ns() + (uint64_t)f->next_ms * NS_PER_MS : 0;
	if (f->irq_storm_hz > 0 && fs->storm_period_ns == 0) {
		fs->storm_period_ns = 1000000000ull / f->irq_storm_hz;
		fs->storm_period_ns += fs->storm_period_ns == 0;
		fs->storm_next_ns = xpdk_now_ns();
	}
	if (f->delay_ms > 0 && delay(stop_fd, f->delay_ms) < 0)
		return -ECANCELED;
	now = xpdk_now_ns();
	if (fs->storm_period_ns && now >= fs->storm_next_ns) {
		storm(s, desc);
		fs->storm_next_ns = now + fs->storm_period_ns;
	}
	switch (f->action) {
	case XPDK_VFU_FAULT_STOP:
		fs->stopped = true;
		return 1;
	case XPDK_VFU_FAULT_CLOSE:
		return xpdk_err(ECONNABORTED, "fault injection: connection closed");
	case XPDK_VFU_FAULT_ERROR:
		if (m == NULL)
			return 0;
		return xpdk_vfu_reply(sock, m, f->err > 0 ? f->err : EIO, NULL, 0, NULL, 0, NULL,
				      0) < 0
			   ? -ENOTCONN
			   : 1;
	case XPDK_VFU_FAULT_CORRUPT:
		if (m != NULL)
			m->corrupt = f->corrupt;
		return 0;
	default:
		return 0;
	}
}

int xpdk_vfu_fault_wait_ms(const struct vfu_fault_state *fs)
{
	uint64_t now = xpdk_now_ns(), next = fs->tick_ns;

	if (fs->storm_period_ns && (next == 0 || fs->storm_next_ns < next))
		next = fs->storm_next_ns;
	if (next == 0)
		return -1;
	return now >= next ? 0 : (int)((next - now + NS_PER_MS - 1) / NS_PER_MS);
}

int xpdk_vfu_fault_tick(struct xpdk_vfu_server *s, const struct xpdk_vfu_device_desc *desc,
			struct vfu_fault_state *fs, int stop_fd)
{
	uint64_t now = xpdk_now_ns();
	int rc = 0;

	if (fs->storm_period_ns && now >= fs->storm_next_ns) {
		storm(s, desc);
		fs->storm_next_ns = now + fs->storm_period_ns;
	}
	if (fs->tick_ns != 0 && now >= fs->tick_ns) {
		struct xpdk_vfu_fault f = { .next_ms = -1 };

		fs->tick_ns = 0;
		desc->fault(desc->arg, NULL, fs->nreq, (now - fs->t0_ns) / NS_PER_MS, &f);
		rc = apply(s, desc, fs, -1, stop_fd, &f, NULL);
	}
	return rc < 0 ? rc : 0;
}

int xpdk_vfu_fault_command(struct xpdk_vfu_server *s, const struct xpdk_vfu_device_desc *desc,
			   struct vfu_fault_state *fs, int sock, int stop_fd, struct vfu_msg *m)
{
	struct xpdk_vfu_fault f = { .next_ms = -1 };

	if (fs->stopped)
		return 1; /* read and dropped: the client waits for a reply that never comes */
	fs->nreq++;
	desc->fault(desc->arg, &m->hdr, fs->nreq, (xpdk_now_ns() - fs->t0_ns) / NS_PER_MS, &f);
	return apply(s, desc, fs, sock, stop_fd, &f, m);
}
