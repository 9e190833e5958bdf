/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_gen.c — generated scenarios on the host (runner/gen.c, docs/fuzz.md), the
 * classes of a campaign (runner/fuzz_exec.c), the paste text of a reduction
 * (runner/fuzz_report.c) and the options of `redeliver fuzz` (runner/cli_fuzz.c).
 *
 * Why: a seed must name the same programs on every machine (a divergence is reported as
 * seed and index); every generated program must be one the guest's grammar accepts and
 * that fits the configuration block; reduction must only ever simplify; and a cell that
 * tested nothing must never count as PASS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/cli_fuzz.h"
#include "runner/cli_run.h"
#include "runner/fuzz.h"
#include "runner/fuzz_report.h"
#include "runner/gen.h"

static void test_reproducible(void **state)
{
    (void)state;
    size_t distinct = 0;
    char *prev = NULL;
    for (uint64_t i = 0; i < 200; i++) {
        struct gen_program a, b, back;
        gen_random(7, i, &a);
        gen_random(7, i, &b);
        char *sa = gen_format(&a), *sb = gen_format(&b), *err = NULL;
        assert_string_equal(sa, sb);   /* same seed and index: same program */
        assert_true(strlen(sa) <= 47); /* fits the configuration block with its NUL */
        assert_true(a.n >= 2 && a.n <= GEN_MAX_OPS);
        assert_true(gen_op_vector(&a.op[a.target]) >= 0);
        assert_int_equal(gen_parse(sa, &back, &err), 0);
        char *again = gen_format(&back);
        assert_string_equal(sa, again);
        distinct += !prev || strcmp(prev, sa) != 0;
        free(prev);
        prev = sa;
        free(sb);
        free(again);
    }
    free(prev);
    assert_true(distinct > 150);
    struct gen_program x, y;
    gen_random(1, 5, &x);
    gen_random(2, 5, &y);
    char *sx = gen_format(&x), *sy = gen_format(&y);
    assert_string_not_equal(sx, sy); /* another seed, another program */
    free(sx);
    free(sy);
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "g@0s",       "gen:",       "gen:z@0s",   "gen:g@1s",   "gen:t5@0s",        "gen:g@0x",
        "gen:g@0ss",  "gen:n22@0s", "gen:i1f@0s", "gen:iff@0s", "gen:g.g.g.g.g@0s", "gen:m+@0s",
        "gen:g+~@0s", "gen:g.@0s",  "gen:g@",     "gen:xz@0s",  "gen:g,g@0s",       "gen:g@0sigts",
        "gen:t@0s",   "gen:i4@0s",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct gen_program p;
        char *err = NULL;
        assert_int_equal(gen_parse(bad[i], &p, &err), -1);
        assert_non_null(err);
        assert_non_null(strstr(err, bad[i])); /* the message quotes the specifier */
        free(err);
    }
    struct gen_program p;
    char *err = NULL;
    assert_int_equal(gen_parse("gen:q41.g+^.t5.xb@1sig", &p, &err), 0);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.target, 1);
    assert_int_equal(p.op[0].arg, 0x41);
    assert_int_equal(p.op[1].shadow, '+');
    assert_true(p.op[1].nmi);
    assert_string_equal(p.pages, "sig");
    assert_true(gen_needs_hv(&p));
    assert_int_equal(gen_op_vector(&p.op[3]), 3);
}

static int has(struct gen_program *out, size_t n, const char *spec)
{
    for (size_t i = 0; i < n; i++) {
        char *s = gen_format(&out[i]);
        int eq = strcmp(s, spec) == 0;
        free(s);
        if (eq)
            return 1;
    }
    return 0;
}

static void test_simpler(void **state)
{
    (void)state;
    struct gen_program p, out[GEN_MAX_STEPS];
    char *err = NULL;
    assert_int_equal(gen_parse("gen:q41.g+^.t5@1ti", &p, &err), 0);
    size_t n = gen_simpler(&p, out);
    assert_int_equal(n, 6);
    assert_true(has(out, n, "gen:g+^.t5@0ti"));  /* op 0 dropped: the target moves */
    assert_true(has(out, n, "gen:q41.g+^@1ti")); /* op 2 dropped */
    assert_true(has(out, n, "gen:q41.g^.t5@1ti"));
    assert_true(has(out, n, "gen:q41.g+.t5@1ti"));
    assert_true(has(out, n, "gen:q41.g+^.t5@1t"));
    assert_true(has(out, n, "gen:q41.g+^.t5@1s"));
    assert_int_equal(gen_parse("gen:g@0s", &p, &err), 0);
    assert_int_equal(gen_simpler(&p, out), 0); /* nothing left to drop */
}

static void test_classes(void **state)
{
    (void)state;
    struct fuzz_cell cell = {.verdict = V_PASS};
    struct fuzz_outcome o = {.spec = "gen:g@0s", .reference = V_PASS, .cell = &cell};
    assert_string_equal(fuzz_class(&o, 0), "PASS");
    assert_false(fuzz_diverges(&o, 0));
    cell.verdict = V_ERROR;
    cell.no_exit = true; /* the perturbation hit nothing: never PASS, never a divergence */
    assert_string_equal(fuzz_class(&o, 0), "no-exit");
    assert_false(fuzz_diverges(&o, 0));
    cell.no_exit = false;
    assert_string_equal(fuzz_class(&o, 0), "ERROR");
    assert_true(fuzz_diverges(&o, 0));
    cell.verdict = V_LOST;
    assert_true(fuzz_diverges(&o, 0));
    o.reference = V_FAILED;
    assert_string_equal(fuzz_class(&o, 0), "bad-reference");
    assert_false(fuzz_diverges(&o, 0));
}

static void test_paste(void **state)
{
    (void)state;
    const char *policies[] = {"drop-all"};
    struct fuzz_campaign c = {.seed = 3, .policies = policies, .n_policies = 1};
    struct fuzz_divergence d = {.index = 7,
                                .spec = "gen:q41.xg.g@1s",
                                .verdict = V_LOST,
                                .detail = "1 of 2 bare event(s) missing",
                                .reduced = "gen:xg@0s",
                                .reduced_verdict = V_LOST,
                                .steps = 2};
    char *row, *cfg;
    fuzz_paste(&c, &d, &row, &cfg);
    assert_non_null(strstr(row, "SCENARIO(fuzz_s3_i7) = {"));
    assert_non_null(strstr(row, ".name = \"fuzz-s3-i7\""));
    assert_non_null(strstr(row, ".program = \"xg@0s\""));
    assert_non_null(strstr(row, "redeliver fuzz --seed 3 --start 7 --count 1"));
    assert_non_null(strstr(cfg, "[fuzz-s3-i7]\n"));
    assert_non_null(strstr(cfg, "reference = virt\n"));      /* an injected event */
    assert_non_null(strstr(cfg, "expect.drop-all = LOST ")); /* a known-wrong policy */
    free(row);
    free(cfg);
    policies[0] = "kvm"; /* kvm is never expected to diverge: no expect line */
    d.reduced = "gen:g@0s";
    fuzz_paste(&c, &d, &row, &cfg);
    assert_null(strstr(cfg, "expect."));
    assert_null(strstr(cfg, "reference"));
    free(row);
    free(cfg);
}

/* One outcome of two policies: kvm (judged as kvm) and drop-all. */
static void add(struct fuzz_campaign *c, uint64_t index, enum verdict ref, enum verdict kvm,
                bool no_exit, enum verdict other)
{
    struct fuzz_outcome o = {.spec = strdup("gen:g@0s"), .reference = ref};
    o.cell = calloc(2, sizeof(*o.cell));
    o.cell[0] = (struct fuzz_cell){.verdict = kvm, .no_exit = no_exit};
    o.cell[1] = (struct fuzz_cell){.verdict = other, .no_exit = no_exit, .detail = strdup("x")};
    fuzz_campaign_add(c, index, &o);
}

static void test_campaign_counts(void **state)
{
    (void)state;
    const char *policies[] = {"kvm", "drop-all"};
    struct fuzz_campaign c = {.generated = true, .policies = policies, .n_policies = 2};
    add(&c, 0, V_PASS, V_PASS, false, V_LOST);
    add(&c, 1, V_PASS, V_ERROR, true, V_ERROR);    /* tested nothing */
    add(&c, 2, V_FAILED, V_ERROR, false, V_ERROR); /* the reference failed */
    add(&c, 3, V_PASS, V_DIFFERENT, false, V_PASS);
    assert_int_equal(c.n_scen, 4);
    assert_int_equal(c.counts[0][V_PASS], 1);
    assert_int_equal(c.counts[0][FUZZ_NO_EXIT], 1);
    assert_int_equal(c.counts[0][FUZZ_BAD_REFERENCE], 1);
    assert_int_equal(c.counts[0][V_DIFFERENT], 1);
    assert_int_equal(c.counts[1][V_LOST], 1);
    assert_int_equal(c.counts[1][V_PASS], 1);
    assert_int_equal(fuzz_gate_divergences(&c), 1); /* index 3 only */
    assert_int_equal(c.n_div, 2);                   /* and drop-all's LOST of index 0 */
    assert_int_equal(c.div[0].policy, 1);
    assert_int_equal(c.div[1].index, 3);
    assert_int_equal(c.runs, 4 * 3);
    fuzz_campaign_free(&c);
}

static int parse(const char *a, const char *b, const char *c)
{
    char *argv[] = {"fuzz", (char *)a, (char *)b, (char *)c, NULL};
    int argc = 1 + (a != NULL) + (b != NULL) + (c != NULL);
    struct fuzz_opts o;
    char *err = NULL;
    int rc = fuzz_opts_parse(&o, argc, argv, &err);
    free(err);
    fuzz_opts_free(&o);
    return rc;
}

static void test_options(void **state)
{
    (void)state;
    assert_int_equal(parse("--seed", "5", NULL), 0);
    assert_int_equal(parse("--count", "0", NULL), -1);
    assert_int_equal(parse("--seed", "x", NULL), -1);
    assert_int_equal(parse("--seed", "-1", NULL), -1);
    assert_int_equal(parse("--seed", NULL, NULL), -1);
    assert_int_equal(parse("--bogus", "1", NULL), -1);
    assert_int_equal(parse("--policy", "kvm,,drop-all", NULL), -1);
    assert_int_equal(parse("stray", NULL, NULL), -1);
    assert_int_equal(parse("--batch", "0", NULL), -1);
    assert_int_equal(parse("--batch", "151", NULL), -1);
    assert_int_equal(parse("--batch", "8x", NULL), -1);
    assert_int_equal(parse("--batch", NULL, NULL), -1);
    assert_int_equal(parse("--batch-all", NULL, NULL), 0);
    struct fuzz_opts o;
    char *err = NULL;
    char *argv[] = {"fuzz", "--seed", "9", "--index", "4", "--policy", "drop-hw,drop-all", NULL};
    assert_int_equal(fuzz_opts_parse(&o, 7, argv, &err), 0);
    assert_true(o.print_index);
    assert_int_equal(o.index, 4);
    assert_int_equal(o.seed, 9);
    assert_int_equal(o.n_policies, 2);
    assert_int_equal(o.batch, DEFAULT_BATCH);
    assert_false(o.batch_all);
    fuzz_opts_free(&o);
    char *argv2[] = {"fuzz", "--batch", "1", "--batch-all", NULL};
    assert_int_equal(fuzz_opts_parse(&o, 4, argv2, &err), 0);
    assert_int_equal(o.batch, 1);
    assert_true(o.batch_all);
    fuzz_opts_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reproducible),    cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_simpler),         cmocka_unit_test(test_classes),
        cmocka_unit_test(test_paste),           cmocka_unit_test(test_options),
        cmocka_unit_test(test_campaign_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
