/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * OPAE green bitstream (GBS) files: a 16-byte file GUID, a little-endian 32-bit metadata
 * length, JSON metadata, then the raw bitstream the PR engine takes.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "xpdk_fpga.h"

#define GBS_HDR		 20
#define GBS_MAX_METADATA (1u << 20)

static int guid_member(json_object *obj, const char *key, struct xpdk_guid *g, const char *where)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return xpdk_err(EINVAL, "GBS metadata: %s has no \"%s\" string", where, key);
	if (xpdk_guid_parse(json_object_get_string(v), g) < 0)
		return xpdk_err(EINVAL, "GBS metadata: %s.%s '%s' is not a GUID", where, key,
				json_object_get_string(v));
	return 0;
}

static void string_member(json_object *obj, const char *key, char *buf, size_t len)
{
	json_object *v;

	buf[0] = '\0';
	if (json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(buf, len, "%s", json_object_get_string(v));
}

static int parse_metadata(json_object *root, struct xpdk_gbs_info *info)
{
	json_object *img, *clusters, *v;
	size_t n;
	int rc;

	if (!json_object_is_type(root, json_type_object))
		return xpdk_err(EINVAL, "GBS metadata is not a JSON object");
	if (json_object_object_get_ex(root, "version", &v))
		info->version = (unsigned int)json_object_get_int(v);
	string_member(root, "platform-name", info->platform, sizeof(info->platform));
	if (!json_object_object_get_ex(root, "afu-image", &img) ||
	    !json_object_is_type(img, json_type_object))
		return xpdk_err(EINVAL, "GBS metadata has no \"afu-image\" object");
	if (json_object_object_get_ex(img, "magic-no", &v))
		info->magic_no = (uint64_t)json_object_get_int64(v);
	rc = guid_member(img, "interface-uuid", &info->interface_id, "afu-image");
	if (rc < 0)
		return rc;
	if (!json_object_object_get_ex(img, "accelerator-clusters", &clusters) ||
	    !json_object_is_type(clusters, json_type_array))
		return xpdk_err(EINVAL, "GBS metadata: afu-image has no \"accelerator-clusters\" "
					"array");
	n = json_object_array_length(clusters);
	if (n == 0 || n > XPDK_GBS_MAX_AFUS)
		return xpdk_err(EINVAL, "GBS metadata: %zu accelerator clusters (1 to %d expected)",
				n, XPDK_GBS_MAX_AFUS);
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(clusters, i);

		if (!json_object_is_type(c, json_type_object))
			return xpdk_err(EINVAL,
					"GBS metadata: accelerator cluster %zu is not an "
					"object",
					i);
		rc = guid_member(c, "accelerator-type-uuid", &info->afu_id[i],
				 "an accelerator cluster");
		if (rc < 0)
			return rc;
		string_member(c, "name", info->afu_name[i], sizeof(info->afu_name[i]));
	}
	info->num_afus = (unsigned int)n;
	return 0;
}

int xpdk_gbs_parse(const void *buf, size_t len, struct xpdk_gbs_info *info)
{
	const uint8_t *b = buf;
	struct xpdk_guid file_guid, want;
	struct json_tokener *tok;
	json_object *root;
	uint32_t mlen;
	int rc;

	memset(info, 0, sizeof(*info));
	if (buf == NULL || len < GBS_HDR)
		return xpdk_err(EINVAL,
				"not a GBS file: %zu bytes, shorter than its 20-byte header", len);
	memcpy(file_guid.b, b, 16);
	if (xpdk_guid_parse(XPDK_GBS_GUID, &want) < 0 || !xpdk_guid_equal(&file_guid, &want))
		return xpdk_err(
		    EINVAL, "not a GBS file: it does not start with the GBS GUID " XPDK_GBS_GUID);
	mlen =
	    (uint32_t)b[16] | (uint32_t)b[17] << 8 | (uint32_t)b[18] << 16 | (uint32_t)b[19] << 24;
	if (mlen == 0 || mlen > GBS_MAX_METADATA || mlen > len - GBS_HDR)
		return xpdk_err(
		    EINVAL,
		    "GBS file truncated or corrupt: metadata length %u, %zu bytes after "
		    "the header",
		    mlen, len - GBS_HDR);
	tok = json_tokener_new();
	if (tok == NULL)
		return xpdk_err(ENOMEM, "out of memory parsing GBS metadata");
	root = json_tokener_parse_ex(tok, (const char *)b + GBS_HDR, (int)mlen);
	if (root == NULL) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		json_tokener_free(tok);
		return xpdk_err(EINVAL, "GBS metadata is not valid JSON: %s",
				e == json_tokener_continue ? "it ends early"
							   : json_tokener_error_desc(e));
	}
	/* after the object only padding (spaces, NULs) may follow within the length */
	for (size_t i = json_tokener_get_parse_end(tok); i < mlen; i++) {
		char c = (char)b[GBS_HDR + i];

		if (c != '\0' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			json_tokener_free(tok);
			json_object_put(root);
			return xpdk_err(EINVAL,
					"GBS metadata has data after its JSON object (at "
					"byte %zu of %u)",
					i, mlen);
		}
	}
	json_tokener_free(tok);
	rc = parse_metadata(root, info);
	json_object_put(root);
	if (rc < 0)
		return rc;
	info->metadata_len = mlen;
	info->bitstream = b + GBS_HDR + mlen;
	info->bitstream_len = len - GBS_HDR - mlen;
	if (info->bitstream_len == 0)
		return xpdk_err(EINVAL, "GBS file has metadata but no bitstream");
	return 0;
}

int xpdk_gbs_load(const char *path, void **image, size_t *len, struct xpdk_gbs_info *info)
{
	FILE *f = fopen(path, "rb");
	long size;
	void *buf = NULL;
	int rc;

	*image = NULL;
	*len = 0;
	if (f == NULL)
		return xpdk_err(errno, "cannot open %s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		rc = xpdk_err(EIO, "cannot size %s", path);
		goto out;
	}
	if (size > (1L << 30)) {
		rc = xpdk_err(EFBIG, "%s: %ld bytes is too large for a bitstream", path, size);
		goto out;
	}
	buf = malloc(size ? (size_t)size : 1);
	if (buf == NULL) {
		rc = xpdk_err(ENOMEM, "out of memory reading %s", path);
		goto out;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		rc = xpdk_err(EIO, "cannot read %s", path);
		goto out;
	}
	rc = xpdk_gbs_parse(buf, (size_t)size, info);
	if (rc < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", xpdk_strerror_last());
		rc = xpdk_err(-rc, "%s: %s", path, msg);
		goto out;
	}
	*image = buf;
	*len = (size_t)size;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}
