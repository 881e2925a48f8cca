/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The edu conformance set: one program, run unchanged against devsim's edu model over
 * vfio-user (integration suite) and against QEMU's edu behind the kernel's vfio-pci (vm suite).
 *
 *   edu_conformance [EAL args] -- DEVICE [--dma-mask MASK] [--avoid-buffer-end]
 *
 * DEVICE is "vfio-user:PATH" or a PCI address. MASK is the DMA mask the device was started with
 * (devsim dma_mask=, QEMU -device edu,dma_mask=); the DMA cases need it to cover the buffers.
 * --avoid-buffer-end makes the whole-buffer transfers one byte short: QEMU before 8.2.1 aborts
 * (hw_error) on a DMA that ends at the last byte of edu's buffer (an off-by-one in its range
 * check, fixed upstream by "edu: fix DMA range upper bound check"); Debian 12 has QEMU 7.2.
 * Prints one TAP line per check; exits 0 when all pass.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_edu.h"

static int ntests, nfailed;
/* bytes moved by the whole-buffer transfers (see --avoid-buffer-end) */
static uint32_t full_len = XPDK_EDU_DMA_BUF_SIZE;

static void check(bool ok, const char *what, const char *detail)
{
	ntests++;
	if (!ok)
		nfailed++;
	printf("%s %d - %s%s%s\n", ok ? "ok" : "not ok", ntests, what, ok || !detail ? "" : ": ",
	       ok || !detail ? "" : detail);
	fflush(stdout);
}

static const char *last(void)
{
	return xpdk_strerror_last();
}

static void test_identity_and_liveness(struct xpdk_dev *dev)
{
	uint32_t id = 0, ans = 0;

	check(xpdk_edu_id(dev, &id) == 0 && id == XPDK_EDU_ID_VALUE, "identification is 0x010000ed",
	      last());
	check(xpdk_edu_liveness(dev, 0x12345678, &ans) == 0 && ans == ~0x12345678u,
	      "liveness register inverts", last());
	check(xpdk_edu_liveness(dev, 0, &ans) == 0 && ans == 0xffffffffu,
	      "liveness of 0 is 0xffffffff", last());
}

static void test_access_rules(struct xpdk_dev *dev)
{
	const struct xpdk_region *bar0 = xpdk_dev_region(dev, 0);
	uint64_t v = 0;
	char got[160];
	int rc;

	/* below 0x80 only 4-byte accesses: an 8-byte read gets all-ones from edu; a 2-byte read
	 * never reaches it (QEMU's memory core refuses sizes below 4 and answers 0) */
	check(xpdk_region_read(bar0, XPDK_EDU_REG_ID, 64, &v) == 0 && v == UINT64_MAX,
	      "an 8-byte read below 0x80 reads all-ones", last());
	rc = xpdk_region_read(bar0, XPDK_EDU_REG_ID, 16, &v);
	snprintf(got, sizeof(got), "rc %d, read 0x%llx %s", rc, (unsigned long long)v, last());
	check(rc == 0 && v == 0, "a 2-byte read is refused by the device and reads 0", got);
	/* 0x80 and up: 4 or 8 bytes */
	check(xpdk_region_write(bar0, XPDK_EDU_REG_DMA_COUNT, 64, 0x1122334455667788ULL) == 0 &&
		  xpdk_region_read(bar0, XPDK_EDU_REG_DMA_COUNT, 64, &v) == 0 &&
		  v == 0x1122334455667788ULL,
	      "DMA count register holds 64 bits", last());
	check(xpdk_region_read(bar0, XPDK_EDU_REG_DMA_COUNT, 32, &v) == 0 && v == 0x55667788,
	      "a 4-byte read of a 64-bit register gives its low half", last());
	check(xpdk_region_read(bar0, 0x30, 32, &v) == 0 && v == 0xffffffff,
	      "an unassigned register reads all-ones", last());
	check(xpdk_region_write(bar0, XPDK_EDU_REG_DMA_COUNT, 64, 0) == 0, "DMA count reset",
	      last());
}

static void test_factorial(struct xpdk_dev *dev)
{
	uint32_t r = 0;

	check(xpdk_edu_factorial(dev, 5, &r, 0) == 0 && r == 120, "5! = 120 (polling)", last());
	check(xpdk_edu_factorial(dev, 12, &r, 0) == 0 && r == 479001600, "12! = 479001600", last());
	check(xpdk_edu_factorial(dev, 13, &r, 0) == 0 && r == 1932053504u,
	      "13! wraps in 32 bits as the device computes it", last());
	check(xpdk_edu_factorial(dev, 0, &r, 0) == 0 && r == 1, "0! = 1", last());
	check(xpdk_edu_factorial(dev, 10, &r, XPDK_EDU_F_IRQ) == 0 && r == 3628800,
	      "10! = 3628800 (interrupt)", last());
}

static void test_interrupts(struct xpdk_dev *dev)
{
	uint32_t st = 0;
	int rc;

	check(xpdk_edu_irq_raise(dev, 0x40) == 0 && xpdk_edu_irq_wait(dev, 2000, &st) == 0 &&
		  (st & 0x40),
	      "a raised interrupt arrives on the eventfd with its status", last());
	check(xpdk_edu_irq_ack(dev, 0x40) == 0 && xpdk_edu_irq_status(dev, &st) == 0 && st == 0,
	      "acknowledging clears the status", last());
	check(xpdk_edu_irq_raise(dev, 0x3) == 0 && xpdk_edu_irq_raise(dev, 0x4) == 0 &&
		  xpdk_edu_irq_status(dev, &st) == 0 && st == 0x7,
	      "raised values OR into the status", last());
	check(xpdk_edu_irq_ack(dev, 0x5) == 0 && xpdk_edu_irq_status(dev, &st) == 0 && st == 0x2,
	      "acknowledge clears only the given bits", last());
	xpdk_edu_irq_ack(dev, 0x2);
	/* drain what those raises signalled, then nothing more comes */
	while (xpdk_dev_irq_wait(dev, 0, 200) > 0)
		;
	rc = xpdk_dev_irq_wait(dev, 0, 100);
	check(rc == -ETIMEDOUT, "no interrupt without a cause", last());
}

static void test_dma(struct xpdk_dev *dev, uint64_t mask)
{
	struct xpdk_dma_buf *src = xpdk_dma_alloc(8192, 4096, XPDK_DMA_F_ZERO);
	struct xpdk_dma_buf *dst = xpdk_dma_alloc(8192, 4096, XPDK_DMA_F_ZERO);
	unsigned char *s, *d;
	bool same = true;
	char what[64];

	if (src == NULL || dst == NULL) {
		check(false, "allocate DMA buffers", last());
		goto out;
	}
	s = src->va;
	d = dst->va;
	for (size_t i = 0; i < src->size; i++)
		s[i] = (unsigned char)(i * 7 + 3);

	/* the default 28-bit mask: buffers above it are refused before the device sees them */
	if (src->iova + src->size - 1 > XPDK_EDU_DMA_MASK_DEFAULT)
		check(xpdk_edu_dma_to_device(dev, src, 0, 0, 64, 0) == -ERANGE &&
			  strstr(last(), "DMA mask") != NULL,
		      "a DMA beyond the 28-bit mask is refused", last());
	xpdk_edu_set_dma_mask(dev, mask);

	snprintf(what, sizeof(what), "DMA %u bytes host -> device (polling)", full_len);
	check(xpdk_edu_dma_to_device(dev, src, 0, 0, full_len, 0) == 0, what, last());
	snprintf(what, sizeof(what), "DMA %u bytes device -> host (polling)", full_len);
	check(xpdk_edu_dma_from_device(dev, dst, 100, 0, full_len, 0) == 0, what, last());
	for (size_t i = 0; i < full_len; i++)
		same = same && d[100 + i] == s[i];
	check(same && d[99] == 0 && d[100 + full_len] == 0,
	      "data round trip is exact, neighbours untouched", NULL);

	check(xpdk_edu_dma_to_device(dev, src, 5000, 1000, 100, XPDK_EDU_F_IRQ) == 0,
	      "DMA 100 bytes host -> device at an offset (interrupt)", last());
	check(xpdk_edu_dma_from_device(dev, dst, 6000, 1000, 100, XPDK_EDU_F_IRQ) == 0,
	      "DMA 100 bytes device -> host (interrupt)", last());
	check(memcmp(d + 6000, s + 5000, 100) == 0, "offset data round trip is exact", NULL);

	check(xpdk_edu_dma_to_device(dev, src, 0, 4000, 200, 0) == -EINVAL,
	      "a transfer past the device buffer is refused", last());
	check(xpdk_edu_dma_from_device(dev, dst, 8100, 0, 200, 0) == -EINVAL,
	      "a transfer past the host buffer is refused", last());
out:
	xpdk_dma_free(src);
	xpdk_dma_free(dst);
}

/* A DMA to a device address nobody mapped moves no data and does not hurt the device. */
static void test_dma_to_unmapped_address(struct xpdk_dev *dev)
{
	struct xpdk_dma_buf *b = xpdk_dma_alloc(4096, 4096, XPDK_DMA_F_ZERO);
	const uint64_t unmapped = 0x7f0000000000ULL & XPDK_EDU_DMA_MASK_DEFAULT;
	uint32_t ans = 0;

	if (b == NULL) {
		check(false, "allocate DMA buffer", last());
		return;
	}
	/* fill the device buffer with a known pattern, then DMA into it from nowhere */
	memset(b->va, 0x5a, 4096);
	check(xpdk_edu_dma_to_device(dev, b, 0, 0, full_len, 0) == 0, "seed the device buffer",
	      last());
	check(xpdk_edu_dma_raw(dev, unmapped, 0, full_len, true, 0) == 0,
	      "a DMA to an unmapped address completes (the fault is the device's)", last());
	check(xpdk_edu_liveness(dev, 7, &ans) == 0 && ans == ~7u,
	      "the device still answers after a faulting DMA", last());
	xpdk_dma_free(b);
}

int main(int argc, char **argv)
{
	struct xpdk_dev *dev;
	uint64_t mask = UINT64_MAX;
	int ret = xpdk_env_init(argc, argv);

	if (ret < 0) {
		fprintf(stderr, "edu_conformance: %s\n", xpdk_strerror_last());
		return 2;
	}
	argc -= ret;
	argv += ret;
	if (argc < 2) {
		fprintf(stderr, "usage: edu_conformance [EAL args] -- DEVICE [--dma-mask MASK] "
				"[--avoid-buffer-end]\n");
		xpdk_env_cleanup();
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--dma-mask") == 0 && i + 1 < argc) {
			if (xpdk_parse_u64(argv[++i], &mask) < 0) {
				fprintf(stderr, "edu_conformance: --dma-mask: %s\n",
					xpdk_strerror_last());
				xpdk_env_cleanup();
				return 2;
			}
		} else if (strcmp(argv[i], "--avoid-buffer-end") == 0) {
			full_len = XPDK_EDU_DMA_BUF_SIZE - 1;
		} else {
			fprintf(stderr, "edu_conformance: unknown option %s\n", argv[i]);
			xpdk_env_cleanup();
			return 2;
		}
	}
	dev = xpdk_dev_open(argv[1]);
	if (dev == NULL || xpdk_dev_probe(dev) < 0) {
		printf("not ok 1 - open and probe %s: %s\n1..1\n", argv[1], xpdk_strerror_last());
		xpdk_dev_close(dev);
		xpdk_env_cleanup();
		return 1;
	}
	check(strcmp(xpdk_dev_driver(dev)->name, "edu") == 0, "the edu driver is bound", NULL);
	test_identity_and_liveness(dev);
	test_access_rules(dev);
	test_factorial(dev);
	test_interrupts(dev);
	test_dma(dev, mask);
	test_dma_to_unmapped_address(dev);
	printf("1..%d\n", ntests);
	xpdk_dev_close(dev);
	xpdk_env_cleanup();
	return nfailed ? 1 : 0;
}
