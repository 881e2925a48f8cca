/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The DFL walker: decodes one DFH at a time through the region's read64 callback, checks every
 * offset before it is read, and follows NEXT (one chain) or, when enumerating a device, also the
 * FME's port table and the FIUs' NEXT_AFU pointers, remembering every header it has seen.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_dfl.h"

/* header bytes the walker decodes, by DFH version and type */
#define DFH0_FIU_HDR_SIZE (XPDK_DFH_NEXT_AFU + 8)
#define DFH0_AFU_HDR_SIZE (XPDK_DFH_GUID_H + 8)
#define DFH1_HDR_SIZE	  XPDK_DFHV1_PARAM_HDR

/* a header seen during enumeration: [off, end) */
struct dfl_seen {
	uint64_t off;
	uint64_t end;
};

struct dfl_walk {
	const struct xpdk_dfl_region *r;
	xpdk_dfl_cb cb;
	void *arg;
	struct xpdk_dfl_error *err;
	unsigned int count;    /* features decoded so far */
	struct dfl_seen *seen; /* NULL for a single-chain walk (offsets only grow there) */
	unsigned int nseen;    /* entries in seen[] */
};

static const struct {
	int err; /* positive errno */
	const char *name;
} dfl_errors[] = {
	[XPDK_DFL_E_NONE] = { 0, "no error" },
	[XPDK_DFL_E_ARG] = { EINVAL, "bad argument" },
	[XPDK_DFL_E_READ] = { EIO, "read failed" },
	[XPDK_DFL_E_RANGE] = { ERANGE, "outside the region" },
	[XPDK_DFL_E_UNALIGNED] = { EINVAL, "unaligned offset" },
	[XPDK_DFL_E_SELF_LOOP] = { ELOOP, "self loop" },
	[XPDK_DFL_E_CYCLE] = { ELOOP, "cycle" },
	[XPDK_DFL_E_PAST_END] = { ERANGE, "pointer past the region end" },
	[XPDK_DFL_E_OVERLAP] = { EINVAL, "header overlap" },
	[XPDK_DFL_E_TOO_LONG] = { E2BIG, "too many features" },
	[XPDK_DFL_E_TOO_DEEP] = { E2BIG, "nested too deep" },
	[XPDK_DFL_E_PARAM_OVERRUN] = { ERANGE, "parameters overrun the feature" },
	[XPDK_DFL_E_PARAM_ZERO_NEXT] = { EINVAL, "parameter with zero next" },
	[XPDK_DFL_E_PARAM_COUNT] = { E2BIG, "too many parameters" },
	[XPDK_DFL_E_VERSION] = { EINVAL, "unknown DFH version" },
	[XPDK_DFL_E_NOMEM] = { ENOMEM, "out of memory" },
	[XPDK_DFL_E_STOPPED] = { 0, "stopped by the callback" },
	[XPDK_DFL_E_TYPE] = { EINVAL, "not a valid feature type" },
	[XPDK_DFL_E_VSEC] = { EINVAL, "malformed DFL VSEC" },
};

const char *xpdk_dfl_strerror(int code)
{
	if (code < 0 || (size_t)code >= XPDK_ARRAY_SIZE(dfl_errors))
		return "unknown";
	return dfl_errors[code].name;
}

static void set_error(struct xpdk_dfl_error *err, int code, uint64_t off, const char *msg)
{
	if (!err)
		return;
	err->code = code;
	err->offset = off;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

/* record a failure at DFL offset @off; return the negative errno of @code */
XPDK_PRINTF(4, 5)
static int fail(struct dfl_walk *w, int code, uint64_t off, const char *fmt, ...)
{
	char msg[sizeof(w->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above (as in lib/common) */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_error(w->err, code, off, msg);
	return xpdk_err(dfl_errors[code].err, "%s", msg);
}

/* the only place the region is read: aligned, and all 8 bytes inside it */
static int rd(struct dfl_walk *w, uint64_t off, uint64_t *val)
{
	*val = 0; /* defined even on failure, and for a read64 that forgets to set it */
	if (off % 8)
		return fail(w, XPDK_DFL_E_UNALIGNED, off, "DFL register offset 0x%llx is unaligned",
			    (unsigned long long)off);
	if (w->r->size < 8 || off > w->r->size - 8)
		return fail(w, XPDK_DFL_E_RANGE, off,
			    "DFL register at 0x%llx is outside the region (size 0x%llx)",
			    (unsigned long long)off, (unsigned long long)w->r->size);
	if (w->r->read64(w->r->ctx, off, val))
		return fail(w, XPDK_DFL_E_READ, off, "reading the DFL register at 0x%llx failed",
			    (unsigned long long)off);
	return 0;
}

/*
 * Check a pointer held by the feature at @from (NEXT, NEXT_AFU or a port offset) to a DFH at
 * @target before it is followed.
 */
static int check_target(struct dfl_walk *w, uint64_t from, uint64_t target, const char *what)
{
	if (target % 8)
		return fail(w, XPDK_DFL_E_UNALIGNED, from,
			    "%s of the DFH at 0x%llx points to unaligned offset 0x%llx", what,
			    (unsigned long long)from, (unsigned long long)target);
	if (w->r->size < 8 || target > w->r->size - 8)
		return fail(
		    w, XPDK_DFL_E_PAST_END, from,
		    "%s of the DFH at 0x%llx points to 0x%llx, past the region end (0x%llx)", what,
		    (unsigned long long)from, (unsigned long long)target,
		    (unsigned long long)w->r->size);
	return 0;
}

static uint64_t header_size(unsigned int version, unsigned int type)
{
	if (version == XPDK_DFH_VERSION_1)
		return DFH1_HDR_SIZE;
	if (type == XPDK_DFH_TYPE_FIU)
		return DFH0_FIU_HDR_SIZE;
	if (type == XPDK_DFH_TYPE_AFU)
		return DFH0_AFU_HDR_SIZE;
	return XPDK_DFH_SIZE;
}

static int read_guid(struct dfl_walk *w, struct xpdk_dfl_feature *f)
{
	uint64_t lo, hi;
	int rc;

	rc = rd(w, f->offset + XPDK_DFH_GUID_L, &lo);
	if (!rc)
		rc = rd(w, f->offset + XPDK_DFH_GUID_H, &hi);
	if (rc)
		return rc;
	f->guid = xpdk_guid_from_regs(lo, hi);
	f->has_guid = true;
	return 0;
}

/* NEXT: decides f->last, f->next_abs and f->size (the feature's extent) */
static int decode_next(struct dfl_walk *w, struct xpdk_dfl_feature *f)
{
	uint64_t off = f->offset;
	int rc;

	f->last = f->eol || f->next == 0;
	if (f->last) {
		f->size = w->r->size - off;
		return 0;
	}
	if (f->next < f->header_size)
		return fail(w, XPDK_DFL_E_OVERLAP, off,
			    "NEXT 0x%llx of the DFH at 0x%llx points inside its 0x%llx-byte header",
			    (unsigned long long)f->next, (unsigned long long)off,
			    (unsigned long long)f->header_size);
	/* off + 8 <= size was checked, and NEXT has 24 bits: no overflow */
	rc = check_target(w, off, off + f->next, "NEXT");
	if (rc)
		return rc;
	f->next_abs = off + f->next;
	f->size = f->next;
	return 0;
}

static int decode_params(struct dfl_walk *w, struct xpdk_dfl_feature *f)
{
	uint64_t end = f->offset + f->size, pos = f->offset + XPDK_DFHV1_PARAM_HDR, ph, next;
	int rc;

	for (;;) {
		if (pos > end || end - pos < 8)
			return fail(w, XPDK_DFL_E_PARAM_OVERRUN, pos,
				    "parameter header at 0x%llx is outside the feature at 0x%llx "
				    "(ends at 0x%llx)",
				    (unsigned long long)pos, (unsigned long long)f->offset,
				    (unsigned long long)end);
		if (f->num_params == XPDK_DFL_MAX_PARAMS)
			return fail(w, XPDK_DFL_E_PARAM_COUNT, pos,
				    "the feature at 0x%llx has more than %d parameters",
				    (unsigned long long)f->offset, XPDK_DFL_MAX_PARAMS);
		rc = rd(w, pos, &ph);
		if (rc)
			return rc;
		next = XPDK_FIELD_GET(XPDK_DFHV1_PARAM_NEXT, ph) * XPDK_DFHV1_PARAM_NEXT_UNIT;
		if (next == 0)
			return fail(w, XPDK_DFL_E_PARAM_ZERO_NEXT, pos,
				    "parameter header at 0x%llx has a zero NEXT",
				    (unsigned long long)pos);
		if (next > end - pos)
			return fail(w, XPDK_DFL_E_PARAM_OVERRUN, pos,
				    "parameter at 0x%llx (0x%llx bytes) runs past the feature at "
				    "0x%llx (ends at 0x%llx)",
				    (unsigned long long)pos, (unsigned long long)next,
				    (unsigned long long)f->offset, (unsigned long long)end);
		f->params[f->num_params++] = (struct xpdk_dfl_param){
			.id = (uint16_t)XPDK_FIELD_GET(XPDK_DFHV1_PARAM_ID, ph),
			.version = (uint16_t)XPDK_FIELD_GET(XPDK_DFHV1_PARAM_VERSION, ph),
			.offset = pos + XPDK_DFHV1_PARAM_DATA,
			.size = next - XPDK_DFHV1_PARAM_DATA,
		};
		if (ph & XPDK_DFHV1_PARAM_EOP)
			return 0;
		pos += next;
	}
}

static int decode_v1(struct dfl_walk *w, struct xpdk_dfl_feature *f)
{
	uint64_t addr, grp;
	int rc;

	rc = rd(w, f->offset + XPDK_DFHV1_CSR_ADDR, &addr);
	if (!rc)
		rc = rd(w, f->offset + XPDK_DFHV1_CSR_SIZE_GRP, &grp);
	if (rc)
		return rc;
	f->csr_abs = addr & XPDK_DFHV1_CSR_ADDR_ABS;
	/* relative: an offset from the DFH; wraps harmlessly, it is never read here */
	f->csr_addr = (addr & XPDK_DFHV1_CSR_ADDR_MASK) + (f->csr_abs ? 0 : f->offset);
	f->csr_size = XPDK_FIELD_GET(XPDK_DFHV1_CSR_SIZE, grp);
	f->instance_id = (uint16_t)XPDK_FIELD_GET(XPDK_DFHV1_CSR_INSTANCE_ID, grp);
	f->group_id = (uint16_t)XPDK_FIELD_GET(XPDK_DFHV1_CSR_GROUP_ID, grp);
	f->has_params = grp & XPDK_DFHV1_CSR_HAS_PARAMS;
	return f->has_params ? decode_params(w, f) : 0;
}

/* decode the feature at @off; the caller has checked that @off is aligned and in the region */
static int decode_feature(struct dfl_walk *w, uint64_t off, struct xpdk_dfl_feature *f)
{
	uint64_t v;
	int rc;

	memset(f, 0, sizeof(*f));
	f->offset = off;
	rc = rd(w, off + XPDK_DFH, &v);
	if (rc)
		return rc;
	f->dfh = v;
	f->type = (unsigned int)XPDK_FIELD_GET(XPDK_DFH_TYPE, v);
	f->id = (unsigned int)XPDK_FIELD_GET(XPDK_DFH_ID, v);
	f->revision = (unsigned int)XPDK_FIELD_GET(XPDK_DFH_REVISION, v);
	f->version = (unsigned int)XPDK_FIELD_GET(XPDK_DFH_VERSION, v);
	f->next = XPDK_FIELD_GET(XPDK_DFH_NEXT, v);
	f->eol = v & XPDK_DFH_EOL;
	f->parent = XPDK_DFL_NO_PARENT;
	if (f->version > XPDK_DFH_VERSION_1)
		return fail(w, XPDK_DFL_E_VERSION, off, "DFH at 0x%llx has unknown version %u",
			    (unsigned long long)off, f->version);
	if (f->type == 0)
		return fail(w, XPDK_DFL_E_TYPE, off,
			    "DFH at 0x%llx has type 0: not a valid feature (an empty or "
			    "unprogrammed header)",
			    (unsigned long long)off);
	f->header_size = header_size(f->version, f->type);
	if (f->header_size > w->r->size - off)
		return fail(w, XPDK_DFL_E_RANGE, off,
			    "the 0x%llx-byte header of the DFH at 0x%llx runs past the region end "
			    "(0x%llx)",
			    (unsigned long long)f->header_size, (unsigned long long)off,
			    (unsigned long long)w->r->size);
	rc = decode_next(w, f);
	if (rc)
		return rc;
	if (f->version == XPDK_DFH_VERSION_1 || f->type == XPDK_DFH_TYPE_FIU ||
	    f->type == XPDK_DFH_TYPE_AFU) {
		rc = read_guid(w, f);
		if (rc)
			return rc;
	}
	if (f->version == XPDK_DFH_VERSION_1)
		return decode_v1(w, f);
	if (f->type == XPDK_DFH_TYPE_FIU) {
		rc = rd(w, off + XPDK_DFH_NEXT_AFU, &v);
		if (rc)
			return rc;
		f->next_afu = XPDK_FIELD_GET(XPDK_NEXT_AFU_OFST, v);
	}
	return 0;
}

/*
 * Enumeration only: refuse a header [@off, @end) that was seen before or that overlaps one seen
 * before. @from is the feature whose pointer led here.
 */
static int check_seen(struct dfl_walk *w, uint64_t off, uint64_t end, uint64_t from)
{
	unsigned int i;

	for (i = 0; i < w->nseen; i++) {
		const struct dfl_seen *s = &w->seen[i];

		if (off >= s->end || s->off >= end)
			continue;
		if (off != s->off)
			return fail(
			    w, XPDK_DFL_E_OVERLAP, from,
			    "the DFH at 0x%llx (reached from 0x%llx) overlaps the header at "
			    "0x%llx",
			    (unsigned long long)off, (unsigned long long)from,
			    (unsigned long long)s->off);
		if (off == from)
			return fail(w, XPDK_DFL_E_SELF_LOOP, from,
				    "the DFH at 0x%llx points to itself", (unsigned long long)from);
		return fail(w, XPDK_DFL_E_CYCLE, from,
			    "the DFH at 0x%llx leads back to the DFH at 0x%llx",
			    (unsigned long long)from, (unsigned long long)off);
	}
	return 0;
}

/* decode the feature at @off, checking it against the headers seen when enumerating */
static int visit(struct dfl_walk *w, uint64_t off, uint64_t from, struct xpdk_dfl_feature *f)
{
	int rc;

	/* before decoding: a pointer into another header would decode garbage */
	if (w->seen) {
		rc = check_seen(w, off, off + XPDK_DFH_SIZE, from);
		if (rc)
			return rc;
	}
	rc = decode_feature(w, off, f);
	if (rc || !w->seen)
		return rc;
	rc = check_seen(w, off, off + f->header_size, from);
	if (rc)
		return rc;
	/* nseen < count <= XPDK_DFL_MAX_FEATURES, the size of the table */
	w->seen[w->nseen++] = (struct dfl_seen){ off, off + f->header_size };
	return 0;
}

static int stopped(struct dfl_walk *w, uint64_t off, int rc)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "stopped by the callback at 0x%llx", (unsigned long long)off);
	set_error(w->err, XPDK_DFL_E_STOPPED, off, msg);
	return rc;
}

/*
 * Walk the chain at @start (already checked by check_target()), at nesting @depth under the
 * FIU at @parent; @from is the feature whose pointer led to @start (for loop reports).
 */
static int walk_chain(struct dfl_walk *w, uint64_t start, unsigned int depth, uint64_t parent,
		      uint64_t from)
{
	struct xpdk_dfl_feature f;
	uint64_t off = start;
	int rc;

	if (depth > XPDK_DFL_MAX_DEPTH)
		return fail(w, XPDK_DFL_E_TOO_DEEP, from,
			    "DFL nesting deeper than %d levels at 0x%llx", XPDK_DFL_MAX_DEPTH,
			    (unsigned long long)start);
	for (;;) {
		if (w->count == XPDK_DFL_MAX_FEATURES)
			return fail(w, XPDK_DFL_E_TOO_LONG, off, "DFL has more than %d features",
				    XPDK_DFL_MAX_FEATURES);
		w->count++;
		rc = visit(w, off, from, &f);
		if (rc)
			return rc;
		f.depth = depth;
		f.parent = parent;
		if (w->cb) {
			rc = w->cb(&f, w->arg);
			if (rc)
				return stopped(w, off, rc);
		}
		if (w->seen && f.type == XPDK_DFH_TYPE_FIU && f.next_afu) {
			/* NEXT_AFU has 24 bits and off + 8 <= size: no overflow */
			rc = check_target(w, off, off + f.next_afu, "NEXT_AFU");
			if (!rc)
				rc = walk_chain(w, off + f.next_afu, depth + 1, off, off);
			if (rc)
				return rc;
		}
		if (f.last)
			return 0;
		from = off;
		off = f.next_abs;
	}
}

static int walk_init(struct dfl_walk *w, const struct xpdk_dfl_region *r, xpdk_dfl_cb cb, void *arg,
		     struct xpdk_dfl_error *err)
{
	*w = (struct dfl_walk){ .r = r, .cb = cb, .arg = arg, .err = err };
	set_error(err, XPDK_DFL_E_NONE, 0, "");
	if (!r || !r->read64)
		return fail(w, XPDK_DFL_E_ARG, 0, "DFL region or its read64 is NULL");
	return 0;
}

/* check the first DFH of a walk, which no feature points to */
static int check_start(struct dfl_walk *w, uint64_t start)
{
	if (start % 8)
		return fail(w, XPDK_DFL_E_UNALIGNED, start, "DFL start 0x%llx is unaligned",
			    (unsigned long long)start);
	if (w->r->size < 8 || start > w->r->size - 8)
		return fail(w, XPDK_DFL_E_RANGE, start,
			    "DFL start 0x%llx is outside the region (size 0x%llx)",
			    (unsigned long long)start, (unsigned long long)w->r->size);
	return 0;
}

int xpdk_dfl_walk(const struct xpdk_dfl_region *r, uint64_t start, xpdk_dfl_cb cb, void *arg,
		  struct xpdk_dfl_error *err)
{
	struct dfl_walk w;
	int rc;

	rc = walk_init(&w, r, cb, arg, err);
	if (!rc)
		rc = check_start(&w, start);
	if (!rc)
		rc = walk_chain(&w, start, 0, XPDK_DFL_NO_PARENT, start);
	return rc;
}

/* walk the ports an FME at offset 0 lists, as Linux's dfl-pci does */
static int walk_fme_ports(struct dfl_walk *w)
{
	uint64_t cap, v, off;
	unsigned int i, n, bar;
	int rc;

	rc = rd(w, XPDK_FME_HDR_CAP, &cap);
	if (rc)
		return rc;
	n = (unsigned int)XPDK_FIELD_GET(XPDK_FME_CAP_NUM_PORTS, cap);
	if (n > XPDK_FME_MAX_PORTS)
		n = XPDK_FME_MAX_PORTS;
	for (i = 0; i < n; i++) {
		rc = rd(w, XPDK_FME_HDR_PORT_OFST(i), &v);
		if (rc)
			return rc;
		bar = (unsigned int)XPDK_FIELD_GET(XPDK_FME_PORT_OFST_BAR, v);
		if (!(v & XPDK_FME_PORT_OFST_IMP) || bar != 0)
			continue; /* not implemented, BAR_SKIP, or in a BAR we do not have */
		if (v & XPDK_FME_PORT_OFST_ACC)
			continue; /* released to a VF: its registers are the VF's, not ours */
		off = XPDK_FIELD_GET(XPDK_FME_PORT_OFST_DFH, v);
		rc = check_target(w, 0, off, "port offset");
		if (!rc)
			rc = walk_chain(w, off, 1, 0, 0);
		if (rc)
			return rc;
	}
	return 0;
}

int xpdk_dfl_enumerate_at(const struct xpdk_dfl_region *r, uint64_t start, xpdk_dfl_cb cb,
			  void *arg, struct xpdk_dfl_error *err)
{
	struct dfl_walk w;
	uint64_t dfh;
	int rc;

	rc = walk_init(&w, r, cb, arg, err);
	if (!rc)
		rc = check_start(&w, start);
	if (!rc)
		rc = rd(&w, start + XPDK_DFH, &dfh);
	if (rc)
		return rc;
	w.seen = calloc(XPDK_DFL_MAX_FEATURES, sizeof(*w.seen));
	if (!w.seen)
		return fail(&w, XPDK_DFL_E_NOMEM, start, "no memory for the DFL visited table");
	rc = walk_chain(&w, start, 0, XPDK_DFL_NO_PARENT, 0);
	if (!rc && start == 0 && XPDK_FIELD_GET(XPDK_DFH_TYPE, dfh) == XPDK_DFH_TYPE_FIU &&
	    XPDK_FIELD_GET(XPDK_DFH_ID, dfh) == XPDK_DFH_ID_FIU_FME)
		rc = walk_fme_ports(&w);
	free(w.seen);
	return rc;
}

int xpdk_dfl_enumerate(const struct xpdk_dfl_region *r, xpdk_dfl_cb cb, void *arg,
		       struct xpdk_dfl_error *err)
{
	return xpdk_dfl_enumerate_at(r, 0, cb, arg, err);
}

struct find_arg {
	unsigned int type;
	unsigned int id;
	struct xpdk_dfl_feature *f;
};

static int find_cb(const struct xpdk_dfl_feature *f, void *arg)
{
	struct find_arg *a = arg;

	if (f->type != a->type || f->id != a->id)
		return 0;
	*a->f = *f;
	return 1;
}

int xpdk_dfl_find(const struct xpdk_dfl_region *r, uint64_t start, unsigned int type,
		  unsigned int id, struct xpdk_dfl_feature *f)
{
	struct find_arg a = { type, id, f };
	int rc;

	if (!f)
		return xpdk_err(EINVAL, "DFL find: feature is NULL");
	rc = xpdk_dfl_walk(r, start, find_cb, &a, NULL);
	if (rc == 1)
		return 0;
	if (rc == 0)
		return xpdk_err(ENOENT, "no %s feature (type %u, ID 0x%x) in the DFL at 0x%llx",
				xpdk_dfl_feature_name(type, id), type, id,
				(unsigned long long)start);
	return rc;
}
