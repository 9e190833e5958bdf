/* SPDX-License-Identifier: BSD-2-Clause */
/* What: the EPT-violation exit-qualification decoder (core/ept_qual.h, SDM 27.2.1
 * Table 27-7) and its one-line format.
 * Why: hv/ logs every EPT violation it uses to force an exit during delivery; bit 12 (NMI
 * unblocking due to IRET) changes what the hv must do before re-entry.
 * Expected: each bit lands in its own field (bit positions written out here) and nowhere
 * else; bits 15 and 17-63 are reported as reserved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/ept_qual.h"

static unsigned count_set(const struct ept_qual *d)
{
    return d->read + d->write + d->fetch + d->ept_read + d->ept_write + d->ept_exec +
           d->ept_user_exec + d->gla_valid + d->translation + d->user_linear + d->rw_page +
           d->nx_page + d->nmi_unblock + d->shadow_stack + d->ept_sss + d->async;
}

static void test_each_bit(void **state)
{
    (void)state;
    for (int bit = 0; bit < 64; bit++) {
        struct ept_qual d = ept_qual_decode(1ull << bit);
        int known = bit <= 14 || bit == 16;
        assert_int_equal(count_set(&d), known);
        assert_int_equal(d.reserved, known ? 0 : 1ull << bit);
    }
    struct ept_qual d;
    d = ept_qual_decode(1ull << 0), assert_true(d.read);
    d = ept_qual_decode(1ull << 1), assert_true(d.write);
    d = ept_qual_decode(1ull << 2), assert_true(d.fetch);
    d = ept_qual_decode(1ull << 3), assert_true(d.ept_read);
    d = ept_qual_decode(1ull << 4), assert_true(d.ept_write);
    d = ept_qual_decode(1ull << 5), assert_true(d.ept_exec);
    d = ept_qual_decode(1ull << 6), assert_true(d.ept_user_exec);
    d = ept_qual_decode(1ull << 7), assert_true(d.gla_valid);
    d = ept_qual_decode(1ull << 8), assert_true(d.translation);
    d = ept_qual_decode(1ull << 9), assert_true(d.user_linear);
    d = ept_qual_decode(1ull << 12), assert_true(d.nmi_unblock);
    d = ept_qual_decode(1ull << 13), assert_true(d.shadow_stack);
    d = ept_qual_decode(1ull << 14), assert_true(d.ept_sss);
    d = ept_qual_decode(1ull << 16), assert_true(d.async);
}

static void test_format(void **state)
{
    (void)state;
    char buf[160];
    ept_qual_format(buf, sizeof(buf), 0x182); /* write to a not-present page, translation */
    assert_string_equal(buf, "write ept=--- gla translation");
    ept_qual_format(buf, sizeof(buf), 0x1089); /* read, EPT r--, paging-structure walk */
    assert_string_equal(buf, "read ept=r-- gla paging-structure nmi-unblock");
    ept_qual_format(buf, sizeof(buf), 0x3c);
    assert_string_equal(buf, "fetch ept=rwx no-gla");
    ept_qual_format(buf, sizeof(buf), 0x8000);
    assert_string_equal(buf, "no-access ept=--- no-gla reserved=0x8000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_bit),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
