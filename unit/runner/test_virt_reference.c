/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_virt_reference.c — `reference = virt` rows (runner/catalogue.c,
 * runner/matrix.c, runner/compare_ref.c).
 *
 * Why: an event that only a hypervisor injects has no bare reference. The unperturbed run
 * under hv/ (kvm, perturbation off) is the reference instead — a stated choice, which the
 * table must show (the bare column says `ref:virt <verdict>`), never silently. A reference
 * that was perturbed after all, or recorded nothing, is no reference (ERROR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/matrix.h"
#include "runner/util.h"

static const char cfg[] = "[gp-stack]\nsummary = #GP\n"
                          "[injected-gp]\nsummary = injected #GP\nreference = virt\n"
                          "expect.drop-all = LOST nothing raises it again\n";

struct fixture {
    struct catalogue cat;
    const struct cat_scenario *scen[2];
    struct matrix m;
};

static struct fixture *setup(const enum cpu_model *cpus, size_t n_cpus)
{
    static const char *policies[] = {"kvm", "drop-all"};
    struct fixture *f = xcalloc(1, sizeof(*f));
    char *err = NULL;
    assert_int_equal(catalogue_parse(&f->cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    f->scen[0] = &f->cat.sc[0];
    f->scen[1] = &f->cat.sc[1];
    matrix_build(&f->m, f->scen, 2, cpus, n_cpus, policies, 2, "res");
    return f;
}

static void teardown(struct fixture *f)
{
    matrix_free(&f->m);
    catalogue_free(&f->cat);
    free(f);
}

static void parse_fails(const char *text, const char *what)
{
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", text, strlen(text), &err), -1);
    assert_non_null(strstr(err, what));
    free(err);
}

static void test_catalogue(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS};
    struct fixture *f = setup(cpus, 1);
    assert_false(f->scen[0]->reference_virt);
    assert_true(f->scen[1]->reference_virt);
    assert_int_equal(f->scen[1]->bare, V_SKIP); /* the guest skips without hv/ */
    teardown(f);
    parse_fails("[a]\nsummary = s\nreference = host\n", "reference = host");
    parse_fails("[a]\nsummary = s\nreference = virt\nreference = virt\n", "duplicate");
    parse_fails("[a]\nsummary = s\nreference = virt\nbare.qemu = FAILED x\n", "reference = virt");
    parse_fails("[a]\nsummary = s\nreference = virt\nharness = yes\n", "reference = virt");
}

static void test_layout(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    struct fixture *f = setup(cpus, 2);
    assert_int_equal(f->m.n_grid, 2 * 2 * 3);
    assert_int_equal(f->m.n_runs, 2 * 2 * 3 + 2); /* one reference per CPU model */
    assert_null(matrix_at(&f->m, 0, 0, 0)->ref);
    struct run *bare = matrix_at(&f->m, 1, 0, 0), *ref = bare->ref;
    assert_non_null(ref);
    assert_true(ref->reference);
    assert_string_equal(ref->policy, REFERENCE_POLICY);
    assert_string_equal(run_env(ref), "ref:virt");
    assert_string_equal(ref->dir, "res/injected-gp/bochs-ref-virt-kvm");
    assert_ptr_equal(run_reference(matrix_at(&f->m, 1, 0, 2)), ref);
    assert_ptr_equal(run_reference(matrix_at(&f->m, 0, 0, 2)), matrix_at(&f->m, 0, 0, 0));
    assert_true(matrix_at(&f->m, 1, 1, 0)->ref->na); /* QEMU: no VMX */
    teardown(f);
}

static const char ev[] = "ROW injected-gp vector=0x0d\nEV #GP err=0x0010 rip=trigger+0x14\n";

static void feed(struct run *r, const char *guest, const char *hv)
{
    trace_parse(&r->trace, guest, strlen(guest), hv, strlen(hv));
}

static void test_judging(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    struct fixture *f = setup(cpus, 2);
    struct run *bare = matrix_at(&f->m, 1, 0, 0), *ref = bare->ref;
    struct run *kvm = matrix_at(&f->m, 1, 0, 1), *drop = matrix_at(&f->m, 1, 0, 2);
    struct run *qbare = matrix_at(&f->m, 1, 1, 0);
    const char *skip = "ROW injected-gp vector=0x0d\nTest result: SKIP needs hv/\n";
    feed(bare, skip, "");
    feed(qbare, skip, "");
    char *ok = xasprintf("%sTest result: SUCCESS\n", ev);
    feed(ref, ok, "hv: vectoring-exits=0 exits=9 policy=kvm\n");
    feed(kvm, ok,
         "hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x10 len=0 x -> reinject (r)\n"
         "hv: vectoring-exits=1 exits=9 policy=kvm\n");
    feed(drop, "ROW injected-gp vector=0x0d\nTest result: SUCCESS\n",
         "hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x10 len=0 x -> drop (d)\n"
         "hv: vectoring-exits=1 exits=9 policy=drop-all\n");
    free(ok);
    matrix_judge(&f->m);
    assert_int_equal(bare->j.verdict, V_SKIP);
    assert_true(bare->as_expected);
    assert_false(bare->xfail); /* the row's declared state, not a failure */
    assert_int_equal(ref->j.verdict, V_PASS);
    assert_true(ref->as_expected);
    assert_int_equal(kvm->j.verdict, V_PASS);
    assert_int_equal(drop->j.verdict, V_LOST);
    assert_true(drop->xfail);
    assert_non_null(strstr(drop->j.detail, "against ref:virt"));
    char *cell = run_cell(bare);
    assert_string_equal(cell, "SKIP ref:virt PASS v=0");
    free(cell);
    cell = run_cell(qbare);
    assert_string_equal(cell, "SKIP ref:virt n/a");
    free(cell);
    assert_true(qbare->as_expected);
    teardown(f);
}

/* A reference that took an exit during delivery was perturbed after all; one with no event
 * compares equal to anything empty: both ERROR, and the cells judged against it too. */
static void test_bad_references(void **state)
{
    (void)state;
    enum cpu_model cpus[] = {CPU_BOCHS};
    for (int k = 0; k < 2; k++) {
        struct fixture *f = setup(cpus, 1);
        struct run *ref = matrix_at(&f->m, 1, 0, 0)->ref, *kvm = matrix_at(&f->m, 1, 0, 1);
        char *guest =
            xasprintf("%sTest result: SUCCESS\n", k ? "ROW injected-gp vector=0x0d\n" : ev);
        feed(ref, guest,
             k ? "hv: vectoring-exits=0 exits=9 policy=kvm\n"
               : "hv: vectoring-exits=1 exits=9 policy=kvm\n");
        feed(kvm, guest, "hv: vectoring-exits=1 exits=9 policy=kvm\n");
        free(guest);
        matrix_judge(&f->m);
        assert_int_equal(ref->j.verdict, V_ERROR);
        assert_non_null(strstr(ref->j.detail, k ? "no event" : "perturbation was off"));
        assert_false(ref->as_expected);
        assert_int_equal(kvm->j.verdict, V_ERROR);
        char *cell = run_cell(matrix_at(&f->m, 1, 0, 0));
        assert_non_null(strstr(cell, "ref:virt ERROR v="));
        assert_non_null(strstr(cell, "!"));
        free(cell);
        teardown(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_judging),
        cmocka_unit_test(test_bad_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
