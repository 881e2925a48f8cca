/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The dpa model's processes: each DPA process is a child (fork + exec of xpdk-dpa-child), so
 * that device code that crashes, corrupts its memory or exits takes down only that child. This
 * file starts and stops children, talks to them over their sockets, and runs the monitor thread
 * that turns a child's error report or death into FlexIO's fatal status for the host.
 */

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model_dpa_priv.h"

static int set_msg(char *msg, int err, const char *fmt, ...) XPDK_PRINTF(3, 4);

static int set_msg(char *msg, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(msg, XPDK_DPA_MSG_LEN, fmt, ap);
	va_end(ap);
	return err;
}

/* Receive one message, waiting at most @p timeout_ms. @return 0, ETIMEDOUT, EPIPE or errno. */
static int recv_msg(int fd, struct dpa_msg *m, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int rc;

	do {
		rc = poll(&pfd, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return ETIMEDOUT;
	if (rc < 0)
		return errno;
	n = recv(fd, m, sizeof(*m), MSG_DONTWAIT);
	if (n == 0)
		return EPIPE;
	if (n < 0)
		return errno;
	if ((size_t)n != sizeof(*m) || xpdk_dpa_msg_check(m, true) != 0)
		return EPROTO;
	return 0;
}

static int send_msg(int fd, const struct dpa_msg *m, int pass_fd)
{
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(*m) ? 0 : (errno ? errno : EIO);
}

int xpdk_dpam_call(struct dpa_model *m, struct dpa_proc *p, struct dpa_msg *req, int fd,
		   struct dpa_msg *rsp, char *msg)
{
	int rc;

	(void)m;
	if (p->dead)
		return set_msg(msg, ESRCH, "the DPA process has ended: %s", p->slot->err_msg);
	rc = send_msg(p->ctl_fd, req, fd);
	if (rc == 0)
		rc = recv_msg(p->ctl_fd, rsp, DPA_CHILD_TIMEOUT_MS);
	if (rc == 0 && rsp->type != req->type)
		rc = EPROTO;
	if (rc != 0)
		return set_msg(msg, rc == EPIPE ? ESRCH : rc,
			       "the DPA process (pid %d) did not answer: %s", (int)p->pid,
			       strerror(rc));
	if (rsp->status != 0)
		return set_msg(msg, (int)rsp->status, "%s", rsp->text);
	return 0;
}

void xpdk_dpam_report(struct dpa_model *m, struct dpa_proc *p, uint32_t err, uint32_t status,
		      const char *text)
{
	struct xpdk_dpa_slot *s = p->slot;
	char clean[XPDK_DPA_MSG_LEN];
	size_t i;

	/* the text may come from a child: keep it printable */
	for (i = 0; i < sizeof(clean) - 1 && text[i] != '\0'; i++)
		clean[i] = (char)((text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?');
	clean[i] = '\0';
	/* a fatal error wins over a user error still unread; the first fatal one stays */
	if (s->err_status != XPDK_DPA_ERR_FATAL) {
		memcpy(s->err_msg, clean, i + 1);
		if (status != 0)
			__atomic_store_n(&s->dpa_status, status, __ATOMIC_RELEASE);
		__atomic_store_n(&s->err_status, err, __ATOMIC_RELEASE);
	}
	__atomic_fetch_add(&s->err_count, 1, __ATOMIC_RELEASE);
	xpdk_devsim_log(m->dev, err == XPDK_DPA_ERR_FATAL ? 1 : 2, "DPA process %u (%s): %s",
			(unsigned int)(p - m->proc), p->app, clean);
	xpdk_devsim_irq_raise(m->dev, XPDK_DPA_VEC_ERR((unsigned int)(p - m->proc)));
}

static void wake_waiters(struct xpdk_dpa_slot *s)
{
	/* an RPC caller or print thread sleeping on the slot sees the state change */
	xpdk_dpa_futex_wake(&s->rpc_rsp);
	xpdk_dpa_futex_wake(&s->print_seq);
}

/* Wait for the child to exit, at most @p ms, then kill it. @return its wait status. */
static int reap(pid_t pid, int ms)
{
	int st = 0;

	for (int i = 0; i < ms; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			return st;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return st;
}

/* The child of @p p is gone (its evt socket closed): why, for the host. */
static void child_died(struct dpa_model *m, struct dpa_proc *p)
{
	int st = reap(p->pid, 2000);
	char text[XPDK_DPA_MSG_LEN];

	p->dead = true;
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, p->evt_fd, NULL);
	if (p->slot->err_status != XPDK_DPA_ERR_FATAL &&
	    p->slot->dpa_status != XPDK_DPA_STATUS_FINISHED) {
		/* no report before it died: a signal nothing caught, or an exit */
		if (WIFSIGNALED(st))
			snprintf(text, sizeof(text), "the DPA process was killed by signal %d (%s)",
				 WTERMSIG(st), strsignal(WTERMSIG(st)));
		else
			snprintf(text, sizeof(text), "the DPA process exited (status %d)",
				 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		xpdk_dpam_report(m, p, XPDK_DPA_ERR_FATAL, XPDK_DPA_STATUS_CRASH, text);
	}
	__atomic_store_n(&p->slot->state, XPDK_DPA_SLOT_DEAD, __ATOMIC_RELEASE);
	wake_waiters(p->slot);
}

static void handle_event(struct dpa_model *m, struct dpa_proc *p, const struct dpa_msg *e)
{
	if (e->type == DPA_EVT_ERROR) {
		uint32_t st = (uint32_t)e->a[0];

		if (st == XPDK_DPA_STATUS_FINISHED) {
			__atomic_store_n(&p->slot->dpa_status, st, __ATOMIC_RELEASE);
			xpdk_devsim_log(m->dev, 2, "DPA process %u (%s) finished",
					(unsigned int)(p - m->proc), p->app);
			return;
		}
		if (st == 0 || st > 0xff)
			st = XPDK_DPA_STATUS_ILLEGAL;
		xpdk_dpam_report(m, p, XPDK_DPA_ERR_FATAL, st, e->text);
	} else if (e->type == DPA_EVT_MSIX) {
		uint64_t cqn = e->a[0];

		if (cqn < XPDK_DPA_MAX_CQS && p->cq[cqn].used &&
		    p->cq[cqn].type == XPDK_DPA_CQ_MSIX)
			xpdk_devsim_irq_raise(m->dev, XPDK_DPA_VEC_USER_BASE + p->cq[cqn].target);
		else
			xpdk_devsim_log(m->dev, 1,
					"DPA process %u: MSI-X through CQ %llu, which is "
					"not an MSI-X CQ: ignored",
					(unsigned int)(p - m->proc), (unsigned long long)cqn);
	} else {
		xpdk_devsim_log(m->dev, 1,
				"DPA process %u sent message type %u on its event "
				"socket: ignored",
				(unsigned int)(p - m->proc), e->type);
	}
}

/* The monitor thread: child reports and deaths, under the instance lock. */
static void *monitor(void *arg)
{
	struct dpa_model *m = arg;

	for (;;) {
		struct epoll_event ev[8];
		int n = epoll_wait(m->epfd, ev, 8, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (int i = 0; i < n; i++) {
			uint32_t idx = (uint32_t)(ev[i].data.u64 & 0xff);
			uint32_t gen = (uint32_t)(ev[i].data.u64 >> 8);
			struct dpa_proc *p;
			struct dpa_msg e;
			int rc;

			if (ev[i].data.u64 == UINT64_MAX)
				return NULL; /* stop */
			xpdk_devsim_lock(m->dev);
			p = idx < XPDK_DPA_MAX_PROCS ? &m->proc[idx] : NULL;
			if (p != NULL && p->used && !p->dead && p->gen == gen) {
				rc = recv_msg(p->evt_fd, &e, 0);
				if (rc == 0)
					handle_event(m, p, &e);
				else if (rc == EPIPE || (ev[i].events & (EPOLLHUP | EPOLLERR)))
					child_died(m, p);
				else if (rc == EPROTO)
					xpdk_devsim_log(m->dev, 1,
							"DPA process %u sent a malformed "
							"message: ignored",
							idx);
			}
			xpdk_devsim_unlock(m->dev);
		}
	}
	return NULL;
}

int xpdk_dpam_monitor_start(struct dpa_model *m)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = UINT64_MAX };
	int rc;

	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	m->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->epfd < 0 || m->stop_fd < 0 || epoll_ctl(m->epfd, EPOLL_CTL_ADD, m->stop_fd, &ev) < 0)
		return xpdk_err(errno, "dpa: cannot set up the monitor: %s", strerror(errno));
	rc = pthread_create(&m->mon, NULL, monitor, m);
	if (rc != 0)
		return xpdk_err(rc, "dpa: cannot start the monitor thread: %s", strerror(rc));
	m->mon_started = true;
	return 0;
}

void xpdk_dpam_monitor_stop(struct dpa_model *m)
{
	uint64_t one = 1;

	if (m->mon_started) {
		(void)!write(m->stop_fd, &one, sizeof(one));
		pthread_join(m->mon, NULL);
		m->mon_started = false;
	}
	if (m->epfd >= 0)
		close(m->epfd);
	if (m->stop_fd >= 0)
		close(m->stop_fd);
	m->epfd = m->stop_fd = -1;
}

bool xpdk_dpam_activate(struct dpa_proc *p, uint32_t h)
{
	uint32_t st;

	if (h >= XPDK_DPA_MAX_HANDLERS || !p->handler[h])
		return false;
	st = __atomic_load_n(&p->ctl->h_state[h], __ATOMIC_SEQ_CST);
	if (st != DPA_H_IDLE && st != DPA_H_ACTIVE)
		return false; /* FlexIO: an event for a handler not running is lost */
	__atomic_store_n(&p->ctl->h_pending[h], 1, __ATOMIC_SEQ_CST);
	xpdk_dpa_ring_eus(p->slot);
	return true;
}

/* ---- create and destroy ------------------------------------------------------------------ */

static int memfd_with(const char *name, const void *data, size_t len, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) < 0 ||
	    (data != NULL && pwrite(fd, data, len, 0) != (ssize_t)len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Close the process's descriptors (its memory is unmapped by the caller). */
static void proc_release(struct dpa_proc *p)
{
	for (int *fd = &p->ctl_fd; fd <= &p->heap_fd; fd++) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

static int spawn(struct dpa_model *m, struct dpa_proc *p, uint32_t idx, int elf_fd, char *msg)
{
	int ctl[2] = { -1, -1 }, evt[2] = { -1, -1 }, slot_fd = xpdk_devsim_bar_mem_fd(m->dev, 2);
	char a[DPA_CHILD_ARGC - 1][32];
	char *argv[DPA_CHILD_ARGC + 1];
	int rc = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, evt) < 0) {
		rc = set_msg(msg, errno, "socketpair: %s", strerror(errno));
		goto out;
	}
	snprintf(a[0], 32, "%d", ctl[1]);
	snprintf(a[1], 32, "%d", evt[1]);
	snprintf(a[2], 32, "%d", p->heap_fd);
	snprintf(a[3], 32, "%d", slot_fd);
	snprintf(a[4], 32, "%u", XPDK_DPA_SLOT_OFF + idx * XPDK_DPA_SLOT_SIZE);
	snprintf(a[5], 32, "%d", elf_fd);
	snprintf(a[6], 32, "%u", m->eus);
	snprintf(a[7], 32, "%llu", (unsigned long long)m->heap_size);
	snprintf(a[8], 32, "%u", m->spin_us);
	argv[0] = m->child;
	for (int i = 0; i < DPA_CHILD_ARGC - 1; i++)
		argv[i + 1] = a[i];
	argv[DPA_CHILD_ARGC] = NULL;
	p->pid = fork();
	if (p->pid < 0) {
		rc = set_msg(msg, errno, "fork: %s", strerror(errno));
		goto out;
	}
	if (p->pid == 0) {
		/* the child: only async-signal-safe calls until exec */
		int keep[] = { ctl[1], evt[1], p->heap_fd, slot_fd, elf_fd };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (unsigned int i = 0; i < XPDK_ARRAY_SIZE(keep); i++)
			fcntl(keep[i], F_SETFD, 0);
		execv(m->child, argv);
		_exit(127);
	}
	p->ctl_fd = ctl[0];
	p->evt_fd = evt[0];
	ctl[0] = evt[0] = -1;
out:
	for (int i = 0; i < 2; i++) {
		if (ctl[i] >= 0)
			close(ctl[i]);
		if (evt[i] >= 0)
			close(evt[i]);
	}
	return rc;
}

int xpdk_dpam_proc_create(struct dpa_model *m, const void *elf, size_t len, const char *app,
			  uint32_t *slot, char *msg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct dpa_proc *p = NULL;
	struct dpa_msg hello = { 0 };
	uint32_t idx;
	int elf_fd = -1, rc;

	for (idx = 0; idx < m->max_procs && p == NULL; idx++)
		if (!m->proc[idx].used)
			p = &m->proc[idx];
	if (p == NULL)
		return set_msg(msg, EBUSY, "all %u DPA process slots are in use", m->max_procs);
	idx = (uint32_t)(p - m->proc);
	memset(&p->cq, 0, sizeof(p->cq));
	memset(p->handler, 0, sizeof(p->handler));
	memset(p->window, 0, sizeof(p->window));
	memset(p->outbox, 0, sizeof(p->outbox));
	memset(p->wq, 0, sizeof(p->wq));
	p->dev_mkeys = 0;
	p->nblk = 0;
	p->nfuncs = 0;
	p->dead = false;
	p->gen++;
	p->ctl_fd = p->evt_fd = -1;
	p->slot = (struct xpdk_dpa_slot *)(m->bar2 + XPDK_DPA_SLOT_OFF +
					   (size_t)idx * XPDK_DPA_SLOT_SIZE);
	memset(p->slot, 0, XPDK_DPA_SLOT_SIZE);
	snprintf(p->app, sizeof(p->app), "%s", app);
	p->heap_fd = memfd_with("xpdk-dpa-heap", NULL, 0, DPA_CTL_SIZE + m->heap_size);
	elf_fd = memfd_with("xpdk-dpa-program", elf, len, len);
	if (p->heap_fd < 0 || elf_fd < 0) {
		rc = set_msg(msg, errno, "cannot create DPA memory: %s", strerror(errno));
		goto fail;
	}
	p->map = mmap(NULL, DPA_CTL_SIZE + m->heap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      p->heap_fd, 0);
	if (p->map == MAP_FAILED) {
		p->map = NULL;
		rc = set_msg(msg, errno, "cannot map DPA memory: %s", strerror(errno));
		goto fail;
	}
	p->ctl = (struct dpa_ctl *)p->map;
	p->heap = p->map + DPA_CTL_SIZE;
	rc = spawn(m, p, idx, elf_fd, msg);
	if (rc != 0)
		goto fail;
	p->used = true;
	rc = recv_msg(p->ctl_fd, &hello, DPA_CHILD_TIMEOUT_MS);
	if (rc == 0 && (hello.type != DPA_MSG_HELLO || hello.status != 0))
		rc = set_msg(msg, hello.status ? (int)hello.status : EPROTO, "%s", hello.text);
	else if (rc != 0)
		rc = set_msg(msg, rc, "the DPA process (%s) did not start: %s", m->child,
			     rc == EPIPE ? "it exited (see the server's log)" : strerror(rc));
	if (rc != 0) {
		xpdk_dpam_proc_destroy(m, p);
		close(elf_fd);
		return rc;
	}
	close(elf_fd);
	ev.data.u64 = idx | ((uint64_t)p->gen << 8);
	epoll_ctl(m->epfd, EPOLL_CTL_ADD, p->evt_fd, &ev);
	__atomic_store_n(&p->slot->state, XPDK_DPA_SLOT_RUNNING, __ATOMIC_RELEASE);
	*slot = idx;
	xpdk_devsim_log(m->dev, 2, "DPA process %u (%s) started: pid %d, %u EUs", idx, p->app,
			(int)p->pid, m->eus);
	return 0;
fail:
	if (elf_fd >= 0)
		close(elf_fd);
	if (p->map != NULL)
		munmap(p->map, DPA_CTL_SIZE + m->heap_size);
	p->map = NULL;
	proc_release(p);
	return rc;
}

void xpdk_dpam_proc_destroy(struct dpa_model *m, struct dpa_proc *p)
{
	struct dpa_msg bye = { .type = DPA_MSG_EXIT };

	if (!p->used)
		return;
	if (p->evt_fd >= 0)
		epoll_ctl(m->epfd, EPOLL_CTL_DEL, p->evt_fd, NULL);
	if (!p->dead) {
		/* ask nicely, then make sure */
		(void)send_msg(p->ctl_fd, &bye, -1);
		reap(p->pid, 500);
	}
	__atomic_store_n(&p->slot->state, XPDK_DPA_SLOT_FREE, __ATOMIC_RELEASE);
	wake_waiters(p->slot);
	if (p->map != NULL)
		munmap(p->map, DPA_CTL_SIZE + m->heap_size);
	p->map = NULL;
	proc_release(p);
	p->used = false;
	p->dead = false;
	xpdk_devsim_log(m->dev, 2, "DPA process %u (%s) destroyed", (unsigned int)(p - m->proc),
			p->app);
}
