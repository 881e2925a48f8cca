/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * edu_hello: drive an edu device (devsim's model over vfio-user, or QEMU's edu behind vfio-pci)
 * with the edu driver: identify it, compute a factorial with an interrupt, and move a buffer
 * through the device by DMA.
 *
 *   edu_hello [EAL args] -- DEVICE [--dma-mask MASK]
 *   e.g. edu_hello -l 0 -- vfio-user:/run/xpdk/devsim/edu0.sock --dma-mask 0xffffffffffff
 */

#include <stdio.h>
#include <string.h>

#include "xpdk_edu.h"

static int fail(const char *what)
{
	fprintf(stderr, "edu_hello: %s: %s\n", what, xpdk_strerror_last());
	return 1;
}

/* A failure on @p dev: the device's name first, so that the message says which one failed. */
static int dev_fail(struct xpdk_dev *dev, const char *what)
{
	fprintf(stderr, "edu_hello: %s: %s: %s\n", xpdk_dev_info(dev)->name, what,
		xpdk_strerror_last());
	return 1;
}

static int run(struct xpdk_dev *dev, uint64_t mask)
{
	struct xpdk_dma_buf *out = xpdk_dma_alloc(4096, 4096, 0);
	struct xpdk_dma_buf *in = xpdk_dma_alloc(4096, 4096, XPDK_DMA_F_ZERO);
	uint32_t id, fact;
	int rc = 1;

	if (out == NULL || in == NULL) {
		rc = fail("DMA buffers");
		goto out;
	}
	if (xpdk_edu_id(dev, &id) < 0 || xpdk_edu_factorial(dev, 10, &fact, XPDK_EDU_F_IRQ) < 0) {
		rc = dev_fail(dev, "registers");
		goto out;
	}
	printf("device %s (%s): id 0x%08x, 10! = %u (completion by interrupt)\n",
	       xpdk_dev_info(dev)->name, xpdk_dev_info(dev)->transport, id, fact);

	xpdk_edu_set_dma_mask(dev, mask);
	snprintf(out->va, 4096, "hello from the host, through the device and back");
	if (xpdk_edu_dma_to_device(dev, out, 0, 0, 4096, 0) < 0 ||
	    xpdk_edu_dma_from_device(dev, in, 0, 0, 4096, XPDK_EDU_F_IRQ) < 0) {
		rc = dev_fail(dev, "DMA");
		goto out;
	}
	printf("DMA host 0x%llx -> device buffer -> host 0x%llx: \"%s\" (%s)\n",
	       (unsigned long long)out->iova, (unsigned long long)in->iova, (char *)in->va,
	       xpdk_dma_compare(out, in) == 4096 ? "4096 bytes identical" : "MISMATCH");
	rc = xpdk_dma_compare(out, in) == 4096 ? 0 : 1;
	if (rc != 0) /* edu has no error register: a DMA fault shows only in the data */
		fprintf(stderr,
			"edu_hello: %s: DMA round trip gave different data: the device's DMA did "
			"not reach the buffers (a DMA fault; the device's log says where)\n",
			xpdk_dev_info(dev)->name);
out:
	xpdk_dma_free(out);
	xpdk_dma_free(in);
	return rc;
}

int main(int argc, char **argv)
{
	uint64_t mask = XPDK_EDU_DMA_MASK_DEFAULT;
	struct xpdk_dev *dev;
	int n = xpdk_env_init(argc, argv), rc;

	if (n < 0)
		return fail("environment");
	argc -= n;
	argv += n;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		printf("Usage: edu_hello [EAL options] -- DEVICE [--dma-mask MASK]\n"
		       "DEVICE: vfio-user:PATH (xpdk-devsim --model edu) or a PCI address\n"
		       "MASK: the DMA mask the device was started with (default 28 bits)\n");
		xpdk_env_cleanup();
		return argc < 2 ? 2 : 0;
	}
	if (argc >= 4 && strcmp(argv[2], "--dma-mask") == 0 && xpdk_parse_u64(argv[3], &mask) < 0) {
		xpdk_env_cleanup();
		return fail("--dma-mask") + 1;
	}
	dev = xpdk_dev_open(argv[1]);
	if (dev == NULL || xpdk_dev_probe(dev) < 0) {
		rc = fail(argv[1]);
	} else {
		rc = run(dev, mask);
	}
	xpdk_dev_close(dev);
	xpdk_env_cleanup();
	return rc;
}
