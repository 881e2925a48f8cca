/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Simulated device instances: BARs (trapped or shared memory), register access dispatch, the
 * device thread, and the lifecycle around the vfio-user server (server.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "devsim_priv.h"
#include "xpdk_vfio_user.h"

void *xpdk_devsim_priv(struct xpdk_devsim_dev *dev)
{
	return dev->priv;
}

struct xpdk_pci_cfg *xpdk_devsim_cfg(struct xpdk_devsim_dev *dev)
{
	return &dev->cfg;
}

const char *xpdk_devsim_name(const struct xpdk_devsim_dev *dev)
{
	return dev->name;
}

void xpdk_devsim_lock(struct xpdk_devsim_dev *dev)
{
	pthread_mutex_lock(&xpdk_devsim_root(dev)->lock);
}

void xpdk_devsim_unlock(struct xpdk_devsim_dev *dev)
{
	pthread_mutex_unlock(&xpdk_devsim_root(dev)->lock);
}

void xpdk_devsim_kick(struct xpdk_devsim_dev *dev)
{
	uint64_t one = 1;

	/* a full eventfd counter already means "wake up": nothing lost if this fails */
	(void)!write(xpdk_devsim_root(dev)->kick_fd, &one, sizeof(one));
}

int xpdk_devsim_bar(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t size, bool mem64)
{
	int rc = xpdk_pci_cfg_bar(&dev->cfg, bar, size, mem64, false);

	if (rc == 0)
		dev->bars[bar].size = size;
	return rc;
}

void *xpdk_devsim_bar_mem(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off, uint64_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct devsim_bar *b;
	struct devsim_mem_area *a;
	void *p;

	if (bar >= PCI_STD_NUM_BARS || dev->bars[bar].size == 0) {
		xpdk_err(EINVAL, "BAR %u is not declared", bar);
		return NULL;
	}
	b = &dev->bars[bar];
	if (len == 0 || off % (uint64_t)pg || len % (uint64_t)pg || off > b->size ||
	    len > b->size - off) {
		xpdk_err(EINVAL,
			 "memory area 0x%llx+0x%llx of BAR %u (size 0x%llx) is not "
			 "page-aligned inside the BAR",
			 (unsigned long long)off, (unsigned long long)len, bar,
			 (unsigned long long)b->size);
		return NULL;
	}
	for (unsigned int i = 0; i < b->nareas; i++) {
		if (off < b->areas[i].off + b->areas[i].len && b->areas[i].off < off + len) {
			xpdk_err(EINVAL, "memory areas of BAR %u overlap", bar);
			return NULL;
		}
	}
	if (b->nareas == DEVSIM_MAX_MEM_AREAS) {
		xpdk_err(ENOSPC, "BAR %u has too many memory areas", bar);
		return NULL;
	}
	if (b->memfd < 0) {
		/* one file per BAR, sized as the BAR: area i lives at its BAR offset. The client
		 * gets this fd to map: sealed so that it cannot shrink (nor grow) the file under
		 * our mappings and the other clients', which would be SIGBUS on the next access */
		b->memfd = memfd_create("xpdk-devsim-bar", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (b->memfd < 0 || ftruncate(b->memfd, (off_t)b->size) < 0 ||
		    fcntl(b->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
			xpdk_err(errno, "cannot create memory for BAR %u: %s", bar,
				 strerror(errno));
			return NULL;
		}
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->memfd, (off_t)off);
	if (p == MAP_FAILED) {
		xpdk_err(errno, "cannot map memory for BAR %u: %s", bar, strerror(errno));
		return NULL;
	}
	a = &b->areas[b->nareas++];
	a->off = off;
	a->len = len;
	a->ptr = p;
	return p;
}

int xpdk_devsim_bar_mem_fd(struct xpdk_devsim_dev *dev, unsigned int bar)
{
	if (bar >= PCI_STD_NUM_BARS || dev->bars[bar].memfd < 0)
		return xpdk_err(ENOENT, "BAR %u has no memory areas", bar);
	return dev->bars[bar].memfd;
}

/* Serve or remove one VF as the model last asked. Runs on the instance's server thread (or in
 * destroy), without the instance lock: closing a VF's server joins its thread, which may be
 * waiting for that lock. */
static void vf_apply_one(struct xpdk_devsim_dev *dev, struct xpdk_devsim_dev *vf)
{
	bool want;

	xpdk_devsim_lock(dev);
	want = vf->vf_want;
	xpdk_devsim_unlock(dev);
	if (want == vf->vf_served)
		return;
	if (!want) {
		xpdk_devsim_server_close(vf); /* drops its client, removes the socket */
		vf->vf_served = false;
		xpdk_devsim_log(vf, 2, "virtual function removed");
		return;
	}
	if (xpdk_devsim_server_open(vf) < 0 ||
	    (dev->sock_mode >= 0 || dev->sock_gid >= 0
		 ? xpdk_devsim_socket_access(vf, dev->sock_mode, dev->sock_gid)
		 : 0) < 0 ||
	    xpdk_devsim_server_start(vf) < 0) {
		xpdk_devsim_log(vf, 0, "cannot serve the virtual function on %s: %s",
				vf->socket_path, xpdk_strerror_last());
		xpdk_devsim_server_close(vf);
		return;
	}
	vf->vf_served = true;
	xpdk_devsim_log(vf, 2, "virtual function enabled on %s", vf->socket_path);
}

/* Apply the VF changes models asked for (xpdk_devsim_vf_enable), outside the instance lock. */
static void vf_apply(struct xpdk_devsim_dev *dev)
{
	while (atomic_load(&dev->vf_dirty)) {
		/* another caller applies; it looks at the flag again after unlocking */
		if (pthread_mutex_trylock(&dev->vf_lock) != 0)
			return;
		while (atomic_exchange(&dev->vf_dirty, false))
			for (unsigned int i = 0; i < dev->nfns; i++)
				if (dev->fns[i]->is_vf)
					vf_apply_one(dev, dev->fns[i]);
		pthread_mutex_unlock(&dev->vf_lock);
	}
}

void xpdk_devsim_vf_enable(struct xpdk_devsim_dev *vf, bool on)
{
	if (!vf->is_vf || vf->vf_want == on)
		return;
	vf->vf_want = on;
	atomic_store(&vf->parent->vf_dirty, true);
}

bool xpdk_devsim_is_vf(const struct xpdk_devsim_dev *dev)
{
	return dev->is_vf;
}

bool xpdk_devsim_connected(const struct xpdk_devsim_dev *dev)
{
	return dev->server != NULL && xpdk_vfu_server_connected(dev->server);
}

/* The memory area of @p b holding [off, off + len), or NULL when that range is trapped. */
static struct devsim_mem_area *find_area(struct devsim_bar *b, uint64_t off, size_t len)
{
	for (unsigned int i = 0; i < b->nareas; i++) {
		struct devsim_mem_area *a = &b->areas[i];

		if (off >= a->off && off - a->off + len <= a->len)
			return a;
	}
	return NULL;
}

/* Split a trapped access into naturally aligned 8/4/2/1-byte accesses, as kernel vfio-pci. */
static void trapped_access(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			   uint8_t *buf, size_t count, bool write)
{
	while (count > 0) {
		unsigned int size = 8;
		uint64_t val = 0;

		while (size > count || off % size)
			size /= 2;
		if (write) {
			memcpy(&val, buf, size);
			if (dev->model->mmio_write)
				dev->model->mmio_write(dev, bar, off, size, val);
		} else {
			val = dev->model->mmio_read ? dev->model->mmio_read(dev, bar, off, size)
						    : ~0ULL;
			memcpy(buf, &val, size); /* little endian: the low bytes */
		}
		off += size;
		buf += size;
		count -= size;
	}
}

int xpdk_devsim_region_access(struct xpdk_devsim_dev *dev, unsigned int index, uint64_t off,
			      void *buf, size_t count, bool write)
{
	struct devsim_bar *b;
	struct devsim_mem_area *a;
	pthread_mutex_t *lock = &xpdk_devsim_root(dev)->lock;
	int rc = 0;

	pthread_mutex_lock(lock);
	if (index == 7) {
		if (write && dev->model->cfg_write != NULL)
			rc = dev->model->cfg_write(dev, off, buf, count);
		else
			rc = write ? xpdk_pci_cfg_write(&dev->cfg, off, buf, count)
				   : xpdk_pci_cfg_read(&dev->cfg, off, buf, count);
		goto out;
	}
	if (index >= PCI_STD_NUM_BARS || dev->bars[index].size == 0) {
		rc = xpdk_err(EINVAL, "region %u does not exist", index);
		goto out;
	}
	b = &dev->bars[index];
	if (off > b->size || count > b->size - off) {
		rc = xpdk_err(EINVAL,
			      "access of %zu bytes at 0x%llx is past the end of BAR %u (0x%llx)",
			      count, (unsigned long long)off, index, (unsigned long long)b->size);
		goto out;
	}
	a = find_area(b, off, count);
	if (a != NULL) {
		/* a memory part reached through the slow path: same bytes as the mapping */
		if (write)
			memcpy((uint8_t *)a->ptr + (off - a->off), buf, count);
		else
			memcpy(buf, (uint8_t *)a->ptr + (off - a->off), count);
	} else {
		trapped_access(dev, index, off, buf, count, write);
	}
out:
	pthread_mutex_unlock(lock);
	/* VFs the access enabled or disabled get (or lose) their socket now, outside the lock;
	 * only the instance's own thread does it: a VF's thread would have to join itself */
	if (dev->parent == NULL && atomic_load(&dev->vf_dirty))
		vf_apply(dev);
	return rc;
}

void xpdk_devsim_reset(struct xpdk_devsim_dev *dev)
{
	xpdk_devsim_lock(dev);
	if (dev->model->reset)
		dev->model->reset(dev);
	xpdk_devsim_unlock(dev);
	xpdk_devsim_log(dev, 2, "device reset");
}

void xpdk_devsim_detach(struct xpdk_devsim_dev *dev)
{
	if (dev->model->detach)
		dev->model->detach(dev);
}

/*
 * The device thread: sleeps on the kick eventfd (no CPU when idle) and runs the model. Delays
 * are kept to the nanosecond (ppoll) and the thread's timer slack is cut to 1 us, so that a
 * model that naps for microseconds between polls (the f2 SDE) wakes when it asked to, not up
 * to a millisecond or the default 50 us slack later.
 */
static void *device_thread(void *arg)
{
	struct xpdk_devsim_dev *dev = arg;
	uint64_t deadline = UINT64_MAX;

	(void)prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	while (!atomic_load(&dev->stopping)) {
		struct pollfd pfd = { .fd = dev->kick_fd, .events = POLLIN };
		struct timespec ts = { 0, 0 }, *tmo = NULL;
		uint64_t t = xpdk_now_ns();

		if (deadline != UINT64_MAX) {
			uint64_t d = deadline <= t ? 0 : deadline - t;

			ts.tv_sec = (time_t)(d / 1000000000ull);
			ts.tv_nsec = (long)(d % 1000000000ull);
			tmo = &ts;
		}
		if (ppoll(&pfd, 1, tmo, NULL) > 0) {
			uint64_t n;

			(void)!read(dev->kick_fd, &n, sizeof(n));
		}
		if (atomic_load(&dev->stopping))
			break;
		if (dev->model->work) {
			uint64_t delay = dev->model->work(dev);

			deadline = delay == XPDK_DEVSIM_IDLE ? UINT64_MAX : xpdk_now_ns() + delay;
		}
	}
	return NULL;
}

struct xpdk_devsim_dev *xpdk_devsim_create(const char *model, const char *args, const char *name,
					   const char *socket_path, int fd)
{
	const struct xpdk_devsim_model *m = xpdk_devsim_model_find(model);
	struct xpdk_devsim_dev *dev;
	char *model_args = NULL;
	int rc;

	if (m == NULL)
		return NULL;
	if (socket_path == NULL && fd < 0) {
		xpdk_err(EINVAL, "a device needs a socket path or a connected socket");
		return NULL;
	}
	dev = calloc(1, sizeof(*dev));
	if (dev == NULL || (m->priv_size && (dev->priv = calloc(1, m->priv_size)) == NULL)) {
		free(dev);
		xpdk_err(ENOMEM, "out of memory creating device '%s'", name);
		return NULL;
	}
	dev->model = m;
	dev->conn_fd = fd;
	dev->kick_fd = -1;
	dev->fn_index = -1;
	dev->sock_mode = -1;
	dev->sock_gid = -1;
	pthread_mutex_init(&dev->vf_lock, NULL);
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS; i++)
		dev->bars[i].memfd = -1;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	if (socket_path != NULL)
		snprintf(dev->socket_path, sizeof(dev->socket_path), "%s", socket_path);
	pthread_mutex_init(&dev->lock, NULL);
	dev->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dev->kick_fd < 0) {
		xpdk_err(errno, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (m->multi_function && socket_path == NULL) {
		xpdk_err(EINVAL,
			 "model %s serves several functions, each on its own socket: it "
			 "cannot be served on --fd",
			 m->name);
		goto fail;
	}
	rc = xpdk_devsim_faults_parse(dev, args ? args : "", &model_args);
	if (rc == 0)
		rc = m->init(dev, model_args);
	free(model_args);
	if (rc < 0)
		goto fail;
	if (m->multi_function && dev->nfns == 0) {
		xpdk_err(EINVAL, "model %s added no function", m->name);
		goto fail;
	}
	for (unsigned int i = 0; i < dev->nfns; i++)
		if (!dev->fns[i]->is_vf && xpdk_devsim_server_open(dev->fns[i]) < 0)
			goto fail;
	if (!m->multi_function && xpdk_devsim_server_open(dev) < 0)
		goto fail;
	return dev;
fail:
	xpdk_devsim_destroy(dev);
	return NULL;
}

int xpdk_devsim_start(struct xpdk_devsim_dev *dev)
{
	int rc = pthread_create(&dev->dev_thread, NULL, device_thread, dev);

	if (rc != 0)
		return xpdk_err(rc, "cannot start the device thread: %s", strerror(rc));
	dev->dev_thread_started = true;
	for (unsigned int i = 0; i < dev->nfns; i++) {
		if (dev->fns[i]->is_vf)
			continue; /* served once the model enables it */
		rc = xpdk_devsim_server_start(dev->fns[i]);
		if (rc < 0)
			return rc;
	}
	return dev->model->multi_function ? 0 : xpdk_devsim_server_start(dev);
}

bool xpdk_devsim_finished(const struct xpdk_devsim_dev *dev)
{
	return atomic_load(&dev->finished);
}

/* A new function of instance @p dev (checked by the callers for its kind). */
static struct xpdk_devsim_dev *function_new(struct xpdk_devsim_dev *dev, const char *fn_name)
{
	struct xpdk_devsim_dev *fn;
	size_t len = strlen(fn_name), base;

	if (len == 0 || len > 15 ||
	    strspn(fn_name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
			    "rstuvwxyz0123456789._") != len) {
		xpdk_err(EINVAL, "%s: function name '%s' is not 1 to 15 of [A-Za-z0-9._]",
			 dev->name, fn_name);
		return NULL;
	}
	if (dev->nfns == XPDK_DEVSIM_MAX_FUNCTIONS) {
		xpdk_err(ENOSPC, "%s: more than %d functions", dev->name,
			 XPDK_DEVSIM_MAX_FUNCTIONS);
		return NULL;
	}
	base = strlen(dev->socket_path);
	if (base >= 5 && strcmp(dev->socket_path + base - 5, ".sock") == 0)
		base -= 5;
	if (base + len + 7 > sizeof(dev->socket_path)) {
		xpdk_err(ENAMETOOLONG, "%s: socket path of function %s is too long", dev->name,
			 fn_name);
		return NULL;
	}
	fn = calloc(1, sizeof(*fn));
	if (fn == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	fn->model = dev->model;
	fn->parent = dev;
	fn->fn_index = (int)dev->nfns;
	fn->priv = dev->priv;
	fn->conn_fd = -1;
	fn->kick_fd = -1;
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS; i++)
		fn->bars[i].memfd = -1;
	/* the instance name is cut if need be: the name is for messages only */
	snprintf(fn->name, sizeof(fn->name), "%.47s-%s", dev->name, fn_name);
	snprintf(fn->socket_path, sizeof(fn->socket_path), "%.*s-%s.sock", (int)base,
		 dev->socket_path, fn_name);
	fn->sock_mode = -1;
	fn->sock_gid = -1;
	dev->fns[dev->nfns++] = fn;
	return fn;
}

struct xpdk_devsim_dev *xpdk_devsim_function_add(struct xpdk_devsim_dev *dev, const char *fn_name)
{
	if (dev->parent != NULL || !dev->model->multi_function) {
		xpdk_err(EINVAL, "%s: only a multi-function model's instance has functions",
			 dev->name);
		return NULL;
	}
	return function_new(dev, fn_name);
}

struct xpdk_devsim_dev *xpdk_devsim_vf_add(struct xpdk_devsim_dev *dev, const char *fn_name)
{
	struct xpdk_devsim_dev *vf;

	if (dev->parent != NULL || dev->model->multi_function) {
		xpdk_err(EINVAL,
			 "%s: only a single-function model's instance has virtual functions",
			 dev->name);
		return NULL;
	}
	if (dev->socket_path[0] == '\0') {
		xpdk_err(EINVAL,
			 "%s: served on a connected fd, it has no socket path to name its virtual "
			 "functions' sockets after",
			 dev->name);
		return NULL;
	}
	vf = function_new(dev, fn_name);
	if (vf != NULL)
		vf->is_vf = true;
	return vf;
}

int xpdk_devsim_function_index(const struct xpdk_devsim_dev *fn)
{
	return fn->fn_index;
}

unsigned int xpdk_devsim_function_count(const struct xpdk_devsim_dev *dev)
{
	return dev->nfns;
}

struct xpdk_devsim_dev *xpdk_devsim_function(struct xpdk_devsim_dev *dev, unsigned int index)
{
	return index < dev->nfns ? dev->fns[index] : NULL;
}

const char *xpdk_devsim_socket_path(const struct xpdk_devsim_dev *dev)
{
	return dev->socket_path;
}

void xpdk_devsim_unplug(struct xpdk_devsim_dev *dev)
{
	if (dev->server != NULL)
		xpdk_vfu_server_disconnect(dev->server);
}

/* Close a function's server and free what it owns (not the shared model state). */
static void function_destroy(struct xpdk_devsim_dev *fn)
{
	xpdk_devsim_server_close(fn);
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS; i++) {
		struct devsim_bar *b = &fn->bars[i];

		for (unsigned int j = 0; j < b->nareas; j++)
			munmap(b->areas[j].ptr, b->areas[j].len);
		if (b->memfd >= 0)
			close(b->memfd);
	}
	free(fn);
}

void xpdk_devsim_destroy(struct xpdk_devsim_dev *dev)
{
	if (dev == NULL)
		return;
	atomic_store(&dev->stopping, true);
	xpdk_devsim_server_close(dev); /* joins the server thread, removes the socket */
	for (unsigned int i = 0; i < dev->nfns; i++)
		xpdk_devsim_server_close(dev->fns[i]);
	if (dev->dev_thread_started) {
		xpdk_devsim_kick(dev);
		pthread_join(dev->dev_thread, NULL);
	}
	if (dev->model->fini)
		dev->model->fini(dev);
	for (unsigned int i = 0; i < dev->nfns; i++)
		function_destroy(dev->fns[i]);
	xpdk_devsim_faults_free(dev);
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS; i++) {
		struct devsim_bar *b = &dev->bars[i];

		for (unsigned int j = 0; j < b->nareas; j++)
			munmap(b->areas[j].ptr, b->areas[j].len);
		if (b->memfd >= 0)
			close(b->memfd);
	}
	if (dev->kick_fd >= 0)
		close(dev->kick_fd);
	pthread_mutex_destroy(&dev->lock);
	pthread_mutex_destroy(&dev->vf_lock);
	free(dev->priv);
	free(dev);
}

int xpdk_devsim_set_pci_id(struct xpdk_devsim_dev *dev, const char *ids)
{
	unsigned int vid, did;
	int end = 0;

	if (dev->model->multi_function)
		return xpdk_err(EINVAL, "%s: model %s sets its functions' IDs itself", dev->name,
				dev->model->name);

	if (sscanf(ids, "%4x:%4x%n", &vid, &did, &end) != 2 || ids[end] != '\0' || strlen(ids) != 9)
		return xpdk_err(EINVAL, "%s: PCI ID '%s' is not VID:DID in hex (e.g. 8086:0b30)",
				dev->name, ids);
	dev->cfg.data[0] = (uint8_t)vid;
	dev->cfg.data[1] = (uint8_t)(vid >> 8);
	dev->cfg.data[2] = (uint8_t)did;
	dev->cfg.data[3] = (uint8_t)(did >> 8);
	if (dev->model->ids_changed != NULL)
		dev->model->ids_changed(dev);
	return 0;
}
