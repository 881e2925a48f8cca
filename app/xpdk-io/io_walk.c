/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * `xpdk-io walk`: the Device Feature List of a region, through lib/dfl. Without OFFSET the whole
 * device is enumerated as Linux's dfl-pci does (FME, its ports, their AFUs); with OFFSET the one
 * chain starting there is followed. Each feature is printed as the walker passes it, so a broken
 * list shows what was walked before the error, which ends the output with exit status 1.
 */

#include <errno.h>
#include <stdio.h>

#include "xpdk_dfl.h"
#include "xpdk_io.h"

struct walk_ctx {
	const struct io_opts *o;
	const struct xpdk_region *region;
	struct json_object *features; /* --json */
	unsigned int count;
};

static int read64(void *ctx, uint64_t off, uint64_t *val)
{
	return xpdk_region_read(ctx, off, 64, val);
}

static const char *type_name(unsigned int type)
{
	switch (type) {
	case XPDK_DFH_TYPE_AFU:
		return "AFU";
	case XPDK_DFH_TYPE_PRIVATE:
		return "private";
	case XPDK_DFH_TYPE_FIU:
		return "FIU";
	case XPDK_DFH_TYPE_INTERFACE:
		return "interface";
	default:
		return "unknown";
	}
}

static struct json_object *feature_json(const struct xpdk_dfl_feature *f, bool uuid)
{
	struct json_object *j = json_object_new_object();
	char guid[XPDK_GUID_STR_LEN + 1];

	json_object_object_add(j, "offset", io_json_hex(f->offset, 0));
	json_object_object_add(j, "dfh", io_json_hex(f->dfh, 16));
	json_object_object_add(j, "type", json_object_new_int((int)f->type));
	json_object_object_add(j, "type_name", json_object_new_string(type_name(f->type)));
	json_object_object_add(j, "id", io_json_hex(f->id, 3));
	json_object_object_add(j, "name",
			       json_object_new_string(xpdk_dfl_feature_name(f->type, f->id)));
	json_object_object_add(j, "revision", json_object_new_int((int)f->revision));
	json_object_object_add(j, "dfh_version", json_object_new_int((int)f->version));
	json_object_object_add(j, "next", io_json_hex(f->next, 0));
	json_object_object_add(j, "next_offset", f->last ? NULL : io_json_hex(f->next_abs, 0));
	json_object_object_add(j, "eol", json_object_new_boolean(f->eol));
	json_object_object_add(j, "depth", json_object_new_int((int)f->depth));
	if (uuid && f->has_guid && xpdk_guid_format(&f->guid, guid, sizeof(guid)) > 0)
		json_object_object_add(j, "guid", json_object_new_string(guid));
	if (f->version == 1) {
		struct json_object *params = json_object_new_array();

		json_object_object_add(j, "csr_addr", io_json_hex(f->csr_addr, 0));
		json_object_object_add(j, "csr_absolute", json_object_new_boolean(f->csr_abs));
		json_object_object_add(j, "csr_size", io_json_hex(f->csr_size, 0));
		json_object_object_add(j, "instance_id", json_object_new_int(f->instance_id));
		json_object_object_add(j, "group_id", json_object_new_int(f->group_id));
		for (unsigned int i = 0; i < f->num_params; i++) {
			struct json_object *p = json_object_new_object();

			json_object_object_add(p, "id", io_json_hex(f->params[i].id, 4));
			json_object_object_add(p, "version",
					       json_object_new_int(f->params[i].version));
			json_object_object_add(p, "offset", io_json_hex(f->params[i].offset, 0));
			json_object_object_add(p, "size", io_json_hex(f->params[i].size, 0));
			json_object_array_add(params, p);
		}
		json_object_object_add(j, "params", params);
	}
	return j;
}

static void feature_print(const struct xpdk_dfl_feature *f, bool uuid)
{
	char next[24] = "-", guid[XPDK_GUID_STR_LEN + 1] = "-";

	if (!f->last)
		snprintf(next, sizeof(next), "0x%08llx", (unsigned long long)f->next_abs);
	if (f->has_guid)
		xpdk_guid_format(&f->guid, guid, sizeof(guid));
	printf("0x%08llx  %*s%-*s  0x%03x  %-3u  %-3u  %-10s  %-3d  ",
	       (unsigned long long)f->offset, (int)(2 * f->depth), "", 9 - (int)(2 * f->depth),
	       type_name(f->type), f->id, f->revision, f->version, next, f->eol ? 1 : 0);
	if (uuid)
		printf("%-36s  ", guid);
	printf("%s\n", xpdk_dfl_feature_name(f->type, f->id));
	if (f->version != 1)
		return;
	printf("            csr %s0x%llx size 0x%llx, instance %u, group %u\n",
	       f->csr_abs ? "absolute " : "", (unsigned long long)f->csr_addr,
	       (unsigned long long)f->csr_size, f->instance_id, f->group_id);
	for (unsigned int i = 0; i < f->num_params; i++)
		printf("            param 0x%04x v%u at 0x%llx, 0x%llx bytes\n", f->params[i].id,
		       f->params[i].version, (unsigned long long)f->params[i].offset,
		       (unsigned long long)f->params[i].size);
}

static int on_feature(const struct xpdk_dfl_feature *f, void *arg)
{
	struct walk_ctx *ctx = arg;

	if (ctx->features != NULL) {
		json_object_array_add(ctx->features, feature_json(f, ctx->o->show_uuid));
	} else {
		if (ctx->count == 0)
			printf("OFFSET      TYPE       ID     REV  VER  NEXT        EOL  %sNAME\n",
			       ctx->o->show_uuid ? "GUID                                  " : "");
		feature_print(f, ctx->o->show_uuid);
		fflush(stdout); /* what was walked is out before any error */
	}
	ctx->count++;
	return 0;
}

static int walk_region(const struct io_opts *o, struct xpdk_dev *dev,
		       const struct xpdk_region *region, bool whole, uint64_t start)
{
	const struct xpdk_dfl_region r = { .size = region->size,
					   .read64 = read64,
					   .ctx = (void *)(uintptr_t)region };
	struct walk_ctx ctx = { .o = o, .region = region };
	struct xpdk_dfl_error err = { 0 };
	struct json_object *doc = NULL;
	int rc;

	if (o->json) {
		doc = json_object_new_object();
		ctx.features = json_object_new_array();
		json_object_object_add(doc, "device",
				       json_object_new_string(xpdk_dev_info(dev)->name));
		json_object_object_add(doc, "region", json_object_new_int((int)o->region));
		json_object_object_add(doc, "start", io_json_hex(start, 0));
		json_object_object_add(doc, "whole_device", json_object_new_boolean(whole));
		json_object_object_add(doc, "features", ctx.features);
	}
	rc = whole ? xpdk_dfl_enumerate(&r, on_feature, &ctx, &err)
		   : xpdk_dfl_walk(&r, start, on_feature, &ctx, &err);
	if (rc < 0) {
		fprintf(stderr,
			"xpdk-io: the DFL of %s region %u is broken after %u feature%s: %s\n",
			xpdk_dev_info(dev)->name, o->region, ctx.count, ctx.count == 1 ? "" : "s",
			err.msg);
		if (doc != NULL) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "code",
					       json_object_new_string(xpdk_dfl_strerror(err.code)));
			json_object_object_add(e, "offset", io_json_hex(err.offset, 0));
			json_object_object_add(e, "message", json_object_new_string(err.msg));
			json_object_object_add(doc, "error", e);
			json_object_object_add(doc, "exit_code",
					       json_object_new_int(IO_EXIT_DEVICE));
		}
	}
	if (doc != NULL)
		io_json_print(doc);
	return rc < 0 ? IO_EXIT_DEVICE : IO_EXIT_OK;
}

int io_cmd_walk(const struct io_opts *o)
{
	const struct xpdk_region *region;
	struct io_target t;
	struct xpdk_dev *dev;
	uint64_t start = 0;
	bool whole = o->npos == 0 && o->region == XPDK_REGION_BAR0;
	int rc;

	if (o->npos > 0) {
		if (xpdk_parse_u64(o->pos[0], &start) < 0)
			return io_fail(o, IO_EXIT_USAGE, "offset '%s': %s", o->pos[0],
				       xpdk_strerror_last());
		if (start % 8 != 0)
			return io_fail(o, IO_EXIT_USAGE,
				       "offset 0x%llx is not aligned: a DFH is a 64-bit register "
				       "(use a multiple of 8)",
				       (unsigned long long)start);
	}
	rc = io_target_get(o, "open", &t);
	if (rc != IO_EXIT_OK)
		return rc;
	rc = io_dev_open(o, &t, &dev);
	if (rc != IO_EXIT_OK)
		return rc;
	rc = io_region_get(o, dev, start, 8, &region);
	if (rc == IO_EXIT_OK)
		rc = walk_region(o, dev, region, whole, start);
	io_dev_close(dev);
	return rc;
}
