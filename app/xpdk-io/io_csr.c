/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * `xpdk-io peek` and `xpdk-io poke`: one register access through lib/dev's checked path. The
 * arguments are checked before the device is opened (number syntax, alignment, a value wider
 * than the access), the offset against the region once it is open.
 */

#include <errno.h>
#include <stdio.h>

#include "xpdk_io.h"

struct csr_access {
	struct io_target target;
	uint64_t off;
	uint64_t value;
	unsigned int bytes;
};

static int parse_access(const struct io_opts *o, bool write, struct csr_access *a)
{
	a->bytes = o->width / 8;
	if (xpdk_parse_u64(o->pos[0], &a->off) < 0)
		return io_fail(o, IO_EXIT_USAGE, "offset '%s': %s", o->pos[0],
			       xpdk_strerror_last());
	if (a->off % a->bytes != 0)
		return io_fail(o, IO_EXIT_USAGE,
			       "offset 0x%llx is not aligned to the %u-bit access width (use a "
			       "multiple of %u)",
			       (unsigned long long)a->off, o->width, a->bytes);
	if (write) {
		if (xpdk_parse_u64(o->pos[1], &a->value) < 0)
			return io_fail(o, IO_EXIT_USAGE, "value '%s': %s", o->pos[1],
				       xpdk_strerror_last());
		if (o->width < 64 && (a->value >> o->width) != 0)
			return io_fail(
			    o, IO_EXIT_USAGE,
			    "value 0x%llx is too wide: it does not fit in %u bits (-w %u "
			    "writes at most 0x%llx)",
			    (unsigned long long)a->value, o->width, o->width,
			    (unsigned long long)(XPDK_GENMASK(o->width - 1, 0)));
	}
	return io_target_get(o, "open", &a->target);
}

static void print_result(const struct io_opts *o, const struct xpdk_dev *dev,
			 const struct csr_access *a, bool write)
{
	struct json_object *doc;

	if (!o->json) {
		if (!write)
			printf("0x%0*llx\n", (int)(o->width / 4), (unsigned long long)a->value);
		return;
	}
	doc = json_object_new_object();
	json_object_object_add(doc, "device", json_object_new_string(xpdk_dev_info(dev)->name));
	json_object_object_add(doc, "region", json_object_new_int((int)o->region));
	json_object_object_add(doc, "offset", io_json_hex(a->off, 0));
	json_object_object_add(doc, "width", json_object_new_int((int)o->width));
	json_object_object_add(doc, write ? "written" : "value",
			       io_json_hex(a->value, o->width / 4));
	json_object_object_add(doc, write ? "written_int" : "value_int",
			       json_object_new_uint64(a->value));
	io_json_print(doc);
}

static int csr_run(const struct io_opts *o, bool write)
{
	const struct xpdk_region *r;
	struct xpdk_dev *dev;
	struct csr_access a = { 0 };
	int rc = parse_access(o, write, &a);

	if (rc != IO_EXIT_OK)
		return rc;
	rc = io_dev_open(o, &a.target, &dev);
	if (rc != IO_EXIT_OK)
		return rc;
	rc = io_region_get(o, dev, a.off, a.bytes, &r);
	if (rc == IO_EXIT_OK) {
		int err = write ? xpdk_region_write(r, a.off, o->width, a.value)
				: xpdk_region_read(r, a.off, o->width, &a.value);

		/* the arguments were checked above: an error here is the device's (a server may
		 * answer EINVAL too), not a usage error */
		if (err < 0)
			rc = io_fail(o, IO_EXIT_DEVICE, "%s of 0x%llx on %s failed: %s",
				     write ? "write" : "read", (unsigned long long)a.off,
				     xpdk_dev_info(dev)->name, xpdk_strerror_last());
		else
			print_result(o, dev, &a, write);
	}
	io_dev_close(dev);
	return rc;
}

int io_cmd_peek(const struct io_opts *o)
{
	return csr_run(o, false);
}

int io_cmd_poke(const struct io_opts *o)
{
	return csr_run(o, true);
}
