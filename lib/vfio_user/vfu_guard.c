/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Access to a peer's memory that survives the peer truncating the file behind it. A client's
 * DMA memory is a file it shares with us (memfd, hugetlbfs); if it shrinks the file after
 * DMA_MAP, our next access there raises SIGBUS, which would kill the server with every device in
 * it. A guarded access runs with a per-thread recovery point: our SIGBUS handler jumps back to it
 * and the access fails with -EFAULT, as a device's DMA fails on an IOMMU fault. A SIGBUS outside a
 * guarded access goes to the handler that was there before us (or kills the process, as before).
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vfu_priv.h"

static struct sigaction prev_bus;
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool guard_ready;

/* This thread's recovery point while it runs a guarded access, else NULL. */
static __thread sigjmp_buf *volatile guard_jb;
static __thread void *volatile guard_fault;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = guard_jb;

	if (jb != NULL) {
		guard_jb = NULL;
		guard_fault = si->si_addr;
		siglongjmp(*jb, 1); /* SA_NODEFER: SIGBUS is not left blocked */
	}
	/* not ours: whatever would have happened without us */
	if ((prev_bus.sa_flags & SA_SIGINFO) && prev_bus.sa_sigaction != NULL) {
		prev_bus.sa_sigaction(sig, si, uc);
	} else if (prev_bus.sa_handler != SIG_DFL && prev_bus.sa_handler != SIG_IGN) {
		prev_bus.sa_handler(sig);
	} else {
		/* the default action: returning re-runs the faulting access, which now kills */
		signal(SIGBUS, SIG_DFL);
	}
}

int xpdk_vfu_guard_init(void)
{
	struct sigaction sa, cur;
	int rc = 0;

	/* (again) when someone installed a handler after us: ours goes first, theirs is chained */
	pthread_mutex_lock(&guard_lock);
	if (sigaction(SIGBUS, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == on_sigbus) {
		pthread_mutex_unlock(&guard_lock);
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &prev_bus) < 0)
		rc = xpdk_err(errno, "cannot install the SIGBUS guard: %s", strerror(errno));
	else
		atomic_store(&guard_ready, true);
	pthread_mutex_unlock(&guard_lock);
	return rc;
}

int xpdk_vfu_guarded(void (*fn)(void *arg), void *arg, void **fault)
{
	sigjmp_buf jb;

	if (!atomic_load(&guard_ready) && xpdk_vfu_guard_init() < 0)
		return -EFAULT; /* not safe to touch the memory */
	if (sigsetjmp(jb, 0) != 0) {
		if (fault != NULL)
			*fault = guard_fault;
		return -EFAULT;
	}
	guard_jb = &jb;
	fn(arg);
	guard_jb = NULL;
	return 0;
}

struct guarded_copy {
	void *dst;
	const void *src;
	size_t len;
};

static void copy_fn(void *arg)
{
	struct guarded_copy *c = arg;

	memcpy(c->dst, c->src, c->len);
}

int xpdk_vfu_guarded_copy(void *dst, const void *src, size_t len)
{
	struct guarded_copy c = { dst, src, len };

	return xpdk_vfu_guarded(copy_fn, &c, NULL);
}
