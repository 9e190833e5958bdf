/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_shard_merge.c — `run --shard K/N` (runner/shard.c) and `redeliver merge`'s
 * input checks (runner/merge.c, merge_input.c, merge_runs.c).
 *
 * Why: shards run on different machines and are joined afterwards; a scenario in two shards
 * or in none, or a row's bare run in another shard than its virtualized cells, would make
 * the merged table wrong without anyone noticing. merge reads files other machines wrote:
 * every bad input must be refused with a message, never a crash or a silent gap.
 *
 * Expected: K/N parses only for 1 <= K <= N <= 1000; the shards of a selection are disjoint,
 * cover it, follow catalogue order (i mod N) whatever the command-line order, and are the
 * same on every call; a matrix built from a shard holds all runs of its rows, reference
 * runs included. merge of two shards' summary.json gives the totals of the whole; a missing
 * summary.json, one that does not parse, one without a field, a run in two inputs, another
 * catalogue, a missing shard and a grid with a hole are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/matrix.h"
#include "runner/merge.h"
#include "runner/report.h"
#include "runner/results.h"
#include "runner/shard.h"
#include "runner/util.h"

static const char cfg[] = "[a]\nsummary = A\n[b]\nsummary = B\nexpect.drop-all = LOST why\n"
                          "[c]\nsummary = C\nreference = virt\n[d]\nsummary = D\n"
                          "[e]\nsummary = E\n";

static void test_parse(void **state)
{
    (void)state;
    static const char *bad[] = {"",    "1",    "0/2",  "3/2",  "1/0", "1/1001",
                                "a/2", "1/2x", "-1/2", "1//2", "/2",  "1/"};
    struct shard sh;
    char *err = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(shard_parse(bad[i], &sh, &err), -1);
        assert_non_null(strstr(err, "1 <= K <= N <= 1000"));
        free(err);
        err = NULL;
    }
    assert_int_equal(shard_parse("1/1", &sh, &err), 0);
    assert_int_equal(shard_parse("1000/1000", &sh, &err), 0);
    assert_int_equal(shard_parse("2/4", &sh, &err), 0);
    assert_int_equal(sh.k, 2);
    assert_int_equal(sh.n, 4);
}

/* Every N up to 7 over a selection given in reverse order: disjoint, covering, catalogue
 * order, deterministic. */
static void test_split(void **state)
{
    (void)state;
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    for (unsigned n = 1; n <= 7; n++) {
        unsigned owner[5] = {0};
        for (unsigned k = 1; k <= n; k++) {
            const struct cat_scenario *sel[5];
            for (size_t i = 0; i < 5; i++)
                sel[i] = &cat.sc[4 - i]; /* command-line order e d c b a */
            struct shard sh = {k, n};
            size_t kept = shard_select(&cat, sel, 5, &sh);
            const struct cat_scenario *again[5];
            for (size_t i = 0; i < 5; i++)
                again[i] = &cat.sc[4 - i];
            assert_int_equal(shard_select(&cat, again, 5, &sh), kept);
            for (size_t i = 0; i < kept; i++) {
                size_t idx = (size_t)(sel[i] - cat.sc);
                assert_ptr_equal(again[i], sel[i]);
                assert_int_equal(owner[idx], 0); /* disjoint */
                owner[idx] = k;
                assert_int_equal(idx % n, k - 1); /* catalogue rank mod N */
            }
        }
        for (size_t i = 0; i < 5; i++)
            assert_int_not_equal(owner[i], 0); /* covering */
    }
    /* the rank counts the selection only: of {b, d, e}, shard 2/2 is d */
    const struct cat_scenario *sel[] = {&cat.sc[4], &cat.sc[1], &cat.sc[3]};
    struct shard sh = {2, 2};
    assert_int_equal(shard_select(&cat, sel, 3, &sh), 1);
    assert_string_equal(sel[0]->name, "d");
    catalogue_free(&cat);
}

/* A shard's matrix holds a row's bare, virtualized and reference runs together. */
static void test_row_together(void **state)
{
    (void)state;
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    static const char *pol[] = {"kvm", "drop-all"};
    static const enum cpu_model cpus[] = {CPU_BOCHS};
    size_t total = 0;
    for (unsigned k = 1; k <= 2; k++) {
        const struct cat_scenario *sel[5];
        for (size_t i = 0; i < 5; i++)
            sel[i] = &cat.sc[i];
        struct shard sh = {k, 2};
        size_t n = shard_select(&cat, sel, 5, &sh);
        struct matrix m;
        matrix_build(&m, sel, n, cpus, 1, pol, 2, "r");
        for (size_t i = 0; i < m.n_runs; i++) {
            const struct run *r = &m.runs[i];
            bool in = false;
            for (size_t s = 0; s < n; s++)
                in |= sel[s] == r->sc;
            assert_true(in);
            if (r->policy)
                assert_ptr_equal(r->bare->sc, r->sc);
        }
        total += m.n_runs;
        if (k == 1) /* a, c, e: c's reference run is here */
            assert_int_equal(m.n_runs, 3 * 3 + 1);
        matrix_free(&m);
    }
    assert_int_equal(total, 5 * 3 + 1);
    catalogue_free(&cat);
}

/* ---- merge ---- */

struct fx {
    struct catalogue cat;
    char base[64];
    char *cfg_path, *hash;
    char *dirs[4];
};

static char *write_shard(struct fx *f, const char *name, unsigned k, unsigned n,
                         const char *const *pol, size_t n_pol, const char *hash)
{
    const struct cat_scenario *sel[5];
    for (size_t i = 0; i < 5; i++)
        sel[i] = &f->cat.sc[i];
    struct shard sh = {k, n};
    size_t ns = shard_select(&f->cat, sel, 5, &sh);
    static const enum cpu_model cpus[] = {CPU_BOCHS};
    char *dir = path_join(f->base, name);
    struct matrix m;
    matrix_build(&m, sel, ns, cpus, 1, (const char **)pol, n_pol, dir);
    for (size_t i = 0; i < m.n_runs; i++) {
        struct run *r = &m.runs[i];
        run_expect(r);
        r->j.verdict = r->expected;
        r->trace.vectoring_exits = r->policy ? 1 : -1;
        run_expect(r);
    }
    char *label = xasprintf("%u/%u", k, n), *err = NULL;
    struct report_info info = {
        .results = dir, .timeout = 30, .jobs = 2, .catalogue_hash = hash, .shard = label};
    char *json = report_json(&m, &info);
    assert_int_equal(mkdir_p(dir), 0);
    assert_int_equal(results_write(dir, "summary.json", json, &err), 0);
    free(json);
    free(label);
    matrix_free(&m);
    return dir;
}

static int fx_setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    strcpy(f->base, "/tmp/redeliver-test-merge-XXXXXX");
    assert_non_null(mkdtemp(f->base));
    f->cfg_path = path_join(f->base, "scenarios.cfg");
    assert_int_equal(write_file(f->cfg_path, cfg, strlen(cfg)), 0);
    char *err = NULL;
    assert_int_equal(catalogue_load(&f->cat, f->cfg_path, &err), 0);
    f->hash = catalogue_fingerprint(f->cfg_path);
    assert_non_null(f->hash);
    static const char *pol[] = {"kvm", "drop-all"};
    f->dirs[0] = write_shard(f, "s1", 1, 2, pol, 2, f->hash);
    f->dirs[1] = write_shard(f, "s2", 2, 2, pol, 2, f->hash);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->base);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    for (size_t i = 0; i < 4; i++)
        free(f->dirs[i]);
    catalogue_free(&f->cat);
    free(f->cfg_path);
    free(f->hash);
    free(f);
    return 0;
}

/* merge_load must refuse, with a message holding `want`. */
static void refused(struct fx *f, char **dirs, size_t n, const char *want)
{
    struct merge mg;
    char *err = NULL;
    assert_int_equal(merge_load(&mg, &f->cat, f->hash, dirs, n, "out", &err), -1);
    assert_non_null(err);
    if (!strstr(err, want))
        fail_msg("message '%s' lacks '%s'", err, want);
    free(err);
    merge_free(&mg);
}

static void test_merge_ok(void **state)
{
    struct fx *f = *state;
    struct merge mg;
    char *err = NULL;
    assert_int_equal(merge_load(&mg, &f->cat, f->hash, f->dirs, 2, "out", &err), 0);
    struct matrix_totals t;
    matrix_totals(&mg.m, &t);
    assert_int_equal(t.runs, 5 * 3 + 1);
    assert_int_equal(t.unexpected, 0);
    assert_int_equal(t.xfail, 1);
    assert_int_equal(mg.n_scen, 5);
    assert_string_equal(mg.scen[1]->name, "b"); /* catalogue order */
    assert_string_equal(matrix_at(&mg.m, 1, 0, 2)->dir, "out/b/bochs-virt-drop-all");
    merge_free(&mg);
}

static void test_merge_refuses(void **state)
{
    struct fx *f = *state;
    char *nodir = path_join(f->base, "nothing");
    char *empty = path_join(f->base, "empty");
    assert_int_equal(mkdir_p(empty), 0);
    char *d1[] = {nodir};
    refused(f, d1, 1, "not a directory");
    char *d2[] = {empty};
    refused(f, d2, 1, "no summary.json");
    char *err = NULL;
    assert_int_equal(results_write(empty, "summary.json", "{\"format\": ", &err), 0);
    refused(f, d2, 1, "not valid JSON");
    assert_int_equal(results_write(empty, "summary.json", "[1]\n", &err), 0);
    refused(f, d2, 1, "redeliver-summary-1");
    assert_int_equal(
        results_write(empty, "summary.json", "{\"format\": \"redeliver-summary-1\"}\n", &err), 0);
    refused(f, d2, 1, "'cpus' is missing or not an array");
    char *d3[] = {f->dirs[0], f->dirs[1], f->dirs[0]};
    refused(f, d3, 3, "shard 1/2 given twice");
    char *d4[] = {f->dirs[0]};
    refused(f, d4, 1, "shard 2/2 missing");
    static const char *kvm[] = {"kvm"}, *pol[] = {"kvm", "drop-all"};
    f->dirs[2] = write_shard(f, "other-cat", 2, 2, pol, 2, "fnv1a64:0000000000000000");
    char *d5[] = {f->dirs[0], f->dirs[2]};
    refused(f, d5, 2, "written with another catalogue");
    f->dirs[3] = write_shard(f, "kvm-only", 2, 2, kvm, 1, f->hash);
    char *d6[] = {f->dirs[0], f->dirs[3]};
    refused(f, d6, 2, "b bochs drop-all: no input holds this run");
    /* the same runs without shard labels: a run in two inputs */
    assert_int_equal(results_write(empty, "summary.json", "", &err), 0);
    char *s1 = path_join(f->dirs[0], "summary.json");
    char *text = read_file(s1, &(size_t){0});
    free(s1);
    assert_non_null(text);
    char *at = strstr(text, "\"shard\": \"1/2\"");
    assert_non_null(at);
    memcpy(at, "\"shard\": null ", 14);
    assert_int_equal(results_write(empty, "summary.json", text, &err), 0);
    char *d7[] = {f->dirs[0], empty, f->dirs[1]};
    refused(f, d7, 3, "a bochs bare is in two inputs");
    free(text);
    free(nodir);
    free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_row_together),
        cmocka_unit_test_setup_teardown(test_merge_ok, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_merge_refuses, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
