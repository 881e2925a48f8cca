/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Private to lib/devsim: the instance object shared by its source files. */

#ifndef XPDK_DEVSIM_PRIV_H
#define XPDK_DEVSIM_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include "xpdk_devsim.h"
#include "xpdk_vfio_user.h"

#define DEVSIM_MAX_MEM_AREAS 4

/* A part of a BAR backed by shared memory the client maps. */
struct devsim_mem_area {
	uint64_t off; /* within the BAR */
	uint64_t len;
	void *ptr; /* our mapping */
};

struct devsim_bar {
	uint64_t size; /* 0: absent */
	int memfd;     /* backs the memory areas; -1 when there are none */
	unsigned int nareas;
	struct devsim_mem_area areas[DEVSIM_MAX_MEM_AREAS];
};

struct xpdk_devsim_dev {
	const struct xpdk_devsim_model *model;
	char name[64];
	char socket_path[512];
	int conn_fd; /* --fd mode: the connected socket, else -1 */
	struct xpdk_pci_cfg cfg;
	struct devsim_bar bars[PCI_STD_NUM_BARS];
	pthread_mutex_t lock;

	/* device thread */
	pthread_t dev_thread;
	bool dev_thread_started;
	int kick_fd; /* eventfd: wakes the device thread */
	atomic_bool stopping;

	/* server side, see server.c */
	struct xpdk_vfu_server *server;
	pthread_t srv_thread;
	bool srv_thread_started;
	atomic_bool finished;

	void *priv; /* model state; a function's points to its instance's */

	/* several functions of one device (xpdk_devsim_function_add) */
	struct xpdk_devsim_dev *parent; /* a function's instance; NULL for an instance */
	int fn_index;			/* -1 for an instance */
	unsigned int nfns;
	struct xpdk_devsim_dev *fns[XPDK_DEVSIM_MAX_FUNCTIONS];
	struct devsim_faults *faults; /* framework fault injection (devsim_faults.c), NULL: none */
	/* SR-IOV virtual functions (xpdk_devsim_vf_add): served only while enabled */
	bool is_vf;
	bool vf_want;		 /* the model's wish, under the lock */
	bool vf_served;		 /* its server runs (changed by devsim_vf_apply only) */
	int sock_mode;		 /* xpdk_devsim_socket_access() for sockets made later; -1 none */
	long sock_gid;		 /* likewise */
	atomic_bool vf_dirty;	 /* the instance: some VF's wish differs from what is served */
	pthread_mutex_t vf_lock; /* the instance: one thread applies VF changes at a time */
};

/* The instance owning @p dev's lock, device thread and model state. */
static inline struct xpdk_devsim_dev *xpdk_devsim_root(struct xpdk_devsim_dev *dev)
{
	return dev->parent ? dev->parent : dev;
}

#endif /* XPDK_DEVSIM_PRIV_H */

/* dev.c, for server.c: a client's REGION_READ/WRITE of @p count bytes at @p off of region
 * @p index (BARs 0-5, config space 7). Returns 0 or a negative errno (out of range: -EINVAL). */
int xpdk_devsim_region_access(struct xpdk_devsim_dev *dev, unsigned int index, uint64_t off,
			      void *buf, size_t count, bool write);
/* dev.c, for server.c: device reset and client-gone notifications. */
void xpdk_devsim_reset(struct xpdk_devsim_dev *dev);
void xpdk_devsim_detach(struct xpdk_devsim_dev *dev);

/* faults.c: take the framework's faults out of the model arguments @p args (the rest, for the
 * model, in *@p model_args, to free); the server's fault hook; the device's DMA fault check. */
int xpdk_devsim_faults_parse(struct xpdk_devsim_dev *dev, const char *args, char **model_args);
void xpdk_devsim_faults_free(struct xpdk_devsim_dev *dev);
void xpdk_devsim_faults_decide(void *arg, const struct xpdk_vfu_hdr *cmd, uint64_t nreq,
			       uint64_t elapsed_ms, struct xpdk_vfu_fault *out);
int xpdk_devsim_faults_dma(struct xpdk_devsim_dev *dev);

/* server.c, for dev.c */
int xpdk_devsim_server_open(struct xpdk_devsim_dev *dev);
int xpdk_devsim_server_start(struct xpdk_devsim_dev *dev);
void xpdk_devsim_server_close(struct xpdk_devsim_dev *dev);
