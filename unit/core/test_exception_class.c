/* SPDX-License-Identifier: BSD-2-Clause */
/* What: the per-vector tables (mnemonic, fault/trap/abort, double-fault class, error code)
 * and the double-fault decision for all 32 x 32 exception pairs (core/exception_class.h).
 * Why: the #DF merge in the event queue is only as right as this table (docs/cases.md #7, #8).
 * The SDM tables are written out again here, from SDM 6.15 Table 6-1 / 6-4 / 6-5 and the
 * "Interrupt 8" text, in a different shape (class lists and a rule), not by calling core.
 * Expected: every pair agrees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/exception_class.h"

/* SDM 6.15 Table 6-4, as lists of vectors. */
static const int contributory[] = {0, 10, 11, 12, 13, 21};
static const int page_faults[] = {14, 20}; /* #VE counts with page faults */
static const int errcode[] = {8, 10, 11, 12, 13, 14, 17, 21};

static int in(const int *list, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}
#define IN(list, v) in(list, sizeof(list) / sizeof(list[0]), v)

/* Expected outcome, by the SDM rule in words: contributory then contributory = #DF; page
 * fault then contributory or page fault = #DF; #DF then contributory, page fault (or #DF) =
 * shutdown; everything else (benign first or benign second) = serial. */
static enum double_fault_outcome expected(int first, int second)
{
    int c1 = IN(contributory, first), p1 = IN(page_faults, first), d1 = first == 8;
    int c2 = IN(contributory, second), p2 = IN(page_faults, second), d2 = second == 8;
    if (d1 && (c2 || p2 || d2))
        return DF_SHUTDOWN;
    if (c1 && c2)
        return DF_DOUBLE;
    if (p1 && (c2 || p2))
        return DF_DOUBLE;
    return DF_SERIAL;
}

static void test_all_pairs(void **state)
{
    (void)state;
    unsigned df = 0, shutdown = 0;
    for (int a = 0; a < 32; a++) {
        for (int b = 0; b < 32; b++) {
            enum double_fault_outcome got = double_fault_decide((uint8_t)a, (uint8_t)b);
            if (got != expected(a, b))
                fail_msg("first %d second %d: got %s want %s", a, b, double_fault_outcome_name(got),
                         double_fault_outcome_name(expected(a, b)));
            df += got == DF_DOUBLE;
            shutdown += got == DF_SHUTDOWN;
        }
    }
    /* 6x6 contributory pairs + 2x(6+2) page-fault rows; #DF row: 6 + 2 + 1 */
    assert_int_equal(df, 36 + 16);
    assert_int_equal(shutdown, 9);
}

static void test_named_pairs(void **state)
{
    (void)state;
    assert_int_equal(double_fault_decide(14, 14), DF_DOUBLE); /* docs/cases.md #7 */
    assert_int_equal(double_fault_decide(13, 11), DF_DOUBLE);
    assert_int_equal(double_fault_decide(13, 14), DF_SERIAL); /* contributory then #PF */
    assert_int_equal(double_fault_decide(14, 13), DF_DOUBLE);
    assert_int_equal(double_fault_decide(8, 13), DF_SHUTDOWN); /* docs/cases.md #8 */
    assert_int_equal(double_fault_decide(8, 14), DF_SHUTDOWN);
    assert_int_equal(double_fault_decide(8, 1), DF_SERIAL);
    assert_int_equal(double_fault_decide(1, 14), DF_SERIAL);
    assert_int_equal(double_fault_decide(20, 14), DF_DOUBLE); /* #VE then #PF */
    assert_int_equal(double_fault_decide(14, 20), DF_DOUBLE);
    assert_int_equal(double_fault_decide(21, 13), DF_DOUBLE); /* #CP contributory */
}

static void test_vectors(void **state)
{
    (void)state;
    /* SDM 6.15 Table 6-1 type column */
    static const char *const kind[32] = {
        "fault", "fault-or-trap", "interrupt", "trap",  "trap",  "fault", "fault", "fault",
        "abort", "fault",         "fault",     "fault", "fault", "fault", "fault", "reserved",
        "fault", "fault",         "abort",     "fault", "fault", "fault"};
    static const char *const name[22] = {"#DE", "#DB",  "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                         "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
                                         "#MF", "#AC",  "#MC", "#XM", "#VE", "#CP"};
    for (int v = 0; v < 32; v++) {
        assert_int_equal(exception_has_error_code((uint8_t)v), IN(errcode, v));
        const char *k = exception_kind_name(exception_kind((uint8_t)v));
        assert_string_equal(k, v < 22 ? kind[v] : "reserved");
        if (v < 22)
            assert_string_equal(exception_mnemonic((uint8_t)v), name[v]);
        enum exception_class c = exception_class((uint8_t)v);
        enum exception_class want = v == 8                ? EXC_CLASS_DOUBLE_FAULT
                                    : IN(contributory, v) ? EXC_CLASS_CONTRIBUTORY
                                    : IN(page_faults, v)  ? EXC_CLASS_PAGE_FAULT
                                                          : EXC_CLASS_BENIGN;
        assert_int_equal(c, want);
    }
    for (int v = 32; v < 256; v++) {
        assert_false(exception_has_error_code((uint8_t)v));
        assert_int_equal(exception_class((uint8_t)v), EXC_CLASS_BENIGN);
        assert_string_equal(exception_mnemonic((uint8_t)v), "INT");
    }
    assert_string_equal(exception_class_name(EXC_CLASS_PAGE_FAULT), "page-fault");
    assert_string_equal(double_fault_outcome_name(DF_DOUBLE), "#DF");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_pairs),
        cmocka_unit_test(test_named_pairs),
        cmocka_unit_test(test_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
