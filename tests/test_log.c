/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/log.c's formatter, vpci_format. Its decimal
 * conversion avoids 64-bit division (a libgcc call on 32-bit targets), so
 * the values that stress that path are checked against the C library's
 * snprintf, on every target the unit tests run on (x86-64, armhf, s390x).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "internal.h"

static size_t format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vpci_format(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void expect_format_llu(unsigned long long v)
{
	char got[64], want[64];
	size_t n = format(got, sizeof(got), "%llu|%llx", v, v);

	snprintf(want, sizeof(want), "%llu|%llx", v, v);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
}

static void test_decimal_edges(void **state)
{
	char buf[64];

	(void)state;
	format(buf, sizeof(buf), "%llu", 18446744073709551615ull);
	assert_string_equal(buf, "18446744073709551615");
	format(buf, sizeof(buf), "%lld",
	       (long long)(-9223372036854775807ll - 1));
	assert_string_equal(buf, "-9223372036854775808");
	format(buf, sizeof(buf), "%u %d %u", 0u, -1, 4294967295u);
	assert_string_equal(buf, "0 -1 4294967295");
	format(buf, sizeof(buf), "%llu", 4294967296ull);
	assert_string_equal(buf, "4294967296");
	format(buf, sizeof(buf), "%llu", 10000000000000000000ull);
	assert_string_equal(buf, "10000000000000000000");
}

/*
 * Values around every power of ten and every power of two, where a carry
 * between the halves of a 64-bit number would go wrong, then a
 * pseudo-random sweep.
 */
static void test_matches_libc(void **state)
{
	unsigned long long p = 1, x = 0x9e3779b97f4a7c15ull;
	int i;

	(void)state;
	for (i = 0; i < 20; i++, p *= 10) {
		expect_format_llu(p - 1);
		expect_format_llu(p);
		expect_format_llu(p + 1);
	}
	for (i = 0; i < 64; i++) {
		expect_format_llu((1ull << i) - 1);
		expect_format_llu(1ull << i);
		expect_format_llu((1ull << i) + 1);
		expect_format_llu(~0ull - (1ull << i));
	}
	for (i = 0; i < 20000; i++) {
		/* xorshift64: cheap, covers all bit patterns */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		expect_format_llu(x >> (i % 64));
	}
}

static void test_sbdf_and_pointers(void **state)
{
	char buf[64], want[64];
	int obj;

	(void)state;
	format(buf, sizeof(buf), "%pS",
	       (unsigned int)VPCI_SBDF(0xabcd, 0x12, 0x1f, 7));
	assert_string_equal(buf, "abcd:12:1f.7");
	format(buf, sizeof(buf), "[%pS]", (unsigned int)VPCI_SBDF(0, 0, 0, 0));
	assert_string_equal(buf, "[0000:00:00.0]");
	format(buf, sizeof(buf), "%p", (void *)&obj);
	snprintf(want, sizeof(want), "0x%llx",
		 (unsigned long long)(uintptr_t)&obj);
	assert_string_equal(buf, want);
}

static void test_truncation_and_oddities(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(format(buf, 5, "%s", "abcdefgh"), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'X'); /* nothing written past size */
	assert_int_equal(
		format(buf, sizeof(buf), "%llu", 18446744073709551615ull), 7);
	assert_string_equal(buf, "1844674");
	assert_int_equal(format(buf, 0, "abc"), 0);
	format(buf, sizeof(buf), "%q%%%");
	assert_string_equal(buf, "%q%");
	format(buf, sizeof(buf), "%s", (const char *)NULL);
	assert_string_equal(buf, "(null)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal_edges),
		cmocka_unit_test(test_matches_libc),
		cmocka_unit_test(test_sbdf_and_pointers),
		cmocka_unit_test(test_truncation_and_oddities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
