/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The f2 model's shell: the AFI catalogue, the management PF's mailbox registers and the AFI
 * command interpreter behind them (LOAD, METRICS, CLEAR), with the slot's status, the AFI
 * cache and the metrics. Every message is hostile: its header, lengths, version, flags and
 * AFI id are checked and a bad one gets an ERROR reply, never a crash. The mailbox answers at
 * once (a reply is ready when WR_LEN is written), as AWS's Python example needs; one command
 * is outstanding at a time. No devsim call here: the fuzz target runs this file alone.
 */

#include <stdio.h>
#include <string.h>

#include "model_f2.h"

static const struct f2_afi afis[] = {
	{ "agfi-0fcf87119b8e97bf3", CL_HELLO, XPDK_F2_HELLO_DEVICE, XPDK_F2_HELLO_SSVID,
	  XPDK_F2_CL_SSID, "F1-compatible hello world" },
	{ "agfi-080817d089f3cd2ed", CL_MEM_PERF, XPDK_F2_MEMPERF_DEVICE, XPDK_F2_CL_SSVID,
	  XPDK_F2_CL_SSID, "cl_mem_perf" },
	{ "agfi-0925b211f5a81b071", CL_SDE, XPDK_F2_SDE_DEVICE, XPDK_F2_CL_SSVID, XPDK_F2_CL_SSID,
	  "cl_sde" },
};

const struct f2_afi *xpdk_f2m_afis(unsigned int *n)
{
	*n = sizeof(afis) / sizeof(afis[0]);
	return afis;
}

const struct f2_afi *xpdk_f2m_afi_find(const char *agfi)
{
	for (size_t i = 0; i < sizeof(afis) / sizeof(afis[0]); i++)
		if (strcmp(afis[i].agfi, agfi) == 0)
			return &afis[i];
	return NULL;
}

uint64_t xpdk_f2m_agfi_u64(const char *agfi)
{
	uint64_t v = 0;
	size_t n = 0;

	if (strncmp(agfi, "agfi-", 5) != 0)
		return 0;
	for (const char *p = agfi + 5; *p != '\0'; p++, n++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else
			return 0;
		if (v >> 60)
			return 0; /* more than 64 bits */
		v = v << 4 | d;
	}
	return n == 17 ? v : 0;
}

void xpdk_f2m_shell_init(struct f2_shell *sh, uint64_t faults, uint64_t load_ns)
{
	memset(sh, 0, sizeof(*sh));
	sh->status = XPDK_F2_STATUS_CLEARED;
	sh->faults = faults;
	sh->load_ns = load_ns;
	sh->vdip = 0xffff; /* switches on: the hello world's LEDs show */
}

/* ---- the command interpreter ---- */

static size_t reply_hdr(void *reply, uint32_t op, uint32_t id, size_t payload)
{
	struct xpdk_f2_afi_hdr h = {
		.version = XPDK_F2_AFI_VERSION,
		.op = op,
		.len_flags = (uint32_t)payload | (uint32_t)XPDK_F2_FLAG_RESP,
		.id = id,
	};

	memcpy(reply, &h, sizeof(h));
	return sizeof(h) + payload;
}

static size_t reply_error(void *reply, uint32_t id, int32_t error)
{
	struct xpdk_f2_error_rsp e = { .error = error };

	memcpy((uint8_t *)reply + sizeof(struct xpdk_f2_afi_hdr), &e, sizeof(e));
	return reply_hdr(reply, XPDK_F2_OP_ERROR, id, sizeof(e));
}

static void cache_add(struct f2_shell *sh, const char *agfi)
{
	uint64_t v = xpdk_f2m_agfi_u64(agfi);

	for (unsigned int i = 0; i < sh->ncache; i++)
		if (sh->cache[i] == v)
			return;
	if (sh->ncache == F2_CACHE_MAX) { /* the oldest goes */
		memmove(sh->cache, sh->cache + 1, sizeof(sh->cache) - sizeof(sh->cache[0]));
		sh->ncache--;
	}
	sh->cache[sh->ncache++] = v;
}

static size_t reply_metrics(struct f2_shell *sh, const struct f2_clkgen *cg, void *reply,
			    uint32_t op, uint32_t id, uint32_t flags)
{
	struct xpdk_f2_metrics_rsp r;
	const struct f2_afi *a = sh->pending ? sh->pending : sh->afi;

	memset(&r, 0, sizeof(r));
	if (a != NULL) {
		snprintf(r.ids.afi_id, sizeof(r.ids.afi_id), "%s", a->agfi);
		r.ids.vendor = XPDK_F2_VENDOR;
		r.ids.device = a->device;
		r.ids.svid = a->ssvid;
		r.ids.ssid = a->ssid;
	}
	r.status = sh->status;
	r.status_q = sh->status_q;
	if (flags & XPDK_F2_CMD_CLEAR_AFI_CACHE)
		sh->ncache = 0;
	sh->m.flags = flags;
	for (unsigned int g = 0; g < 3; g++)
		for (unsigned int o = 0; o < 7; o++)
			sh->m.clock_freq[g][o] = xpdk_f2m_clkgen_hz(cg, g, o);
	/* watts: a fixed draw while a CL is loaded */
	sh->m.power = sh->m.power_mean = sh->afi && sh->status == XPDK_F2_STATUS_LOADED ? 12 : 3;
	if (sh->m.power_max < sh->m.power)
		sh->m.power_max = sh->m.power;
	memset(sh->m.cached_agfis, 0, sizeof(sh->m.cached_agfis));
	memcpy(sh->m.cached_agfis, sh->cache, sh->ncache * sizeof(sh->cache[0]));
	r.metrics = sh->m;
	if (flags & XPDK_F2_CMD_CLEAR_HW_METRICS) {
		uint64_t pmax = sh->m.power_max;

		memset(&sh->m, 0, sizeof(sh->m));
		sh->m.power_max = pmax;
	}
	memcpy((uint8_t *)reply + sizeof(struct xpdk_f2_afi_hdr), &r, sizeof(r));
	return reply_hdr(reply, op, id, sizeof(r));
}

static bool busy(const struct f2_shell *sh)
{
	return sh->status == XPDK_F2_STATUS_BUSY;
}

size_t xpdk_f2m_mbox_exec(struct f2_shell *sh, const struct f2_clkgen *cg, const void *msg,
			  size_t len, void *reply, uint64_t now_ns)
{
	struct xpdk_f2_afi_hdr h;
	const uint8_t *payload = (const uint8_t *)msg + sizeof(h);
	size_t plen;

	sh->commands++;
	if (len < sizeof(h))
		return reply_error(reply, 0, XPDK_F2_ERR_AFI_CMD_MALFORMED);
	memcpy(&h, msg, sizeof(h));
	plen = XPDK_FIELD_GET(XPDK_F2_LEN_MASK, h.len_flags);
	if ((h.version >> 16) != XPDK_F2_AFI_VER_MAJOR)
		return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_API_VERSION_INVALID);
	if (plen != len - sizeof(h) || (h.len_flags & XPDK_F2_FLAG_RESP))
		return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_MALFORMED);
	xpdk_f2m_shell_settle(sh, now_ns);

	switch (h.op) {
	case XPDK_F2_OP_METRICS:
	case XPDK_F2_OP_CLEAR: {
		struct xpdk_f2_flags_req f;

		if (plen != sizeof(f))
			return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_MALFORMED);
		memcpy(&f, payload, sizeof(f));
		if (f.flags & ~(uint32_t)XPDK_F2_CMD_ALL_FLAGS)
			return reply_error(reply, h.id, XPDK_F2_ERR_INCOMPATIBLE_AFI_CMD_FLAGS);
		if (h.op == XPDK_F2_OP_CLEAR) {
			if (busy(sh))
				return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_BUSY);
			sh->status = XPDK_F2_STATUS_BUSY;
			sh->status_q = XPDK_F2_ERR_OK;
			sh->clearing = true;
			sh->pending = NULL;
			sh->load_done_ns = now_ns + sh->load_ns;
			xpdk_f2m_shell_settle(sh, now_ns);
		}
		return reply_metrics(sh, cg, reply, h.op, h.id, f.flags);
	}
	case XPDK_F2_OP_LOAD: {
		struct xpdk_f2_load_req r;
		const struct f2_afi *a;

		if (plen != sizeof(r))
			return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_MALFORMED);
		memcpy(&r, payload, sizeof(r));
		if (memchr(r.ids.afi_id, '\0', sizeof(r.ids.afi_id)) == NULL)
			return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_MALFORMED);
		if (r.flags & ~(uint32_t)XPDK_F2_CMD_ALL_FLAGS)
			return reply_error(reply, h.id, XPDK_F2_ERR_INCOMPATIBLE_AFI_CMD_FLAGS);
		a = xpdk_f2m_afi_find(r.ids.afi_id);
		if (a == NULL)
			return reply_error(reply, h.id, XPDK_F2_ERR_AFI_ID_INVALID);
		if (busy(sh))
			return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_BUSY);
		if (r.flags & XPDK_F2_CMD_PREFETCH) {
			cache_add(sh, a->agfi); /* cached, not loaded */
			return reply_metrics(sh, cg, reply, h.op, h.id, 0);
		}
		sh->status = XPDK_F2_STATUS_BUSY;
		sh->status_q = XPDK_F2_ERR_OK;
		sh->pending = a;
		sh->clearing = false;
		sh->load_done_ns = now_ns + sh->load_ns;
		xpdk_f2m_shell_settle(sh, now_ns);
		return reply_metrics(sh, cg, reply, h.op, h.id, 0);
	}
	default:
		return reply_error(reply, h.id, XPDK_F2_ERR_AFI_CMD_MALFORMED);
	}
}

bool xpdk_f2m_shell_settle(struct f2_shell *sh, uint64_t now_ns)
{
	if (!busy(sh) || now_ns < sh->load_done_ns)
		return false;
	if (sh->clearing) {
		sh->status = XPDK_F2_STATUS_CLEARED;
		sh->afi = NULL;
		sh->clearing = false;
	} else if (sh->faults & F2_FAULT_LOAD_FAIL) {
		sh->status = XPDK_F2_STATUS_LOAD_FAILED;
		sh->status_q = XPDK_F2_ERR_FAIL;
		sh->afi = NULL;
	} else {
		sh->afi = sh->pending;
		sh->status = XPDK_F2_STATUS_LOADED;
		sh->status_q =
		    (sh->faults & F2_FAULT_POWER) ? XPDK_F2_ERR_POWER_VIOLATION : XPDK_F2_ERR_OK;
		cache_add(sh, sh->afi->agfi);
	}
	sh->pending = NULL;
	return true;
}

/* ---- mailbox registers ---- */

uint32_t xpdk_f2m_mbox_read(struct f2_shell *sh, uint64_t off)
{
	switch (off) {
	case XPDK_F2_MB_SH_VERSION:
		return XPDK_F2_SHELL_VER;
	case XPDK_F2_MB_STATUS:
		return sh->status_bits;
	case XPDK_F2_MB_WR_INDEX:
		return sh->wr_index;
	case XPDK_F2_MB_DEPTH:
		return XPDK_F2_MB_MSG_MAX / 4;
	case XPDK_F2_MB_RD_INDEX:
		return sh->rd_index;
	case XPDK_F2_MB_RD_DATA:
		if (sh->rd_index < XPDK_F2_MB_MSG_MAX / 4 && sh->rd_index * 4 < sh->rd_len)
			return sh->rbuf[sh->rd_index++];
		return 0;
	case XPDK_F2_MB_RD_LEN:
		return sh->rd_len;
	case XPDK_F2_MB_VDIP:
		return sh->vdip;
	default:
		return 0;
	}
}

bool xpdk_f2m_mbox_write(struct f2_shell *sh, const struct f2_clkgen *cg, uint64_t off,
			 uint32_t val, uint64_t now_ns)
{
	uint32_t was;

	switch (off) {
	case XPDK_F2_MB_STATUS:
		sh->status_bits &= ~val;
		return false;
	case XPDK_F2_MB_WR_INDEX:
		sh->wr_index = val;
		return false;
	case XPDK_F2_MB_WR_DATA:
		if (sh->wr_index < XPDK_F2_MB_MSG_MAX / 4)
			sh->wbuf[sh->wr_index++] = val;
		return false;
	case XPDK_F2_MB_RD_INDEX:
		sh->rd_index = val;
		return false;
	case XPDK_F2_MB_VDIP:
		sh->vdip = (uint16_t)val;
		return false;
	case XPDK_F2_MB_WR_LEN:
		break;
	default:
		return false;
	}
	/* a message was sent */
	sh->status_bits |= XPDK_F2_MB_STATUS_TX_EVT;
	sh->wr_index = 0;
	if (sh->faults & F2_FAULT_MBOX_SILENT)
		return false;
	was = sh->status;
	if (sh->status_bits & XPDK_F2_MB_STATUS_RX_EVT) {
		/* one command at a time: the previous reply was not taken */
		sh->rd_len = (uint32_t)reply_error(sh->rbuf, 0, XPDK_F2_ERR_AFI_CMD_BUSY);
	} else {
		sh->rd_len = (uint32_t)xpdk_f2m_mbox_exec(
		    sh, cg, sh->wbuf, val > XPDK_F2_MB_MSG_MAX ? XPDK_F2_MB_MSG_MAX : val, sh->rbuf,
		    now_ns);
	}
	sh->rd_index = 0;
	sh->status_bits |= XPDK_F2_MB_STATUS_RX_EVT;
	return sh->status == XPDK_F2_STATUS_BUSY && was != XPDK_F2_STATUS_BUSY;
}
