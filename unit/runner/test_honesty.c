/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_honesty.c — what the text of a run cannot decide alone.
 *
 * Why: a PASS must mean the guest really saw what the bare CPU shows. An emulator that
 * printed a perfect trace and then died (a Bochs PANIC, an exit status it never gives at the
 * end of a run, a signal) did not finish the run; a console line of megabytes is not a
 * protocol line. Expected: emulator_end_problem() names each abnormal end, and the judge
 * turns any of them into CRASH (or ERROR for the long line), never PASS, bare or virtualized. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner/emulator_end.h"
#include "unit/runner/judge_fixture.h"

static const char bochs_ok[] = "00000000000i[      ] using log file bochs.log\n";
static const char bochs_panic[] = "00013859488p[CPU0  ] >>PANIC<< exception(): 3rd (14) "
                                  "exception with no resolution\n";
static const char bochs_other_panic[] = "00000000001p[APIC0 ] >>PANIC<< APIC: base moved\n";

static char *end(enum cpu_model cpu, int code, int sig, const char *log, bool virt)
{
    struct proc_result p = {.exit_code = code, .signal = sig};
    return emulator_end_problem(cpu, &p, log, log ? strlen(log) : 0, virt);
}

static void test_normal_ends(void **state)
{
    (void)state;
    assert_null(end(CPU_BOCHS, 0, 0, bochs_ok, false));
    assert_null(end(CPU_BOCHS, 0, 0, bochs_ok, true));
    assert_null(end(CPU_QEMU, 1, 0, "", false));
    /* bare shutdowns are references: Bochs panics and exits 1, QEMU exits 0 */
    assert_null(end(CPU_BOCHS, 1, 0, bochs_panic, false));
    assert_null(end(CPU_QEMU, 0, 0, "CPU Reset (CPU 0)\nTriple fault\n", false));
    struct proc_result timed = {.exit_code = -1, .signal = 1, .timed_out = true};
    assert_null(emulator_end_problem(CPU_BOCHS, &timed, NULL, 0, false));
}

static void test_abnormal_ends(void **state)
{
    (void)state;
    char *s;
    assert_non_null(s = end(CPU_BOCHS, 1, 0, bochs_ok, false));
    assert_non_null(strstr(s, "exit status 1"));
    free(s);
    assert_non_null(s = end(CPU_BOCHS, -1, 11, bochs_ok, false));
    assert_non_null(strstr(s, "signal 11"));
    free(s);
    assert_non_null(s = end(CPU_BOCHS, 0, 0, bochs_other_panic, false)); /* status 0, PANIC */
    assert_non_null(strstr(s, "base moved"));
    free(s);
    /* under hv/ a CPU shutdown is never the reference: hv/ reports it and ends normally */
    assert_non_null(s = end(CPU_BOCHS, 1, 0, bochs_panic, true));
    free(s);
    assert_non_null(s = end(CPU_QEMU, 0, 0, "", false)); /* QEMU exits 1 at a normal end */
    free(s);
    assert_non_null(s = end(CPU_QEMU, 3, 0, "", false));
    free(s);
}

/* A perfect trace does not outweigh a dead emulator or a cut line. */
static void test_judge_never_passes_them(void **state)
{
    (void)state;
    char *ev[] = {GP};
    struct trace b, t;
    struct run_facts ok = {0}, died = {.end_problem = "bochs exit status 1; log: >>PANIC<<"};
    good_virt(&b, ev, 1);
    good_virt(&t, ev, 1);
    assert_int_equal(bare(&b, &ok), V_PASS);
    assert_int_equal(bare(&b, &died), V_CRASH);
    assert_int_equal(virt(&t, &ok, V_PASS, &b, NULL), V_PASS);
    char *d;
    assert_int_equal(virt(&t, &died, V_PASS, &b, &d), V_CRASH);
    assert_non_null(strstr(d, "ended abnormally"));
    free(d);
    t.long_line = "EV xxxx [9999 more bytes cut]";
    assert_int_equal(virt(&t, &ok, V_PASS, &b, NULL), V_ERROR);
    b.long_line = t.long_line;
    assert_int_equal(bare(&b, &ok), V_ERROR);
}

/* Review finding: a shutdown row was PASS although the run timed out, hv/ reported ERROR or
 * LIVELOCK, or ran another policy. Every other problem of the run comes first. */
static void test_shutdown_row_checks_everything(void **state)
{
    (void)state;
    struct trace b, t;
    struct run_facts ok = {0}, timed = {.timed_out = true};
    good_virt(&b, NULL, 0);
    b.result = RESULT_NONE;
    b.shutdown_raised = 14;
    good_virt(&t, NULL, 0);
    t.result = RESULT_NONE;
    t.triple_fault = true;
    t.shutdown_by_cpu = true;
    assert_int_equal(virt(&t, &ok, V_TRIPLE_FAULT, &b, NULL), V_PASS);
    /* judged as any run with hv/'s TRIPLE-FAULT line: never the bare shutdown's PASS */
    assert_int_equal(virt(&t, &timed, V_TRIPLE_FAULT, &b, NULL), V_TRIPLE_FAULT);
    t.hv_policy = "drop-all"; /* the runner asked for kvm */
    assert_int_equal(virt(&t, &ok, V_TRIPLE_FAULT, &b, NULL), V_ERROR);
    t.hv_policy = "kvm";
    t.n_hv_summary = 2;
    assert_int_equal(virt(&t, &ok, V_TRIPLE_FAULT, &b, NULL), V_ERROR);
    t.n_hv_summary = 1;
    t.livelock = "hv: LIVELOCK rip=0x1: 2000 exits";
    assert_int_not_equal(virt(&t, &ok, V_TRIPLE_FAULT, &b, NULL), V_PASS);
    t.livelock = NULL;
    t.hv_error = "hv: ERROR something";
    assert_int_not_equal(virt(&t, &ok, V_TRIPLE_FAULT, &b, NULL), V_PASS);
}

/* Review finding: what a row perturbs and what proves it came only from the guest's ROW
 * line, and a missing or foreign one went unnoticed. Now: exactly one, naming the row the
 * runner asked for; a conformance row's names its vector (strictly parsed) or proof. */
static void test_row_line_checked(void **state)
{
    (void)state;
    char *ev[] = {GP};
    char *idtv[] = {"hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0 x -> y (z)"};
    struct trace b, t;
    struct run_facts f = {.scenario = "gp-stack", .conformance = true};
    good_virt(&b, ev, 1);
    b.row = "gp-stack vector=0x0d";
    b.n_row_lines = 1;
    b.row_vector = 13;
    good_virt(&t, ev, 1);
    t.idtv = idtv;
    t.n_idtv = 1;
    t.row = "gp-stack vector=0x0d";
    t.n_row_lines = 1;
    t.row_vector = 13;
    assert_int_equal(bare(&b, &f), V_PASS);
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
    t.n_row_lines = 0;
    t.row = NULL;
    t.row_vector = -1;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR); /* no ROW line */
    t.row = "ud-stack vector=0x0d";
    t.n_row_lines = 1;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR); /* another row */
    t.row = "gp-stack";
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR); /* no vector, no proof */
    t.row = "gp-stack vector=0x0d";
    t.row_vector = 13;
    t.n_row_lines = 2;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR); /* two ROW lines */
    t.n_row_lines = 1;
    t.n_hv_rows = 1; /* hv/'s own marker (hv.txt) must name the same row */
    t.hv_row = "gp-stack";
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
    t.hv_row = "ud-stack";
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR); /* hv/ ran another row */
    t.hv_row = "gp-stack";
    t.n_hv_rows = 2;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR); /* two rows in one run */
    t.n_hv_rows = 0;
    t.hv_row = NULL;
    static const char h[] = "hv: ROW ud-stack\nhv: ROW-END ud-stack\n";
    struct trace q;
    trace_parse(&q, "", 0, h, sizeof(h) - 1);
    assert_int_equal(q.n_hv_rows, 1); /* ROW-END is not a row start */
    assert_string_equal(q.hv_row, "ud-stack");
    trace_free(&q);
    b.row = "gp-stack-x vector=0x0d";
    assert_int_equal(bare(&b, &f), V_ERROR); /* a name that only starts the same */
    struct trace p;
    static const char g[] = "ROW gp-stack vector=0xzz\nROW gp-stack vector=0x0d1\n";
    trace_parse(&p, g, sizeof(g) - 1, "", 0);
    assert_int_equal(p.row_vector, -1); /* malformed: not vector 0 */
    assert_int_equal(p.n_row_lines, 2);
    trace_free(&p);
}

/* Review finding: a task-gate row passed on an EPT-violation exit that carried its vector
 * (its perturbation of a page), although the task switch under test never reached a check.
 * `proof=task-switch` wants the TASK_SWITCH exit itself; other rows keep any exit. */
static void test_task_switch_proof(void **state)
{
    (void)state;
    char *ev[] = {GP};
    char *ept[] = {"hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0 x -> y (z)"};
    char *ts[] = {"hv: IDTV exit=TASK_SWITCH idtv=0x80000b0d err=0x0 len=0 x -> y (z)"};
    char *ts_other[] = {"hv: IDTV exit=TASK_SWITCH idtv=0x80000306 err=0x0 len=0 x -> y (z)"};
    struct trace b, t;
    struct run_facts f = {.scenario = "gp-task-gate", .conformance = true};
    good_virt(&b, ev, 1);
    b.row = "gp-task-gate vector=0x0d proof=task-switch";
    b.n_row_lines = 1;
    b.row_vector = 13;
    b.row_task_switch = true;
    t = b;
    t.idtv = ept;
    t.n_idtv = 1;
    char *detail = NULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &detail), V_ERROR);
    assert_non_null(strstr(detail, "TASK_SWITCH"));
    free(detail);
    t.idtv = ts_other; /* a task switch, for another vector */
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);
    t.idtv = ts;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
    t.row_task_switch = false; /* any other row: any exit with its vector */
    t.idtv = ept;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
    struct trace p;
    static const char g[] = "ROW gp-task-gate vector=0x0d proof=task-switch\n";
    trace_parse(&p, g, sizeof(g) - 1, "", 0);
    assert_int_equal(p.row_vector, 13);
    assert_true(p.row_task_switch);
    trace_free(&p);
}

/* A row that took pages away in EPT (`pages=<n>`): only EPT-violation exits carrying its vector
 * prove it, and a PASS needs one per page; a policy that lost the event keeps its verdict. */
static void test_pages_proof(void **state)
{
    (void)state;
    char *ev[] = {GP};
    char *ept2[] = {"hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0 x -> y (z)",
                    "hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0 x -> y (z)"};
    char *ept_ts[] = {"hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0 x -> y (z)",
                      "hv: IDTV exit=TASK_SWITCH idtv=0x80000b0d err=0x0 len=0 x -> y (z)"};
    char *ts[] = {"hv: IDTV exit=TASK_SWITCH idtv=0x80000b0d err=0x0 len=0 x -> y (z)"};
    struct trace b, t;
    struct run_facts f = {.scenario = "gp-idt-stack", .conformance = true};
    good_virt(&b, ev, 1);
    b.row = "gp-idt-stack vector=0x0d pages=2";
    b.n_row_lines = 1;
    b.row_vector = 13;
    b.row_pages = 2;
    t = b;
    t.idtv = ept2;
    t.n_idtv = 2;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
    t.n_idtv = 1; /* one page was not tested */
    char *detail = NULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &detail), V_ERROR);
    assert_non_null(strstr(detail, "only 1 of the row's 2 pages"));
    free(detail);
    t.idtv = ept_ts; /* a task switch carrying the vector is not the EPT perturbation's */
    t.n_idtv = 2;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);
    t.row_pages = 1;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_PASS);
    t.idtv = ts; /* no EPT exit at all: the page was never taken away */
    t.n_idtv = 1;
    assert_int_equal(virt(&t, &f, V_PASS, &b, NULL), V_ERROR);
    struct trace p;
    static const char g[] = "ROW gp-idt-stack vector=0x0d pages=2\n";
    trace_parse(&p, g, sizeof(g) - 1, "", 0);
    assert_int_equal(p.row_pages, 2);
    trace_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_ends),
        cmocka_unit_test(test_abnormal_ends),
        cmocka_unit_test(test_judge_never_passes_them),
        cmocka_unit_test(test_shutdown_row_checks_everything),
        cmocka_unit_test(test_row_line_checked),
        cmocka_unit_test(test_task_switch_proof),
        cmocka_unit_test(test_pages_proof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
