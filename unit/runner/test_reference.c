/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_reference.c — what a virtualized run is compared with, and what proves
 * that it tested anything (runner/compare_virt.c).
 *
 * Why: a bare CPU that shuts down is a valid reference (docs/cases.md #8) and must not turn every
 * virtualized cell into ERROR; and a perturbation counts only if an exit during delivery
 * carried the row's own vector, not just any vector (docs/design.md, "The oracle"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit/runner/judge_fixture.h"

/* docs/cases.md #8: the bare CPU shuts down. Bare: TRIPLE-FAULT only when the emulator logged the
 * shutdown (otherwise a missing result line stays CRASH). Under hv: PASS only for a
 * reported shutdown after the same events with an exit during delivery; a guest that goes
 * on is DIFFERENT, a loop is LIVELOCK, no vectoring exit is ERROR. */
static void test_shutdown_reference(void **state)
{
    (void)state;
    char *ev[] = {GP};
    struct trace b, t;
    struct run_facts f = {0}, shut = {.cpu_shutdown = true};
    char *d;

    good_virt(&b, NULL, 0);
    b.result = RESULT_NONE;
    assert_int_equal(bare(&b, &f), V_CRASH);
    assert_int_equal(bare(&b, &shut), V_TRIPLE_FAULT);
    b.result = RESULT_SUCCESS; /* a shutdown logged after the final line is not one */
    assert_int_equal(bare(&b, &shut), V_PASS);
    b.result = RESULT_NONE;

    b.shutdown_raised = 14; /* bochs.log: 3rd (14) exception with no resolution */
    good_virt(&t, NULL, 0);
    t.result = RESULT_NONE;
    t.triple_fault = true;
    t.shutdown_raised = 14; /* hv/: #PF raised while the CPU delivered #DF */
    t.shutdown_delivering = 8;
    t.vectoring_exits = 2;
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, NULL), V_PASS);
    /* raw-copy in df-shutdown: the "shutdown" merged a stale queued #PF while the CPU was
     * delivering #PF: the #DF never happened. Comparing two empty traces proved nothing. */
    t.shutdown_delivering = 14;
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, &d), V_DIFFERENT);
    assert_non_null(strstr(d, "never delivered"));
    free(d);
    t.shutdown_delivering = 8;
    t.shutdown_raised = 13; /* another exception */
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, NULL), V_DIFFERENT);
    t.shutdown_raised = -1;
    t.shutdown_by_cpu = true; /* exit reason 2: the CPU itself shut down, as bare */
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, NULL), V_PASS);
    t.shutdown_by_cpu = false;
    b.shutdown_raised = -1; /* the bare log did not say: nothing to compare */
    t.shutdown_raised = 14;
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, NULL), V_ERROR);
    b.shutdown_raised = 14;
    struct run_facts died = {.end_problem = "bochs exit status 1"};
    assert_int_equal(virt(&t, &died, V_TRIPLE_FAULT, &b, NULL), V_CRASH);
    t.vectoring_exits = 0;
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, &d), V_ERROR);
    free(d);
    t.vectoring_exits = 2;
    t.ev = ev; /* an event the bare CPU never delivered */
    t.n_ev = 1;
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, NULL), V_DIFFERENT);

    good_virt(&t, ev, 1); /* the guest went on and ended by itself */
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, &d), V_DIFFERENT);
    assert_non_null(strstr(d, "shut down"));
    free(d);

    good_virt(&t, NULL, 0);
    t.result = RESULT_NONE;
    t.livelock = "hv: LIVELOCK rip=0x1: 2000 exits";
    assert_int_equal(virt(&t, &f, V_TRIPLE_FAULT, &b, NULL), V_LIVELOCK);

    good_virt(&t, NULL, 0); /* a shutdown is no PASS where bare did not shut down */
    t.result = RESULT_NONE;
    t.triple_fault = true;
    good_virt(&b, ev, 1);
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_TRIPLE_FAULT);
}

/* v > 0 is not enough: an exit during delivery of another event than the row's own (the
 * ROW line's vector) means the perturbation missed, and the row did not test. */
/* Two empty traces compare equal: a conformance row whose bare run saw no event proves
 * nothing under hv/ (ERROR), whatever the policy did. */
static void test_empty_reference(void **state)
{
    (void)state;
    struct trace b, t;
    struct run_facts f = {0};
    char *d;
    char *idtv[] = {"hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0 x -> drop (y)"};
    good_virt(&b, NULL, 0);
    good_virt(&t, NULL, 0);
    t.row_vector = 13;
    t.idtv = idtv;
    t.n_idtv = 1;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "prove nothing"));
    free(d);
}

static void test_own_vector(void **state)
{
    (void)state;
    char *ev[] = {GP};
    char *idtv_gp[] = {
        "hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0 x -> reinject (y)"};
    char *idtv_irq[] = {"hv: IDTV exit=EPT_VIOLATION idtv=0x80000040 err=0x0 len=0 x -> drop (y)"};
    struct trace b, t;
    struct run_facts f = {0};
    char *d;
    good_virt(&b, ev, 1);

    good_virt(&t, ev, 1);
    t.row_vector = 13;
    t.idtv = idtv_gp;
    t.n_idtv = 1;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
    t.idtv = idtv_irq;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "vector 0x0d"));
    free(d);
    t.n_idtv = 0; /* no IDTV line at all, yet v=1 */
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);
    t.row_vector = -1; /* harness rows name no vector: not checked */
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shutdown_reference),
        cmocka_unit_test(test_own_vector),
        cmocka_unit_test(test_empty_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
