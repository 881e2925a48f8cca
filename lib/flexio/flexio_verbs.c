/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * FlexIO on a verbs device (doc/dpa.md, "A verbs device's context"): a program that opens a
 * real verbs device (Soft-RoCE in the vm tier) with ibv_open_device() gets its processes on the
 * emulated DPA that $XPDK_DPA_DEVICE names, bound to that context when its first process is
 * created. The memory a window reaches is the program's own ibv_reg_mr() MRs: <libflexio/flexio.h>
 * turns ibv_reg_mr/ibv_dereg_mr into the two calls below, which register with libibverbs as
 * before and keep a list of the MRs (address, length, lkey, access); every MR of a bound
 * context is registered on the emulated DPA as memory key "lkey", so device code that
 * configures a window with mr->lkey reaches exactly [mr->addr, + mr->length). The DPA is
 * another process and reaches only memory the program shares with it, i.e. XPDK's DMA memory
 * (xpdk_dma_alloc): an MR elsewhere stays a verbs MR that no window reaches, with a warning.
 */

#define XPDK_FLEXIO_NO_VERBS_HOOK /* here ibv_reg_mr and ibv_dereg_mr are libibverbs' */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flexio_priv.h"

/* An MR of a verbs device. */
struct vmr {
	struct vmr *next;
	struct ibv_mr *mr;
	struct ibv_context *ibv;
	uint64_t addr, len;
	uint32_t lkey;
	int access;
	uint64_t pd_tag;
	struct xpdk_flexio_ctx *dev; /* the emulated DPA it is registered on, or NULL */
	uint32_t id;		     /* its memory key id there */
};

/* A verbs context bound to an emulated DPA. */
struct binding {
	struct binding *next;
	struct ibv_context *ibv;
	struct xpdk_flexio_ctx *dev;
	int procs;
};

static pthread_mutex_t verbs_lock = PTHREAD_MUTEX_INITIALIZER; /* the two lists */
static struct vmr *mrs;
static struct binding *bindings;

static struct binding *binding_find(const struct ibv_context *ibv)
{
	struct binding *b;

	for (b = bindings; b != NULL && b->ibv != ibv; b = b->next)
		;
	return b;
}

/* Walk state: [addr, end) in DMA memory of one IOVA-contiguous run. */
struct iova_find {
	uint64_t addr, end;
	uint64_t iova;	  /* of addr */
	uint64_t covered; /* the run reaches this far (0: addr not found yet) */
};

static int iova_find_cb(const struct xpdk_env_mem_extent *ext, void *arg)
{
	struct iova_find *f = arg;
	uint64_t va = (uint64_t)(uintptr_t)ext->va;

	if (ext->iova == XPDK_ENV_BAD_IOVA || ext->fd < 0)
		return 0;
	if (f->covered == 0 && f->addr >= va && f->addr - va < ext->len) {
		f->iova = ext->iova + (f->addr - va);
		f->covered = va + ext->len;
	} else if (f->covered != 0 && va == f->covered && ext->iova == f->iova + (va - f->addr)) {
		f->covered = va + ext->len;
	}
	return f->covered >= f->end ? 1 : 0;
}

/* The IOVA of [addr, + len) when it is XPDK DMA memory; -EFAULT with a sentence otherwise. */
static int dma_iova(uint64_t addr, uint64_t len, uint32_t lkey, uint64_t *iova)
{
	struct iova_find f = { .addr = addr, .end = addr + len };

	if (len == 0 || f.end < addr || !xpdk_env_ready() ||
	    xpdk_env_mem_walk(iova_find_cb, &f) != 1)
		return xpdk_err(
		    EFAULT,
		    "the memory of MR 0x%x (0x%llx, %llu bytes) is not XPDK DMA memory: "
		    "the emulated DPA reaches only memory from xpdk_dma_alloc()",
		    lkey, (unsigned long long)addr, (unsigned long long)len);
	*iova = f.iova;
	return 0;
}

/* Register @p m on @p dev as key m->lkey (verbs_lock held). */
static int vmr_push(struct vmr *m, struct xpdk_flexio_ctx *dev)
{
	uint64_t iova = 0;
	int rc = dma_iova(m->addr, m->len, m->lkey, &iova);

	if (rc == 0)
		rc = xpdk_flexio_mkey_reg(dev, iova, m->len, m->addr, m->access,
					  XPDK_DPA_MKEY_NAMED | m->lkey, m->pd_tag, &m->id);
	if (rc < 0) {
		XPDK_LOG(WARNING, dev, "flexio: no window reaches MR 0x%x: %s", m->lkey,
			 xpdk_strerror_last());
		return rc;
	}
	m->dev = dev;
	return 0;
}

static void vmr_pull(struct vmr *m)
{
	if (m->dev != NULL)
		(void)xpdk_flexio_mkey_dereg(m->dev, m->id);
	m->dev = NULL;
}

/* Is @p ibv a context of ibv_open_device(), i.e. is its device one libibverbs lists? */
static bool verbs_context(const struct ibv_context *ibv)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	bool found = false;

	for (int i = 0; list != NULL && list[i] != NULL && !found; i++)
		found = list[i] == ibv->device;
	if (list != NULL)
		ibv_free_device_list(list);
	return found;
}

struct xpdk_flexio_ctx *xpdk_flexio_verbs_bind(struct ibv_context *ibv)
{
	struct binding *b;
	const char *name;
	struct ibv_context *dev;

	pthread_mutex_lock(&verbs_lock);
	b = binding_find(ibv);
	if (b != NULL) {
		b->procs++;
		pthread_mutex_unlock(&verbs_lock);
		return b->dev;
	}
	if (!verbs_context(ibv)) {
		xpdk_err(ENODEV, "flexio_process_create: the ibv_context is neither an emulated "
				 "DPA's (xpdk_flexio_open) nor a verbs device's (ibv_open_device)");
		goto fail;
	}
	name = getenv("XPDK_DPA_DEVICE");
	if (name == NULL || name[0] == '\0') {
		xpdk_err(ENODEV,
			 "flexio_process_create: %s is a verbs device with no DPA: set "
			 "XPDK_DPA_DEVICE to the emulated DPA to run its processes on "
			 "(vfio-user:PATH, doc/dpa.md)",
			 ibv_get_device_name(ibv->device));
		goto fail;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		goto fail;
	}
	dev = xpdk_flexio_open(name);
	if (dev == NULL) {
		free(b);
		goto fail;
	}
	b->ibv = ibv;
	b->dev = xpdk_flexio_ctx_find(dev);
	b->procs = 1;
	b->next = bindings;
	bindings = b;
	/* the MRs registered before: now windows reach them */
	for (struct vmr *m = mrs; m != NULL; m = m->next)
		if (m->ibv == ibv)
			(void)vmr_push(m, b->dev);
	pthread_mutex_unlock(&verbs_lock);
	return b->dev;
fail:
	pthread_mutex_unlock(&verbs_lock);
	return NULL;
}

void xpdk_flexio_verbs_unbind(struct ibv_context *ibv)
{
	struct binding **pp, *b;

	pthread_mutex_lock(&verbs_lock);
	for (pp = &bindings; *pp != NULL && (*pp)->ibv != ibv; pp = &(*pp)->next)
		;
	b = *pp;
	if (b != NULL && --b->procs == 0) {
		for (struct vmr *m = mrs; m != NULL; m = m->next)
			if (m->dev == b->dev)
				vmr_pull(m);
		*pp = b->next;
		(void)xpdk_flexio_close((struct ibv_context *)(void *)b->dev);
		free(b);
	}
	pthread_mutex_unlock(&verbs_lock);
}

/* ibv_reg_mr on an emulated process's PD (flexio_process_get_pd of an xpdk_flexio_open
 * context): as xpdk_flexio_reg_mr, for DMA memory named by its address. */
static struct ibv_mr *emulated_reg_mr(struct xpdk_flexio_ctx *c, struct ibv_pd *pd, void *addr,
				      size_t length, int access)
{
	struct ibv_mr *mr;
	uint64_t iova = 0;
	uint32_t id;

	if (dma_iova((uint64_t)(uintptr_t)addr, length, 0, &iova) < 0) {
		errno = EFAULT;
		return NULL;
	}
	mr = calloc(1, sizeof(*mr));
	if (mr == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	if (xpdk_flexio_mkey_reg(c, iova, length, (uint64_t)(uintptr_t)addr, access, 0, 0, &id) <
	    0) {
		free(mr);
		errno = EINVAL;
		return NULL;
	}
	mr->context = pd->context;
	mr->pd = pd;
	mr->addr = addr;
	mr->length = length;
	mr->handle = id;
	mr->lkey = mr->rkey = id;
	return mr;
}

struct ibv_mr *xpdk_flexio_ibv_reg_mr(struct ibv_pd *pd, void *addr, size_t length, int access)
{
	struct xpdk_flexio_ctx *c;
	struct binding *b;
	struct ibv_mr *mr;
	struct vmr *m;

	if (pd == NULL || pd->context == NULL) {
		xpdk_err(EINVAL, "ibv_reg_mr: no PD");
		errno = EINVAL;
		return NULL;
	}
	c = xpdk_flexio_ctx_find(pd->context);
	if (c != NULL)
		return emulated_reg_mr(c, pd, addr, length, access);
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	mr = ibv_reg_mr(pd, addr, length, access);
	if (mr == NULL) {
		int err = errno;

		free(m);
		errno = err;
		return NULL;
	}
	m->mr = mr;
	m->ibv = pd->context;
	m->addr = (uint64_t)(uintptr_t)mr->addr;
	m->len = mr->length;
	m->lkey = mr->lkey;
	m->access = access;
	m->pd_tag = xpdk_flexio_pd_tag(pd);
	pthread_mutex_lock(&verbs_lock);
	m->next = mrs;
	mrs = m;
	b = binding_find(m->ibv);
	if (b != NULL)
		(void)vmr_push(m, b->dev);
	pthread_mutex_unlock(&verbs_lock);
	return mr;
}

int xpdk_flexio_ibv_dereg_mr(struct ibv_mr *mr)
{
	struct vmr **pp, *m;

	if (mr == NULL)
		return EINVAL;
	if (xpdk_flexio_ctx_find(mr->context) != NULL)
		return -xpdk_flexio_dereg_mr(mr);
	pthread_mutex_lock(&verbs_lock);
	for (pp = &mrs; *pp != NULL && (*pp)->mr != mr; pp = &(*pp)->next)
		;
	m = *pp;
	if (m != NULL) {
		vmr_pull(m);
		*pp = m->next;
		free(m);
	}
	pthread_mutex_unlock(&verbs_lock);
	return ibv_dereg_mr(mr);
}
