/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-dpa-child: one DPA process of the dpa model. The model forks and execs it with its
 * sockets and memory; it maps its heap at the device addresses the host uses, loads the
 * program (a shared object built with the host compiler), runs EU threads that execute RPCs
 * and event-handler activations, and answers the model's requests on its control thread.
 * Device code runs only here: a crash ends this process, and the model reports it.
 *
 *   xpdk-dpa-child CTL EVT HEAPFD SLOTFD SLOTOFF ELFFD EUS HEAPSIZE SPINUS   (run by the model)
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libflexio-dev/flexio_dev.h"
#include "model_dpa_child.h"

struct dpa_child xpdk_dpac = { .err_handler = -1 };

/* ---- EU threads ---------------------------------------------------------------------------- */

static bool affinity_ok(const struct dpa_chandler *h, uint32_t eu)
{
	switch (h->aff_type) {
	case XPDK_DPA_AFFINITY_STRICT:
		return h->aff_id == eu;
	case XPDK_DPA_AFFINITY_GROUP:
		return h->aff_id == eu / XPDK_DPA_EU_GROUP_SIZE;
	default:
		return true;
	}
}

/* Run device function @p id (through unpack function @p unpack when not 0) on this EU. */
static uint64_t call_rpc(struct flexio_dev_thread_ctx *ctx, uint32_t id, uint32_t unpack,
			 uint64_t arg, uint8_t *argbuf)
{
	struct dpa_child *c = &xpdk_dpac;
	uint64_t ret;

	ctx->kind = 1;
	ctx->window = ctx->mkey = ctx->outbox = -1;
	if (setjmp(ctx->jb) != 0)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL,
				"RPC %s ended its thread (reschedule/finish/retrigger are for "
				"event handlers)",
				c->func_name[id]);
	if (unpack != 0)
		ret = ((flexio_dev_arg_unpack_func_t *)c->func[unpack - 1])(argbuf, c->func[id]);
	else
		ret = ((flexio_dev_rpc_handler_t *)c->func[id])(arg);
	ctx->kind = 0;
	return ret;
}

static bool run_rpc(struct flexio_dev_thread_ctx *ctx)
{
	struct dpa_child *c = &xpdk_dpac;
	struct xpdk_dpa_slot *s = c->slot;
	uint32_t req = __atomic_load_n(&s->rpc_req, __ATOMIC_ACQUIRE);
	uint32_t claimed = __atomic_load_n(&c->rpc_claimed, __ATOMIC_ACQUIRE);
	uint8_t argbuf[XPDK_DPA_RPC_ARGBUF];
	uint64_t fn, ret = 0;
	uint32_t id, unpack, len, status = XPDK_DPA_RPC_OK;

	if (req == claimed || !__atomic_compare_exchange_n(&c->rpc_claimed, &claimed, req, false,
							   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return false;
	/* the host wrote these: check them */
	fn = s->rpc_func;
	len = s->rpc_argbuf_len;
	id = (uint32_t)fn;
	unpack = (uint32_t)(fn >> 32);
	if (id >= c->nfuncs || c->func[id] == NULL || unpack > c->nfuncs ||
	    (unpack != 0 && c->func[unpack - 1] == NULL) || len > sizeof(argbuf)) {
		status = XPDK_DPA_RPC_BAD_FUNC;
	} else {
		memcpy(argbuf, s->rpc_argbuf, len);
		ret = call_rpc(ctx, id, unpack, s->rpc_arg, argbuf);
	}
	s->rpc_ret = ret;
	s->rpc_status = status;
	__atomic_store_n(&s->rpc_rsp, req, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->rpc_host_waiting, __ATOMIC_SEQ_CST))
		xpdk_dpa_futex_wake(&s->rpc_rsp);
	return true;
}

static void run_handler(struct flexio_dev_thread_ctx *ctx, uint32_t i)
{
	struct dpa_child *c = &xpdk_dpac;
	struct dpa_chandler *h = &c->h[i];
	volatile int x;

	ctx->kind = 2;
	ctx->handler = i;
	ctx->window = ctx->mkey = ctx->outbox = -1;
	x = setjmp(ctx->jb);
	if (x == 0) {
		((flexio_dev_event_handler_t *)c->func[h->func])(h->arg);
		x = DPA_X_RETURN;
	}
	ctx->kind = 0;
	if (x == DPA_X_FINISH) {
		__atomic_store_n(&c->ctl->h_state[i], DPA_H_FINISHED, __ATOMIC_SEQ_CST);
		return;
	}
	__atomic_store_n(&c->ctl->h_state[i], DPA_H_IDLE, __ATOMIC_SEQ_CST);
	if (x == DPA_X_RETRIGGER)
		__atomic_store_n(&c->ctl->h_pending[i], 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->ctl->h_pending[i], __ATOMIC_SEQ_CST))
		xpdk_dpa_ring_eus(c->slot); /* an event came while it ran */
}

static bool run_one_handler(struct flexio_dev_thread_ctx *ctx)
{
	struct dpa_child *c = &xpdk_dpac;
	bool others = false;

	for (uint32_t i = 0; i < XPDK_DPA_MAX_HANDLERS; i++) {
		uint32_t idle = DPA_H_IDLE;

		if (!__atomic_load_n(&c->ctl->h_pending[i], __ATOMIC_ACQUIRE) || !c->h[i].used)
			continue;
		if (!affinity_ok(&c->h[i], ctx->eu)) {
			others = true; /* work for another EU: wake them all */
			continue;
		}
		if (!__atomic_compare_exchange_n(&c->ctl->h_state[i], &idle, DPA_H_ACTIVE, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			if (idle != DPA_H_ACTIVE) /* not running: the event is lost */
				__atomic_store_n(&c->ctl->h_pending[i], 0, __ATOMIC_SEQ_CST);
			continue;
		}
		if (!__atomic_exchange_n(&c->ctl->h_pending[i], 0, __ATOMIC_SEQ_CST)) {
			__atomic_store_n(&c->ctl->h_state[i], DPA_H_IDLE, __ATOMIC_SEQ_CST);
			continue; /* another EU took it */
		}
		run_handler(ctx, i);
		return true;
	}
	if (others && __atomic_load_n(&c->slot->eu_sleepers, __ATOMIC_SEQ_CST) != 0)
		xpdk_dpa_futex_wake(&c->slot->eu_bell);
	return false;
}

static void *eu_main(void *arg)
{
	struct flexio_dev_thread_ctx *ctx = arg;
	struct xpdk_dpa_slot *s = xpdk_dpac.slot;
	uint64_t spin_ns = (uint64_t)xpdk_dpac.spin_us * 1000;

	xpdk_dpac_set_ctx(ctx);
	xpdk_dpac_signals_thread();
	for (;;) {
		uint32_t bell = __atomic_load_n(&s->eu_bell, __ATOMIC_SEQ_CST);
		uint64_t until;

		if (run_rpc(ctx) || run_one_handler(ctx))
			continue;
		until = xpdk_now_ns() + spin_ns;
		while (__atomic_load_n(&s->eu_bell, __ATOMIC_SEQ_CST) == bell && spin_ns &&
		       xpdk_now_ns() < until)
			__builtin_ia32_pause();
		if (__atomic_load_n(&s->eu_bell, __ATOMIC_SEQ_CST) != bell)
			continue;
		__atomic_fetch_add(&s->eu_sleepers, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->eu_bell, __ATOMIC_SEQ_CST) == bell)
			xpdk_dpa_futex_wait(&s->eu_bell, bell, 200000000ULL);
		__atomic_fetch_sub(&s->eu_sleepers, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* ---- the control thread: the model's requests ---------------------------------------------- */

static int map_mkey(struct dpa_cmkey *k, int fd, uint64_t off, uint64_t len, uint32_t access)
{
	struct stat st;
	uint64_t blk, start, end, span;
	uint8_t *resv, *at;
	int prot = (access & XPDK_DPA_ACCESS_READ ? PROT_READ : 0) |
		   (access & XPDK_DPA_ACCESS_WRITE ? PROT_READ | PROT_WRITE : 0);

	if (fstat(fd, &st) < 0)
		return errno;
	blk = st.st_blksize > 4096 ? (uint64_t)st.st_blksize : 4096;
	start = off / blk * blk;
	end = XPDK_ALIGN_UP(off + len, blk);
	span = end - start;
	k->resv_len = span + 2 * DPA_WIN_GUARD + blk;
	resv =
	    mmap(NULL, k->resv_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		return errno;
	at = (uint8_t *)XPDK_ALIGN_UP((uintptr_t)resv + DPA_WIN_GUARD, blk);
	if (mmap(at, span, prot, MAP_SHARED | MAP_FIXED, fd, (off_t)start) == MAP_FAILED) {
		int err = errno;

		munmap(resv, k->resv_len);
		return err;
	}
	k->resv = resv;
	k->ptr = at + (off - start);
	return 0;
}

static int take_fd(struct msghdr *mh)
{
	struct cmsghdr *cm = CMSG_FIRSTHDR(mh);
	int fd = -1;

	if (cm != NULL && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Wait until handler @p i is not executing (destroy while active). */
static void wait_inactive(uint32_t i)
{
	for (int n = 0; n < 2000 && __atomic_load_n(&xpdk_dpac.ctl->h_state[i], __ATOMIC_SEQ_CST) ==
					DPA_H_ACTIVE;
	     n++)
		usleep(500);
}

/* One request of the model; the caller holds c->lock. */
static int handle(struct dpa_msg *m, int fd)
{
	struct dpa_child *c = &xpdk_dpac;
	const uint64_t *a = m->a;
	int rc = 0;

	switch (m->type) {
	case DPA_MSG_RESOLVE: {
		void *f;

		for (uint32_t i = 0; i < c->nfuncs; i++) {
			if (strcmp(c->func_name[i], m->text) == 0) {
				m->a[0] = i;
				return 0;
			}
		}
		f = dlsym(c->so, m->text);
		if (f == NULL) {
			char name[XPDK_DPA_MSG_LEN];

			memcpy(name, m->text, sizeof(name));
			snprintf(m->text, sizeof(m->text),
				 "the DPA program has no function '%.200s'", name);
			return ENOENT;
		}
		if (c->nfuncs == XPDK_DPA_MAX_FUNCS)
			return snprintf(m->text, sizeof(m->text), "too many device functions"),
			       ENOSPC;
		c->func_name[c->nfuncs] = strdup(m->text);
		c->func[c->nfuncs] = f;
		m->a[0] = c->nfuncs++;
		return 0;
	}
	case DPA_MSG_HANDLER_ADD:
		if (a[0] >= XPDK_DPA_MAX_HANDLERS || a[1] >= c->nfuncs ||
		    (a[2] == XPDK_DPA_AFFINITY_STRICT && a[3] >= c->eus) ||
		    (a[2] == XPDK_DPA_AFFINITY_GROUP && a[3] * XPDK_DPA_EU_GROUP_SIZE >= c->eus))
			return snprintf(m->text, sizeof(m->text),
					"bad handler: affinity %llu/%llu does not name one of the "
					"%u EUs, or no such function",
					(unsigned long long)a[2], (unsigned long long)a[3], c->eus),
			       EINVAL;
		c->h[a[0]] = (struct dpa_chandler){ .used = true,
						    .func = (uint32_t)a[1],
						    .aff_type = (uint32_t)a[2],
						    .aff_id = (uint32_t)a[3],
						    .window = (int)a[4] - 1,
						    .outbox = (int)a[5] - 1,
						    .tls = a[6] };
		__atomic_store_n(&c->ctl->h_pending[a[0]], 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&c->ctl->h_state[a[0]], DPA_H_INIT, __ATOMIC_SEQ_CST);
		return 0;
	case DPA_MSG_HANDLER_RUN:
		if (a[0] >= XPDK_DPA_MAX_HANDLERS || !c->h[a[0]].used)
			return EINVAL;
		if (__atomic_load_n(&c->ctl->h_state[a[0]], __ATOMIC_SEQ_CST) != DPA_H_INIT)
			return snprintf(m->text, sizeof(m->text), "event handler %llu runs already",
					(unsigned long long)a[0]),
			       EBUSY;
		c->h[a[0]].arg = a[1];
		__atomic_store_n(&c->ctl->h_state[a[0]], DPA_H_IDLE, __ATOMIC_SEQ_CST);
		return 0;
	case DPA_MSG_HANDLER_DEL:
		if (a[0] >= XPDK_DPA_MAX_HANDLERS)
			return EINVAL;
		__atomic_store_n(&c->ctl->h_pending[a[0]], 0, __ATOMIC_SEQ_CST);
		wait_inactive((uint32_t)a[0]);
		__atomic_store_n(&c->ctl->h_state[a[0]], DPA_H_NONE, __ATOMIC_SEQ_CST);
		c->h[a[0]].used = false;
		return 0;
	case DPA_MSG_WINDOW_ADD:
	case DPA_MSG_WINDOW_DEL:
		if (a[0] >= XPDK_DPA_MAX_WINDOWS)
			return EINVAL;
		c->window[a[0]] = m->type == DPA_MSG_WINDOW_ADD;
		c->window_pd[a[0]] = m->type == DPA_MSG_WINDOW_ADD ? a[1] : 0;
		return 0;
	case DPA_MSG_OUTBOX_ADD:
	case DPA_MSG_OUTBOX_DEL:
		if (a[0] >= XPDK_DPA_MAX_OUTBOXES)
			return EINVAL;
		c->outbox[a[0]] = m->type == DPA_MSG_OUTBOX_ADD;
		return 0;
	case DPA_MSG_MKEY_ADD: {
		struct dpa_cmkey k = { .used = true,
				       .haddr = a[1],
				       .len = a[2],
				       .access = (uint32_t)a[3],
				       .key = (uint32_t)a[5],
				       .pd = a[6] };

		if (a[0] >= XPDK_DPA_MAX_MKEYS || fd < 0 || a[2] == 0 || a[5] > UINT32_MAX)
			return EINVAL;
		rc = map_mkey(&k, fd, a[4], a[2], k.access);
		if (rc != 0)
			return snprintf(m->text, sizeof(m->text), "cannot map host memory: %s",
					strerror(rc)),
			       rc;
		if (c->mkey[a[0]].used)
			munmap(c->mkey[a[0]].resv, c->mkey[a[0]].resv_len);
		c->mkey[a[0]] = k;
		return 0;
	}
	case DPA_MSG_MKEY_DEL:
		if (a[0] >= XPDK_DPA_MAX_MKEYS)
			return EINVAL;
		c->mkey[a[0]].used = false;
		if (c->mkey[a[0]].resv != NULL)
			munmap(c->mkey[a[0]].resv, c->mkey[a[0]].resv_len);
		c->mkey[a[0]].resv = NULL;
		return 0;
	case DPA_MSG_CQ_ADD:
		/* the model checked ring and record against the heap */
		if (a[0] >= XPDK_DPA_MAX_CQS || a[4] > XPDK_DPA_MAX_LOG_CQ)
			return EINVAL;
		c->cq[a[0]] = (struct dpa_ccq){ .used = true,
						.type = (uint32_t)a[1],
						.target = (uint32_t)a[2],
						.log_depth = (uint32_t)a[4],
						.ring = (uint8_t *)(uintptr_t)a[3],
						.dbr = (uint32_t *)(uintptr_t)a[5] };
		return 0;
	case DPA_MSG_CQ_DEL:
		if (a[0] >= XPDK_DPA_MAX_CQS)
			return EINVAL;
		c->cq[a[0]].used = false;
		return 0;
	case DPA_MSG_WQ_ADD:
	case DPA_MSG_WQ_DEL:
	case DPA_MSG_DMKEY_ADD:
	case DPA_MSG_CQ_MOD:
	case DPA_MSG_QP_ADD:
	case DPA_MSG_QP_MOD:
		return xpdk_dpac_nic_msg(m, fd);
	case DPA_MSG_ERR_HANDLER:
		if (a[0] >= c->nfuncs)
			return EINVAL;
		c->err_handler = (int)a[0];
		return 0;
	default:
		return EPROTO;
	}
}

static void control_loop(void)
{
	struct dpa_child *c = &xpdk_dpac;

	for (;;) {
		struct dpa_msg m;
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int))];
		} cbuf;
		struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf) };
		ssize_t n = recvmsg(c->ctl_fd, &mh, MSG_CMSG_CLOEXEC);
		char in_text[sizeof(m.text)] = "";
		int fd, rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0); /* the model went away */
		fd = take_fd(&mh);
		if ((size_t)n != sizeof(m) || xpdk_dpa_msg_check(&m, false) != 0) {
			m.type = DPA_MSG_MAX - 1; /* the model sees a type mismatch */
			rc = EPROTO;
		} else if (m.type == DPA_MSG_EXIT) {
			_exit(0);
		} else {
			memcpy(in_text, m.text, sizeof(in_text));
			pthread_mutex_lock(&c->lock);
			rc = handle(&m, fd);
			pthread_mutex_unlock(&c->lock);
		}
		if (fd >= 0)
			close(fd);
		m.status = (uint32_t)rc;
		if (rc != 0 && memcmp(m.text, in_text, sizeof(in_text)) == 0)
			snprintf(m.text, sizeof(m.text), "%s", strerror(rc));
		if (send(c->ctl_fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
			_exit(0);
	}
}

/* ---- start --------------------------------------------------------------------------------- */

static int num(const char *s, uint64_t max, uint64_t *v)
{
	return xpdk_parse_u64(s, v) == 0 && *v <= max ? 0 : -1;
}

static int hello(int fd, uint32_t status, const char *text)
{
	struct dpa_msg m = { .type = DPA_MSG_HELLO, .status = status };

	snprintf(m.text, sizeof(m.text), "%s", text);
	return send(fd, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m) ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct dpa_child *c = &xpdk_dpac;
	static struct flexio_dev_thread_ctx eus[XPDK_DPA_MAX_EUS];
	uint64_t v[DPA_CHILD_ARGC - 1];
	char path[64], text[XPDK_DPA_MSG_LEN];

	if (argc != DPA_CHILD_ARGC) {
		fprintf(stderr, "xpdk-dpa-child: run by xpdk-devsim's dpa model, not by hand\n");
		return 2;
	}
	for (int i = 0; i < DPA_CHILD_ARGC - 1; i++) {
		if (num(argv[i + 1], UINT32_MAX * 2ULL, &v[i]) < 0) {
			fprintf(stderr, "xpdk-dpa-child: bad argument '%s'\n", argv[i + 1]);
			return 2;
		}
	}
	c->ctl_fd = (int)v[0];
	c->evt_fd = (int)v[1];
	c->eus = (uint32_t)v[6];
	c->heap_size = v[7];
	c->spin_us = (uint32_t)v[8];
	if (c->eus == 0 || c->eus > XPDK_DPA_MAX_EUS || c->heap_size == 0 || v[4] % 4096 != 0) {
		hello(c->ctl_fd, EINVAL, "xpdk-dpa-child: bad EU count, heap size or slot offset");
		return 2;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->print_lock, NULL);
	xpdk_dpac_nic_init();
	c->ctl = mmap(NULL, DPA_CTL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, (int)v[2], 0);
	c->heap = mmap((void *)DPA_HEAP_BASE, c->heap_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED_NOREPLACE, (int)v[2], DPA_CTL_SIZE);
	c->slot = mmap(NULL, XPDK_DPA_SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, (int)v[3],
		       (off_t)v[4]);
	close((int)v[2]);
	close((int)v[3]);
	if (c->ctl == MAP_FAILED || c->heap != (uint8_t *)DPA_HEAP_BASE || c->slot == MAP_FAILED) {
		hello(c->ctl_fd, ENOMEM,
		      "xpdk-dpa-child: cannot map the heap at its device address");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", (int)v[5]);
	c->so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	close((int)v[5]);
	if (c->so == NULL) {
		snprintf(text, sizeof(text), "the DPA program does not load: %s", dlerror());
		hello(c->ctl_fd, ENOEXEC, text);
		return 1;
	}
	if (xpdk_dpac_signals_init() < 0) {
		hello(c->ctl_fd, errno, "xpdk-dpa-child: cannot install its signal handlers");
		return 1;
	}
	for (uint32_t i = 0; i < c->eus; i++) {
		pthread_t t;

		eus[i].eu = i;
		eus[i].window = eus[i].mkey = eus[i].outbox = -1;
		if (pthread_create(&t, NULL, eu_main, &eus[i]) != 0) {
			hello(c->ctl_fd, EAGAIN, "xpdk-dpa-child: cannot start its EU threads");
			return 1;
		}
		pthread_detach(t);
	}
	if (hello(c->ctl_fd, 0, "") < 0)
		return 1;
	control_loop();
	return 0;
}
