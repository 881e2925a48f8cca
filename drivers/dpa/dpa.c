/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Driver "dpa": XPDK's emulated DPA function (devsim model "dpa"). Probe checks the register
 * block and maps the shared memory of BAR2; the driver runs mailbox commands (staging bulk data
 * through BAR2) and hands lib/flexio the process slots and interrupt eventfds, as its backend.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "xpdk_flexio.h"

struct dpa_drv {
	const struct xpdk_region *bar0;
	uint8_t *bar2;
	uint32_t max_procs;
	pthread_mutex_t lock; /* one mailbox */
};

static struct dpa_drv *drv_of(struct xpdk_dev *dev)
{
	return xpdk_dev_priv(dev);
}

static int dpa_probe(struct xpdk_dev *dev)
{
	struct dpa_drv *d = drv_of(dev);
	volatile void *bar2;
	uint64_t id = 0, ver = 0, procs = 0;
	int rc;

	d->bar0 = xpdk_dev_region(dev, 0);
	/* BAR2 is memory the device shares (mailbox, staging, process slots): one pointer,
	 * checked once here */
	bar2 = xpdk_region_ptr(xpdk_dev_region(dev, 2), 0, XPDK_DPA_BAR2_SIZE);
	if (d->bar0 == NULL || bar2 == NULL)
		return xpdk_err(ENODEV,
				"%s: BAR2 of the DPA is not mapped shared memory of %u bytes",
				xpdk_dev_info(dev)->name, XPDK_DPA_BAR2_SIZE);
	rc = xpdk_region_read(d->bar0, XPDK_DPA_REG_ID, 32, &id);
	if (rc == 0)
		rc = xpdk_region_read(d->bar0, XPDK_DPA_REG_VERSION, 32, &ver);
	if (rc == 0)
		rc = xpdk_region_read(d->bar0, XPDK_DPA_REG_MAX_PROCS, 32, &procs);
	if (rc < 0)
		return rc;
	if (id != XPDK_DPA_ID_VALUE || ver != XPDK_DPA_VERSION || procs == 0 ||
	    procs > XPDK_DPA_MAX_PROCS)
		return xpdk_err(ENODEV,
				"%s: not an XPDK DPA of version %u (ID 0x%llx, version %llu)",
				xpdk_dev_info(dev)->name, XPDK_DPA_VERSION, (unsigned long long)id,
				(unsigned long long)ver);
	d->bar2 = (uint8_t *)(uintptr_t)bar2;
	d->max_procs = (uint32_t)procs;
	pthread_mutex_init(&d->lock, NULL);
	return xpdk_dev_irq_enable(dev, XPDK_IRQ_MSI, XPDK_DPA_NUM_VECTORS);
}

static void dpa_remove(struct xpdk_dev *dev)
{
	pthread_mutex_destroy(&drv_of(dev)->lock);
}

static int dpa_cmd(struct xpdk_dev *dev, struct xpdk_dpa_cmd *cmd, const void *in, void *out)
{
	struct dpa_drv *d = drv_of(dev);
	struct xpdk_dpa_cmd *box = (struct xpdk_dpa_cmd *)(d->bar2 + XPDK_DPA_MBOX_OFF);
	uint8_t *stage = d->bar2 + XPDK_DPA_STAGE_OFF;
	int rc;

	if (cmd->data_len > XPDK_DPA_STAGE_SIZE)
		return xpdk_err(EINVAL, "a DPA command carries at most %u bytes",
				XPDK_DPA_STAGE_SIZE);
	pthread_mutex_lock(&d->lock);
	if (in != NULL)
		memcpy(stage, in, cmd->data_len);
	memcpy(box, cmd, sizeof(*cmd));
	box->status = EIO; /* what remains if the device never answers */
	rc = xpdk_region_write(d->bar0, XPDK_DPA_REG_CMD_DOORBELL, 32, XPDK_DPA_CMD_GO);
	if (rc == 0) {
		/* the trapped write returned: the device has finished the command */
		cmd->status = __atomic_load_n(&box->status, __ATOMIC_ACQUIRE);
		memcpy(cmd->out, box->out, sizeof(cmd->out));
		memcpy(cmd->msg, box->msg, sizeof(cmd->msg));
		cmd->msg[sizeof(cmd->msg) - 1] = '\0';
		if (cmd->status == 0 && out != NULL)
			memcpy(out, stage, cmd->data_len);
		rc = cmd->status ? xpdk_err((int)cmd->status, "%s: %s", xpdk_dev_info(dev)->name,
					    cmd->msg[0] ? cmd->msg : strerror((int)cmd->status))
				 : 0;
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static struct xpdk_dpa_slot *dpa_slot(struct xpdk_dev *dev, uint32_t idx)
{
	struct dpa_drv *d = drv_of(dev);

	if (idx >= d->max_procs)
		return NULL;
	return (struct xpdk_dpa_slot *)(d->bar2 + XPDK_DPA_SLOT_OFF +
					(size_t)idx * XPDK_DPA_SLOT_SIZE);
}

static int dpa_irq_fd(struct xpdk_dev *dev, unsigned int vector)
{
	return xpdk_dev_irq_fd(dev, vector);
}

static const struct xpdk_pci_id dpa_ids[] = {
	{ XPDK_DPA_VENDOR_ID, XPDK_DPA_DEVICE_ID, XPDK_DPA_SUBSYS_VENDOR_ID, XPDK_DPA_SUBSYS_ID,
	  "XPDK emulated DPA (BlueField-3)" },
	{ 0 },
};

static const struct xpdk_driver dpa_driver = {
	.name = "dpa",
	.id_table = dpa_ids,
	.probe = dpa_probe,
	.remove = dpa_remove,
	.priv_size = sizeof(struct dpa_drv),
};

XPDK_DRIVER_REGISTER(dpa_driver)

static const struct xpdk_flexio_backend dpa_backend = {
	.driver = &dpa_driver,
	.cmd = dpa_cmd,
	.slot = dpa_slot,
	.irq_fd = dpa_irq_fd,
};

XPDK_FLEXIO_BACKEND_REGISTER(dpa_backend)
