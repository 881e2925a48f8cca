/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/* Unit tests of lib/common: last-error sentence, field macros, number and size parsing. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xpdk_common.h"

static void test_err_sets_sentence_and_errno(void **state)
{
	(void)state;
	xpdk_err_clear();
	assert_string_equal(xpdk_strerror_last(), "");
	assert_int_equal(xpdk_err(ERANGE, "offset 0x%x is past %s", 0x40008, "the end"), -ERANGE);
	assert_int_equal(errno, ERANGE);
	assert_string_equal(xpdk_strerror_last(), "offset 0x40008 is past the end");
}

static void test_field_macros_match_datasheet_layout(void **state)
{
	/* a DFH: type 4 (FIU) at 63:60, next 0x1000 at 39:16, feature id 0 at 11:0 */
	uint64_t dfh = XPDK_FIELD_PREP(XPDK_GENMASK(63, 60), 4) |
		       XPDK_FIELD_PREP(XPDK_GENMASK(39, 16), 0x1000) | XPDK_BIT(40);

	(void)state;
	assert_int_equal(XPDK_GENMASK(3, 0), 0xf);
	assert_int_equal(XPDK_GENMASK(63, 0), UINT64_MAX);
	assert_int_equal(dfh, 0x4000010010000000ULL);
	assert_int_equal(XPDK_FIELD_GET(XPDK_GENMASK(39, 16), dfh), 0x1000);
	assert_int_equal(XPDK_FIELD_GET(XPDK_GENMASK(63, 60), dfh), 4);
	assert_int_equal(XPDK_ALIGN_UP(4097u, 4096u), 8192);
	assert_true(XPDK_IS_POW2(1u << 20));
	assert_false(XPDK_IS_POW2(0u));
	assert_false(XPDK_IS_POW2(12u));
}

static void expect_u64(const char *s, uint64_t want)
{
	uint64_t v = 0;

	if (xpdk_parse_u64(s, &v) != 0)
		fail_msg("'%s' rejected: %s", s, xpdk_strerror_last());
	assert_int_equal(v, want);
}

static void expect_u64_error(const char *s, int err)
{
	uint64_t v = 42;

	assert_int_equal(xpdk_parse_u64(s, &v), -err);
	assert_int_equal(v, 42); /* untouched on error */
	assert_non_null(strstr(xpdk_strerror_last(), s));
}

static void test_parse_u64_like_python_int(void **state)
{
	(void)state;
	expect_u64("0", 0);
	expect_u64("00", 0);
	expect_u64("42", 42);
	/* as Python: int(" +4 ", 0) == 4, int("-0", 0) == 0, int("0x10\n", 0) == 16 */
	expect_u64(" +4 ", 4);
	expect_u64("-0", 0);
	expect_u64("0x10\n", 16);
	expect_u64("0x2A", 42);
	expect_u64("0X2a", 42);
	expect_u64("0o52", 42);
	expect_u64("0b101010", 42);
	expect_u64("1_000", 1000);
	expect_u64("0x_ff", 255);
	expect_u64("0xffffffffffffffff", UINT64_MAX);
	expect_u64("18446744073709551615", UINT64_MAX);
	expect_u64_error("", EINVAL);
	expect_u64_error("010", EINVAL);
	expect_u64_error("-1", ERANGE);
	expect_u64_error("+", EINVAL);
	expect_u64_error(" ", EINVAL);
	expect_u64_error("+-1", EINVAL);
	expect_u64_error("1 2", EINVAL);
	expect_u64_error("0x", EINVAL);
	expect_u64_error("0xg", EINVAL);
	expect_u64_error("0o8", EINVAL);
	expect_u64_error("1__0", EINVAL);
	expect_u64_error("1_", EINVAL);
	expect_u64_error("0x10000000000000000", ERANGE);
	expect_u64_error("18446744073709551616", ERANGE);
}

static void test_parse_size_units(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(xpdk_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(xpdk_parse_size("4K", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(xpdk_parse_size("64KiB", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(xpdk_parse_size("2m", &v), 0);
	assert_int_equal(v, 2u << 20);
	assert_int_equal(xpdk_parse_size("1GB", &v), 0);
	assert_int_equal(v, 1u << 30);
	assert_int_equal(xpdk_parse_size("0x10K", &v), 0);
	assert_int_equal(v, 16384);
	assert_int_equal(xpdk_parse_size("K", &v), -EINVAL);
	assert_int_equal(xpdk_parse_size("4X", &v), -EINVAL);
	assert_int_equal(xpdk_parse_size("4iB", &v), -EINVAL);
	assert_int_equal(xpdk_parse_size("", &v), -EINVAL);
	assert_int_equal(xpdk_parse_size("16777216T", &v), -ERANGE);
}

static void test_crc32_check_values(void **state)
{
	(void)state;
	/* the CRC catalogue's check value, and the same in two pieces */
	assert_int_equal(xpdk_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(xpdk_crc32(xpdk_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
	assert_int_equal(xpdk_crc32(0, "", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_sets_sentence_and_errno),
		cmocka_unit_test(test_field_macros_match_datasheet_layout),
		cmocka_unit_test(test_parse_u64_like_python_int),
		cmocka_unit_test(test_parse_size_units),
		cmocka_unit_test(test_crc32_check_values),
	};

	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
