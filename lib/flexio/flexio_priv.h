/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to lib/flexio: the objects behind FlexIO's opaque handles. */

#ifndef XPDK_FLEXIO_PRIV_H
#define XPDK_FLEXIO_PRIV_H

#include <pthread.h>
#include <stdbool.h>

#include "xpdk_flexio.h"

#define FLEXIO_CTX_MAGIC      0x58464c58u /* "XFLX" */
#define FLEXIO_RPC_TIMEOUT_MS 10000
#define FLEXIO_SPIN_NS	      50000 /* an RPC caller polls this long before it sleeps */

struct xpdk_flexio_func {
	struct xpdk_flexio_func *next;
	flexio_func_t *stub; /* the handle callers pass */
	char name[FLEXIO_MAX_NAME_LEN];
	char unpack[FLEXIO_MAX_NAME_LEN]; /* "" without marshalling */
	size_t argbuf_size;
	flexio_func_arg_pack_fn_t *pack;
	uint8_t handle_byte; /* the address flexio_func_register hands out */
};

struct flexio_app {
	struct flexio_app *next;
	char name[FLEXIO_MAX_NAME_LEN];
	void *elf;
	size_t elf_size;
	struct xpdk_flexio_func *funcs;
	int users; /* processes */
};

/* What xpdk_flexio_open returns as a struct ibv_context *. */
struct xpdk_flexio_ctx {
	uint32_t magic;
	struct xpdk_flexio_ctx *next; /* the open ones (flexio_process.c) */
	struct xpdk_dev *dev;
	const struct xpdk_flexio_backend *be;
	pthread_mutex_t lock; /* commands */
	int users;
};

/* A process's protection domain, handed out as struct ibv_pd *. */
struct xpdk_flexio_pd {
	struct ibv_pd ibv; /* first: callers see an ibv_pd */
	struct flexio_process *proc;
};

struct flexio_uar {
	struct flexio_process *proc;
	uint32_t id;
};

struct flexio_process {
	struct xpdk_flexio_ctx *ctx;
	struct ibv_context *ibv; /* what it was created on: ctx, or a verbs device's */
	struct ibv_pd *verbs_pd; /* on a verbs context: its PD (flexio_process_get_pd) */
	bool verbs_pd_own;	 /* ... allocated by flexio_process_create */
	struct flexio_app *app;
	uint32_t idx;
	struct xpdk_dpa_slot *slot;
	struct xpdk_flexio_pd pd;
	struct flexio_uar uar; /* the process's own */
	int objects;	       /* live objects that belong to it */
	int timeout_ms;
	pthread_mutex_t rpc_lock;
	uint32_t rpc_seq;
	/* device function ids resolved so far, by name */
	struct {
		const struct xpdk_flexio_func *f;
		uint32_t id, unpack; /* unpack: id + 1, or 0 */
	} ids[XPDK_DPA_MAX_FUNCS];
	unsigned int nids;
	unsigned int handlers;
	/* prints */
	FILE *print_out;
	bool print_on, print_async;
	pthread_t print_thread;
	bool print_thread_on;
	volatile bool print_stop;
	pthread_mutex_t print_lock;
	uint64_t print_lost_seen;
};

struct flexio_outbox {
	struct flexio_process *proc;
	uint32_t id;
	int users;
};

struct flexio_window {
	struct flexio_process *proc;
	uint32_t id;
	int users;
};

struct flexio_mkey {
	struct flexio_process *proc;
	uint32_t id;
};

struct flexio_event_handler {
	struct flexio_process *proc;
	uint32_t id;
	struct flexio_window *window;
	struct flexio_outbox *outbox;
	int cqs;
};

struct flexio_cq {
	struct flexio_process *proc;
	uint32_t cqn;
	struct flexio_event_handler *eh;
	uint16_t mod_count, mod_period, mod_mode; /* moderation (flexio_queues.c) */
};

/* An SQ or RQ (flexio_queues.c). */
struct xpdk_flexio_wq {
	struct flexio_process *proc;
	uint32_t wqn;
	bool port_rx; /* owns the port's receive side */
};

struct flexio_sq {
	struct xpdk_flexio_wq wq;
};

struct flexio_rq {
	struct xpdk_flexio_wq wq;
};

struct flexio_qp {
	struct xpdk_flexio_wq wq;
	enum flexio_qp_state state;
};

struct flexio_msix {
	struct flexio_process *proc;
	uint32_t id;
};

/* flexio_app.c */
const struct xpdk_flexio_func *xpdk_flexio_func_find(const struct flexio_app *app,
						     flexio_func_t *stub);
void xpdk_flexio_app_use(struct flexio_app *app, int delta);

/* flexio_process.c */
/* Run a command for @p p (slot filled in). @return 0 or a negative errno (sentence set). */
int xpdk_flexio_cmd(struct flexio_process *p, struct xpdk_dpa_cmd *cmd, const void *in, void *out);
/* A command's failure as a FlexIO status: a dead process is FATAL_ERR. */
flexio_status xpdk_flexio_status(int rc);
/* The device id of function @p f in @p p (resolving it once). */
int xpdk_flexio_func_id(struct flexio_process *p, const struct xpdk_flexio_func *f, uint32_t *id,
			uint32_t *unpack);

/* The context of xpdk_flexio_open() that @p ibv is, or NULL (no sentence: a verbs device's
 * context is not one). */
struct xpdk_flexio_ctx *xpdk_flexio_ctx_find(struct ibv_context *ibv);
/* Register host memory on the device of @p c as memory key @p key (XPDK_DPA_MKEY_NAMED | lkey,
 * or 0 for an id the device picks) of PD tag @p pd_tag (0: none). @return 0 with the id in
 * @p id, or a negative errno. */
int xpdk_flexio_mkey_reg(struct xpdk_flexio_ctx *c, uint64_t iova, uint64_t len, uint64_t haddr,
			 int access, uint64_t key, uint64_t pd_tag, uint32_t *id);
/* The device's tag of verbs PD @p pd: windows and keys of one PD share it. */
static inline uint64_t xpdk_flexio_pd_tag(const struct ibv_pd *pd)
{
	return (uint64_t)pd->handle + 1;
}
/* Undo xpdk_flexio_mkey_reg(). */
int xpdk_flexio_mkey_dereg(struct xpdk_flexio_ctx *c, uint32_t id);

/* flexio_verbs.c */
/* Bind verbs context @p ibv to the emulated DPA of $XPDK_DPA_DEVICE for one more process (the
 * first opens it and registers the context's MRs there). @return its context, or NULL. */
struct xpdk_flexio_ctx *xpdk_flexio_verbs_bind(struct ibv_context *ibv);
/* One process fewer on @p ibv: the last closes the emulated DPA. */
void xpdk_flexio_verbs_unbind(struct ibv_context *ibv);

/* flexio_queues.c */
/* A queue memory description as a command argument (xpdk_dpa_nic.h). @return 0 or -1. */
int xpdk_flexio_qmem_arg(const struct flexio_qmem *q, uint64_t *arg);

/* flexio_print.c */
void xpdk_flexio_print_stop(struct flexio_process *p);

#endif /* XPDK_FLEXIO_PRIV_H */
