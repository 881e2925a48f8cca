/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The thread-local last-error sentence and strict number parsing shared by all components.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "xpdk_common.h"

#define XPDK_ERR_LEN 512

static _Thread_local char last_error[XPDK_ERR_LEN];

const char *xpdk_strerror_last(void)
{
	return last_error;
}

int xpdk_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

void xpdk_err_clear(void)
{
	last_error[0] = '\0';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int xpdk_parse_u64(const char *s, uint64_t *out)
{
	char buf[128];
	const char *p;
	unsigned int base = 10;
	uint64_t v = 0;
	int ndigits = 0;
	int prev_underscore = 0;
	bool negative = false;
	size_t len;

	if (s == NULL)
		return xpdk_err(EINVAL, "empty number");
	/* as Python: surrounding whitespace and a sign are allowed */
	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len >= sizeof(buf))
		return xpdk_err(EINVAL, "'%.40s…' is too long for a number", s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	s = buf;
	p = s;
	if (*p == '+' || *p == '-') {
		negative = *p == '-';
		p++;
	}
	if (*p == '\0')
		return xpdk_err(EINVAL, "'%s' is not a number", s);
	if (p[0] == '0' && p[1] != '\0' && strchr("xXoObB", p[1]) != NULL) {
		base = (p[1] == 'x' || p[1] == 'X') ? 16 : (p[1] == 'o' || p[1] == 'O') ? 8 : 2;
		p += 2;
		if (*p == '_')
			p++;
	} else if (p[0] == '0') {
		/* Python rejects "010": only zeros may follow a leading zero in decimal. */
		for (const char *q = p; *q != '\0'; q++)
			if (*q != '0' && *q != '_')
				return xpdk_err(
				    EINVAL,
				    "'%s' is not a number (leading zeros are ambiguous: "
				    "write 0o%s for octal)",
				    s, p + 1);
	}
	for (; *p != '\0'; p++) {
		int d;

		if (*p == '_') {
			if (prev_underscore || ndigits == 0 || p[1] == '\0')
				return xpdk_err(EINVAL, "'%s' is not a number (misplaced '_')", s);
			prev_underscore = 1;
			continue;
		}
		prev_underscore = 0;
		d = digit_value(*p);
		if (d >= (int)base)
			return xpdk_err(EINVAL, "'%s' is not a base-%u number", s, base);
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return xpdk_err(ERANGE, "'%s' does not fit in 64 bits", s);
		v = v * base + (uint64_t)d;
		ndigits++;
	}
	if (ndigits == 0)
		return xpdk_err(EINVAL, "'%s' is not a number", s);
	if (negative && v != 0)
		return xpdk_err(ERANGE, "'%s' is negative", s);
	*out = v;
	return 0;
}

int xpdk_parse_size(const char *s, uint64_t *out)
{
	static const struct {
		char letter;
		unsigned int shift;
	} units[] = { { 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 } };
	char num[32];
	size_t len;
	size_t n;
	unsigned int shift = 0;
	uint64_t v = 0;
	int rc;

	if (s == NULL || *s == '\0')
		return xpdk_err(EINVAL, "empty size");
	len = strlen(s);
	/* an optional "B", or "iB" after a unit letter */
	n = len;
	if (n > 1 && (s[n - 1] == 'B' || s[n - 1] == 'b'))
		n--;
	if (n > 2 && n < len && (s[n - 1] == 'i' || s[n - 1] == 'I'))
		n--;
	for (size_t i = 0; i < XPDK_ARRAY_SIZE(units); i++) {
		if (n > 1 && toupper((unsigned char)s[n - 1]) == units[i].letter) {
			shift = units[i].shift;
			n--;
			break;
		}
	}
	if (n >= sizeof(num))
		return xpdk_err(EINVAL, "'%s' is not a size (too long)", s);
	memcpy(num, s, n);
	num[n] = '\0';
	rc = xpdk_parse_u64(num, &v);
	if (rc < 0)
		return xpdk_err(-rc, "'%s' is not a size (use e.g. 4096, 4K, 2MiB, 1G)", s);
	if (shift != 0 && v > (UINT64_MAX >> shift))
		return xpdk_err(ERANGE, "size '%s' does not fit in 64 bits", s);
	*out = v << shift;
	return 0;
}

uint32_t xpdk_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

uint64_t xpdk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
