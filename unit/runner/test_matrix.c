/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_matrix.c — expectations, table cells and the reports (runner/matrix.c,
 * runner/report_*.c).
 *
 * Why: the exit status and the table are what people and CI read. A verdict equal to its
 * expectation is "as expected" (a known-wrong policy's expected failure shows `xfail`);
 * anything else — including an unexpected PASS — is unexpected and must be listed under
 * the table with its reason and run directory. Virtualized cells on QEMU are n/a with the
 * reason printed, never dropped. (summary.json: test_summary_json.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/matrix.h"
#include "runner/report.h"
#include "runner/util.h"

static const char cfg[] = "[gp-stack]\nsummary = #GP\nnote.drop-all = one extra exit\n"
                          "[irq-stack]\nsummary = IRQ\nbare.qemu = FAILED TCG differs\n"
                          "expect.drop-all = LOST acknowledged before delivery\n"
                          "[harness-hang]\nsummary = hangs\nharness = yes\nbare = TIMEOUT\n";

struct fixture {
    struct catalogue cat;
    const struct cat_scenario *scen[3];
    struct matrix m;
};

static struct fixture *setup(const enum cpu_model *cpus, size_t n_cpus)
{
    static const char *policies[] = {"kvm", "drop-all"};
    struct fixture *f = xcalloc(1, sizeof(*f));
    char *err = NULL;
    assert_int_equal(catalogue_parse(&f->cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    for (size_t i = 0; i < 3; i++)
        f->scen[i] = &f->cat.sc[i];
    matrix_build(&f->m, f->scen, 3, cpus, n_cpus, policies, 2, "res");
    return f;
}

static void teardown(struct fixture *f)
{
    matrix_free(&f->m);
    catalogue_free(&f->cat);
    free(f);
}

/* Give a run a finished verdict as if judged, with a vectoring-exit count. */
static void set_verdict(struct run *r, enum verdict v, long vexits)
{
    r->j.verdict = v;
    r->trace.vectoring_exits = vexits;
    r->trace.n_hv_summary = vexits >= 0;
    run_expect(r);
}

static void test_layout(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    struct fixture *f = setup(cpus, 2);
    assert_int_equal(f->m.n_runs, 3 * 2 * 3);
    struct run *r = matrix_at(&f->m, 1, 0, 2);
    assert_string_equal(r->sc->name, "irq-stack");
    assert_int_equal(r->cpu, CPU_BOCHS);
    assert_string_equal(r->policy, "drop-all");
    assert_string_equal(r->dir, "res/irq-stack/bochs-virt-drop-all");
    assert_ptr_equal(r->bare, matrix_at(&f->m, 1, 0, 0));
    assert_string_equal(matrix_at(&f->m, 1, 0, 0)->dir, "res/irq-stack/bochs-bare");
    struct run *q = matrix_at(&f->m, 1, 1, 1); /* qemu, kvm */
    assert_true(q->na);
    assert_null(q->dir);
    assert_false(matrix_at(&f->m, 1, 1, 0)->na); /* qemu bare runs */
    teardown(f);
}

static void test_expectations_and_cells(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS};
    struct fixture *f = setup(cpus, 1);
    char *cell;

    struct run *kvm = matrix_at(&f->m, 1, 0, 1);
    set_verdict(kvm, V_PASS, 1);
    assert_true(kvm->as_expected);
    assert_false(kvm->xfail);
    assert_string_equal(cell = run_cell(kvm), "PASS v=1");
    free(cell);

    struct run *drop = matrix_at(&f->m, 1, 0, 2); /* expected LOST */
    set_verdict(drop, V_LOST, 1);
    assert_true(drop->as_expected);
    assert_true(drop->xfail);
    assert_string_equal(drop->expect_reason, "acknowledged before delivery");
    assert_string_equal(cell = run_cell(drop), "LOST v=1 xfail");
    free(cell);

    set_verdict(drop, V_PASS, 1); /* an unexpected pass is unexpected too */
    assert_false(drop->as_expected);
    assert_string_equal(cell = run_cell(drop), "PASS v=1 !");
    free(cell);

    set_verdict(kvm, V_ERROR, 0);
    assert_false(kvm->as_expected);
    assert_string_equal(cell = run_cell(kvm), "ERROR v=0 !");
    free(cell);
    set_verdict(kvm, V_TIMEOUT, -1);
    assert_string_equal(cell = run_cell(kvm), "TIMEOUT v=? !");
    free(cell);

    struct run *bare = matrix_at(&f->m, 0, 0, 0);
    set_verdict(bare, V_PASS, -1);
    assert_string_equal(cell = run_cell(bare), "PASS");
    free(cell);
    set_verdict(bare, V_SKIP, -1); /* SKIP is not PASS */
    assert_false(bare->as_expected);

    teardown(f);
    enum cpu_model both[] = {CPU_BOCHS, CPU_QEMU};
    f = setup(both, 2);
    struct run *qbare = matrix_at(&f->m, 1, 1, 0); /* irq-stack on qemu: bare.qemu = FAILED */
    set_verdict(qbare, V_FAILED, -1);
    assert_true(qbare->xfail);
    assert_string_equal(qbare->expect_reason, "TCG differs");
    struct run *bbare = matrix_at(&f->m, 1, 0, 0); /* ... but PASS on bochs */
    set_verdict(bbare, V_FAILED, -1);
    assert_false(bbare->as_expected);

    struct run *hang = matrix_at(&f->m, 2, 0, 0); /* harness row: bare = TIMEOUT */
    set_verdict(hang, V_TIMEOUT, -1);
    assert_true(hang->xfail);
    assert_string_equal(cell = run_cell(hang), "TIMEOUT xfail");
    free(cell);
    set_verdict(hang, V_PASS, -1);
    assert_false(hang->as_expected);
    teardown(f);
}

/* All runs as expected except one; the report must say so everywhere. */
static void fill_matrix(struct matrix *m)
{
    for (size_t i = 0; i < m->n_runs; i++) {
        struct run *r = &m->runs[i];
        run_expect(r); /* what this cell expects, bare.<cpu> included */
        set_verdict(r, r->expected, r->policy ? 1 : -1);
    }
    set_verdict(matrix_at(m, 1, 0, 2), V_LOST, 1);
    struct run *bad = matrix_at(m, 0, 0, 1);
    bad->j.detail = xstrdup(NO_EXIT_DETAIL);
    set_verdict(bad, V_ERROR, 0);
}

static void test_table(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    struct fixture *f = setup(cpus, 2);
    fill_matrix(&f->m);
    struct report_info info = {.results = "res", .timeout = 30, .jobs = 2};
    char *t = report_table(&f->m, &info);
    assert_non_null(strstr(t, "scenario      cpu    bare           kvm          drop-all\n"));
    assert_non_null(strstr(t, "irq-stack     bochs  PASS           PASS v=1     LOST v=1 xfail\n"));
    assert_non_null(strstr(t, "irq-stack     qemu   FAILED xfail   n/a          n/a\n"));
    assert_non_null(strstr(t, "harness-hang  bochs  TIMEOUT xfail"));
    assert_non_null(strstr(t, "  gp-stack bochs kvm: ERROR, expected PASS — vectoring-exits=0"));
    assert_non_null(strstr(t, "[res/gp-stack/bochs-virt-kvm]"));
    assert_non_null(strstr(t, "  irq-stack bochs drop-all: LOST — acknowledged before delivery"));
    assert_non_null(strstr(t, "  gp-stack drop-all: one extra exit"));
    assert_non_null(strstr(t, "QEMU TCG has no VMX"));
    assert_non_null(strstr(t, "total: 12 runs, 11 as expected (4 xfail), 1 unexpected, 6 n/a"));
    free(t);

    struct matrix_totals tot;
    matrix_totals(&f->m, &tot);
    assert_int_equal(tot.unexpected, 1);
    teardown(f);
}

static void test_tap(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    struct fixture *f = setup(cpus, 2);
    fill_matrix(&f->m);
    struct report_info info = {.results = "res", .fault = "entry", .timeout = 30, .jobs = 2};
    char *tap = report_tap(&f->m, &info);
    assert_true(strncmp(tap, "TAP version 13\n1..18\n", 21) == 0);
    assert_non_null(strstr(tap, "\nok 1 - gp-stack bochs bare: PASS\n"));
    assert_non_null(strstr(tap, "\nnot ok 2 - gp-stack bochs kvm: ERROR v=0 !\n# expected PASS\n"));
    assert_non_null(strstr(tap, "not ok 9 - irq-stack bochs drop-all: LOST v=1 xfail # TODO "
                                "expected: acknowledged before delivery\n"));
    assert_non_null(strstr(tap, "ok 11 - irq-stack qemu kvm: n/a # SKIP QEMU TCG has no VMX"));
    free(tap);

    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_expectations_and_cells),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_tap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
