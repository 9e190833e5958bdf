/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_foreign.c — runs without hv/'s report channel: the QEMU/KVM column
 * (runner/kvm_column.c) and `redeliver judge` without --hv-log (runner/compare_foreign.c).
 *
 * Why: without hv/'s COM2 facts nothing shows that an exit happened during delivery, so a
 * trace equal to the bare one must read UNPROVED, never PASS; a difference must still be
 * named as in the matrix (LOST, ...); a guest line that imitates hv/ proves nothing; the
 * KVM column needs the guest to have used pc-testdev, else ERROR; a row that needed hv/ is
 * SKIP. The column's runs sit after the grid and its references, and appending them must
 * keep every link between runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/kvm_column.h"
#include "runner/util.h"

static const char bare_log[] = "ENV bare\nROW gp-stack vector=0x0d\n"
                               "EV #GP err=0x0000 rip=trigger+0xa cs=0x08 rf=1 ist=1 cr2=- dr6=-\n"
                               "SUMMARY: 0 tests, 0 unexpected failures\nTest result: SUCCESS\n";

static enum verdict foreign(const char *virt_log, bool need_testdev, enum verdict bare_v,
                            char **detail)
{
    struct trace bt, vt;
    trace_parse(&bt, bare_log, strlen(bare_log), "", 0);
    trace_parse(&vt, virt_log, strlen(virt_log), "", 0);
    struct run_facts f = {.scenario = "gp-stack", .conformance = true};
    struct judgement j;
    judge_foreign(&vt, &f, need_testdev, bare_v, &bt, &j);
    trace_free(&bt);
    trace_free(&vt);
    if (detail)
        *detail = j.detail;
    else
        free(j.detail);
    return j.verdict;
}

#define ROW  "ENV bare pc-testdev\nROW gp-stack vector=0x0d\n"
#define EVGP "EV #GP err=0x0000 rip=trigger+0xa cs=0x08 rf=1 ist=1 cr2=- dr6=-\n"
#define END  "SUMMARY: 0 tests, 0 unexpected failures\nTest result: SUCCESS\n"

static void test_unproved_never_pass(void **state)
{
    (void)state;
    char *d;
    assert_int_equal(foreign(ROW EVGP "PCTESTDEV writes=1\n" END, true, V_PASS, &d), V_UNPROVED);
    assert_non_null(strstr(d, "pc-testdev took 1 page"));
    free(d);
    assert_int_equal(foreign(ROW EVGP END, false, V_PASS, &d), V_UNPROVED);
    assert_non_null(strstr(d, "no hypervisor fact"));
    free(d);
    /* hv/'s lines on the guest's channel are guest text, no proof */
    assert_int_equal(foreign(ROW EVGP "hv: IDTV exit=48 idtv=0x80000b0d err=0x0 len=0 x -> y\n"
                                      "hv: vectoring-exits=1 exits=9 policy=kvm\n" END,
                             false, V_PASS, NULL),
                     V_UNPROVED);
}

static void test_differences_named(void **state)
{
    (void)state;
    assert_int_equal(foreign(ROW "PCTESTDEV writes=1\n" END, true, V_PASS, NULL), V_LOST);
    assert_int_equal(foreign(ROW EVGP EVGP "PCTESTDEV writes=1\n" END, true, V_PASS, NULL),
                     V_DUPLICATED);
    assert_int_equal(
        foreign(ROW EVGP "FAIL: x\nPCTESTDEV writes=1\nTest result: FAILURE\n", true, V_PASS, NULL),
        V_FAILED);
    assert_int_equal(foreign(ROW EVGP, true, V_PASS, NULL), V_CRASH); /* no final line */
    assert_int_equal(foreign("ROW pf-stack vector=0x0e\n" EVGP END, false, V_PASS, NULL),
                     V_ERROR); /* another row */
}

static void test_what_it_cannot_judge(void **state)
{
    (void)state;
    char *d;
    assert_int_equal(foreign(ROW EVGP END, true, V_PASS, &d), V_ERROR); /* no pc-testdev */
    assert_non_null(strstr(d, "no `PCTESTDEV writes=` line"));
    free(d);
    assert_int_equal(foreign(ROW EVGP "PCTESTDEV writes=0\n" END, true, V_PASS, NULL), V_ERROR);
    assert_int_equal(foreign(ROW "SKIP: pc-testdev: hypercall 3 exists only under hv/\n" EVGP
                                 "PCTESTDEV writes=0\n" END,
                             true, V_PASS, &d),
                     V_SKIP);
    assert_non_null(strstr(d, "hypercall 3"));
    free(d);
    assert_int_equal(foreign(ROW EVGP "PCTESTDEV writes=1\n" END, true, V_FAILED, &d), V_SKIP);
    assert_non_null(strstr(d, "no bare reference"));
    free(d);
}

static const char cfg[] = "[gp-stack]\nsummary = #GP\n"
                          "[injected-gp]\nsummary = injected #GP\nreference = virt\n";

static void test_column_layout(void **state)
{
    (void)state;
    static const char *policies[] = {"kvm"};
    enum cpu_model cpus[] = {CPU_QEMU, CPU_BOCHS};
    struct catalogue cat;
    const struct cat_scenario *scen[2];
    struct matrix m;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    scen[0] = &cat.sc[0];
    scen[1] = &cat.sc[1];
    matrix_build(&m, scen, 2, cpus, 2, policies, 1, "res");
    size_t refcpu = kvm_reference_cpu(cpus, 2);
    assert_int_equal(refcpu, 1); /* Bochs before QEMU TCG */
    size_t before = m.n_runs;
    matrix_add_kvm(&m, refcpu, "res", NULL);
    assert_int_equal(m.n_runs, before + 2);
    for (size_t i = 0; i < m.n_grid; i++) /* the links survived the move */
        if (m.runs[i].policy)
            assert_ptr_equal(m.runs[i].bare, matrix_at(&m, i / 4, (i / 2) % 2, 0));
    struct run *bare = matrix_at(&m, 1, 1, 0);
    assert_non_null(bare->ref);
    assert_ptr_equal(bare->ref->bare, bare);
    struct run *k = &m.runs[before];
    assert_true(k->foreign);
    assert_int_equal(k->cpu, CPU_QEMU_KVM);
    assert_ptr_equal(k->bare, matrix_at(&m, 0, 1, 0));
    assert_ptr_equal(matrix_at(&m, 0, 1, 0)->foreign_run, k);
    assert_null(matrix_at(&m, 0, 0, 0)->foreign_run);
    assert_string_equal(k->dir, "res/gp-stack/qemu-kvm");
    assert_string_equal(run_env(k), "under-test");
    matrix_free(&m);

    matrix_build(&m, scen, 2, cpus, 2, policies, 1, "res");
    matrix_add_kvm(&m, 0, "res", "/dev/kvm does not exist");
    k = &m.runs[m.n_runs - 1];
    assert_true(k->na);
    assert_null(k->dir);
    assert_string_equal(k->na_why, "/dev/kvm does not exist");
    run_judge(k);
    run_expect(k);
    assert_int_equal(k->j.verdict, V_NA);
    assert_true(k->as_expected); /* exit status unaffected */
    matrix_free(&m);
    catalogue_free(&cat);
}

static void test_kvm_device(void **state)
{
    (void)state;
    setenv("REDELIVER_KVM_DEV", "/nonexistent/kvm", 1);
    char *why = kvm_unusable();
    assert_non_null(why);
    assert_non_null(strstr(why, "/nonexistent/kvm does not exist"));
    free(why);
    setenv("REDELIVER_KVM_DEV", "/dev/null", 1); /* opens, but is no KVM */
    why = kvm_unusable();
    assert_non_null(why);
    assert_non_null(strstr(why, "not a KVM device"));
    free(why);
    unsetenv("REDELIVER_KVM_DEV");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unproved_never_pass),  cmocka_unit_test(test_differences_named),
        cmocka_unit_test(test_what_it_cannot_judge), cmocka_unit_test(test_column_layout),
        cmocka_unit_test(test_kvm_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
