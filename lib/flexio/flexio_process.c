/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * FlexIO devices (the emulated DPA opened as an ibv_context), processes, the DPA heap, RPCs
 * and the error calls. Commands go through the device's backend (drivers/dpa); an RPC goes
 * through the process's slot: the request is written there, the EUs' doorbell rung, and the
 * caller polls briefly, then sleeps on the slot until the answer or the timeout.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flexio_priv.h"

#define MAX_BACKENDS 4
static const struct xpdk_flexio_backend *backends[MAX_BACKENDS];
static unsigned int nbackends;

void xpdk_flexio_backend_register(const struct xpdk_flexio_backend *be)
{
	if (nbackends < MAX_BACKENDS)
		backends[nbackends++] = be;
}

flexio_status xpdk_flexio_status(int rc)
{
	if (rc == 0)
		return FLEXIO_STATUS_SUCCESS;
	if (rc == -ESRCH)
		return FLEXIO_STATUS_FATAL_ERR;
	if (rc == -ETIMEDOUT)
		return FLEXIO_STATUS_TIMEOUT;
	return FLEXIO_STATUS_FAILED;
}

/* The open contexts: a verbs device's ibv_context is told apart by not being one of them (its
 * first bytes are libibverbs', and may be anything). */
static pthread_mutex_t ctx_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xpdk_flexio_ctx *ctx_list;

struct xpdk_flexio_ctx *xpdk_flexio_ctx_find(struct ibv_context *ibv)
{
	struct xpdk_flexio_ctx *c;

	pthread_mutex_lock(&ctx_list_lock);
	for (c = ctx_list; c != NULL && (void *)c != (void *)ibv; c = c->next)
		;
	pthread_mutex_unlock(&ctx_list_lock);
	return c;
}

static struct xpdk_flexio_ctx *ctx_of(struct ibv_context *ibv)
{
	struct xpdk_flexio_ctx *c = xpdk_flexio_ctx_find(ibv);

	if (c == NULL)
		xpdk_err(ENODEV, "this ibv_context is not an XPDK DPA from xpdk_flexio_open()");
	return c;
}

struct ibv_context *xpdk_flexio_open(const char *name)
{
	char *eal[] = { "xpdk-flexio", "-l", "0", NULL };
	struct xpdk_flexio_ctx *c;
	const struct xpdk_driver *drv;

	if (name == NULL)
		name = getenv("XPDK_DPA_DEVICE");
	if (name == NULL || name[0] == '\0') {
		xpdk_err(EINVAL,
			 "no DPA named: give xpdk_flexio_open() a device (vfio-user:PATH) or "
			 "set XPDK_DPA_DEVICE");
		return NULL;
	}
	if (!xpdk_env_ready() && xpdk_env_init(3, eal) < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	c->dev = xpdk_dev_open(name);
	if (c->dev == NULL || xpdk_dev_probe(c->dev) < 0)
		goto fail;
	drv = xpdk_dev_driver(c->dev);
	for (unsigned int i = 0; i < nbackends && c->be == NULL; i++)
		if (backends[i]->driver == drv)
			c->be = backends[i];
	if (c->be == NULL) {
		const struct xpdk_dev_info *info = xpdk_dev_info(c->dev);

		xpdk_err(ENODEV,
			 "%s (%04x:%04x, driver %s) is not a DPA: no FlexIO backend drives it "
			 "(XPDK's emulated DPA is %04x:%04x)",
			 name, info->vendor, info->device, drv->name, XPDK_DPA_VENDOR_ID,
			 XPDK_DPA_DEVICE_ID);
		goto fail;
	}
	c->magic = FLEXIO_CTX_MAGIC;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_lock(&ctx_list_lock);
	c->next = ctx_list;
	ctx_list = c;
	pthread_mutex_unlock(&ctx_list_lock);
	return (struct ibv_context *)(void *)c;
fail:
	xpdk_dev_close(c->dev);
	free(c);
	return NULL;
}

int xpdk_flexio_close(struct ibv_context *ibv)
{
	struct xpdk_flexio_ctx *c = ctx_of(ibv);

	if (c == NULL)
		return -ENODEV;
	if (c->users > 0)
		return xpdk_err(EBUSY, "the DPA still has %d process(es): destroy them first",
				c->users);
	pthread_mutex_lock(&ctx_list_lock);
	for (struct xpdk_flexio_ctx **pp = &ctx_list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&ctx_list_lock);
	c->magic = 0;
	xpdk_dev_close(c->dev);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return 0;
}

int xpdk_flexio_cmd(struct flexio_process *p, struct xpdk_dpa_cmd *cmd, const void *in, void *out)
{
	int rc;

	cmd->slot = p->idx;
	pthread_mutex_lock(&p->ctx->lock);
	rc = p->ctx->be->cmd(p->ctx->dev, cmd, in, out);
	pthread_mutex_unlock(&p->ctx->lock);
	return rc;
}

int xpdk_flexio_mkey_reg(struct xpdk_flexio_ctx *c, uint64_t iova, uint64_t len, uint64_t haddr,
			 int access, uint64_t key, uint64_t pd_tag, uint32_t *id)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_MKEY_REG,
				    .arg = { iova, len, haddr, XPDK_DPA_ACCESS_READ, key,
					     pd_tag } };
	int rc;

	if (access & (IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE))
		cmd.arg[3] |= XPDK_DPA_ACCESS_WRITE;
	pthread_mutex_lock(&c->lock);
	rc = c->be->cmd(c->dev, &cmd, NULL, NULL); /* device-wide: no slot */
	pthread_mutex_unlock(&c->lock);
	*id = (uint32_t)cmd.out[0];
	return rc;
}

int xpdk_flexio_mkey_dereg(struct xpdk_flexio_ctx *c, uint32_t id)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_MKEY_DEREG, .id = id };
	int rc;

	pthread_mutex_lock(&c->lock);
	rc = c->be->cmd(c->dev, &cmd, NULL, NULL);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* ---- processes --------------------------------------------------------------------------- */

flexio_status flexio_process_create(struct ibv_context *ibv_ctx, flexio_app *app,
				    const struct flexio_process_attr *process_attr,
				    flexio_process **process_ptr)
{
	struct xpdk_flexio_ctx *c;
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_PROC_CREATE };
	struct flexio_process *p;
	bool verbs;
	int rc;

	/* en_pcc has no effect; a PD given is used on a verbs device (an emulated DPA's process
	 * has its own PD only) */
	if (process_ptr != NULL)
		*process_ptr = NULL;
	if (ibv_ctx == NULL || app == NULL || process_ptr == NULL)
		return FLEXIO_STATUS_FAILED;
	if (app->elf_size > XPDK_DPA_STAGE_SIZE) {
		xpdk_err(EFBIG, "app '%s': a %zu-byte ELF is over the emulated DPA's %u bytes",
			 app->name, app->elf_size, XPDK_DPA_STAGE_SIZE);
		return FLEXIO_STATUS_FAILED;
	}
	if (process_attr != NULL && process_attr->pd != NULL &&
	    process_attr->pd->context != ibv_ctx) {
		xpdk_err(EINVAL, "flexio_process_create: the PD of the attributes is another "
				 "context's");
		return FLEXIO_STATUS_FAILED;
	}
	/* XPDK's context, or a verbs device's bound to the emulated DPA of $XPDK_DPA_DEVICE */
	c = xpdk_flexio_ctx_find(ibv_ctx);
	verbs = c == NULL;
	if (verbs && (c = xpdk_flexio_verbs_bind(ibv_ctx)) == NULL)
		return FLEXIO_STATUS_FAILED;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		goto fail;
	}
	if (verbs && process_attr != NULL && process_attr->pd != NULL) {
		p->verbs_pd = process_attr->pd;
	} else if (verbs) {
		p->verbs_pd = ibv_alloc_pd(ibv_ctx);
		p->verbs_pd_own = true;
		if (p->verbs_pd == NULL) {
			xpdk_err(errno ? errno : ENOMEM, "flexio_process_create: ibv_alloc_pd: %s",
				 strerror(errno ? errno : ENOMEM));
			goto fail;
		}
	}
	snprintf(cmd.name, sizeof(cmd.name), "%s", app->name);
	cmd.data_len = app->elf_size;
	pthread_mutex_lock(&c->lock);
	rc = c->be->cmd(c->dev, &cmd, app->elf, NULL);
	pthread_mutex_unlock(&c->lock);
	if (rc < 0)
		goto fail;
	p->ctx = c;
	p->ibv = ibv_ctx;
	p->app = app;
	p->idx = (uint32_t)cmd.out[0];
	p->slot = c->be->slot(c->dev, p->idx);
	p->pd.proc = p;
	p->pd.ibv.context = ibv_ctx;
	p->pd.ibv.handle = p->idx;
	p->uar.proc = p;
	p->uar.id = p->idx;
	p->timeout_ms = FLEXIO_RPC_TIMEOUT_MS;
	pthread_mutex_init(&p->rpc_lock, NULL);
	pthread_mutex_init(&p->print_lock, NULL);
	if (p->slot == NULL) {
		struct xpdk_dpa_cmd d = { .opcode = XPDK_DPA_OP_PROC_DESTROY };

		xpdk_flexio_cmd(p, &d, NULL, NULL);
		xpdk_err(EPROTO, "the DPA gave an invalid process slot");
		goto fail;
	}
	c->users++;
	xpdk_flexio_app_use(app, 1);
	*process_ptr = p;
	return FLEXIO_STATUS_SUCCESS;
fail:
	if (p != NULL && p->verbs_pd_own && p->verbs_pd != NULL)
		ibv_dealloc_pd(p->verbs_pd);
	free(p);
	if (verbs)
		xpdk_flexio_verbs_unbind(ibv_ctx);
	return FLEXIO_STATUS_FAILED;
}

flexio_status flexio_process_destroy(flexio_process *p)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_PROC_DESTROY };

	if (p == NULL)
		return FLEXIO_STATUS_SUCCESS;
	if (p->objects > 0) {
		xpdk_err(EBUSY,
			 "process of app '%s' still has %d object(s) (handlers, CQs, windows, "
			 "outboxes, UARs, keys, MSI-X): destroy them first",
			 p->app->name, p->objects);
		return FLEXIO_STATUS_FAILED;
	}
	xpdk_flexio_print_stop(p);
	if (xpdk_flexio_cmd(p, &cmd, NULL, NULL) < 0)
		return FLEXIO_STATUS_FAILED;
	p->ctx->users--;
	xpdk_flexio_app_use(p->app, -1);
	if (p->verbs_pd != NULL) {
		if (p->verbs_pd_own)
			ibv_dealloc_pd(p->verbs_pd);
		xpdk_flexio_verbs_unbind(p->ibv);
	}
	pthread_mutex_destroy(&p->rpc_lock);
	pthread_mutex_destroy(&p->print_lock);
	free(p);
	return FLEXIO_STATUS_SUCCESS;
}

struct ibv_pd *flexio_process_get_pd(flexio_process *process)
{
	if (process == NULL)
		return NULL;
	return process->verbs_pd != NULL ? process->verbs_pd : &process->pd.ibv;
}

flexio_uar *flexio_process_get_uar(flexio_process *process)
{
	return process != NULL ? &process->uar : NULL;
}

flexio_status xpdk_flexio_process_set_rpc_timeout(flexio_process *process, int timeout_ms)
{
	if (process == NULL || timeout_ms <= 0)
		return FLEXIO_STATUS_FAILED;
	process->timeout_ms = timeout_ms;
	return FLEXIO_STATUS_SUCCESS;
}

uint32_t xpdk_flexio_process_dpa_status(flexio_process *process)
{
	return __atomic_load_n(&process->slot->dpa_status, __ATOMIC_ACQUIRE);
}

flexio_status flexio_process_error_handler_set(flexio_process *process, const char *handler)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_ERR_HANDLER_SET };

	if (process == NULL || handler == NULL || strlen(handler) >= sizeof(cmd.name))
		return FLEXIO_STATUS_FAILED;
	if (process->handlers > 0) {
		xpdk_err(EBUSY, "flexio_process_error_handler_set: set it before the first event "
				"handler is created");
		return FLEXIO_STATUS_FAILED;
	}
	snprintf(cmd.name, sizeof(cmd.name), "%s", handler);
	return xpdk_flexio_status(xpdk_flexio_cmd(process, &cmd, NULL, NULL));
}

/* ---- the heap ---------------------------------------------------------------------------- */

flexio_status flexio_buf_dev_alloc(flexio_process *process, size_t buff_bsize,
				   flexio_uintptr_t *dest_daddr_p)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_HEAP_ALLOC, .arg = { buff_bsize } };
	int rc;

	if (dest_daddr_p == NULL || process == NULL)
		return FLEXIO_STATUS_FAILED;
	*dest_daddr_p = 0;
	rc = xpdk_flexio_cmd(process, &cmd, NULL, NULL);
	if (rc == 0)
		*dest_daddr_p = cmd.out[0];
	return xpdk_flexio_status(rc);
}

flexio_status flexio_buf_dev_free(flexio_process *process, flexio_uintptr_t daddr)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_HEAP_FREE, .arg = { daddr } };

	if (process == NULL)
		return FLEXIO_STATUS_FAILED;
	return xpdk_flexio_status(xpdk_flexio_cmd(process, &cmd, NULL, NULL));
}

flexio_status flexio_buf_dev_memset(flexio_process *process, int value, size_t buff_bsize,
				    flexio_uintptr_t dest_daddr)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_HEAP_SET,
				    .arg = { dest_daddr, buff_bsize, (uint8_t)value } };

	if (process == NULL)
		return FLEXIO_STATUS_FAILED;
	return xpdk_flexio_status(xpdk_flexio_cmd(process, &cmd, NULL, NULL));
}

flexio_status flexio_host2dev_memcpy(flexio_process *process, void *src_haddr, size_t buff_bsize,
				     flexio_uintptr_t dest_daddr)
{
	const uint8_t *src = src_haddr;
	int rc = 0;

	if (process == NULL || (src == NULL && buff_bsize > 0))
		return FLEXIO_STATUS_FAILED;
	for (size_t done = 0; done < buff_bsize && rc == 0;) {
		size_t n = buff_bsize - done < XPDK_DPA_STAGE_SIZE ? buff_bsize - done
								   : XPDK_DPA_STAGE_SIZE;
		struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_HEAP_WRITE,
					    .arg = { dest_daddr + done },
					    .data_len = n };

		rc = xpdk_flexio_cmd(process, &cmd, src + done, NULL);
		done += n;
	}
	return xpdk_flexio_status(rc);
}

flexio_status xpdk_flexio_dev2host_memcpy(flexio_process *process, void *dst, size_t len,
					  flexio_uintptr_t src_daddr)
{
	uint8_t *d = dst;
	int rc = 0;

	if (process == NULL || (d == NULL && len > 0))
		return FLEXIO_STATUS_FAILED;
	for (size_t done = 0; done < len && rc == 0;) {
		size_t n = len - done < XPDK_DPA_STAGE_SIZE ? len - done : XPDK_DPA_STAGE_SIZE;
		struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_HEAP_READ,
					    .arg = { src_daddr + done },
					    .data_len = n };

		rc = xpdk_flexio_cmd(process, &cmd, NULL, d + done);
		done += n;
	}
	return xpdk_flexio_status(rc);
}

flexio_status flexio_copy_from_host(flexio_process *process, void *src_haddr, size_t buff_bsize,
				    flexio_uintptr_t *dest_daddr_p)
{
	flexio_status st = flexio_buf_dev_alloc(process, buff_bsize, dest_daddr_p);

	if (st != FLEXIO_STATUS_SUCCESS)
		return st;
	st = flexio_host2dev_memcpy(process, src_haddr, buff_bsize, *dest_daddr_p);
	if (st != FLEXIO_STATUS_SUCCESS) {
		flexio_buf_dev_free(process, *dest_daddr_p);
		*dest_daddr_p = 0;
	}
	return st;
}

/* ---- RPC --------------------------------------------------------------------------------- */

static int resolve(struct flexio_process *p, const char *name, uint32_t *id)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_FUNC_RESOLVE };
	int rc;

	snprintf(cmd.name, sizeof(cmd.name), "%s", name);
	rc = xpdk_flexio_cmd(p, &cmd, NULL, NULL);
	if (rc == 0 && cmd.out[0] >= XPDK_DPA_MAX_FUNCS)
		rc = xpdk_err(EPROTO, "the DPA answered function id %llu",
			      (unsigned long long)cmd.out[0]);
	*id = (uint32_t)cmd.out[0];
	return rc;
}

int xpdk_flexio_func_id(struct flexio_process *p, const struct xpdk_flexio_func *f, uint32_t *id,
			uint32_t *unpack)
{
	uint32_t fid, uid = 0;
	int rc;

	for (unsigned int i = 0; i < p->nids; i++) {
		if (p->ids[i].f == f) {
			*id = p->ids[i].id;
			*unpack = p->ids[i].unpack;
			return 0;
		}
	}
	rc = resolve(p, f->name, &fid);
	if (rc == 0 && f->unpack[0] != '\0' && (rc = resolve(p, f->unpack, &uid)) == 0)
		uid++;
	if (rc < 0)
		return rc;
	if (p->nids < XPDK_DPA_MAX_FUNCS) {
		p->ids[p->nids].f = f;
		p->ids[p->nids].id = fid;
		p->ids[p->nids++].unpack = uid;
	}
	*id = fid;
	*unpack = uid;
	return 0;
}

static bool proc_alive(const struct flexio_process *p)
{
	return __atomic_load_n(&p->slot->state, __ATOMIC_ACQUIRE) == XPDK_DPA_SLOT_RUNNING;
}

/* Wait until the slot's answer is @p seq; 0, -ETIMEDOUT or -ESRCH. */
static int rpc_wait(struct flexio_process *p, uint32_t seq, uint64_t deadline)
{
	struct xpdk_dpa_slot *s = p->slot;
	uint64_t spin_until = xpdk_now_ns() + FLEXIO_SPIN_NS;

	for (;;) {
		uint32_t rsp = __atomic_load_n(&s->rpc_rsp, __ATOMIC_ACQUIRE);
		uint64_t now;

		if (rsp == seq)
			return 0;
		if (!proc_alive(p))
			return -ESRCH;
		now = xpdk_now_ns();
		if (now >= deadline)
			return -ETIMEDOUT;
		if (now < spin_until) {
			__builtin_ia32_pause();
			continue;
		}
		__atomic_store_n(&s->rpc_host_waiting, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->rpc_rsp, __ATOMIC_SEQ_CST) == rsp)
			xpdk_dpa_futex_wait(&s->rpc_rsp, rsp,
					    deadline - now < 100000000 ? deadline - now
								       : 100000000);
		__atomic_store_n(&s->rpc_host_waiting, 0, __ATOMIC_SEQ_CST);
	}
}

flexio_status flexio_process_call(flexio_process *p, flexio_func_t *host_func, uint64_t *func_ret,
				  ...)
{
	const struct xpdk_flexio_func *f;
	struct xpdk_dpa_slot *s;
	uint64_t deadline;
	uint32_t id, unpack;
	va_list ap;
	int rc;

	if (p == NULL || host_func == NULL || func_ret == NULL)
		return FLEXIO_STATUS_FAILED;
	f = xpdk_flexio_func_find(p->app, host_func);
	if (f == NULL) {
		xpdk_err(ENOENT,
			 "flexio_process_call: the function is not registered with app '%s'",
			 p->app->name);
		return FLEXIO_STATUS_FAILED;
	}
	s = p->slot;
	deadline = xpdk_now_ns() + (uint64_t)p->timeout_ms * 1000000ULL;
	pthread_mutex_lock(&p->rpc_lock);
	rc = xpdk_flexio_func_id(p, f, &id, &unpack);
	/* an earlier call that timed out may still run: the mailbox is free when it answers */
	if (rc == 0)
		rc = rpc_wait(p, p->rpc_seq, deadline);
	if (rc == 0) {
		va_start(ap, func_ret);
		if (unpack != 0) {
			f->pack(s->rpc_argbuf, ap);
			s->rpc_argbuf_len = (uint32_t)f->argbuf_size;
		} else {
			/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start above */
			s->rpc_arg = va_arg(ap, uint64_t);
			s->rpc_argbuf_len = 0;
		}
		va_end(ap);
		s->rpc_func = id | ((uint64_t)unpack << 32);
		__atomic_store_n(&s->rpc_req, ++p->rpc_seq, __ATOMIC_SEQ_CST);
		xpdk_dpa_ring_eus(s);
		rc = rpc_wait(p, p->rpc_seq, deadline);
	}
	if (rc == 0 && s->rpc_status != XPDK_DPA_RPC_OK)
		rc = xpdk_err(EINVAL, "flexio_process_call: the DPA has no function '%s'", f->name);
	else if (rc == 0)
		*func_ret = s->rpc_ret;
	else if (rc == -ETIMEDOUT)
		xpdk_err(ETIMEDOUT, "flexio_process_call: '%s' did not return within %d ms",
			 f->name, p->timeout_ms);
	else if (rc == -ESRCH)
		xpdk_err(ESRCH, "flexio_process_call: the DPA process ended: %s", s->err_msg);
	pthread_mutex_unlock(&p->rpc_lock);
	return xpdk_flexio_status(rc);
}

/* ---- errors ------------------------------------------------------------------------------ */

int flexio_err_status(flexio_process *process)
{
	if (process == NULL)
		return 0;
	return (int)__atomic_load_n(&process->slot->err_status, __ATOMIC_ACQUIRE);
}

int flexio_err_handler_fd(flexio_process *process)
{
	if (process == NULL)
		return -1;
	return process->ctx->be->irq_fd(process->ctx->dev, XPDK_DPA_VEC_ERR(process->idx));
}

void flexio_err_display(flexio_process *process)
{
	struct xpdk_dpa_cmd cmd = { .opcode = XPDK_DPA_OP_ERR_CLEAR };
	int fd = flexio_err_handler_fd(process);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char msg[XPDK_DPA_MSG_LEN];
	uint32_t st;
	uint64_t n;

	if (process == NULL)
		return;
	st = __atomic_load_n(&process->slot->err_status, __ATOMIC_ACQUIRE);
	memcpy(msg, process->slot->err_msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	if (st != 0)
		fprintf(stderr,
			"flexio: %s error in DPA process of app '%s' (DPA status 0x%02x): %s\n",
			st == XPDK_DPA_ERR_FATAL ? "unrecoverable" : "user", process->app->name,
			xpdk_flexio_process_dpa_status(process), msg);
	else
		fprintf(stderr, "flexio: no error in DPA process of app '%s'\n",
			process->app->name);
	xpdk_flexio_cmd(process, &cmd, NULL, NULL);
	if (fd >= 0 && poll(&pfd, 1, 0) == 1)
		(void)!read(fd, &n, sizeof(n)); /* the event is consumed with the status */
}
