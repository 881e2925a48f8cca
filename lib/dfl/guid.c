/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * GUIDs of DFL features (canonical byte order, as OPAE prints them) and human names of the
 * feature types and IDs Linux and OPAE define.
 */

#include <errno.h>
#include <string.h>

#include "xpdk_dfl.h"

struct xpdk_guid xpdk_guid_from_regs(uint64_t lo, uint64_t hi)
{
	struct xpdk_guid g;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		g.b[i] = (uint8_t)(hi >> (56 - 8 * i));
		g.b[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
	}
	return g;
}

void xpdk_guid_to_regs(const struct xpdk_guid *g, uint64_t *lo, uint64_t *hi)
{
	uint64_t l = 0, h = 0;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		h = (h << 8) | g->b[i];
		l = (l << 8) | g->b[8 + i];
	}
	*lo = l;
	*hi = h;
}

/* a hyphen goes before these byte indexes */
static bool guid_hyphen_before(unsigned int byte)
{
	return byte == 4 || byte == 6 || byte == 8 || byte == 10;
}

int xpdk_guid_format(const struct xpdk_guid *g, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;
	char *p = buf;

	if (len < XPDK_GUID_STR_LEN + 1) {
		if (len > 0)
			buf[0] = '\0';
		return xpdk_err(ENOSPC, "GUID buffer of %zu bytes is too small (need %d)", len,
				XPDK_GUID_STR_LEN + 1);
	}
	for (i = 0; i < 16; i++) {
		if (guid_hyphen_before(i))
			*p++ = '-';
		*p++ = hex[g->b[i] >> 4];
		*p++ = hex[g->b[i] & 0xf];
	}
	*p = '\0';
	return XPDK_GUID_STR_LEN;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int xpdk_guid_parse(const char *str, struct xpdk_guid *g)
{
	struct xpdk_guid v;
	const char *p = str;
	unsigned int i;
	int hi, lo;

	if (!str || !g)
		return xpdk_err(EINVAL, "GUID string or result is NULL");
	for (i = 0; i < 16; i++) {
		if (guid_hyphen_before(i) && *p++ != '-')
			goto bad;
		/* hi is checked before p[1] is read, so a short string stops at its NUL */
		hi = hex_digit(p[0]);
		if (hi < 0)
			goto bad;
		lo = hex_digit(p[1]);
		if (lo < 0)
			goto bad;
		v.b[i] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (*p != '\0')
		goto bad;
	*g = v;
	return 0;
bad:
	return xpdk_err(EINVAL, "'%.64s' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
			str);
}

bool xpdk_guid_equal(const struct xpdk_guid *a, const struct xpdk_guid *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

struct feature_name {
	unsigned int type;
	unsigned int id;
	const char *name;
};

/* private feature IDs of the FME (0x1-0x7) and the port (0x10-0x14) do not overlap */
static const struct feature_name feature_names[] = {
	{ XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_FME, "FME" },
	{ XPDK_DFH_TYPE_FIU, XPDK_DFH_ID_FIU_PORT, "port" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_THERMAL_MGMT, "thermal management" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_POWER_MGMT, "power management" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_IPERF,
	  "global performance (integrated)" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_ERR, "global error" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_PR_MGMT, "partial reconfiguration" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_HSSI, "HSSI" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_FME_FEATURE_ID_GLOBAL_DPERF,
	  "global performance (discrete)" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_ERROR, "port error" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_UMSG, "UMsg" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_UINT, "user interrupt" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_STP, "signal tap" },
	{ XPDK_DFH_TYPE_PRIVATE, XPDK_PORT_FEATURE_ID_USRCLK, "user clock" },
};

const char *xpdk_dfl_feature_name(unsigned int type, unsigned int id)
{
	size_t i;

	/* the AFU is known by its type; its DFH ID is 0xff by convention only */
	if (type == XPDK_DFH_TYPE_AFU)
		return "AFU";
	for (i = 0; i < XPDK_ARRAY_SIZE(feature_names); i++)
		if (feature_names[i].type == type && feature_names[i].id == id)
			return feature_names[i].name;
	return "unknown";
}
