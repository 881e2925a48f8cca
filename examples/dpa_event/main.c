/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * dpa_event: the host posts work to a CQ; the DPA event handler it activates processes each
 * CQE and writes the result into host memory through a window, then signals the host with an
 * MSI-X. The host waits on the MSI-X eventfd and checks every result.
 *
 *   dpa_event DEVICE [COUNT]     e.g. dpa_event vfio-user:/run/xpdk/devsim/dpa0.sock 1000
 *
 * DEVICE is the emulated DPA (vfio-user:PATH), or a verbs device (e.g. rxe0) opened with
 * ibv_open_device() as on the card, whose processes run on the emulated DPA $XPDK_DPA_DEVICE
 * names: the two differ only in the lines that open and close the device (doc/dpa.md).
 */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpa_event.h"
#include "libflexio/flexio.h"
#include "xpdk_flexio.h"

extern struct flexio_app *dpa_event_app;
extern flexio_func_t dpa_event_handler;

struct objs {
	struct flexio_process *proc;
	struct flexio_window *win;
	struct flexio_outbox *ob;
	struct flexio_event_handler *eh;
	struct flexio_cq *cq, *msix_cq;
	struct flexio_msix *msix;
	struct ibv_mr *mr;
	struct xpdk_dma_buf *results;
	flexio_uintptr_t ring, ctx_daddr;
};

static int fail(const char *what)
{
	fprintf(stderr, "dpa_event: %s: %s\n", what, xpdk_strerror_last());
	return 1;
}

static int setup(struct ibv_context *ctx, struct objs *o, uint32_t count)
{
	struct flexio_event_handler_attr eattr = { .host_stub_func = dpa_event_handler };
	struct flexio_cq_attr cattr = { .log_cq_depth = DPA_EVENT_LOG_DEPTH };
	struct dpa_event_ctx c = { 0 };
	size_t ring_size = 64u << DPA_EVENT_LOG_DEPTH;

	if (flexio_process_create(ctx, dpa_event_app, NULL, &o->proc) != FLEXIO_STATUS_SUCCESS)
		return fail("process");
	o->results = xpdk_dma_alloc(count * sizeof(uint64_t), 4096, XPDK_DMA_F_ZERO);
	if (o->results == NULL)
		return fail("result buffer");
	/* libflexio/flexio.h makes this the memory key a window reaches (doc/dpa.md) */
	o->mr = ibv_reg_mr(flexio_process_get_pd(o->proc), o->results->va, count * sizeof(uint64_t),
			   IBV_ACCESS_LOCAL_WRITE);
	if (o->mr == NULL ||
	    flexio_window_create(o->proc, flexio_process_get_pd(o->proc), &o->win) ||
	    flexio_outbox_create(o->proc, NULL, flexio_process_get_uar(o->proc), &o->ob) ||
	    flexio_event_handler_create(o->proc, &eattr, o->win, o->ob, &o->eh) ||
	    flexio_buf_dev_alloc(o->proc, ring_size, &o->ring) ||
	    flexio_buf_dev_memset(o->proc, 0xff, ring_size, o->ring)) /* owner bits: not new */
		return fail("window, outbox, handler or ring");
	cattr.element_type = FLEXIO_CQ_ELEMENT_TYPE_DPA_THREAD;
	cattr.thread = flexio_event_handler_get_thread(o->eh);
	cattr.cq_ring_qmem.daddr = o->ring;
	if (flexio_cq_create(o->proc, NULL, &cattr, &o->cq))
		return fail("CQ");
	if (flexio_emulated_device_msix_create(o->proc, ctx, 1, 0, 0, NULL, &o->msix))
		return fail("MSI-X");
	cattr =
	    (struct flexio_cq_attr){ .log_cq_depth = 0,
				     .element_type = FLEXIO_CQ_ELEMENT_TYPE_DPA_MSIX_EMULATED_CQ,
				     .emulated_eqn = 0 };
	if (flexio_buf_dev_alloc(o->proc, 64, &cattr.cq_ring_qmem.daddr) ||
	    flexio_cq_create(o->proc, NULL, &cattr, &o->msix_cq))
		return fail("MSI-X CQ");
	c.cq_ring = o->ring;
	c.results = (uint64_t)(uintptr_t)o->mr->addr;
	c.results_len = count;
	c.cqn = flexio_cq_get_cq_num(o->cq);
	c.msix_cqn = flexio_cq_get_cq_num(o->msix_cq);
	c.window_id = flexio_window_get_id(o->win);
	c.mkey = o->mr->lkey;
	c.outbox_id = flexio_outbox_get_id(o->ob);
	if (flexio_copy_from_host(o->proc, &c, sizeof(c), &o->ctx_daddr) ||
	    flexio_event_handler_run(o->eh, o->ctx_daddr))
		return fail("context or run");
	return 0;
}

static int run(struct objs *o, uint32_t count)
{
	const uint64_t *res = o->results->va;
	int fd = xpdk_flexio_msix_fd(o->msix);
	uint32_t posted = 0, done = 0, irqs = 0;

	while (done < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t n;

		/* keep at most half a ring in flight: the CQ must not overrun */
		while (posted < count && posted - done < (1u << DPA_EVENT_LOG_DEPTH) / 2) {
			struct xpdk_flexio_cqe cqe = { .byte_cnt = posted + 1,
						       .user_index = posted };

			if (xpdk_flexio_cq_post(o->cq, &cqe))
				return fail("posting a CQE");
			posted++;
		}
		if (poll(&pfd, 1, 10000) != 1) {
			if (flexio_err_status(o->proc))
				flexio_err_display(o->proc);
			fprintf(stderr, "dpa_event: no MSI-X within 10 s (%u of %u done)\n", done,
				count);
			return 1;
		}
		(void)!read(fd, &n, sizeof(n));
		irqs++;
		while (done < count && res[done] == (uint64_t)(done + 1) * (done + 1))
			done++;
	}
	printf("dpa_event: %u CQEs processed by the DPA handler through a window, %u MSI-X "
	       "interrupts: all results correct\n",
	       count, irqs);
	return 0;
}

/* A verbs device by name, opened as on the card. */
static struct ibv_context *open_verbs(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *ctx = NULL;
	int i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (strcmp(ibv_get_device_name(list[i]), name) == 0)
			break;
	if (list != NULL && list[i] != NULL)
		ctx = ibv_open_device(list[i]);
	else
		fprintf(stderr, "dpa_event: no verbs device %s (and it is not vfio-user:PATH)\n",
			name);
	if (list != NULL)
		ibv_free_device_list(list);
	return ctx;
}

int main(int argc, char **argv)
{
	struct objs o = { 0 };
	struct ibv_context *ctx;
	bool verbs;
	uint32_t count = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 256;
	int rc;

	if (argc < 2 || argc > 3 || strcmp(argv[1], "--help") == 0 || count == 0 ||
	    count > 1000000) {
		printf("Usage: dpa_event DEVICE [COUNT (1..1000000, default 256)]\n");
		return argc < 2 ? 2 : 0;
	}
	/* the line that differs from the card's: the emulated DPA, or a verbs device */
	verbs = strncmp(argv[1], "vfio-user:", 10) != 0;
	ctx = verbs ? open_verbs(argv[1]) : xpdk_flexio_open(argv[1]);
	if (ctx == NULL)
		return verbs ? 1 : fail(argv[1]);
	rc = setup(ctx, &o, count);
	if (rc == 0)
		rc = run(&o, count);
	/* FlexIO's order: what references an object goes first */
	flexio_cq_destroy(o.msix_cq);
	flexio_cq_destroy(o.cq);
	flexio_emulated_device_msix_destroy(o.msix);
	flexio_event_handler_destroy(o.eh);
	flexio_outbox_destroy(o.ob);
	flexio_window_destroy(o.win);
	if (o.mr != NULL)
		ibv_dereg_mr(o.mr);
	if (o.proc != NULL && flexio_process_destroy(o.proc) != FLEXIO_STATUS_SUCCESS)
		rc = fail("process destroy");
	xpdk_dma_free(o.results);
	if (verbs)
		ibv_close_device(ctx);
	else
		xpdk_flexio_close(ctx);
	return rc;
}
