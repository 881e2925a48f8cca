/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Polled SDE streaming: configuration through the SDE's CSRs (slow path, at open), then a
 * data path made of stores to the descriptor windows (one producer-count store per burst) and
 * loads of host memory the engine writes (status blocks, C2H metadata). Write-back records are
 * hostile: a record's length is checked against the buffer it claims to fill, counters may
 * not run ahead of what was posted, and the status word is checked by xpdk_sde_check().
 */

#include <errno.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "aws_priv.h"
#include "fpga_common.h"
#include "xpdk_env.h"
#include "xpdk_f2_regs.h"
#include "xpdk_sde.h"

#define RING XPDK_SDE_RING
_Static_assert(RING == XPDK_SDE_DESC_DEPTH, "ring is the descriptor RAM");

/* host memory the engine writes: two status blocks and the metadata ring */
struct sde_host {
	struct xpdk_sde_status c2h_st; /* 64-byte aligned */
	uint8_t pad0[64 - sizeof(struct xpdk_sde_status)];
	struct xpdk_sde_status h2c_st;
	uint8_t pad1[64 - sizeof(struct xpdk_sde_status)];
	struct xpdk_sde_c2h_md md[RING];
};

struct xpdk_sde {
	struct xpdk_aws_pf *pf;
	const struct xpdk_region *ocl, *bar4;
	uint8_t *c2h_win, *h2c_win; /* mapped descriptor windows */
	struct xpdk_dma_buf *host;
	struct sde_host *h;
	uint32_t tx_posted, tx_done; /* H2C descriptors */
	uint32_t rx_posted, rx_done; /* C2H descriptors */
	uint32_t rx_len[RING];	     /* posted buffer sizes, for checking records */
};

/* Acquire-load a 32-bit field the engine writes (fields are naturally aligned in memory we
 * aligned, though the wire structs are packed). */
static uint32_t ld32(const void *base, size_t off)
{
	return atomic_load_explicit((_Atomic uint32_t *)(uintptr_t)((const uint8_t *)base + off),
				    memory_order_acquire);
}
#define LOAD32(ptr, type, field) ld32((ptr), offsetof(type, field))

/* The producer index: an MMIO store ordered after the descriptors written before it */
static void store_prod(uint8_t *win, uint32_t v)
{
	xpdk_mmio_write32(win + XPDK_SDE_WIN_PROD, v);
}

static int csr(struct xpdk_sde *s, uint64_t off, uint32_t v)
{
	return xpdk_aws_wr32(s->bar4, off, v);
}

/* A descriptor window of BAR4, checked once here (lib/dev's pointer fast path) */
static uint8_t *window(const struct xpdk_region *r, uint64_t off)
{
	return (uint8_t *)(uintptr_t)xpdk_region_ptr(r, off, XPDK_SDE_WIN_SIZE);
}

static int configure(struct xpdk_sde *s, const struct xpdk_sde_conf *conf)
{
	const uint64_t C = XPDK_SDE_C2H, H = XPDK_SDE_H2C;
	uint64_t st_c = s->host->iova + offsetof(struct sde_host, c2h_st);
	uint64_t st_h = s->host->iova + offsetof(struct sde_host, h2c_st);
	uint64_t md = s->host->iova + offsetof(struct sde_host, md);
	uint32_t info = 0, lim = 0;
	int rc;

	/* reset the engine, then check it is there and sized as we expect */
	if ((rc = csr(s, XPDK_SDE_SW_RESET, XPDK_SDE_SW_RESET_EN)) != 0 ||
	    (rc = csr(s, XPDK_SDE_SW_RESET, 0)) != 0 ||
	    (rc = xpdk_aws_rd32(s->bar4, XPDK_SDE_INFO, &info)) != 0)
		return rc;
	/* all-ones: the shell timed out, nothing decodes BAR4 */
	if (info == 0xffffffffu || (info & (XPDK_SDE_INFO_C2H | XPDK_SDE_INFO_H2C)) !=
				       (XPDK_SDE_INFO_C2H | XPDK_SDE_INFO_H2C))
		return xpdk_err(ENODEV, "no SDE on BAR4 (SDE_INFO 0x%08x): is cl_sde loaded?",
				info);
	const uint64_t wr[][2] = {
		{ C + XPDK_SDE_CDT_CONSUMED, 0 },
		{ C + XPDK_SDE_CDT_LIMIT, 0 },
		{ C + XPDK_SDE_COMP_COUNT, 0 },
		{ C + XPDK_SDE_WB_CFG, XPDK_SDE_WB_DESC_CDT | XPDK_SDE_WB_DESC_CNT |
					   XPDK_SDE_WB_PKT_CNT | XPDK_SDE_WB_MD_WR_WC },
		{ C + XPDK_SDE_WB_ADDR_LO, (uint32_t)st_c },
		{ C + XPDK_SDE_WB_ADDR_HI, st_c >> 32 },
		{ C + XPDK_SDE_MD_ADDR_LO, (uint32_t)md },
		{ C + XPDK_SDE_MD_ADDR_HI, md >> 32 },
		{ C + XPDK_SDE_MD_SIZE, RING * sizeof(struct xpdk_sde_c2h_md) },
		{ C + XPDK_SDE_MD_RD_PTR, 0 },
		{ C + XPDK_SDE_MD_WR_PTR, 0 },
		{ H + XPDK_SDE_CDT_CONSUMED, 0 },
		{ H + XPDK_SDE_CDT_LIMIT, 0 },
		{ H + XPDK_SDE_COMP_COUNT, 0 },
		{ H + XPDK_SDE_WB_CFG,
		  XPDK_SDE_WB_DESC_CDT | XPDK_SDE_WB_DESC_CNT | XPDK_SDE_WB_PKT_CNT },
		{ H + XPDK_SDE_WB_ADDR_LO, (uint32_t)st_h },
		{ H + XPDK_SDE_WB_ADDR_HI, st_h >> 32 },
	};
	for (size_t i = 0; i < XPDK_ARRAY_SIZE(wr); i++)
		if ((rc = csr(s, wr[i][0], (uint32_t)wr[i][1])) != 0)
			return rc;
	if ((rc = xpdk_aws_rd32(s->bar4, C + XPDK_SDE_CDT_LIMIT, &lim)) != 0)
		return rc;
	if (lim != RING)
		return xpdk_err(ENODEV, "SDE C2H credit limit reads %u after reset, not %d", lim,
				RING);
	/* the CL: loopback (its reset default) or the traffic generator */
	if (conf->mode == XPDK_SDE_GENERATOR) {
		uint32_t size = conf->gen_pkt_size ? conf->gen_pkt_size : 64;

		if (size % 64)
			return xpdk_err(EINVAL, "generator packets are whole 64-byte beats, not %u",
					size);
		if ((rc = xpdk_aws_wr32(s->ocl, XPDK_F2_SDE_SRM_RX_CTL, 0)) != 0 ||
		    (rc = xpdk_aws_wr32(s->ocl, XPDK_F2_SDE_ATG0_DATA, conf->gen_seed)) != 0 ||
		    (rc = xpdk_aws_wr32(s->ocl, XPDK_F2_SDE_ATG0_SIZE, size / 64)) != 0 ||
		    (rc = xpdk_aws_wr32(s->ocl, XPDK_F2_SDE_ATG_TX_CTRL, 1)) != 0)
			return rc;
	} else {
		if ((rc = xpdk_aws_wr32(s->ocl, XPDK_F2_SDE_ATG_TX_CTRL, 0)) != 0 ||
		    (rc = xpdk_aws_wr32(s->ocl, XPDK_F2_SDE_SRM_RX_CTL, XPDK_F2_SDE_SRM_LB)) != 0)
			return rc;
	}
	return 0;
}

struct xpdk_sde *xpdk_sde_open(int slot_id, const struct xpdk_sde_conf *conf)
{
	static const struct xpdk_sde_conf dflt;
	struct xpdk_sde *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL) {
		errno = ENOMEM;
		xpdk_err(ENOMEM, "out of memory");
		return NULL;
	}
	rc = xpdk_aws_pf_get(slot_id, FPGA_APP_PF, &s->pf);
	if (rc != 0)
		goto fail;
	s->ocl = xpdk_aws_pf_bar(s->pf, APP_PF_BAR0);
	s->bar4 = xpdk_aws_pf_bar(s->pf, APP_PF_BAR4);
	s->c2h_win = s->bar4 ? window(s->bar4, XPDK_SDE_C2H_DESC_WIN) : NULL;
	s->h2c_win = s->bar4 ? window(s->bar4, XPDK_SDE_H2C_DESC_WIN) : NULL;
	if (s->ocl == NULL || s->c2h_win == NULL || s->h2c_win == NULL) {
		rc = xpdk_err(ENODEV,
			      "slot %d: BAR4's descriptor windows are not mapped (no "
			      "SDE here, or a device without shared descriptor windows)",
			      slot_id);
		goto fail;
	}
	s->host = xpdk_dma_alloc(sizeof(struct sde_host), 4096, XPDK_DMA_F_ZERO);
	if (s->host == NULL) {
		rc = -errno;
		goto fail;
	}
	s->h = s->host->va;
	rc = configure(s, conf ? conf : &dflt);
	if (rc != 0)
		goto fail;
	s->h->c2h_st.desc_limit = RING;
	s->h->h2c_st.desc_limit = RING;
	return s;
fail:
	xpdk_sde_close(s);
	errno = rc < 0 ? -rc : ENODEV;
	return NULL;
}

void xpdk_sde_close(struct xpdk_sde *s)
{
	if (s == NULL)
		return;
	if (s->bar4 != NULL)
		(void)csr(s, XPDK_SDE_SW_RESET, XPDK_SDE_SW_RESET_EN); /* stop its DMA first */
	xpdk_dma_free(s->host);
	xpdk_aws_pf_put(s->pf);
	free(s);
}

uint16_t xpdk_sde_tx_burst(struct xpdk_sde *s, const struct xpdk_sde_tx *tx, uint16_t n)
{
	uint32_t limit = LOAD32(&s->h->h2c_st, struct xpdk_sde_status, desc_limit);
	uint32_t credits = limit - s->tx_posted;
	uint32_t room = RING - (s->tx_posted - s->tx_done);
	uint16_t i;

	/* a limit that ran ahead of the ring is not believed */
	if (credits > room)
		credits = room;
	if (n > credits)
		n = (uint16_t)credits;
	for (i = 0; i < n; i++) {
		struct xpdk_sde_h2c_desc d = { .len = tx[i].len,
					       .addr = tx[i].iova,
					       .flags = tx[i].eop ? XPDK_SDE_H2C_EOP : 0,
					       .user = tx[i].user };

		memcpy(s->h2c_win + (s->tx_posted + i) % RING * sizeof(d), &d, sizeof(d));
	}
	if (n > 0) {
		s->tx_posted += n;
		store_prod(s->h2c_win, s->tx_posted);
	}
	return n;
}

uint16_t xpdk_sde_tx_done(struct xpdk_sde *s)
{
	uint32_t done = LOAD32(&s->h->h2c_st, struct xpdk_sde_status, desc_completed);
	uint32_t n = done - s->tx_done;

	if (n > s->tx_posted - s->tx_done) /* more than posted: a bad record */
		return 0;
	s->tx_done = done;
	return (uint16_t)n;
}

uint16_t xpdk_sde_rx_post(struct xpdk_sde *s, const uint64_t *iova, const uint32_t *len, uint16_t n)
{
	uint32_t room = RING - (s->rx_posted - s->rx_done);
	uint16_t i;

	if (n > room)
		n = (uint16_t)room;
	for (i = 0; i < n; i++) {
		uint32_t k = (s->rx_posted + i) % RING;
		struct xpdk_sde_c2h_desc d = { .len = len[i], .addr = iova[i] };

		s->rx_len[k] = len[i];
		memcpy(s->c2h_win + k * sizeof(d), &d, sizeof(d));
	}
	if (n > 0) {
		s->rx_posted += n;
		store_prod(s->c2h_win, s->rx_posted);
	}
	return n;
}

uint16_t xpdk_sde_rx_burst(struct xpdk_sde *s, struct xpdk_sde_rx *rx, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n && s->rx_done != s->rx_posted; i++) {
		uint32_t k = s->rx_done % RING;
		struct xpdk_sde_c2h_md *md = &s->h->md[k];
		uint32_t st = LOAD32(md, struct xpdk_sde_c2h_md, status), len;

		if (!(st & XPDK_SDE_MD_VALID))
			break;
		len = md->len;
		/* a record claiming more than its buffer holds is cut to the buffer */
		rx[i].len = len <= s->rx_len[k] ? len : s->rx_len[k];
		rx[i].eop = st & XPDK_SDE_MD_EOP;
		rx[i].user = md->user;
		rx[i].slot = s->rx_done;
		md->status = 0; /* the slot is free for the engine's next record */
		s->rx_done++;
	}
	return i;
}

uint16_t xpdk_sde_rx_pending(const struct xpdk_sde *s)
{
	return (uint16_t)(s->rx_posted - s->rx_done);
}

uint16_t xpdk_sde_tx_pending(const struct xpdk_sde *s)
{
	return (uint16_t)(s->tx_posted - s->tx_done);
}

int xpdk_sde_check(struct xpdk_sde *s)
{
	uint32_t c = LOAD32(&s->h->c2h_st, struct xpdk_sde_status, status),
		 h = LOAD32(&s->h->h2c_st, struct xpdk_sde_status, status);

	if ((c | h) == 0)
		return 0;
	return xpdk_err(EIO,
			"SDE error: C2H status 0x%x, H2C status 0x%x (bit 0 descriptor, "
			"1 data mover, 2 write-back); reset it with xpdk_sde_close() and "
			"open it again",
			c, h);
}
