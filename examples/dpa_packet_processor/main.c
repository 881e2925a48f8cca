/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * dpa_packet_processor: FlexIO's packet processor sample on XPDK's emulated DPA. The host
 * creates every resource through the FlexIO API (process, outbox, event handler, CQs, RQ, SQ,
 * device memory keys, rings and doorbell records in DPA heap, the handler's context), runs the
 * handler, and waits: frames arriving on the NIC's port (the model's tap=NAME) come back with
 * their MAC addresses swapped. When its standard input closes (or after SECONDS), it prints
 * the handler's, the queues' and the port's counters and tears everything down.
 *
 *   dpa_packet_processor DEVICE [SECONDS] [-m COUNT,PERIOD_US]
 *
 * -m moderates the receive CQ (flexio_cq_modify_moderation): the handler wakes after COUNT
 * frames or PERIOD_US after the first, whichever comes first.
 */

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpa_pp.h"
#include "libflexio/flexio.h"
#include "xpdk_dpa_nic.h"
#include "xpdk_flexio.h"

extern struct flexio_app *dpa_pp_app;
extern flexio_func_t dpa_pp_handler;

#define DEPTH (1u << DPA_PP_LOG_DEPTH)
#define SLOT  (1u << DPA_PP_LOG_SLOT)

struct objs {
	struct flexio_process *proc;
	struct flexio_outbox *ob;
	struct flexio_event_handler *eh;
	struct flexio_cq *rq_cq, *sq_cq;
	struct flexio_rq *rq;
	struct flexio_sq *sq;
	struct flexio_mkey *rq_mkey, *sq_mkey;
	flexio_uintptr_t ctx_daddr;
	flexio_uintptr_t mem[16]; /* heap allocations, freed at the end */
	int nmem;
};

static int fail(const char *what)
{
	fprintf(stderr, "dpa_packet_processor: %s: %s\n", what, xpdk_strerror_last());
	return 1;
}

/* Allocate @p len bytes of DPA heap set to @p fill. */
static int heap(struct objs *o, size_t len, int fill, flexio_uintptr_t *daddr)
{
	if (o->nmem == (int)(sizeof(o->mem) / sizeof(o->mem[0])) ||
	    flexio_buf_dev_alloc(o->proc, len, daddr) != FLEXIO_STATUS_SUCCESS ||
	    flexio_buf_dev_memset(o->proc, fill, len, *daddr) != FLEXIO_STATUS_SUCCESS)
		return -1;
	o->mem[o->nmem++] = *daddr;
	return 0;
}

/* A CQ with its ring (owner bits set: nothing new) and doorbell record. */
static int make_cq(struct objs *o, uint8_t type, struct flexio_cq **cq, uint64_t *ring,
		   uint64_t *dbr)
{
	struct flexio_cq_attr a = { .log_cq_depth = DPA_PP_LOG_DEPTH, .element_type = type };

	if (heap(o, (size_t)64 * DEPTH, 0xff, ring) < 0 || heap(o, 8, 0, dbr) < 0)
		return -1;
	if (type == FLEXIO_CQ_ELEMENT_TYPE_DPA_THREAD)
		a.thread = flexio_event_handler_get_thread(o->eh);
	a.uar_id = flexio_uar_get_id(flexio_process_get_uar(o->proc));
	a.cq_ring_qmem.daddr = *ring;
	a.cq_dbr_daddr = *dbr;
	return flexio_cq_create(o->proc, NULL, &a, cq) == FLEXIO_STATUS_SUCCESS ? 0 : -1;
}

/* The RQ: every WQE points at its own slot of the receive buffer; all posted. */
static int make_rq(struct objs *o, struct dpa_pp_ctx *c)
{
	struct flexio_wq_attr a = { .log_wq_depth = DPA_PP_LOG_DEPTH };
	struct flexio_mkey_attr ka = { .pd = flexio_process_get_pd(o->proc),
				       .access = IBV_ACCESS_LOCAL_WRITE };
	struct xpdk_dpa_wqe_data wqes[DEPTH];
	uint32_t dbr[2] = { __builtin_bswap32(DEPTH), 0 };

	if (heap(o, (size_t)SLOT * DEPTH, 0, &c->rq_data) < 0 ||
	    heap(o, sizeof(wqes), 0, &a.wq_ring_qmem.daddr) < 0 ||
	    heap(o, sizeof(dbr), 0, &c->rq_dbr) < 0)
		return -1;
	ka.daddr = c->rq_data;
	ka.len = (size_t)SLOT * DEPTH;
	if (flexio_device_mkey_create(o->proc, &ka, &o->rq_mkey) != FLEXIO_STATUS_SUCCESS)
		return -1;
	c->rq_lkey = flexio_mkey_get_id(o->rq_mkey);
	for (uint32_t i = 0; i < DEPTH; i++)
		wqes[i] = (struct xpdk_dpa_wqe_data){
			.byte_count = __builtin_bswap32(SLOT),
			.lkey = __builtin_bswap32(c->rq_lkey),
			.addr = __builtin_bswap64(c->rq_data + (uint64_t)i * SLOT),
		};
	a.wq_dbr_qmem.daddr = c->rq_dbr;
	if (flexio_host2dev_memcpy(o->proc, wqes, sizeof(wqes), a.wq_ring_qmem.daddr) ||
	    flexio_rq_create(o->proc, NULL, flexio_cq_get_cq_num(o->rq_cq), &a, &o->rq))
		return -1;
	/* the WQEs are in place: post them all */
	return flexio_host2dev_memcpy(o->proc, dbr, sizeof(dbr), c->rq_dbr) ? -1 : 0;
}

static int make_sq(struct objs *o, struct dpa_pp_ctx *c)
{
	struct flexio_wq_attr a = { .log_wq_depth = DPA_PP_LOG_DEPTH };
	struct flexio_mkey_attr ka = { .pd = flexio_process_get_pd(o->proc),
				       .access = IBV_ACCESS_LOCAL_WRITE };

	if (heap(o, (size_t)SLOT * DEPTH, 0, &c->sq_data) < 0 ||
	    heap(o, (size_t)64 * DEPTH, 0, &c->sq_ring) < 0 ||
	    heap(o, 8, 0, &a.wq_dbr_qmem.daddr) < 0)
		return -1;
	ka.daddr = c->sq_data;
	ka.len = (size_t)SLOT * DEPTH;
	if (flexio_device_mkey_create(o->proc, &ka, &o->sq_mkey) != FLEXIO_STATUS_SUCCESS)
		return -1;
	c->sq_lkey = flexio_mkey_get_id(o->sq_mkey);
	a.wq_ring_qmem.daddr = c->sq_ring;
	if (flexio_sq_create(o->proc, NULL, flexio_cq_get_cq_num(o->sq_cq), &a, &o->sq))
		return -1;
	c->sqn = flexio_sq_get_wq_num(o->sq);
	return 0;
}

static int setup(struct ibv_context *ctx, struct objs *o)
{
	struct flexio_event_handler_attr eattr = { .host_stub_func = dpa_pp_handler };
	struct dpa_pp_ctx c = { 0 };

	if (flexio_process_create(ctx, dpa_pp_app, NULL, &o->proc) != FLEXIO_STATUS_SUCCESS)
		return fail("process");
	if (flexio_outbox_create(o->proc, NULL, flexio_process_get_uar(o->proc), &o->ob) ||
	    flexio_event_handler_create(o->proc, &eattr, NULL, o->ob, &o->eh))
		return fail("outbox or event handler");
	if (make_cq(o, FLEXIO_CQ_ELEMENT_TYPE_DPA_THREAD, &o->rq_cq, &c.rq_cq_ring, &c.rq_cq_dbr) ||
	    make_cq(o, FLEXIO_CQ_ELEMENT_TYPE_NON_DPA_CQ, &o->sq_cq, &c.sq_cq_ring, &c.sq_cq_dbr))
		return fail("CQs");
	if (make_rq(o, &c) < 0)
		return fail("RQ");
	if (make_sq(o, &c) < 0)
		return fail("SQ");
	c.rq_cqn = flexio_cq_get_cq_num(o->rq_cq);
	c.sq_cqn = flexio_cq_get_cq_num(o->sq_cq);
	c.outbox_id = flexio_outbox_get_id(o->ob);
	if (flexio_copy_from_host(o->proc, &c, sizeof(c), &o->ctx_daddr) ||
	    flexio_event_handler_run(o->eh, o->ctx_daddr))
		return fail("context or run");
	return 0;
}

static int report(struct objs *o)
{
	struct xpdk_flexio_wq_stats rq, sq;
	struct xpdk_flexio_port_stats port;
	struct dpa_pp_ctx c;

	if (xpdk_flexio_dev2host_memcpy(o->proc, &c, sizeof(c), o->ctx_daddr) ||
	    xpdk_flexio_rq_stats(o->rq, &rq) || xpdk_flexio_sq_stats(o->sq, &sq) ||
	    xpdk_flexio_port_stats(o->proc, &port))
		return fail("counters");
	printf("handler: rx %llu tx %llu rx_err_cqes %llu tx_err_cqes %llu last_syndrome 0x%02x "
	       "activations %llu\n",
	       (unsigned long long)c.rx, (unsigned long long)c.tx,
	       (unsigned long long)c.rx_err_cqes, (unsigned long long)c.tx_err_cqes,
	       c.last_syndrome, (unsigned long long)c.activations);
	printf("rq 0x%x: packets %llu bytes %llu dropped %llu errors %llu\n",
	       flexio_rq_get_wq_num(o->rq), (unsigned long long)rq.packets,
	       (unsigned long long)rq.bytes, (unsigned long long)rq.dropped,
	       (unsigned long long)rq.errors);
	printf("sq 0x%x: packets %llu bytes %llu dropped %llu errors %llu\n",
	       flexio_sq_get_wq_num(o->sq), (unsigned long long)sq.packets,
	       (unsigned long long)sq.bytes, (unsigned long long)sq.dropped,
	       (unsigned long long)sq.errors);
	printf("port: rx_packets %llu rx_bytes %llu tx_packets %llu tx_bytes %llu\n",
	       (unsigned long long)port.rx_packets, (unsigned long long)port.rx_bytes,
	       (unsigned long long)port.tx_packets, (unsigned long long)port.tx_bytes);
	if (flexio_err_status(o->proc)) {
		flexio_err_display(o->proc);
		return 1;
	}
	return 0;
}

/* Wait until stdin closes or @p seconds pass (0: no limit), or the process fails. */
static void wait_done(struct objs *o, unsigned long seconds)
{
	struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN },
				 { .fd = flexio_err_handler_fd(o->proc), .events = POLLIN } };
	unsigned long waited = 0;
	char buf[256];

	for (;;) {
		int n = poll(pfd, 2, 1000);

		if (n > 0 && (pfd[1].revents & POLLIN))
			return;
		if (n > 0 && pfd[0].revents && read(0, buf, sizeof(buf)) <= 0)
			return;
		if (n == 0 && seconds != 0 && ++waited >= seconds)
			return;
	}
}

int main(int argc, char **argv)
{
	struct objs o = { 0 };
	struct ibv_context *ctx;
	unsigned long seconds = 0, mod_count = 0, mod_period = 0;
	bool moderate = false;
	int rc;

	for (int i = 2; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
			mod_count = strtoul(argv[++i], &end, 0);
			if (*end != ',' || mod_count > 0xffff)
				return fprintf(stderr,
					       "dpa_packet_processor: -m COUNT,PERIOD_US\n"),
				       2;
			mod_period = strtoul(end + 1, &end, 0);
			if (*end != '\0' || mod_period > 0xffff)
				return fprintf(stderr,
					       "dpa_packet_processor: -m COUNT,PERIOD_US\n"),
				       2;
			moderate = true;
		} else {
			seconds = strtoul(argv[i], &end, 0);
			if (*end != '\0')
				return fprintf(stderr, "dpa_packet_processor: bad SECONDS\n"), 2;
		}
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		printf("Usage: dpa_packet_processor DEVICE [SECONDS] [-m COUNT,PERIOD_US]\n"
		       "Echoes the frames of the DPA's NIC port with MAC addresses swapped until\n"
		       "standard input closes (or SECONDS pass), then prints the counters.\n"
		       "-m: wake the handler after COUNT frames or PERIOD_US after the first.\n");
		return argc < 2 ? 2 : 0;
	}
	ctx = xpdk_flexio_open(argv[1]);
	if (ctx == NULL)
		return fail(argv[1]);
	rc = setup(ctx, &o);
	if (rc == 0 && moderate &&
	    flexio_cq_modify_moderation(o.rq_cq, (uint16_t)mod_count, (uint16_t)mod_period,
					FLEXIO_CQ_PERIOD_MODE_CQE) != FLEXIO_STATUS_SUCCESS)
		rc = fail("moderation");
	if (rc == 0) {
		printf("dpa_packet_processor: ready: rq 0x%x sq 0x%x\n", flexio_rq_get_wq_num(o.rq),
		       flexio_sq_get_wq_num(o.sq));
		fflush(stdout);
		wait_done(&o, seconds);
		rc = report(&o);
	}
	/* FlexIO's order: what references an object goes first */
	flexio_rq_destroy(o.rq);
	flexio_sq_destroy(o.sq);
	flexio_cq_destroy(o.rq_cq);
	flexio_cq_destroy(o.sq_cq);
	flexio_device_mkey_destroy(o.rq_mkey);
	flexio_device_mkey_destroy(o.sq_mkey);
	flexio_event_handler_destroy(o.eh);
	flexio_outbox_destroy(o.ob);
	for (int i = 0; i < o.nmem && o.proc != NULL; i++)
		flexio_buf_dev_free(o.proc, o.mem[i]);
	if (o.ctx_daddr != 0)
		flexio_buf_dev_free(o.proc, o.ctx_daddr);
	if (o.proc != NULL && flexio_process_destroy(o.proc) != FLEXIO_STATUS_SUCCESS)
		rc = fail("process destroy");
	xpdk_flexio_close(ctx);
	return rc;
}
