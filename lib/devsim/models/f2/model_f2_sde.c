/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The f2 model's Streaming Data Engine (cl_sde, application PF BAR4 0x0000-0x3fff): the CSR
 * blocks with their documented quirks (CDT_LIMIT written 0 reads DESC_RAM_DEPTH, write-1- and
 * write-0-to-clear registers, 0xBAAD reads), and the engine on the device thread: H2C
 * descriptors stream host memory to the CL, C2H descriptors receive the CL's stream with a
 * metadata record per descriptor, credits and counters are written back to host memory.
 * The CL's stream is cl_sde's loopback (on after reset: H2C data, EOP and user bits come back
 * on C2H) or its traffic generator.
 *
 * Descriptor windows are memory shared with the client (see xpdk_f2_regs.h,
 * XPDK_SDE_WIN_PROD): the engine polls the producer counts and copies each descriptor out, once,
 * into its descriptor RAM before it trusts it. Everything read from the client is hostile: a
 * zero length, a ring overflow, a DMA address outside the client's memory or memory the client
 * truncated under a transfer stops that direction with the error bits the hardware sets and an
 * immediate status write-back.
 */

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "model_f2.h"
#include "xpdk_devsim.h"

#define DEPTH XPDK_SDE_DESC_DEPTH

static uint32_t prod(volatile uint8_t *win)
{
	return atomic_load_explicit((_Atomic uint32_t *)(uintptr_t)(win + XPDK_SDE_WIN_PROD),
				    memory_order_acquire);
}

static void set_prod(volatile uint8_t *win, uint32_t v)
{
	atomic_store_explicit((_Atomic uint32_t *)(uintptr_t)(win + XPDK_SDE_WIN_PROD), v,
			      memory_order_release);
}

static void dir_reset(struct sde_dir *d)
{
	memset(d, 0, sizeof(*d));
}

void xpdk_f2m_sde_reset(struct f2_sde *s)
{
	dir_reset(&s->c2h);
	dir_reset(&s->h2c);
	if (s->c2h_win != NULL) {
		set_prod(s->c2h_win, 0);
		set_prod(s->h2c_win, 0);
	}
	s->srm_ctl = XPDK_F2_SDE_SRM_LB; /* cl_sde's loopback is on after reset */
	s->gp_cfg = 0;
	s->atg_ctl = s->atg_data = s->atg_size = 0;
	s->atg_left = s->atg_seq = 0;
	s->reset_held = false;
}

static uint32_t status_dw(const struct sde_dir *d)
{
	uint32_t st = 0;

	if (d->desc_status & (XPDK_SDE_DS_OFLOW | XPDK_SDE_DS_OOO | XPDK_SDE_DS_UNALIGN))
		st |= XPDK_SDE_ST_DESC_ERR;
	if (d->dm_status)
		st |= XPDK_SDE_ST_DM_ERR;
	if (d->wb_status)
		st |= XPDK_SDE_ST_WB_ERR;
	return st;
}

static uint32_t limit(const struct sde_dir *d)
{
	return d->ci - d->limit_base + DEPTH;
}

static uint32_t dir_read(struct sde_dir *d, volatile uint8_t *win, uint64_t o, bool c2h)
{
	uint32_t p = prod(win);

	switch (o) {
	case XPDK_SDE_CDT_CONSUMED:
		return p;
	case XPDK_SDE_CDT_LIMIT:
		return limit(d);
	case XPDK_SDE_COMP_COUNT:
		return d->completed;
	case XPDK_SDE_DESC_PTRS:
		return (p % (2 * DEPTH)) | (d->ci % (2 * DEPTH)) << 16;
	case XPDK_SDE_DESC_STATUS:
		return d->desc_status | (p - d->ci >= DEPTH ? XPDK_SDE_DS_FULL : 0) |
		       (p == d->ci ? XPDK_SDE_DS_EMPTY : 0);
	case XPDK_SDE_DESC_INFO:
	case XPDK_SDE_DESC_INFO - 4: /* sde_lib's offset for it */
		return (uint32_t)XPDK_FIELD_PREP(XPDK_SDE_DESC_INFO_DEPTH, DEPTH);
	case XPDK_SDE_DM_STATUS:
		return d->dm_status;
	case XPDK_SDE_WB_CFG:
		return d->wb_cfg;
	case XPDK_SDE_WB_ADDR_LO:
		return d->wb_lo;
	case XPDK_SDE_WB_ADDR_HI:
		return d->wb_hi;
	case XPDK_SDE_WC_TIMEOUT:
		return d->wc_timeout;
	case XPDK_SDE_AXIS_PKT_CNT:
		return d->pkt_cnt;
	default:
		break;
	}
	if (c2h) {
		switch (o) {
		case XPDK_SDE_MD_ADDR_LO:
			return d->md_lo;
		case XPDK_SDE_MD_ADDR_HI:
			return d->md_hi;
		case XPDK_SDE_MD_SIZE:
			return d->md_size;
		case XPDK_SDE_MD_RD_PTR:
			return d->md_rd;
		case XPDK_SDE_MD_WR_PTR:
			return d->md_wr;
		case XPDK_SDE_C2H_WB_STATUS:
			return d->wb_status;
		case XPDK_SDE_C2H_STATUS_DW:
			return status_dw(d);
		default:
			return 0;
		}
	}
	if (o == XPDK_SDE_H2C_WB_STATUS)
		return d->wb_status;
	if (o == XPDK_SDE_H2C_STATUS_DW)
		return status_dw(d);
	return 0;
}

static void dir_write(struct sde_dir *d, volatile uint8_t *win, uint64_t o, uint32_t v, bool c2h)
{
	switch (o) {
	case XPDK_SDE_CDT_CONSUMED: /* RW0C: the ring starts over */
		if (v == 0) {
			set_prod(win, 0);
			d->fetched = d->ci = d->limit_base = d->done_desc = 0;
		}
		return;
	case XPDK_SDE_CDT_LIMIT: /* writing 0 gives DESC_RAM_DEPTH */
		if (v == 0)
			d->limit_base = d->ci;
		return;
	case XPDK_SDE_COMP_COUNT:
		if (v == 0)
			d->completed = 0;
		return;
	case XPDK_SDE_DESC_STATUS:
		d->desc_status &= ~(v & 7);
		return;
	case XPDK_SDE_DM_STATUS:
		d->dm_status &= ~(v & 3);
		return;
	case XPDK_SDE_WB_CFG:
		d->wb_cfg = v & (c2h ? 0x3fff : 0x3f77);
		return;
	case XPDK_SDE_WB_ADDR_LO:
		d->wb_lo = v;
		return;
	case XPDK_SDE_WB_ADDR_HI:
		d->wb_hi = v;
		return;
	case XPDK_SDE_WC_TIMEOUT:
		d->wc_timeout = v;
		return;
	case XPDK_SDE_AXIS_PKT_CNT:
		if (v == 0)
			d->pkt_cnt = 0;
		return;
	default:
		break;
	}
	if (c2h) {
		switch (o) {
		case XPDK_SDE_MD_ADDR_LO:
			d->md_lo = v;
			break;
		case XPDK_SDE_MD_ADDR_HI:
			d->md_hi = v;
			break;
		case XPDK_SDE_MD_SIZE:
			d->md_size = v;
			break;
		case XPDK_SDE_MD_RD_PTR:
			d->md_rd = v & 0xffff;
			break;
		case XPDK_SDE_MD_WR_PTR:
			if (v == 0)
				d->md_wr = 0;
			break;
		case XPDK_SDE_C2H_WB_STATUS:
			d->wb_status &= ~(v & 3);
			break;
		default:
			break;
		}
	} else if (o == XPDK_SDE_H2C_WB_STATUS) {
		d->wb_status &= ~(v & 1);
	}
}

uint32_t xpdk_f2m_sde_read(struct f2_sde *s, uint64_t off)
{
	if (off == XPDK_SDE_SW_RESET)
		return s->reset_held ? XPDK_SDE_SW_RESET_EN : 0;
	if (off == XPDK_SDE_INFO)
		return XPDK_SDE_INFO_C2H | XPDK_SDE_INFO_H2C;
	if (off >= XPDK_SDE_C2H && off < XPDK_SDE_H2C)
		return dir_read(&s->c2h, s->c2h_win, off - XPDK_SDE_C2H, true);
	if (off >= XPDK_SDE_H2C && off < 0x4000)
		return dir_read(&s->h2c, s->h2c_win, off - XPDK_SDE_H2C, false);
	if (off >= XPDK_SDE_SW_RESET && off < XPDK_SDE_SW_RESET + 0x200)
		return XPDK_SDE_BAD_PCIS_CSR;
	return XPDK_SDE_BAD_READ;
}

void xpdk_f2m_sde_write(struct f2_sde *s, uint64_t off, uint32_t val)
{
	if (off == XPDK_SDE_SW_RESET) {
		if (val & XPDK_SDE_SW_RESET_EN) {
			uint32_t srm = s->srm_ctl, gp = s->gp_cfg;

			xpdk_f2m_sde_reset(s);
			s->srm_ctl = srm; /* the CL's blocks are not the SDE's */
			s->gp_cfg = gp;
			s->reset_held = true;
		} else {
			s->reset_held = false;
		}
	} else if (off >= XPDK_SDE_C2H && off < XPDK_SDE_H2C) {
		dir_write(&s->c2h, s->c2h_win, off - XPDK_SDE_C2H, val, true);
	} else if (off >= XPDK_SDE_H2C && off < 0x4000) {
		dir_write(&s->h2c, s->h2c_win, off - XPDK_SDE_H2C, val, false);
	}
}

/* ---- the engine ---- */

/*
 * The engine works in bursts, as the hardware's data mover does: descriptors are copied from
 * the windows into the descriptor RAM once (fetch()), then one burst holds the client's memory
 * once (xpdk_devsim_dma_hold(): one read lock, not one per access), translates addresses
 * through one window cache per stream (source, destination, metadata records), moves the data
 * under one SIGBUS guard (the client may truncate its memory at any time: the burst stops there
 * and the direction it was touching reports a data-mover error), and writes each status block
 * once at the end.
 */

#define BURST_BYTES    (1u << 20) /* data per burst: bounds how long DMA_UNMAP may wait */
#define PREFETCH_AHEAD 4u	  /* steps whose cache misses run ahead of the copy */

static uint64_t wb_addr(const struct sde_dir *d)
{
	return (uint64_t)d->wb_hi << 32 | d->wb_lo;
}

/* Write the status block if counters changed and write-back is on, or at once on @p error. */
static void write_back(struct xpdk_devsim_dev *app, struct sde_dir *d, bool c2h, bool error)
{
	struct xpdk_sde_status st;
	uint32_t on = d->wb_cfg & (XPDK_SDE_WB_DESC_CNT | XPDK_SDE_WB_PKT_CNT |
				   XPDK_SDE_WB_DESC_CDT | XPDK_SDE_WB_CDT_WC | XPDK_SDE_WB_CNT_WC |
				   XPDK_SDE_WB_PKT_WC | (c2h ? XPDK_SDE_WB_MD_WR_WC : 0));

	if (!error && (!d->dirty || on == 0))
		return;
	d->dirty = false;
	if (wb_addr(d) == 0 || (wb_addr(d) & 63))
		return; /* no block configured: nowhere to write */
	st.status = status_dw(d);
	st.desc_limit = limit(d);
	st.desc_completed = d->completed;
	st.pkt_count = d->pkt_cnt;
	st.md_wr_ptr = d->md_wr;
	if (xpdk_devsim_dma_write(app, wb_addr(d), &st, c2h ? sizeof(st) : 16) < 0)
		d->wb_status |= 1; /* BRESP error */
}

static bool stopped(const struct sde_dir *d)
{
	return status_dw(d) != 0;
}

static void fail(struct xpdk_devsim_dev *app, struct sde_dir *d, bool c2h, uint32_t *reg,
		 uint32_t bit)
{
	*reg |= bit;
	write_back(app, d, c2h, true);
}

/* Room for one more metadata record? */
static bool md_room(const struct sde_dir *c)
{
	uint32_t n = c->md_size / sizeof(struct xpdk_sde_c2h_md);

	if (!(c->wb_cfg & XPDK_SDE_WB_MD_PTR_EN))
		return true;
	return n >= 2 && (c->md_wr + 1) % n != c->md_rd % n;
}

/* A descriptor count that moved past what the ring holds: overflow. */
static bool check_ring(struct xpdk_devsim_dev *app, struct sde_dir *d, uint32_t p, bool c2h)
{
	if (p - d->ci <= DEPTH)
		return true;
	fail(app, d, c2h, &d->desc_status, XPDK_SDE_DS_OFLOW);
	return false;
}

/*
 * Copy descriptors [fetched, @p p) from the window into the descriptor RAM, each once. A count
 * that went back below what was fetched is not believed (what was fetched stays).
 */
static void fetch(struct sde_dir *d, volatile uint8_t *win, void *ram, size_t size, uint32_t p)
{
	if (p - d->ci < d->fetched - d->ci)
		return;
	while (d->fetched != p) {
		uint32_t slot = d->fetched % DEPTH, k = p - d->fetched;

		if (k > DEPTH - slot)
			k = DEPTH - slot;
		memcpy((uint8_t *)ram + slot * size, (const void *)(uintptr_t)(win + slot * size),
		       k * size);
		d->fetched += k;
	}
}

/* What the guarded part of a burst is touching, so that a fault names the direction. */
enum sde_touch {
	TOUCH_COPY, /* H2C source to C2H destination */
	TOUCH_GEN,  /* generator data to a C2H buffer */
	TOUCH_MD,   /* a C2H metadata record */
};

/* One burst: what its guarded part needs, and the failure it leaves for the caller. */
struct sde_burst {
	struct xpdk_devsim_dev *app;
	struct f2_sde *s;
	struct xpdk_vfu_dma_cache src, dst, md; /* one window cache per address stream */
	bool loop, atg;
	unsigned int budget;
	uint32_t bytes; /* moved in this burst */
	int done;	/* H2C descriptors completed (C2H ones in generator mode) */
	struct sde_dir *fail_dir;
	uint32_t *fail_reg, fail_bit;
	enum sde_touch touch; /* the access in progress: what, and its destination */
	const uint8_t *dst_at;
	size_t dst_len;
};

static void set_fail(struct sde_burst *b, struct sde_dir *d, uint32_t *reg, uint32_t bit)
{
	b->fail_dir = d;
	b->fail_reg = reg;
	b->fail_bit = bit;
}

/* Say what is about to be touched; the fence keeps the compiler from moving the access above
 * it (a SIGBUS leaves the burst at the access). */
static void touching(struct sde_burst *b, enum sde_touch t, const void *dst, size_t len)
{
	b->touch = t;
	b->dst_at = dst;
	b->dst_len = len;
	atomic_signal_fence(memory_order_seq_cst);
}

static uint32_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return (uint32_t)(m < c ? m : c);
}

/* Copy @p n bytes from client address @p src to client address @p dst, a window at a time. */
static int copy(struct sde_burst *b, uint64_t src, uint64_t dst, uint32_t n)
{
	struct f2_sde *s = b->s;

	while (n > 0) {
		void *sp, *dp;
		uint64_t sa, da;
		uint32_t k;

		if (xpdk_devsim_dma_lookup(b->app, &b->src, src, false, &sp, &sa) < 0) {
			set_fail(b, &s->h2c, &s->h2c.dm_status, XPDK_SDE_DM_RESP_ERR);
			return -1;
		}
		if (xpdk_devsim_dma_lookup(b->app, &b->dst, dst, true, &dp, &da) < 0) {
			set_fail(b, &s->c2h, &s->c2h.dm_status, XPDK_SDE_DM_RESP_ERR);
			return -1;
		}
		k = min3(n, sa, da);
		touching(b, TOUCH_COPY, dp, k);
		memmove(dp, sp, k); /* a client may hand the CL overlapping buffers */
		src += k;
		dst += k;
		n -= k;
	}
	return 0;
}

/* Check that the CL may read [@p src, + @p n) (a CL that sinks the stream reads nothing). */
static int sink(struct sde_burst *b, uint64_t src, uint32_t n)
{
	while (n > 0) {
		void *sp;
		uint64_t sa;

		if (xpdk_devsim_dma_lookup(b->app, &b->src, src, false, &sp, &sa) < 0) {
			set_fail(b, &b->s->h2c, &b->s->h2c.dm_status, XPDK_SDE_DM_RESP_ERR);
			return -1;
		}
		sa = sa < n ? sa : n;
		src += sa;
		n -= (uint32_t)sa;
	}
	return 0;
}

/* The traffic generator's bytes (incrementing 32-bit words) into [@p dst, + @p n). */
static int generate(struct sde_burst *b, uint64_t dst, uint32_t n)
{
	struct f2_sde *s = b->s;

	while (n > 0) {
		uint8_t *p;
		uint64_t da;
		uint32_t k;

		if (xpdk_devsim_dma_lookup(b->app, &b->dst, dst, true, (void **)&p, &da) < 0) {
			set_fail(b, &s->c2h, &s->c2h.dm_status, XPDK_SDE_DM_RESP_ERR);
			return -1;
		}
		k = min3(n, da, n);
		touching(b, TOUCH_GEN, p, k);
		for (uint32_t i = 0; i < k; i++) {
			uint32_t w = s->atg_data + s->atg_seq / 4;

			p[i] = (uint8_t)(w >> (8 * (s->atg_seq % 4)));
			s->atg_seq++;
		}
		dst += k;
		n -= k;
	}
	return 0;
}

static int md_write(struct sde_burst *b, uint32_t len, bool eop, uint64_t user)
{
	struct sde_dir *c = &b->s->c2h;
	uint32_t n = c->md_size / sizeof(struct xpdk_sde_c2h_md);
	uint64_t base = (uint64_t)c->md_hi << 32 | c->md_lo, avail;
	uint32_t st = XPDK_SDE_MD_VALID | (eop ? XPDK_SDE_MD_EOP : 0);
	uint8_t *p;

	if (n < 2 || (base & 63) ||
	    xpdk_devsim_dma_lookup(b->app, &b->md,
				   base + (uint64_t)(c->md_wr % n) * sizeof(struct xpdk_sde_c2h_md),
				   true, (void **)&p, &avail) < 0 ||
	    avail < sizeof(struct xpdk_sde_c2h_md)) {
		set_fail(b, c, &c->wb_status, 2);
		return -1;
	}
	/* one PCIe write on hardware: here the status word (VALID) goes last, released, so a
	 * driver that sees VALID sees the length and user bits too */
	touching(b, TOUCH_MD, p, sizeof(struct xpdk_sde_c2h_md));
	memcpy(p + offsetof(struct xpdk_sde_c2h_md, len), &len, sizeof(len));
	user = eop ? user : 0;
	memcpy(p + offsetof(struct xpdk_sde_c2h_md, user), &user, sizeof(user));
	atomic_store_explicit(
	    (_Atomic uint32_t *)(void *)(p + offsetof(struct xpdk_sde_c2h_md, status)), st,
	    memory_order_release);
	c->md_wr = (c->md_wr + 1) % n;
	return 0;
}

/* Close the C2H descriptor being filled. */
static int c2h_complete(struct sde_burst *b, bool eop, uint64_t user)
{
	struct sde_dir *c = &b->s->c2h;

	if (md_write(b, c->done_desc, eop, user) < 0)
		return -1;
	c->ci++;
	c->done_desc = 0;
	c->completed++;
	c->pkt_cnt += eop;
	c->dirty = true;
	return 0;
}

/* The descriptors at the heads of the two RAMs, and whether each is there. */
struct sde_heads {
	const struct xpdk_sde_h2c_desc *hd;
	const struct xpdk_sde_c2h_desc *cd;
	bool hv, cv;
};

static struct sde_heads heads(const struct f2_sde *s)
{
	const struct sde_dir *h = &s->h2c, *c = &s->c2h;

	return (struct sde_heads){ .hd = &s->h2c_ram[h->ci % DEPTH],
				   .cd = &s->c2h_ram[c->ci % DEPTH],
				   .hv = !stopped(h) && h->ci != h->fetched,
				   .cv = !stopped(c) && c->ci != c->fetched };
}

/* Would a step do anything (move data, or find a bad descriptor)? No client memory touched. */
static bool can_step(const struct f2_sde *s, bool loop, bool atg)
{
	struct sde_heads x = heads(s);

	if ((x.hv && x.hd->len == 0) || (x.cv && x.cd->len == 0))
		return true;
	if (loop)
		return x.hv && x.cv && md_room(&s->c2h);
	return x.hv || (atg && x.cv && md_room(&s->c2h));
}

/* One step of the generator: fill the C2H buffer at the head. @return 1, or -1 (failure set) */
static int gen_step(struct sde_burst *b, const struct xpdk_sde_c2h_desc *cd)
{
	struct f2_sde *s = b->s;
	struct sde_dir *c = &s->c2h;
	uint32_t pkt = (s->atg_size ? s->atg_size : 1) * 64, n;

	if (s->atg_left == 0)
		s->atg_left = pkt;
	n = cd->len - c->done_desc;
	n = n > s->atg_left ? s->atg_left : n;
	n = n > BURST_BYTES ? BURST_BYTES : n;
	if (generate(b, cd->addr + c->done_desc, n) < 0)
		return -1;
	b->bytes += n;
	s->atg_left -= n;
	c->done_desc += n;
	if ((s->atg_left == 0 || c->done_desc == cd->len) &&
	    c2h_complete(b, s->atg_left == 0, 0) < 0)
		return -1;
	b->done++;
	return 1;
}

/*
 * Start the cache misses of the step @p k ahead: its source and destination are lines the client's
 * CPU touched last, and a copy that waits for each in turn spends most of its time waiting. Hints
 * only: an address outside the windows already cached is skipped, and a prefetch never faults.
 */
static void prefetch_ahead(const struct sde_burst *b, uint32_t k)
{
	const struct f2_sde *s = b->s;
	const struct sde_dir *h = &s->h2c, *c = &s->c2h;

	if (h->fetched - h->ci > k) {
		uint64_t at = s->h2c_ram[(h->ci + k) % DEPTH].addr - b->src.iova;

		if (at < b->src.size)
			__builtin_prefetch(b->src.vaddr + at, 0);
	}
	if (c->fetched - c->ci > k) {
		uint64_t at = s->c2h_ram[(c->ci + k) % DEPTH].addr - b->dst.iova;

		if (at < b->dst.size)
			__builtin_prefetch(b->dst.vaddr + at, 1);
	}
}

/* The burst's steps, under the SIGBUS guard (xpdk_devsim_dma_guarded()): no lock, no
 * allocation; every state change is in memory before the next access, so a fault leaves the
 * engine consistent up to the access that faulted. */
static void burst_steps(void *arg)
{
	struct sde_burst *b = arg;
	struct f2_sde *s = b->s;
	struct sde_dir *h = &s->h2c, *c = &s->c2h;

	for (; b->budget > 0 && b->bytes < BURST_BYTES; b->budget--) {
		struct sde_heads x = heads(s);
		uint32_t n;
		bool eop = false;

		prefetch_ahead(b, PREFETCH_AHEAD);
		if (x.hv && x.hd->len == 0) {
			set_fail(b, h, &h->dm_status, XPDK_SDE_DM_LEN_ERR);
			return;
		}
		if (x.cv && x.cd->len == 0) {
			set_fail(b, c, &c->dm_status, XPDK_SDE_DM_LEN_ERR);
			return;
		}
		if (b->loop) {
			if (!x.hv || !x.cv || !md_room(c))
				return; /* the loopback FIFO backpressures H2C */
			n = min3(x.hd->len - h->done_desc, x.cd->len - c->done_desc, BURST_BYTES);
			if (copy(b, x.hd->addr + h->done_desc, x.cd->addr + c->done_desc, n) < 0)
				return;
		} else if (x.hv) { /* to a CL that sinks the stream */
			n = min3(x.hd->len - h->done_desc, BURST_BYTES, BURST_BYTES);
			if (sink(b, x.hd->addr + h->done_desc, n) < 0)
				return;
		} else if (b->atg && x.cv && md_room(c)) {
			if (gen_step(b, x.cd) < 0)
				return;
			continue;
		} else {
			return;
		}
		b->bytes += n;
		h->done_desc += n;
		if (h->done_desc == x.hd->len) { /* H2C descriptor done */
			eop = x.hd->flags & XPDK_SDE_H2C_EOP;
			h->ci++;
			h->done_desc = 0;
			h->completed++;
			h->pkt_cnt += eop;
			h->dirty = true;
			b->done++;
		}
		if (b->loop) {
			c->done_desc += n;
			if ((c->done_desc == x.cd->len || eop) &&
			    c2h_complete(b, eop, x.hd->user) < 0)
				return;
		}
	}
}

/* A fault in the guarded part: the direction whose memory was being touched stops. */
static void blame(struct sde_burst *b, const void *fault)
{
	struct f2_sde *s = b->s;
	const uint8_t *f = fault;

	if (b->touch == TOUCH_MD)
		set_fail(b, &s->c2h, &s->c2h.wb_status, 2);
	else if (b->touch == TOUCH_GEN || (f >= b->dst_at && (size_t)(f - b->dst_at) < b->dst_len))
		set_fail(b, &s->c2h, &s->c2h.dm_status, XPDK_SDE_DM_RESP_ERR);
	else
		set_fail(b, &s->h2c, &s->h2c.dm_status, XPDK_SDE_DM_RESP_ERR);
}

int xpdk_f2m_sde_run(struct xpdk_devsim_dev *app, struct f2_sde *s, unsigned int budget)
{
	struct sde_dir *h = &s->h2c, *c = &s->c2h;
	uint32_t ph = prod(s->h2c_win), pc = prod(s->c2h_win);
	bool loop = (s->gp_cfg & XPDK_F2_SDE_GP_WIRE_LB) || (s->srm_ctl & XPDK_F2_SDE_SRM_LB);
	bool atg = !loop && ((s->atg_ctl & 1) || (s->gp_cfg & XPDK_F2_SDE_GP_ATG));
	struct sde_burst b;
	void *fault = NULL;

	if (s->reset_held || (s->gp_cfg & XPDK_F2_SDE_GP_RESET))
		return 0;
	if (!stopped(h) && !check_ring(app, h, ph, false))
		return -1;
	if (!stopped(c) && !check_ring(app, c, pc, true))
		return -1;
	if (!stopped(h))
		fetch(h, s->h2c_win, s->h2c_ram, sizeof(s->h2c_ram[0]), ph);
	if (!stopped(c))
		fetch(c, s->c2h_win, s->c2h_ram, sizeof(s->c2h_ram[0]), pc);
	if (budget == 0 || !can_step(s, loop, atg))
		return 0; /* idle: no lock taken, nothing set up */
	b = (struct sde_burst){ .app = app, .s = s, .loop = loop, .atg = atg, .budget = budget };
	if (xpdk_devsim_dma_hold(app) < 0) { /* bus mastering off, or no client */
		if (b.loop || heads(s).hv)
			set_fail(&b, h, &h->dm_status, XPDK_SDE_DM_RESP_ERR);
		else
			set_fail(&b, c, &c->dm_status, XPDK_SDE_DM_RESP_ERR);
	} else {
		if (xpdk_devsim_dma_guarded(app, burst_steps, &b, &fault) < 0)
			blame(&b, fault);
		xpdk_devsim_dma_release(app);
	}
	if (b.fail_dir != NULL)
		fail(app, b.fail_dir, b.fail_dir == c, b.fail_reg, b.fail_bit);
	write_back(app, h, false, false);
	write_back(app, c, true, false);
	return b.fail_dir != NULL ? -1 : b.done;
}
