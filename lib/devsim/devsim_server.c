/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * An instance served over vfio-user: its description for lib/vfio_user's server core (BARs,
 * config space, IRQs), the server thread, and the DMA and interrupt helpers models call.
 */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devsim_priv.h"
#include "xpdk_vfio_user.h"

static int on_region_access(void *arg, unsigned int index, uint64_t off, void *buf, size_t count,
			    bool write)
{
	return xpdk_devsim_region_access(arg, index, off, buf, count, write);
}

static void on_reset(void *arg)
{
	xpdk_devsim_reset(arg);
}

static void on_attach(void *arg)
{
	xpdk_devsim_log(arg, 2, "client connected");
}

static void on_detach(void *arg)
{
	xpdk_devsim_detach(arg);
	xpdk_devsim_log(arg, 2,
			"client left; its DMA maps and interrupts are dropped, the device "
			"keeps its state");
}

static void describe(struct xpdk_devsim_dev *dev, struct xpdk_vfu_device_desc *d)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	memset(d, 0, sizeof(*d));
	d->num_regions = VFIO_PCI_NUM_REGIONS;
	d->num_irqs = VFIO_PCI_NUM_IRQS;
	for (unsigned int i = 0; i < XPDK_VFU_MAX_REGIONS; i++)
		d->regions[i].fd = -1;
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS; i++) {
		const struct devsim_bar *b = &dev->bars[i];
		struct xpdk_vfu_region_desc *r = &d->regions[i];

		if (b->size == 0)
			continue;
		r->size = b->size;
		r->flags = rw;
		r->fd = b->memfd;
		r->nareas = b->nareas;
		for (unsigned int j = 0; j < b->nareas; j++) {
			r->areas[j].offset = b->areas[j].off;
			r->areas[j].size = b->areas[j].len;
		}
	}
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].size = dev->cfg.size;
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].flags = rw;
	d->irq_count[VFIO_PCI_INTX_IRQ_INDEX] = dev->cfg.data[PCI_INTERRUPT_PIN] ? 1 : 0;
	if (dev->cfg.msi_cap) {
		uint16_t ctl = xpdk_pci_cfg_get16(&dev->cfg, dev->cfg.msi_cap + PCI_MSI_FLAGS);

		d->irq_count[VFIO_PCI_MSI_IRQ_INDEX] = 1u << ((ctl >> 1) & 7);
	}
	if (dev->cfg.msix_cap)
		d->irq_count[VFIO_PCI_MSIX_IRQ_INDEX] =
		    (xpdk_pci_cfg_get16(&dev->cfg, dev->cfg.msix_cap + 2) & 0x7ff) + 1u;
	d->can_reset = true;
	d->arg = dev;
	d->region_access = on_region_access;
	d->reset = on_reset;
	d->attach = on_attach;
	d->detach = on_detach;
	d->fault = dev->faults ? xpdk_devsim_faults_decide : NULL;
}

int xpdk_devsim_server_open(struct xpdk_devsim_dev *dev)
{
	struct xpdk_vfu_device_desc d;

	describe(dev, &d);
	dev->server = dev->socket_path[0] ? xpdk_vfu_server_create(dev->socket_path, &d)
					  : xpdk_vfu_server_create_fd(dev->conn_fd, &d);
	dev->conn_fd = -1; /* owned by the server now */
	return dev->server ? 0 : -errno;
}

int xpdk_devsim_socket_access(struct xpdk_devsim_dev *dev, int mode, long gid)
{
	const char *path = dev->socket_path;

	if (path[0] == '\0')
		return xpdk_err(EINVAL, "%s: served on a connected fd, there is no socket file",
				dev->name);
	if (mode > 0777 || gid > (long)INT32_MAX)
		return xpdk_err(EINVAL, "%s: socket mode 0%o or group %ld out of range", dev->name,
				(unsigned int)mode, gid);
	/* a multi-function instance is served only through its functions' sockets; virtual
	 * functions get theirs when enabled, with the same access */
	dev->sock_mode = mode;
	dev->sock_gid = gid;
	for (unsigned int i = 0; i < dev->nfns; i++) {
		int rc = dev->fns[i]->is_vf && dev->fns[i]->server == NULL
			     ? 0
			     : xpdk_devsim_socket_access(dev->fns[i], mode, gid);

		if (rc < 0)
			return rc;
	}
	if (dev->parent == NULL && dev->model->multi_function)
		return 0;
	/* our own socket, just bound: ownership first, so that a wider mode never applies to
	 * the wrong group */
	if (gid >= 0 && chown(path, (uid_t)-1, (gid_t)gid) < 0)
		return xpdk_err(errno, "%s: cannot give socket %s to group %ld: %s", dev->name,
				path, gid, strerror(errno));
	if (mode >= 0 && chmod(path, (mode_t)mode) < 0)
		return xpdk_err(errno, "%s: cannot set the mode of socket %s to 0%o: %s", dev->name,
				path, (unsigned int)mode, strerror(errno));
	return 0;
}

static void *server_thread(void *arg)
{
	struct xpdk_devsim_dev *dev = arg;
	int rc = xpdk_vfu_server_run(dev->server);

	if (rc < 0)
		xpdk_devsim_log(dev, 0, "server stopped: %s", xpdk_strerror_last());
	atomic_store(&dev->finished, true);
	return NULL;
}

int xpdk_devsim_server_start(struct xpdk_devsim_dev *dev)
{
	int rc = pthread_create(&dev->srv_thread, NULL, server_thread, dev);

	if (rc != 0)
		return xpdk_err(rc, "cannot start the server thread: %s", strerror(rc));
	dev->srv_thread_started = true;
	return 0;
}

void xpdk_devsim_server_close(struct xpdk_devsim_dev *dev)
{
	if (dev->server == NULL)
		return;
	xpdk_vfu_server_stop(dev->server);
	if (dev->srv_thread_started)
		pthread_join(dev->srv_thread, NULL);
	dev->srv_thread_started = false; /* a VF's server may be opened and started again */
	xpdk_vfu_server_destroy(dev->server);
	dev->server = NULL;
}

static int dma_allowed(struct xpdk_devsim_dev *dev)
{
	if (!xpdk_pci_cfg_bus_master(&dev->cfg))
		return xpdk_err(EPERM,
				"%s: DMA with bus mastering disabled (the driver must set "
				"the command register's bus-master bit)",
				dev->name);
	return xpdk_devsim_faults_dma(dev);
}

int xpdk_devsim_dma_read(struct xpdk_devsim_dev *dev, uint64_t iova, void *dst, size_t len)
{
	int rc = dma_allowed(dev);

	return rc < 0 ? rc : xpdk_vfu_server_dma_read(dev->server, iova, dst, len);
}

int xpdk_devsim_dma_write(struct xpdk_devsim_dev *dev, uint64_t iova, const void *src, size_t len)
{
	int rc = dma_allowed(dev);

	return rc < 0 ? rc : xpdk_vfu_server_dma_write(dev->server, iova, src, len);
}

int xpdk_devsim_dma_map(struct xpdk_devsim_dev *dev, uint64_t iova, size_t len, bool write,
			void **ptr)
{
	int rc = dma_allowed(dev);

	return rc < 0 ? rc : xpdk_vfu_server_dma_pin(dev->server, iova, len, write, ptr);
}

int xpdk_devsim_dma_map_run(struct xpdk_devsim_dev *dev, uint64_t iova, size_t len, bool write,
			    void **ptr, size_t *run)
{
	int rc = dma_allowed(dev);

	return rc < 0 ? rc : xpdk_vfu_server_dma_pin_run(dev->server, iova, len, write, ptr, run);
}

void xpdk_devsim_dma_unmap(struct xpdk_devsim_dev *dev)
{
	xpdk_vfu_server_dma_unpin(dev->server);
}

int xpdk_devsim_dma_hold(struct xpdk_devsim_dev *dev)
{
	if (!xpdk_pci_cfg_bus_master(&dev->cfg))
		return dma_allowed(dev); /* the bus-master sentence */
	return xpdk_vfu_server_dma_hold(dev->server);
}

int xpdk_devsim_dma_lookup(struct xpdk_devsim_dev *dev, struct xpdk_vfu_dma_cache *c, uint64_t iova,
			   bool write, void **ptr, uint64_t *avail)
{
	/* injected DMA faults hit each access, as with xpdk_devsim_dma_map() */
	if (dev->faults != NULL) {
		int rc = xpdk_devsim_faults_dma(dev);

		if (rc < 0)
			return rc;
	}
	return xpdk_vfu_server_dma_lookup(dev->server, c, iova, write, ptr, avail);
}

void xpdk_devsim_dma_release(struct xpdk_devsim_dev *dev)
{
	xpdk_vfu_server_dma_release(dev->server);
}

int xpdk_devsim_dma_fd(struct xpdk_devsim_dev *dev, uint64_t iova, size_t len, bool write, int *fd,
		       uint64_t *offset)
{
	int rc = dma_allowed(dev);

	return rc < 0 ? rc : xpdk_vfu_server_dma_fd(dev->server, iova, len, write, fd, offset);
}

int xpdk_devsim_dma_guarded(struct xpdk_devsim_dev *dev, void (*fn)(void *arg), void *arg,
			    void **fault)
{
	int rc = xpdk_vfu_guarded(fn, arg, fault);

	if (rc < 0)
		xpdk_err(EFAULT,
			 "%s: DMA on pinned memory faulted at %p: the client truncated the "
			 "file behind it",
			 dev->name, fault ? *fault : NULL);
	return rc;
}

void xpdk_devsim_irq_raise(struct xpdk_devsim_dev *dev, unsigned int vector)
{
	/* MSI when the driver gave MSI eventfds, else INTx (one line) */
	if (xpdk_vfu_server_irq_trigger(dev->server, VFIO_PCI_MSI_IRQ_INDEX, vector) == 0)
		return;
	if (vector == 0 &&
	    xpdk_vfu_server_irq_trigger(dev->server, VFIO_PCI_INTX_IRQ_INDEX, 0) == 0)
		return;
	xpdk_devsim_log(dev, 3, "interrupt %u dropped: the driver has not enabled it", vector);
}
