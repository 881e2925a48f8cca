/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The vm tier's SR-IOV test helper: brings the NVMe secondary controller of one VF of QEMU's
 * nvme online, as a PF driver does, through lib/dev on the PF (kernel vfio-pci, an admin queue
 * in DMA memory, polled). NVMe 1.4 Virtualization Management (admin opcode 0x1c): the primary
 * controller gives up its flexible queue and interrupt resources (takes effect at the next
 * controller reset), the secondary gets 2 queues and 1 interrupt, then goes online. Until then
 * a VF's controller reads as offline (QEMU: every register 0 but CSTS, which is CFS).
 *
 *   nvme_vf_online [EAL args] -- PF VF_NUMBER     (VF_NUMBER: 1 for virtfn0)
 *
 * Prints what it does and the secondary controller list it ends with; exits 0 when the VF's
 * controller is online.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xpdk_dev.h"
#include "xpdk_env.h"

/* Controller registers (NVMe 1.4 §3.1) */
#define NVME_REG_CAP	    0x00
#define NVME_REG_CC	    0x14
#define NVME_REG_CSTS	    0x1c
#define NVME_REG_AQA	    0x24
#define NVME_REG_ASQ	    0x28
#define NVME_REG_ACQ	    0x30
#define NVME_REG_DBS	    0x1000
#define NVME_CAP_TO(c)	    (((c) >> 24) & 0xff) /* 500 ms units */
#define NVME_CAP_DSTRD(c)   (((c) >> 32) & 0xf)
#define NVME_CC_EN	    (1u << 0)
#define NVME_CC_IOSQES	    (6u << 16)
#define NVME_CC_IOCQES	    (4u << 20)
#define NVME_CC_SHN_NORMAL  (1u << 14)
#define NVME_CSTS_SHST_MASK (3u << 2)
#define NVME_CSTS_SHST_DONE (2u << 2)
#define NVME_CSTS_RDY	    (1u << 0)
#define NVME_CSTS_CFS	    (1u << 1)

/* Admin commands */
#define NVME_ADM_IDENTIFY      0x06
#define NVME_ADM_VIRT_MGMT     0x1c
#define NVME_CNS_SEC_CTRL_LIST 0x15
#define NVME_VM_PRIMARY_ALLOC  0x1 /* action: primary flexible allocation */
#define NVME_VM_SEC_OFFLINE    0x7
#define NVME_VM_SEC_ASSIGN     0x8
#define NVME_VM_SEC_ONLINE     0x9
#define NVME_VM_RT_VQ	       0x0
#define NVME_VM_RT_VI	       0x1

#define QDEPTH 16

struct sqe {
	uint32_t cdw0, nsid, rsvd2, rsvd3;
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
_Static_assert(sizeof(struct sqe) == 64, "an NVMe submission entry is 64 bytes");

struct cqe {
	uint32_t dw0, dw1;
	uint16_t sqhd, sqid, cid, status; /* status: phase in bit 0 */
};
_Static_assert(sizeof(struct cqe) == 16, "an NVMe completion entry is 16 bytes");

/* One secondary controller entry of the list (Identify CNS 0x15). */
struct sec_ctrl {
	uint16_t scid, pcid;
	uint8_t scs, rsvd5[3];
	uint16_t vfn, nvq, nvi;
	uint8_t rsvd14[18];
};
_Static_assert(sizeof(struct sec_ctrl) == 32, "a secondary controller entry is 32 bytes");

struct admin {
	const struct xpdk_region *bar;
	struct xpdk_dma_buf *sq, *cq, *data;
	unsigned int tail, head, phase, stride;
	uint16_t cid;
	int timeout_ms;
};

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Registers through lib/dev's checked path: QEMU puts the MSI-X table in BAR0, so the kernel
 * maps BAR0 in parts and there is no one pointer to the whole region. */
static uint32_t rd32(const struct xpdk_region *r, uint64_t off)
{
	uint64_t v = UINT32_MAX;

	if (xpdk_region_read(r, off, 32, &v) < 0)
		fprintf(stderr, "read of 0x%llx: %s\n", (unsigned long long)off,
			xpdk_strerror_last());
	return (uint32_t)v;
}

static void wr32(const struct xpdk_region *r, uint64_t off, uint32_t v)
{
	if (xpdk_region_write(r, off, 32, v) < 0)
		fprintf(stderr, "write of 0x%llx: %s\n", (unsigned long long)off,
			xpdk_strerror_last());
}

static void write64(const struct xpdk_region *r, uint64_t off, uint64_t v)
{
	wr32(r, off, (uint32_t)v);
	wr32(r, off + 4, (uint32_t)(v >> 32));
}

static int wait_ready(struct admin *a, uint32_t want)
{
	for (int waited = 0; waited <= a->timeout_ms; waited += 10) {
		uint32_t csts = rd32(a->bar, NVME_REG_CSTS);

		if (csts & NVME_CSTS_CFS) {
			fprintf(stderr, "controller fatal status (CSTS 0x%x)\n", csts);
			return -EIO;
		}
		if ((csts & NVME_CSTS_RDY) == want)
			return 0;
		sleep_ms(10);
	}
	fprintf(stderr, "CSTS.RDY did not become %u within %d ms\n", want, a->timeout_ms);
	return -ETIMEDOUT;
}

/* Disable, set the admin queues, enable: also a controller-level reset. */
static int admin_start(struct admin *a)
{
	int rc;

	wr32(a->bar, NVME_REG_CC, 0);
	rc = wait_ready(a, 0);
	if (rc < 0)
		return rc;
	memset(a->sq->va, 0, a->sq->size);
	memset(a->cq->va, 0, a->cq->size);
	a->tail = a->head = 0;
	a->phase = 1;
	wr32(a->bar, NVME_REG_AQA, ((QDEPTH - 1) << 16) | (QDEPTH - 1));
	write64(a->bar, NVME_REG_ASQ, a->sq->iova);
	write64(a->bar, NVME_REG_ACQ, a->cq->iova);
	wr32(a->bar, NVME_REG_CC, NVME_CC_EN | NVME_CC_IOSQES | NVME_CC_IOCQES);
	return wait_ready(a, 1);
}

/* Submit one admin command and poll for its completion; the status field, or a negative errno. */
static int admin_cmd(struct admin *a, struct sqe *cmd)
{
	volatile struct cqe *cq = a->cq->va;
	struct sqe *sq = a->sq->va;
	uint16_t cid = ++a->cid;

	cmd->cdw0 |= (uint32_t)cid << 16;
	sq[a->tail] = *cmd;
	a->tail = (a->tail + 1) % QDEPTH;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr32(a->bar, NVME_REG_DBS, a->tail);
	for (int waited = 0; waited <= 2000; waited++) {
		uint16_t status = cq[a->head].status;

		if ((status & 1) == a->phase) {
			a->head = (a->head + 1) % QDEPTH;
			if (a->head == 0)
				a->phase ^= 1;
			wr32(a->bar, NVME_REG_DBS + (4u << a->stride), a->head);
			return status >> 1;
		}
		sleep_ms(1);
	}
	fprintf(stderr, "admin command 0x%02x got no completion within 2 s\n", cmd->cdw0 & 0xff);
	return -ETIMEDOUT;
}

static int virt_mgmt(struct admin *a, unsigned int act, unsigned int rt, uint16_t cntlid,
		     uint16_t nr, const char *what)
{
	struct sqe cmd = {
		.cdw0 = NVME_ADM_VIRT_MGMT,
		.cdw10 = act | (rt << 8) | ((uint32_t)cntlid << 16),
		.cdw11 = nr,
	};
	int st = admin_cmd(a, &cmd);

	printf("virtualization management: %s: status 0x%x\n", what, st < 0 ? 0xffff : st);
	return st == 0 ? 0 : -EIO;
}

static int sec_list(struct admin *a, struct sec_ctrl *out, unsigned int *count)
{
	struct sqe cmd = {
		.cdw0 = NVME_ADM_IDENTIFY,
		.prp1 = a->data->iova,
		.cdw10 = NVME_CNS_SEC_CTRL_LIST,
	};
	const uint8_t *d = a->data->va;
	int st;

	memset(a->data->va, 0, a->data->size);
	st = admin_cmd(a, &cmd);
	if (st != 0) {
		fprintf(stderr, "identify secondary controller list: status 0x%x\n", st);
		return -EIO;
	}
	*count = d[0] < 8 ? d[0] : 8;
	memcpy(out, d + 32, *count * sizeof(*out));
	for (unsigned int i = 0; i < *count; i++)
		printf("secondary controller %u: VF %u, %s, %u queues, %u interrupts\n",
		       out[i].scid, out[i].vfn, out[i].scs ? "online" : "offline", out[i].nvq,
		       out[i].nvi);
	return 0;
}

/* Normal shutdown notification (CC.SHN 01b), then wait for CSTS.SHST complete (10b). */
static int shutdown(struct admin *a)
{
	wr32(a->bar, NVME_REG_CC, rd32(a->bar, NVME_REG_CC) | NVME_CC_SHN_NORMAL);
	for (int waited = 0; waited <= a->timeout_ms; waited += 10) {
		if ((rd32(a->bar, NVME_REG_CSTS) & NVME_CSTS_SHST_MASK) == NVME_CSTS_SHST_DONE)
			return 0;
		sleep_ms(10);
	}
	fprintf(stderr, "the PF's controller did not finish its shutdown in %d ms\n",
		a->timeout_ms);
	return -ETIMEDOUT;
}

static int bring_online(struct admin *a, unsigned int vfn)
{
	struct sec_ctrl list[8];
	unsigned int n;
	uint16_t scid = 0;
	int rc;

	rc = admin_start(a);
	if (rc == 0)
		rc = sec_list(a, list, &n);
	for (unsigned int i = 0; rc == 0 && i < n; i++)
		if (list[i].vfn == vfn)
			scid = list[i].scid;
	if (rc == 0 && scid == 0) {
		fprintf(stderr, "no secondary controller for VF %u\n", vfn);
		return -ENOENT;
	}
	/* the primary holds every flexible resource at first; it lets them go at its next reset */
	if (rc == 0)
		rc = virt_mgmt(a, NVME_VM_PRIMARY_ALLOC, NVME_VM_RT_VQ, 0, 0, "primary keeps 0 VQ");
	if (rc == 0)
		rc = virt_mgmt(a, NVME_VM_PRIMARY_ALLOC, NVME_VM_RT_VI, 0, 0, "primary keeps 0 VI");
	if (rc == 0)
		rc = admin_start(a); /* controller-level reset: the VFs stay */
	if (rc == 0)
		rc = virt_mgmt(a, NVME_VM_SEC_OFFLINE, 0, scid, 0, "secondary offline");
	if (rc == 0)
		rc = virt_mgmt(a, NVME_VM_SEC_ASSIGN, NVME_VM_RT_VQ, scid, 2, "assign 2 VQ");
	if (rc == 0)
		rc = virt_mgmt(a, NVME_VM_SEC_ASSIGN, NVME_VM_RT_VI, scid, 1, "assign 1 VI");
	if (rc == 0)
		rc = virt_mgmt(a, NVME_VM_SEC_ONLINE, 0, scid, 0, "secondary online");
	if (rc == 0)
		rc = sec_list(a, list, &n);
	for (unsigned int i = 0; rc == 0 && i < n; i++)
		if (list[i].scid == scid && !list[i].scs)
			rc = -EIO;
	/* shut the PF's controller down but leave it enabled: disabling it (a controller reset)
	 * would take every secondary controller offline again */
	if (rc == 0)
		rc = shutdown(a);
	return rc;
}

int main(int argc, char **argv)
{
	struct admin a = { 0 };
	struct xpdk_dev *dev = NULL;
	unsigned long vfn;
	uint64_t cap;
	int n, rc = 1;

	n = xpdk_env_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "nvme_vf_online: %s\n", xpdk_strerror_last());
		return 1;
	}
	argc -= n;
	argv += n;
	if (argc != 3 || (vfn = strtoul(argv[2], NULL, 0)) == 0 || vfn > 0xffff) {
		fprintf(stderr,
			"usage: nvme_vf_online [EAL args] -- PF VF_NUMBER (1 for virtfn0)\n");
		goto out;
	}
	dev = xpdk_dev_open(argv[1]);
	if (dev == NULL) {
		fprintf(stderr, "nvme_vf_online: %s\n", xpdk_strerror_last());
		goto out;
	}
	a.bar = xpdk_dev_region(dev, 0);
	a.sq = xpdk_dma_alloc(QDEPTH * sizeof(struct sqe), 4096, 0);
	a.cq = xpdk_dma_alloc(QDEPTH * sizeof(struct cqe), 4096, 0);
	a.data = xpdk_dma_alloc(4096, 4096, 0);
	if (a.bar == NULL || a.sq == NULL || a.cq == NULL || a.data == NULL) {
		fprintf(stderr, "nvme_vf_online: no BAR0 or no DMA memory: %s\n",
			xpdk_strerror_last());
		goto out;
	}
	cap = rd32(a.bar, NVME_REG_CAP) | (uint64_t)rd32(a.bar, NVME_REG_CAP + 4) << 32;
	a.stride = (unsigned int)NVME_CAP_DSTRD(cap);
	a.timeout_ms = (int)(NVME_CAP_TO(cap) ? NVME_CAP_TO(cap) : 1) * 500;
	printf("%s: CAP 0x%016llx\n", argv[1], (unsigned long long)cap);
	if (bring_online(&a, (unsigned int)vfn) == 0) {
		printf("VF %lu of %s: secondary controller online\n", vfn, argv[1]);
		rc = 0;
	}
out:
	if (a.data)
		xpdk_dma_free(a.data);
	if (a.cq)
		xpdk_dma_free(a.cq);
	if (a.sq)
		xpdk_dma_free(a.sq);
	xpdk_dev_close(dev);
	xpdk_env_cleanup();
	return rc;
}
