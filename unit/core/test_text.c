/* SPDX-License-Identifier: BSD-2-Clause */
/* What: core's libc-free text helpers (core/text.h): the builder used by every formatter,
 * and the number parser behind `redeliver decode` / `explain`.
 * Why: the CLI must reject malformed numbers (exit 2) rather than guess, and the hv's
 * log lines must never overrun a buffer.
 * Expected: decimal and 0x-hex accepted whole; empty, junk, signs and overflow refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/text.h"

static void test_parse(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_int_equal(text_parse_u64("0", &v), 0), assert_int_equal(v, 0);
    assert_int_equal(text_parse_u64("2147486478", &v), 0), assert_int_equal(v, 0x80000b0e);
    assert_int_equal(text_parse_u64("0x80000B0e", &v), 0), assert_int_equal(v, 0x80000b0e);
    assert_int_equal(text_parse_u64("0XfF", &v), 0), assert_int_equal(v, 255);
    assert_int_equal(text_parse_u64("18446744073709551615", &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(text_parse_u64("0xffffffffffffffff", &v), 0);
    assert_int_equal(text_parse_u64("18446744073709551616", &v), -2);
    assert_int_equal(text_parse_u64("0x10000000000000000", &v), -2);
    static const char *const bad[] = {"",   "0x", "x1", "12x", "0x1g", "-1",
                                      "+1", " 1", "1 ", "1.0", "ff",   "0b1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 7;
        assert_int_equal(text_parse_u64(bad[i], &v), -1);
        assert_int_equal(v, 7); /* untouched on failure */
    }
}

static void test_builder(void **state)
{
    (void)state;
    char buf[32];
    struct text t;
    text_init(&t, buf, sizeof(buf));
    text_str(&t, "v=");
    text_dec(&t, 0);
    text_char(&t, ' ');
    text_dec(&t, 18446744073709551615ull);
    assert_string_equal(buf, "v=0 18446744073709551615");
    text_init(&t, buf, sizeof(buf));
    text_hex(&t, 0, 1), text_char(&t, ' '), text_hex(&t, 0xab, 4), text_char(&t, ' ');
    text_hex(&t, 0x8000000000000000ull, 1);
    assert_string_equal(buf, "0x0 0x00ab 0x8000000000000000");
    assert_int_equal(t.pos, strlen(buf));
    char tiny[4];
    text_init(&t, tiny, sizeof(tiny));
    text_str(&t, "abcdef");
    assert_string_equal(tiny, "abc");
    assert_int_equal(text_length("abc"), 3);
    assert_true(text_equal("kvm", "kvm"));
    assert_false(text_equal("kvm", "kvm2"));
    assert_false(text_equal("kv", "kvm"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_builder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
