/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The device-side runtime of a DPA process (libflexio-dev's calls, lib/flexio/dev/include):
 * thread context and thread endings, outbox and window checks, CQ arming and zero CQEs, prints
 * into the slot's ring, fatal errors, and the crash handlers that tell the model why the
 * process died. The program's shared object resolves these names from this executable.
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libflexio-dev/flexio_dev.h"
#include "libflexio-dev/flexio_dev_err.h"
#include "libflexio-dev/flexio_dev_queue_access.h"
#include "model_dpa_child.h"

static __thread struct flexio_dev_thread_ctx *cur;
static __thread int in_err_handler;

struct flexio_dev_thread_ctx *xpdk_dpac_ctx(void)
{
	return cur;
}

void xpdk_dpac_set_ctx(struct flexio_dev_thread_ctx *ctx)
{
	cur = ctx;
}

static void send_error(uint32_t status, const char *text)
{
	struct dpa_msg m = { .type = DPA_EVT_ERROR, .a = { status } };

	snprintf(m.text, sizeof(m.text), "%s", text);
	(void)!send(xpdk_dpac.evt_fd, &m, sizeof(m), MSG_NOSIGNAL);
}

void xpdk_dpac_fatal(uint32_t status, const char *fmt, ...)
{
	char text[XPDK_DPA_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	send_error(status, text);
	_exit((int)(status & 0xff));
}

/* What the calling thread runs, for messages. */
const char *xpdk_dpac_who(void)
{
	static __thread char buf[300];
	struct dpa_child *c = &xpdk_dpac;

	if (cur == NULL || cur->kind == 0)
		return "the process";
	if (cur->kind == 1)
		return "an RPC";
	snprintf(buf, sizeof(buf), "event handler %u (%s) on EU %u", cur->handler,
		 c->func_name[c->h[cur->handler].func], cur->eu);
	return buf;
}

static struct flexio_dev_thread_ctx *need_ctx(const char *call)
{
	if (cur == NULL || cur->kind == 0)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL, "%s called outside an RPC or a handler",
				call);
	return cur;
}

/* ---- threads ------------------------------------------------------------------------------ */

int flexio_dev_get_thread_ctx(struct flexio_dev_thread_ctx **dtctx)
{
	*dtctx = need_ctx("flexio_dev_get_thread_ctx");
	return 0;
}

uint32_t flexio_dev_get_thread_id(struct flexio_dev_thread_ctx *dtctx)
{
	return dtctx->eu;
}

flexio_uintptr_t flexio_dev_get_thread_local_storage(struct flexio_dev_thread_ctx *dtctx)
{
	return dtctx->kind == 2 ? xpdk_dpac.h[dtctx->handler].tls : 0;
}

static void __attribute__((noreturn)) end_activation(int how, const char *call)
{
	struct flexio_dev_thread_ctx *ctx = need_ctx(call);

	if (ctx->kind != 2)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL, "%s called by %s (handlers only)", call,
				xpdk_dpac_who());
	longjmp(ctx->jb, how);
}

void flexio_dev_thread_reschedule(void)
{
	end_activation(DPA_X_RESCHEDULE, "flexio_dev_thread_reschedule");
}

void flexio_dev_thread_finish(void)
{
	end_activation(DPA_X_FINISH, "flexio_dev_thread_finish");
}

void flexio_dev_thread_retrigger(void)
{
	end_activation(DPA_X_RETRIGGER, "flexio_dev_thread_retrigger");
}

void flexio_dev_process_finish(void)
{
	send_error(XPDK_DPA_STATUS_FINISHED, "flexio_dev_process_finish()");
	_exit(0);
}

/* ---- outbox, windows ---------------------------------------------------------------------- */

flexio_dev_status_t flexio_dev_outbox_config(struct flexio_dev_thread_ctx *dtctx,
					     uint16_t outbox_id)
{
	if (dtctx->kind != 2 || xpdk_dpac.h[dtctx->handler].outbox != (int)outbox_id ||
	    outbox_id >= XPDK_DPA_MAX_OUTBOXES || !xpdk_dpac.outbox[outbox_id])
		return FLEXIO_DEV_STATUS_FAILED;
	dtctx->outbox = outbox_id;
	return FLEXIO_DEV_STATUS_SUCCESS;
}

flexio_dev_status_t flexio_dev_window_mkey_config(struct flexio_dev_thread_ctx *dtctx,
						  uint32_t mkey)
{
	if (dtctx->window < 0)
		return FLEXIO_DEV_STATUS_FAILED;
	/* the key is the name the host gave the memory (the mkey id, or a verbs MR's lkey); a
	 * window of a PD reaches the keys of that PD (and those of none) only */
	for (unsigned int i = 0; i < XPDK_DPA_MAX_MKEYS; i++) {
		const struct dpa_cmkey *k = &xpdk_dpac.mkey[i];
		uint64_t wpd = xpdk_dpac.window_pd[dtctx->window];

		if (k->used && k->key == mkey && (wpd == 0 || k->pd == 0 || k->pd == wpd)) {
			dtctx->mkey = (int)i;
			return FLEXIO_DEV_STATUS_SUCCESS;
		}
	}
	return FLEXIO_DEV_STATUS_FAILED;
}

flexio_dev_status_t flexio_dev_window_config(struct flexio_dev_thread_ctx *dtctx,
					     uint16_t window_id, uint32_t mkey)
{
	if (dtctx->kind != 2 || xpdk_dpac.h[dtctx->handler].window != (int)window_id ||
	    window_id >= XPDK_DPA_MAX_WINDOWS || !xpdk_dpac.window[window_id])
		return FLEXIO_DEV_STATUS_FAILED;
	dtctx->window = window_id;
	return flexio_dev_window_mkey_config(dtctx, mkey);
}

/* The memory key configured on @p dtctx covering [haddr, haddr + len) with @p access. */
static const struct dpa_cmkey *window_key(struct flexio_dev_thread_ctx *dtctx, uint64_t haddr,
					  uint64_t len, uint32_t access)
{
	const struct dpa_cmkey *k;

	if (dtctx->window < 0 || dtctx->mkey < 0 || !xpdk_dpac.window[dtctx->window])
		return NULL;
	k = &xpdk_dpac.mkey[dtctx->mkey];
	if (!k->used || (k->access & access) != access || haddr < k->haddr ||
	    haddr - k->haddr > k->len || len > k->len - (haddr - k->haddr))
		return NULL;
	return k;
}

flexio_dev_status_t flexio_dev_window_ptr_acquire(struct flexio_dev_thread_ctx *dtctx,
						  uint64_t haddr, flexio_uintptr_t *daddr)
{
	const struct dpa_cmkey *k = window_key(dtctx, haddr, 1, 0);

	if (k == NULL)
		return FLEXIO_DEV_STATUS_FAILED;
	*daddr = (flexio_uintptr_t)(uintptr_t)(k->ptr + (haddr - k->haddr));
	return FLEXIO_DEV_STATUS_SUCCESS;
}

flexio_dev_status_t flexio_dev_window_copy_to_host(struct flexio_dev_thread_ctx *dtctx,
						   uint64_t haddr, const void *daddr, uint32_t size)
{
	const struct dpa_cmkey *k = window_key(dtctx, haddr, size, XPDK_DPA_ACCESS_WRITE);

	if (k == NULL || size == 0)
		return FLEXIO_DEV_STATUS_FAILED;
	memcpy(k->ptr + (haddr - k->haddr), daddr, size);
	return FLEXIO_DEV_STATUS_SUCCESS;
}

/* ---- CQs ---------------------------------------------------------------------------------- */

struct dpa_ccq *xpdk_dpac_doorbell_cq(struct flexio_dev_thread_ctx *dtctx, uint32_t cqn,
				      const char *call)
{
	if (dtctx->outbox < 0)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL,
				"%s rang a doorbell without an outbox (flexio_dev_outbox_config "
				"first)",
				xpdk_dpac_who());
	if (cqn >= XPDK_DPA_MAX_CQS || !xpdk_dpac.cq[cqn].used)
		xpdk_dpac_fatal(XPDK_DPA_STATUS_ILLEGAL, "%s: %s named CQ %u, which does not exist",
				call, xpdk_dpac_who(), cqn);
	return &xpdk_dpac.cq[cqn];
}

void xpdk_dpac_activate(uint32_t h)
{
	struct dpa_child *c = &xpdk_dpac;
	uint32_t st;

	if (h >= XPDK_DPA_MAX_HANDLERS || !c->h[h].used)
		return;
	st = __atomic_load_n(&c->ctl->h_state[h], __ATOMIC_SEQ_CST);
	if (st != DPA_H_IDLE && st != DPA_H_ACTIVE)
		return;
	__atomic_store_n(&c->ctl->h_pending[h], 1, __ATOMIC_SEQ_CST);
	xpdk_dpa_ring_eus(c->slot);
}

flexio_dev_status_t flexio_dev_cq_arm(struct flexio_dev_thread_ctx *dtctx, uint32_t ci,
				      uint32_t qnum)
{
	struct dpa_ccq *cq = xpdk_dpac_doorbell_cq(dtctx, qnum, "flexio_dev_cq_arm");
	struct dpa_ctl *ctl = xpdk_dpac.ctl;

	if (cq->type != XPDK_DPA_CQ_DPA_THREAD)
		return FLEXIO_DEV_STATUS_SUCCESS; /* nothing to activate */
	__atomic_store_n(&ctl->cq_armed[qnum], 1, __ATOMIC_SEQ_CST);
	/* CQEs past ci arrived already: the armed CQ fires at once (one side wins the flag) */
	if (__atomic_load_n(&ctl->cq_pi[qnum], __ATOMIC_SEQ_CST) != ci &&
	    __atomic_exchange_n(&ctl->cq_armed[qnum], 0, __ATOMIC_SEQ_CST))
		xpdk_dpac_activate(cq->target);
	return FLEXIO_DEV_STATUS_SUCCESS;
}

flexio_dev_status_t flexio_dev_zcqe_gen(struct flexio_dev_thread_ctx *dtctx, uint32_t cqn)
{
	struct dpa_ccq *cq = xpdk_dpac_doorbell_cq(dtctx, cqn, "flexio_dev_zcqe_gen");

	if (cq->type == XPDK_DPA_CQ_MSIX) {
		struct dpa_msg m = { .type = DPA_EVT_MSIX, .a = { cqn } };

		return send(xpdk_dpac.evt_fd, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m)
			   ? FLEXIO_DEV_STATUS_SUCCESS
			   : FLEXIO_DEV_STATUS_FAILED;
	}
	if (cq->type == XPDK_DPA_CQ_DPA_THREAD &&
	    __atomic_exchange_n(&xpdk_dpac.ctl->cq_armed[cqn], 0, __ATOMIC_SEQ_CST))
		xpdk_dpac_activate(cq->target);
	return FLEXIO_DEV_STATUS_SUCCESS;
}

flexio_dev_status_t flexio_dev_msix_send(struct flexio_dev_thread_ctx *dtctx, uint32_t cqn)
{
	return flexio_dev_zcqe_gen(dtctx, cqn);
}

/* ---- prints ------------------------------------------------------------------------------- */

static int ring_put(const char *s, size_t len)
{
	struct xpdk_dpa_slot *sl = xpdk_dpac.slot;
	uint8_t *ring = (uint8_t *)sl + XPDK_DPA_PRINT_OFF;
	uint32_t size = __atomic_load_n(&sl->print_size, __ATOMIC_ACQUIRE);
	uint64_t head, tail, used;

	if (!XPDK_IS_POW2(size) || size > XPDK_DPA_PRINT_MAX)
		return -1; /* printing is off (or the host wrote nonsense) */
	pthread_mutex_lock(&xpdk_dpac.print_lock);
	head = sl->print_head;
	tail = __atomic_load_n(&sl->print_tail, __ATOMIC_ACQUIRE);
	used = head - tail;
	if (used > size || len > size - used) {
		sl->print_lost += len; /* the ring is full: FlexIO's buffer overruns too */
	} else {
		for (size_t i = 0; i < len; i++)
			ring[(head + i) & (size - 1)] = (uint8_t)s[i];
		__atomic_store_n(&sl->print_head, head + len, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&xpdk_dpac.print_lock);
	__atomic_fetch_add(&sl->print_seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sl->print_host_waiting, __ATOMIC_SEQ_CST))
		xpdk_dpa_futex_wake(&sl->print_seq);
	return (int)len;
}

static int vprint(const char *fmt, va_list ap)
{
	char buf[512];
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): the callers va_start it */
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return -1;
	return ring_put(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

int flexio_dev_print(const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = vprint(format, ap);
	va_end(ap);
	return n;
}

int flexio_dev_msg(int stream_id, int level, const char *format, ...)
{
	va_list ap;
	int n;

	(void)stream_id;
	if (level <= 0)
		return 0; /* FLEXIO_MSG_DEV_NO_PRINT */
	va_start(ap, format);
	n = vprint(format, ap);
	va_end(ap);
	return n;
}

int flexio_dev_puts(const char *str)
{
	return ring_put(str, strlen(str));
}

/* ---- errors ------------------------------------------------------------------------------- */

void flexio_dev_error(uint8_t error_code)
{
	struct dpa_child *c = &xpdk_dpac;
	uint32_t st = error_code >= XPDK_DPA_STATUS_USER_MIN ? error_code : XPDK_DPA_STATUS_ILLEGAL;

	if (c->err_handler >= 0 && !in_err_handler) {
		in_err_handler = 1;
		((flexio_dev_event_handler_t *)c->func[c->err_handler])(error_code);
	}
	if (st == XPDK_DPA_STATUS_ILLEGAL)
		xpdk_dpac_fatal(st, "flexio_dev_error(0x%02x) by %s: codes below 0x80 are illegal",
				error_code, xpdk_dpac_who());
	xpdk_dpac_fatal(st, "flexio_dev_error(0x%02x) by %s", error_code, xpdk_dpac_who());
}

/* ---- crashes: tell the model what happened, then die of the signal ------------------------- */

static void put_hex(char **p, uint64_t v)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v != 0);
	*(*p)++ = '0';
	*(*p)++ = 'x';
	while (n > 0)
		*(*p)++ = tmp[--n];
}

static void put_str(char **p, const char *s, const char *end)
{
	while (*s != '\0' && *p < end)
		*(*p)++ = *s++;
}

static void on_crash(int sig, siginfo_t *si, void *uc)
{
	struct dpa_msg m = { .type = DPA_EVT_ERROR, .a = { XPDK_DPA_STATUS_CRASH } };
	const char *end = m.text + sizeof(m.text) - 40;
	uintptr_t addr = (uintptr_t)si->si_addr;
	char *p = m.text;

	(void)uc;
	/* async-signal-safe formatting only */
	for (unsigned int i = 0; i < XPDK_DPA_MAX_MKEYS; i++) {
		const struct dpa_cmkey *k = &xpdk_dpac.mkey[i];

		if (k->used && addr >= (uintptr_t)k->resv &&
		    addr < (uintptr_t)k->resv + k->resv_len) {
			m.a[0] = XPDK_DPA_STATUS_ILLEGAL;
			put_str(&p, "bad window access: ", end);
			put_str(&p, "host address ", end);
			put_hex(&p, k->haddr + (uint64_t)(addr - (uintptr_t)k->ptr));
			put_str(&p, " is outside memory key ", end);
			put_hex(&p, k->key);
			put_str(&p, " (host ", end);
			put_hex(&p, k->haddr);
			put_str(&p, " + ", end);
			put_hex(&p, k->len);
			put_str(&p, ")", end);
			break;
		}
	}
	if (p == m.text) {
		put_str(&p, "crash: ", end);
		put_str(&p,
			sig == SIGSEGV	? "SIGSEGV"
			: sig == SIGBUS ? "SIGBUS"
			: sig == SIGFPE ? "SIGFPE"
			: sig == SIGILL ? "SIGILL"
					: "SIGABRT",
			end);
		put_str(&p, " at address ", end);
		put_hex(&p, addr);
	}
	put_str(&p,
		cur == NULL || cur->kind == 0 ? " (outside device code)"
		: cur->kind == 1	      ? " in an RPC"
					      : " in an event handler",
		end);
	*p = '\0';
	(void)!send(xpdk_dpac.evt_fd, &m, sizeof(m), MSG_NOSIGNAL);
	signal(sig, SIG_DFL);
	raise(sig);
}

int xpdk_dpac_signals_init(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { .sa_sigaction = on_crash, .sa_flags = SA_SIGINFO | SA_ONSTACK };

	sigemptyset(&sa.sa_mask);
	for (unsigned int i = 0; i < XPDK_ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	return 0;
}

void xpdk_dpac_signals_thread(void)
{
	/* a stack overflow in device code must still reach the handler */
	stack_t ss = { .ss_size = (size_t)64 * 1024 };

	ss.ss_sp = malloc(ss.ss_size);
	if (ss.ss_sp != NULL)
		sigaltstack(&ss, NULL);
}
