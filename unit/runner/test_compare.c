/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_compare.c — verdicts (runner/compare.c, compare_virt.c, compare_traces.c),
 * docs/design.md, "The oracle".
 *
 * Why: the verdict is the product. Each class must come out for the situation it names and
 * no other: identical traces → PASS; missing events → LOST; a repeated event → DUPLICATED;
 * same events in another order → REORDERED; anything else → DIFFERENT. The hypervisor's
 * own reports win over the comparison (ENTRY-FAIL, TRIPLE-FAULT, ERROR), a run whose
 * perturbation caused no vectoring exit is ERROR ("the test did not test"), and without a
 * passing bare run there is nothing to compare with (ERROR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/compare.h"

#include "unit/runner/judge_fixture.h"

static enum verdict cmp(char *const *b, size_t nb, char *const *v, size_t nv, char **detail)
{
    return compare_traces(b, nb, v, nv, detail);
}

static void test_compare_classes(void **state)
{
    (void)state;
    char *bare[] = {GP, IRQ, DB};
    char *detail;
    {
        char *v[] = {GP, IRQ, DB};
        assert_int_equal(cmp(bare, 3, v, 3, &detail), V_PASS);
        assert_null(detail);
    }
    {
        char *v[] = {GP, DB}; /* IRQ lost */
        assert_int_equal(cmp(bare, 3, v, 2, &detail), V_LOST);
        assert_non_null(strstr(detail, IRQ));
        free(detail);
    }
    {
        assert_int_equal(cmp(bare, 3, NULL, 0, &detail), V_LOST); /* everything lost */
        assert_non_null(strstr(detail, GP));
        free(detail);
    }
    {
        char *v[] = {GP, GP, IRQ, DB}; /* #GP delivered twice */
        assert_int_equal(cmp(bare, 3, v, 4, &detail), V_DUPLICATED);
        assert_non_null(strstr(detail, GP));
        free(detail);
    }
    {
        char *v[] = {GP, IRQ, DB, IRQ}; /* the interrupt again, at the end */
        assert_int_equal(cmp(bare, 3, v, 4, &detail), V_DUPLICATED);
        free(detail);
    }
    {
        char *v[] = {GP, UD, IRQ, DB}; /* an extra event never seen bare */
        assert_int_equal(cmp(bare, 3, v, 4, &detail), V_DIFFERENT);
        assert_non_null(strstr(detail, UD));
        free(detail);
    }
    {
        char *v[] = {IRQ, GP, DB}; /* interrupt first (docs/cases.md #9) */
        assert_int_equal(cmp(bare, 3, v, 3, &detail), V_REORDERED);
        assert_non_null(strstr(detail, "event 1"));
        free(detail);
    }
    {
        /* docs/cases.md #9: the interrupt is taken before the faulting instruction re-executes,
         * so it interrupts another RIP: the same events by identity, in another order */
        char *b2[] = {"EV #GP err=0x0000 rip=trigger+0x38 cs=0x08 rf=1 ist=1 cr2=- dr6=-",
                      "EV INT 0x40 err=- rip=trigger+0x3b cs=0x08 rf=1 ist=0 cr2=- dr6=-"};
        char *v[] = {"EV INT 0x40 err=- rip=trigger+0x38 cs=0x08 rf=1 ist=0 cr2=- dr6=-",
                     "EV #GP err=0x0000 rip=trigger+0x38 cs=0x08 rf=1 ist=1 cr2=- dr6=-"};
        assert_int_equal(cmp(b2, 2, v, 2, &detail), V_REORDERED);
        assert_non_null(strstr(detail, "vector, error code"));
        free(detail);
        /* same events in the same order, another RIP: MOVED, not a reorder, and MOVED
         * meets an expectation of DIFFERENT (catalogues written before MOVED) */
        char *w[] = {"EV #GP err=0x0000 rip=trigger+0x3b cs=0x08 rf=1 ist=1 cr2=- dr6=-",
                     "EV INT 0x40 err=- rip=trigger+0x3b cs=0x08 rf=1 ist=0 cr2=- dr6=-"};
        assert_int_equal(cmp(b2, 2, w, 2, &detail), V_MOVED);
        assert_non_null(strstr(detail, "delivered elsewhere"));
        free(detail);
        assert_true(verdict_meets(V_MOVED, V_DIFFERENT));
        assert_false(verdict_meets(V_DIFFERENT, V_MOVED));
        assert_true(verdict_meets(V_MOVED, V_MOVED));
        /* moved and changed (RF differs too): DIFFERENT */
        char *w2[] = {"EV #GP err=0x0000 rip=trigger+0x3b cs=0x08 rf=0 ist=1 cr2=- dr6=-",
                      "EV INT 0x40 err=- rip=trigger+0x3b cs=0x08 rf=1 ist=0 cr2=- dr6=-"};
        assert_int_equal(cmp(b2, 2, w2, 2, &detail), V_DIFFERENT);
        free(detail);
        /* another error code is another event */
        char *x[] = {"EV INT 0x40 err=- rip=trigger+0x38 cs=0x08 rf=1 ist=0 cr2=- dr6=-",
                     "EV #GP err=0x0042 rip=trigger+0x38 cs=0x08 rf=1 ist=1 cr2=- dr6=-"};
        assert_int_equal(cmp(b2, 2, x, 2, &detail), V_DIFFERENT);
        free(detail);
    }
    {
        char *v[] = {GP, UD, DB}; /* one replaced */
        assert_int_equal(cmp(bare, 3, v, 3, &detail), V_DIFFERENT);
        assert_non_null(strstr(detail, "event 2"));
        free(detail);
    }
    {
        char *v[] = {IRQ, UD}; /* shorter but not a subsequence */
        assert_int_equal(cmp(bare, 3, v, 2, &detail), V_DIFFERENT);
        free(detail);
    }
    {
        char *v[] = {GP, GP, GP, IRQ}; /* not a supersequence of bare (DB missing) */
        assert_int_equal(cmp(bare, 3, v, 4, &detail), V_DIFFERENT);
        free(detail);
    }
    {
        char *v[] = {GP};
        assert_int_equal(cmp(NULL, 0, v, 1, &detail), V_DIFFERENT); /* bare saw nothing */
        free(detail);
        assert_int_equal(cmp(NULL, 0, NULL, 0, &detail), V_PASS);
    }
}

static void test_judge_virt(void **state)
{
    (void)state;
    char *ev[] = {GP, IRQ};
    char *lost[] = {GP};
    char *dup[] = {GP, IRQ, IRQ};
    char *reord[] = {IRQ, GP};
    struct trace b, t;
    struct run_facts f = {0};
    char *d;
    good_virt(&b, ev, 2);

    good_virt(&t, ev, 2);
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_PASS);
    assert_null(d);
    good_virt(&t, lost, 1);
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_LOST);
    good_virt(&t, dup, 3);
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_DUPLICATED);
    good_virt(&t, reord, 2);
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_REORDERED);

    /* same trace, but the guest's own checks failed */
    good_virt(&t, ev, 2);
    t.result = RESULT_FAILURE;
    t.result_line = "Test result: FAILURE";
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_FAILED);
    good_virt(&t, ev, 2);
    t.n_fail = 1;
    t.first_fail = "FAIL: x";
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_FAILED);
    good_virt(&t, ev, 2);
    t.result = RESULT_SKIP;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_FAILED);
    /* ... a trace difference is the better explanation than the failed check */
    good_virt(&t, lost, 1);
    t.result = RESULT_FAILURE;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_LOST);

    /* vectoring-exits=0: the perturbation did not perturb */
    good_virt(&t, ev, 2);
    t.vectoring_exits = 0;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "the test did not test"));
    free(d);

    /* no bare reference */
    good_virt(&t, ev, 2);
    assert_int_equal(virt(&t, &f, V_FAILED, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "no bare reference"));
    free(d);
    assert_int_equal(virt(&t, &f, V_SKIP, &b, NULL), V_ERROR);
    assert_int_equal(virt(&t, &f, V_TIMEOUT, &b, NULL), V_ERROR);
}

static void test_judge_virt_hv_reports(void **state)
{
    (void)state;
    char *ev[] = {GP};
    struct trace b, t;
    struct run_facts f = {0};
    char *d;
    good_virt(&b, ev, 1);

    good_virt(&t, ev, 1);
    t.vmentry_fail = "hv: VMENTRY-FAIL reason=0x80000021 qual=0x0 bit 12";
    t.triple_fault = true; /* entry failure is reported first */
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ENTRY_FAIL);
    assert_non_null(strstr(d, "reason=0x80000021"));
    free(d);

    good_virt(&t, NULL, 0);
    t.triple_fault = true;
    t.result = RESULT_NONE;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_TRIPLE_FAULT);

    /* a policy that keeps re-delivering a failing event: the hv's LIVELOCK line wins over
     * the missing result line it causes */
    good_virt(&t, NULL, 0);
    t.livelock = "hv: LIVELOCK rip=0x102aaa: 2000 exits in a row during event delivery";
    t.result = RESULT_NONE;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_LIVELOCK);
    assert_non_null(strstr(d, "2000 exits"));
    free(d);

    good_virt(&t, ev, 1);
    t.hv_error = "hv: ERROR unhandled exit 48";
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);

    good_virt(&t, ev, 1);
    t.result = RESULT_ERROR;
    t.result_line = "Test result: ERROR unknown scenario";
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);

    good_virt(&t, ev, 1);
    t.n_hv_summary = 0;
    t.vectoring_exits = -1;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "summary"));
    free(d);

    good_virt(&t, ev, 1);
    t.hv_summary_malformed = true;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);

    good_virt(&t, ev, 1);
    t.n_hv_summary = 2;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);

    good_virt(&t, ev, 1);
    t.hv_policy = "drop-all"; /* hv ran something else than asked */
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "drop-all"));
    free(d);

    /* timeout beats the missing summary; CRASH when it ended without a final line */
    good_virt(&t, ev, 1);
    t.result = RESULT_NONE;
    t.n_hv_summary = 0;
    f.timed_out = true;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_TIMEOUT);
    f.timed_out = false;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_CRASH);

    f.start_error = "exec: No such file";
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "could not start"));
    free(d);
}

static void test_judge_bare(void **state)
{
    (void)state;
    char *ev[] = {GP};
    struct trace t;
    struct run_facts f = {0};

    good_virt(&t, ev, 1);
    t.n_hv_summary = 0; /* hv lines are not needed bare */
    assert_int_equal(bare(&t, &f), V_PASS);
    t.result = RESULT_SKIP;
    assert_int_equal(bare(&t, &f), V_SKIP);
    t.result = RESULT_FAILURE;
    assert_int_equal(bare(&t, &f), V_FAILED);
    t.result = RESULT_ERROR;
    assert_int_equal(bare(&t, &f), V_ERROR);
    t.result = RESULT_MALFORMED;
    assert_int_equal(bare(&t, &f), V_ERROR);
    t.result = RESULT_NONE;
    assert_int_equal(bare(&t, &f), V_CRASH);
    t.n_lines = 0;
    assert_int_equal(bare(&t, &f), V_CRASH);
    f.timed_out = true;
    assert_int_equal(bare(&t, &f), V_TIMEOUT);
    t.result = RESULT_SUCCESS; /* printed SUCCESS but never ended */
    assert_int_equal(bare(&t, &f), V_TIMEOUT);
    f.timed_out = false;

    good_virt(&t, ev, 1);
    t.n_result_lines = 2;
    assert_int_equal(bare(&t, &f), V_ERROR);
    good_virt(&t, ev, 1);
    t.after_result = GP;
    assert_int_equal(bare(&t, &f), V_ERROR);
    good_virt(&t, ev, 1);
    t.n_fail = 1; /* SUCCESS with a FAIL: line is not a pass */
    t.first_fail = "FAIL: x";
    assert_int_equal(bare(&t, &f), V_FAILED);
}

static void test_detail_carries_context(void **state)
{
    (void)state;
    struct trace t;
    struct run_facts f = {.context = "bochs exit status 1; bochs.log: >>PANIC<< triple fault"};
    struct judgement j;
    good_virt(&t, NULL, 0);
    t.result = RESULT_NONE;
    judge_bare(&t, &f, &j);
    assert_int_equal(j.verdict, V_CRASH);
    assert_non_null(strstr(j.detail, "triple fault"));
    free(j.detail);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_classes),        cmocka_unit_test(test_judge_virt),
        cmocka_unit_test(test_judge_virt_hv_reports),  cmocka_unit_test(test_judge_bare),
        cmocka_unit_test(test_detail_carries_context),

    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
