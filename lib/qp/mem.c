/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Protection domains and memory regions.
 *
 * XPDK's DMA memory (EAL hugepages, where xpdk_dma_alloc() buffers live) is registered the way
 * DPDK's mlx5 driver does it: one memory region per contiguous chunk of EAL memory, registered
 * once, and the key of a buffer found by its address. The PD holds an immutable table of the
 * chunks, sorted by address, behind an atomic pointer: lookups are lock-free; a miss takes the
 * lock, walks EAL memory (lib/env) for chunks not registered yet, registers them and publishes a
 * new table. Old tables stay allocated until the PD is freed, so a reader never sees freed
 * memory.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qp_priv.h"
#include "xpdk_common.h"
#include "xpdk_env.h"

struct xpdk_pd *xpdk_pd_alloc(struct xpdk_rdma *dev)
{
	struct xpdk_pd *pd;

	if (dev == NULL) {
		xpdk_err(EINVAL, "xpdk_pd_alloc: no device");
		return NULL;
	}
	pd = calloc(1, sizeof(*pd));
	if (pd == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	pd->dev = dev;
	pd->pd = ibv_alloc_pd(dev->ctx);
	if (pd->pd == NULL) {
		xpdk_err(errno ? errno : ENOMEM, "%s: ibv_alloc_pd: %s", dev->name,
			 strerror(errno ? errno : ENOMEM));
		free(pd);
		return NULL;
	}
	pthread_mutex_init(&pd->dma_lock, NULL);
	atomic_init(&pd->dma, NULL);
	atomic_init(&pd->users, 0);
	return pd;
}

int xpdk_pd_free(struct xpdk_pd *pd)
{
	struct dma_table *t, *prev;
	int rc;

	if (pd == NULL)
		return 0;
	if (atomic_load(&pd->users) > 0)
		return xpdk_err(EBUSY, "the PD still has %d MRs, QPs or AHs; destroy them first",
				atomic_load(&pd->users));
	t = atomic_load(&pd->dma);
	if (t != NULL)
		for (unsigned int i = 0; i < t->n; i++)
			ibv_dereg_mr(t->mr[i].mr);
	for (; t != NULL; t = prev) {
		prev = t->prev;
		free(t);
	}
	/* the DMA registrations are gone whether or not the PD goes: a failed free leaves a PD
	 * without them (a later call registers again), never pointers to freed tables */
	atomic_store(&pd->dma, NULL);
	rc = ibv_dealloc_pd(pd->pd);
	if (rc)
		return xpdk_err(rc, "ibv_dealloc_pd: %s", strerror(rc));
	pthread_mutex_destroy(&pd->dma_lock);
	free(pd);
	return 0;
}

/* ---- DMA memory ---- */

static const struct dma_mr *table_find(const struct dma_table *t, uintptr_t a, uintptr_t end)
{
	unsigned int lo = 0, hi;

	if (t == NULL || t->n == 0)
		return NULL;
	/* last entry with start <= a; entries may overlap (a chunk that grew is registered again
	 * whole), so look back from there */
	hi = t->n;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (t->mr[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (unsigned int i = lo; i-- > 0;)
		if (t->mr[i].start <= a && end <= t->mr[i].end)
			return &t->mr[i];
	return NULL;
}

struct walk_ctx {
	struct xpdk_pd *pd;
	const struct dma_table *old;
	struct dma_mr *add;
	unsigned int nadd, cap;
	int err;
};

static int walk_chunk(void *va, size_t len, uint64_t iova, void *arg)
{
	struct walk_ctx *w = arg;
	uintptr_t s = (uintptr_t)va;
	struct ibv_mr *mr;

	(void)iova;
	if (table_find(w->old, s, s + len) != NULL)
		return 0;
	if (w->nadd == w->cap) {
		unsigned int cap = w->cap ? w->cap * 2 : 8;
		struct dma_mr *n = realloc(w->add, cap * sizeof(*n));

		if (n == NULL)
			return xpdk_err(ENOMEM, "out of memory");
		w->add = n;
		w->cap = cap;
	}
	mr = ibv_reg_mr(w->pd->pd, va, len, w->pd->dma_access);
	if (mr == NULL) {
		int e = errno ? errno : ENOMEM;

		return xpdk_err(e, "%s: cannot register %zu bytes of DMA memory at %p: %s%s",
				w->pd->dev->name, len, va, strerror(e),
				e == ENOMEM || e == EPERM
				    ? " (raise the locked-memory limit: ulimit -l unlimited)"
				    : "");
	}
	w->add[w->nadd].start = s;
	w->add[w->nadd].end = s + len;
	w->add[w->nadd].mr = mr;
	w->nadd++;
	return 0;
}

static int cmp_mr(const void *a, const void *b)
{
	const struct dma_mr *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* Register chunks not covered yet; publishes a new table. Called with dma_lock held. */
static int dma_refresh(struct xpdk_pd *pd)
{
	struct walk_ctx w = { .pd = pd, .old = atomic_load(&pd->dma) };
	struct dma_table *t;
	unsigned int nold = w.old ? w.old->n : 0;
	int rc;

	rc = xpdk_env_mem_contig_walk(walk_chunk, &w);
	if (rc < 0 || w.nadd == 0) {
		for (unsigned int i = 0; i < w.nadd; i++)
			ibv_dereg_mr(w.add[i].mr);
		free(w.add);
		return rc < 0 ? rc : (int)nold;
	}
	t = malloc(sizeof(*t) + (nold + w.nadd) * sizeof(t->mr[0]));
	if (t == NULL) {
		for (unsigned int i = 0; i < w.nadd; i++)
			ibv_dereg_mr(w.add[i].mr);
		free(w.add);
		return xpdk_err(ENOMEM, "out of memory");
	}
	t->n = nold + w.nadd;
	t->prev = (struct dma_table *)w.old;
	if (nold)
		memcpy(t->mr, w.old->mr, nold * sizeof(t->mr[0]));
	memcpy(t->mr + nold, w.add, w.nadd * sizeof(t->mr[0]));
	qsort(t->mr, t->n, sizeof(t->mr[0]), cmp_mr);
	free(w.add);
	atomic_store_explicit(&pd->dma, t, memory_order_release);
	return (int)t->n;
}

int xpdk_pd_dma_register(struct xpdk_pd *pd, int access)
{
	int rc;

	if (pd == NULL)
		return xpdk_err(EINVAL, "xpdk_pd_dma_register: no PD");
	if (access == 0)
		access = XPDK_MR_ACCESS_DEFAULT;
	pthread_mutex_lock(&pd->dma_lock);
	if (pd->dma_access != 0 && pd->dma_access != access) {
		pthread_mutex_unlock(&pd->dma_lock);
		return xpdk_err(EINVAL,
				"the PD's DMA memory is registered with access 0x%x already, "
				"not 0x%x",
				pd->dma_access, access);
	}
	pd->dma_access = access;
	rc = dma_refresh(pd);
	pthread_mutex_unlock(&pd->dma_lock);
	return rc;
}

int xpdk_pd_dma_key(struct xpdk_pd *pd, const void *addr, size_t len, uint32_t *lkey,
		    uint32_t *rkey)
{
	uintptr_t a = (uintptr_t)addr, end = a + (len ? len : 1);
	const struct dma_mr *m;

	if (pd == NULL || addr == NULL)
		return xpdk_err(EINVAL, "xpdk_pd_dma_key: NULL argument");
	m = table_find(atomic_load_explicit(&pd->dma, memory_order_acquire), a, end);
	if (m == NULL) {
		int rc;

		pthread_mutex_lock(&pd->dma_lock);
		if (pd->dma_access == 0)
			pd->dma_access = XPDK_MR_ACCESS_DEFAULT;
		m = table_find(atomic_load(&pd->dma), a, end);
		rc = m ? 0 : dma_refresh(pd);
		if (m == NULL && rc >= 0)
			m = table_find(atomic_load(&pd->dma), a, end);
		pthread_mutex_unlock(&pd->dma_lock);
		if (rc < 0)
			return rc;
		if (m == NULL)
			return xpdk_err(ENOENT,
					"%zu bytes at %p are not in XPDK's DMA memory (EAL "
					"hugepages); register them with xpdk_mr_reg()",
					len, addr);
	}
	if (lkey)
		*lkey = m->mr->lkey;
	if (rkey)
		*rkey = m->mr->rkey;
	return 0;
}

/* ---- user memory ---- */

struct xpdk_mr *xpdk_mr_reg(struct xpdk_pd *pd, void *addr, size_t len, int access)
{
	struct xpdk_mr *mr;

	if (pd == NULL || addr == NULL || len == 0) {
		xpdk_err(EINVAL, "xpdk_mr_reg: %s", pd == NULL ? "no PD" : "empty buffer");
		return NULL;
	}
	mr = calloc(1, sizeof(*mr));
	if (mr == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	mr->mr = ibv_reg_mr(pd->pd, addr, len, access);
	if (mr->mr == NULL) {
		int e = errno ? errno : ENOMEM;

		xpdk_err(e, "%s: cannot register %zu bytes at %p: %s%s", pd->dev->name, len, addr,
			 strerror(e),
			 e == ENOMEM || e == EPERM
			     ? " (raise the locked-memory limit: ulimit -l unlimited)"
			     : "");
		free(mr);
		return NULL;
	}
	mr->pd = pd;
	atomic_fetch_add(&pd->users, 1);
	return mr;
}

int xpdk_mr_dereg(struct xpdk_mr *mr)
{
	int rc;

	if (mr == NULL)
		return 0;
	rc = ibv_dereg_mr(mr->mr);
	if (rc)
		return xpdk_err(rc, "ibv_dereg_mr: %s", strerror(rc));
	atomic_fetch_sub(&mr->pd->users, 1);
	free(mr);
	return 0;
}

uint32_t xpdk_mr_lkey(const struct xpdk_mr *mr)
{
	return mr->mr->lkey;
}

uint32_t xpdk_mr_rkey(const struct xpdk_mr *mr)
{
	return mr->mr->rkey;
}

void *xpdk_mr_addr(const struct xpdk_mr *mr)
{
	return mr->mr->addr;
}

size_t xpdk_mr_len(const struct xpdk_mr *mr)
{
	return mr->mr->length;
}
