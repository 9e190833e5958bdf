/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_select.c — `run --family`, `--case` (runner/select.c), `--rerun-failed`
 * (runner/rerun.c) and the run ids of results/<run-id> (runner/run_id.c).
 *
 * Why: a filter that silently chose other rows, or a rerun that ran other cells than the
 * unexpected ones, would report on a matrix nobody asked for; two runs sharing a results
 * directory would mix their files.
 *
 * Expected: --family and --case keep exactly the rows whose keys name them (options "and",
 * values "or"); harness rows only when --family harness names them; an unknown name is an
 * error with the closest valid one; case names are the #N and the quoted titles of `case`.
 * --rerun-failed reads every unexpected cell of a summary.json and keeps exactly those
 * cells and the runs they are judged against; a summary.json that is not one is refused.
 * Run ids sort as their times and differ within one second; results/latest follows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/rerun.h"
#include "runner/run_id.h"
#include "runner/select.h"
#include "runner/util.h"

static const char cfg[] = "[a]\nfamily = irq\nsummary = A\ncase = docs/cases.md #4\n"
                          "[b]\nfamily = nmi\nsummary = B\ncase = docs/cases.md #3, #4 (x)\n"
                          "[c]\nfamily = irq\nsummary = C\ncase = docs/cases.md \"Some title\"\n"
                          "[h]\nfamily = harness\nsummary = H\nharness = yes\n";

static size_t pick(const struct catalogue *cat, const struct cat_scenario **scen, char *fam,
                   char *cas, char **err)
{
    char *f[] = {fam}, *c[] = {cas};
    size_t n = 0;
    for (size_t i = 0; i < cat->n; i++)
        if (!cat->sc[i].harness)
            scen[n++] = &cat->sc[i];
    if (select_rows(cat, scen, &n, false, f, fam ? 1 : 0, c, cas ? 1 : 0, err) != 0)
        return SIZE_MAX;
    return n;
}

static void test_select(void **state)
{
    (void)state;
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    const struct cat_scenario *scen[4];
    assert_int_equal(pick(&cat, scen, "irq", NULL, &err), 2);
    assert_string_equal(scen[0]->name, "a");
    assert_string_equal(scen[1]->name, "c");
    assert_int_equal(pick(&cat, scen, NULL, "4", &err), 2);
    assert_string_equal(scen[1]->name, "b");
    assert_int_equal(pick(&cat, scen, NULL, "#3", &err), 1);
    assert_int_equal(pick(&cat, scen, "irq", "#4", &err), 1); /* and */
    assert_int_equal(pick(&cat, scen, NULL, "Some title", &err), 1);
    assert_string_equal(scen[0]->name, "c");
    assert_int_equal(pick(&cat, scen, "harness", NULL, &err), 1);
    assert_string_equal(scen[0]->name, "h");
    assert_int_equal(pick(&cat, scen, "irx", NULL, &err), SIZE_MAX);
    assert_non_null(strstr(err, "unknown family 'irx' (did you mean 'irq'?; valid: irq, nmi"));
    free(err);
    assert_int_equal(pick(&cat, scen, NULL, "#5", &err), SIZE_MAX);
    assert_non_null(strstr(err, "unknown case '#5' (did you mean '4'?; valid: 4, 3, 'Some"));
    free(err);
    assert_int_equal(pick(&cat, scen, "nmi", "Some title", &err), SIZE_MAX);
    assert_non_null(strstr(err, "no scenario"));
    free(err);
    /* named scenarios are filtered, not replaced */
    scen[0] = &cat.sc[1];
    size_t n = 1;
    char *f[] = {"irq"};
    assert_int_equal(select_rows(&cat, scen, &n, true, f, 1, NULL, 0, &err), -1);
    free(err);
    assert_false(case_has("docs/cases.md #10", "1"));
    assert_true(case_has("docs/cases.md #10 (y)", "#10"));
    catalogue_free(&cat);
}

static const char summary[] =
    "{\"format\": \"redeliver-summary-1\", \"runs\": ["
    "{\"scenario\": \"a\", \"cpu\": \"bochs\", \"env\": \"bare\", \"policy\": null, "
    "\"as_expected\": true},"
    "{\"scenario\": \"a\", \"cpu\": \"bochs\", \"env\": \"virt\", \"policy\": \"kvm\", "
    "\"as_expected\": true},"
    "{\"scenario\": \"a\", \"cpu\": \"bochs\", \"env\": \"virt\", \"policy\": \"drop-all\", "
    "\"as_expected\": false},"
    "{\"scenario\": \"b\", \"cpu\": \"bochs\", \"env\": \"virt\", \"policy\": \"kvm\", "
    "\"as_expected\": false}]}\n";

static char *write_summary(const char *text)
{
    char tmpl[] = "/tmp/redeliver-rerun-XXXXXX";
    char *dir = xstrdup(mkdtemp(tmpl));
    char *p = path_join(dir, "summary.json");
    assert_int_equal(write_file(p, text, strlen(text)), 0);
    free(p);
    return dir;
}

static void remove_summary(char *dir)
{
    char *p = path_join(dir, "summary.json");
    unlink(p);
    rmdir(dir);
    free(p);
    free(dir);
}

static void test_rerun(void **state)
{
    (void)state;
    char *dir = write_summary(summary), *err = NULL;
    struct rerun rr;
    assert_int_equal(rerun_load(&rr, dir, &err), 0);
    assert_int_equal(rr.n, 2);
    struct run_opts o;
    memset(&o, 0, sizeof(o));
    rerun_select(&rr, &o);
    assert_int_equal(o.n_scenarios, 2);
    assert_int_equal(o.n_policies, 2);
    assert_string_equal(o.policies[0], "drop-all");
    assert_int_equal(o.n_cpus, 1);

    struct catalogue cat;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    const struct cat_scenario *scen[] = {&cat.sc[0], &cat.sc[1]};
    const char *pol[] = {"drop-all", "kvm"};
    enum cpu_model cpus[] = {CPU_BOCHS};
    struct matrix m;
    matrix_build(&m, scen, 2, cpus, 1, pol, 2, "/r");
    rerun_mark(&rr, &m);
    /* a: bare (the reference) and drop-all; b: bare and kvm */
    assert_false(matrix_at(&m, 0, 0, 0)->na);
    assert_false(matrix_at(&m, 0, 0, 1)->na);
    assert_true(matrix_at(&m, 0, 0, 2)->na);
    assert_non_null(strstr(run_na_reason(matrix_at(&m, 0, 0, 2)), "not rerun"));
    assert_false(matrix_at(&m, 1, 0, 0)->na);
    assert_true(matrix_at(&m, 1, 0, 1)->na);
    assert_false(matrix_at(&m, 1, 0, 2)->na);
    matrix_free(&m);
    catalogue_free(&cat);
    run_opts_free(&o);
    rerun_free(&rr);
    remove_summary(dir);

    static const char *bad[] = {"{", "[]", "{\"format\": \"x\", \"runs\": []}",
                                "{\"format\": \"redeliver-summary-1\", \"runs\": [{}]}",
                                /* an unexpected cell on a CPU this build does not know: it
                                 * was dropped and the rerun said "0 runs", exit 0 */
                                "{\"format\": \"redeliver-summary-1\", \"runs\": "
                                "[{\"scenario\": \"a\", \"cpu\": \"bochs:nosuch\", "
                                "\"env\": \"bare\", \"policy\": null, "
                                "\"as_expected\": false}]}"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        dir = write_summary(bad[i]);
        assert_int_equal(rerun_load(&rr, dir, &err), -1);
        assert_non_null(strstr(err, "summary.json"));
        free(err);
        rerun_free(&rr);
        remove_summary(dir);
    }
    assert_int_equal(rerun_load(&rr, "/nonexistent", &err), -1);
    free(err);
    rerun_free(&rr);
}

static void test_run_id(void **state)
{
    (void)state;
    char a[RUN_ID_LEN + 1], b[RUN_ID_LEN + 1];
    struct timespec t1 = {.tv_sec = 1796198033, .tv_nsec = 5000};
    struct timespec t2 = {.tv_sec = 1796198033, .tv_nsec = 999999000};
    run_id_format(&t1, a);
    run_id_format(&t2, b);
    assert_string_equal(a, "20261202T075353Z-000005");
    assert_true(strcmp(a, b) < 0);

    char tmpl[] = "/tmp/redeliver-runid-XXXXXX";
    char *root = xstrdup(mkdtemp(tmpl)), *d1, *d2, *err = NULL;
    assert_int_equal(run_dir_create(root, &d1, &err), 0);
    assert_int_equal(run_dir_create(root, &d2, &err), 0); /* same second, another id */
    assert_string_not_equal(d1, d2);
    assert_true(strcmp(d1, d2) < 0);
    assert_int_equal(run_latest_point(root, d1, &err), 0);
    assert_int_equal(run_latest_point(root, d2, &err), 0);
    char *link = path_join(root, "latest"), target[64];
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    assert_true(n > 0);
    target[n] = 0;
    assert_string_equal(target, strrchr(d2, '/') + 1);
    /* a directory there that redeliver did not make is refused, never moved */
    unlink(link);
    assert_int_equal(mkdir(link, 0755), 0);
    assert_int_equal(run_latest_point(root, d1, &err), -1);
    assert_non_null(strstr(err, "did not make"));
    free(err);
    rmdir(link);
    rmdir(d1);
    rmdir(d2);
    rmdir(root);
    free(link);
    free(d1);
    free(d2);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_rerun),
        cmocka_unit_test(test_run_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
