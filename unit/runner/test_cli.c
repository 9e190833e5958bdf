/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_cli.c — `redeliver run` option parsing (runner/cli_run.c).
 *
 * Why: a mistyped option or value must be a usage error (exit status 2) naming what was
 * wrong, never a silently different matrix; repeated and comma-separated names must give
 * the same selection; defaults are what the help text says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/cli_run.h"

#define PARSE(o, err, ...)                                                                         \
    ({                                                                                             \
        char *argv_[] = {"run", __VA_ARGS__};                                                      \
        run_opts_parse(o, (int)(sizeof(argv_) / sizeof(argv_[0])), argv_, err);                    \
    })

static void test_defaults(void **state)
{
    (void)state;
    struct run_opts o;
    char *err = NULL;
    char *argv[] = {"run"};
    assert_int_equal(run_opts_parse(&o, 1, argv, &err), 0);
    assert_int_equal(o.n_scenarios, 0);
    assert_int_equal(o.n_policies, 0);
    assert_int_equal(o.n_cpus, 0); /* session.c turns "none" into bochs */
    assert_true(o.timeout == 30.0);
    assert_int_equal(o.jobs, 2);
    assert_null(o.results); /* a new results/<run-id>, linked from results/latest */
    assert_null(o.rerun_failed);
    assert_string_equal(o.build, "build");
    assert_null(o.bochs);
    assert_null(o.qemu);
    assert_null(o.fault);
    assert_false(o.list);
    assert_false(o.help);
    assert_int_equal(o.batch, DEFAULT_BATCH);
    assert_false(o.batch_all);
    run_opts_free(&o);
}

static void test_everything(void **state)
{
    (void)state;
    struct run_opts o;
    char *err = NULL;
    assert_int_equal(PARSE(&o, &err, "--policy", "kvm", "--policy=drop-all,kvm", "--scenario",
                           "gp-stack,irq-stack", "--scenario", "gp-stack", "--cpu", "qemu",
                           "--cpu=bochs,qemu", "--timeout", "2.5", "-j", "4", "--results", "/tmp/r",
                           "--build=b", "--bochs", "/x/bochs", "--qemu", "q", "--fault", "entry",
                           "--catalogue", "c.cfg", "--list", "-v", "--batch", "1", "--batch-all"),
                     0);
    assert_int_equal(o.n_policies, 2);
    assert_string_equal(o.policies[0], "kvm");
    assert_string_equal(o.policies[1], "drop-all");
    assert_int_equal(o.n_scenarios, 2);
    assert_string_equal(o.scenarios[1], "irq-stack");
    assert_int_equal(o.n_cpus, 2);
    assert_int_equal(o.cpus[0], CPU_QEMU);
    assert_int_equal(o.cpus[1], CPU_BOCHS);
    assert_true(o.timeout == 2.5);
    assert_int_equal(o.jobs, 4);
    assert_string_equal(o.results, "/tmp/r");
    assert_string_equal(o.build, "b");
    assert_string_equal(o.bochs, "/x/bochs");
    assert_string_equal(o.qemu, "q");
    assert_string_equal(o.fault, "entry");
    assert_string_equal(o.catalogue, "c.cfg");
    assert_true(o.list);
    assert_true(o.verbose);
    assert_int_equal(o.batch, 1);
    assert_true(o.batch_all);
    run_opts_free(&o);
}

/* The usual spellings of getopt_long; -j1 used to be refused. */
static void test_spellings(void **state)
{
    (void)state;
    struct run_opts o;
    char *err = NULL;
    const char *jobs[][2] = {{"-j1", NULL}, {"-j", "1"}, {"--jobs=1", NULL}, {"--jobs", "1"}};
    for (size_t i = 0; i < 4; i++) {
        char *argv[] = {"run", (char *)jobs[i][0], (char *)jobs[i][1]};
        assert_int_equal(run_opts_parse(&o, jobs[i][1] ? 3 : 2, argv, &err), 0);
        assert_int_equal(o.jobs, 1);
        run_opts_free(&o);
    }
    assert_int_equal(PARSE(&o, &err, "-vj3", "--family", "irq", "--family=nmi,debug", "--case", "4",
                           "--case=#6"),
                     0);
    assert_true(o.verbose);
    assert_int_equal(o.jobs, 3);
    assert_int_equal(o.n_families, 3);
    assert_string_equal(o.families[2], "debug");
    assert_int_equal(o.n_cases, 2);
    assert_string_equal(o.cases[1], "#6");
    run_opts_free(&o);
    assert_int_equal(PARSE(&o, &err, "--rerun-failed"), 0);
    assert_string_equal(o.rerun_failed, "results/latest");
    run_opts_free(&o);
    assert_int_equal(PARSE(&o, &err, "--rerun-failed", "old", "-j2"), 0);
    assert_string_equal(o.rerun_failed, "old");
    assert_int_equal(o.jobs, 2);
    run_opts_free(&o);
    assert_int_equal(PARSE(&o, &err, "--rerun-failed=r/x", "-v"), 0);
    assert_string_equal(o.rerun_failed, "r/x");
    run_opts_free(&o);
    assert_int_equal(PARSE(&o, &err, "--rerun-failed", "-v"), 0); /* -v is not its DIR */
    assert_string_equal(o.rerun_failed, "results/latest");
    assert_true(o.verbose);
    run_opts_free(&o);
}

static void expect_usage_error(int argc, char **argv, const char *what)
{
    struct run_opts o;
    char *err = NULL;
    assert_int_equal(run_opts_parse(&o, argc, argv, &err), -1);
    assert_non_null(err);
    if (!strstr(err, what))
        fail_msg("got '%s', want '%s'", err, what);
    free(err);
}

#define BAD(what, ...)                                                                             \
    do {                                                                                           \
        char *argv_[] = {"run", __VA_ARGS__};                                                      \
        expect_usage_error((int)(sizeof(argv_) / sizeof(argv_[0])), argv_, what);                  \
    } while (0)

static void test_usage_errors(void **state)
{
    (void)state;
    BAD("unknown option '--frobnicate'", "--frobnicate");
    BAD("unknown option '--polcy'", "--polcy=kvm");
    BAD("--list takes no value", "--list=yes");
    BAD("unexpected argument 'gp-stack'", "gp-stack");
    BAD("--policy needs a value", "--policy");
    BAD("unknown cpu 'arm'", "--cpu", "arm");
    BAD("unknown cpu 'Bochs'", "--cpu", "bochs,Bochs");
    BAD("empty name", "--scenario", "a,,b");
    BAD("empty name", "--policy=");
    BAD("--timeout", "--timeout", "0");
    BAD("--timeout", "--timeout", "-3");
    BAD("--timeout", "--timeout", "5s");
    BAD("--timeout", "--timeout", "nan");
    BAD("--jobs", "--jobs", "0");
    BAD("--jobs", "-j", "x");
    BAD("--jobs", "--jobs=1000");
    BAD("--results needs a non-empty value", "--results=");
    BAD("-j needs a value", "-j");
    BAD("--jobs needs a value", "--jobs");
    BAD("unknown option '-x'", "-x");
    BAD("unknown option '--polcy' (did you mean '--policy'?", "--polcy", "kvm");
    BAD("ambiguous option '--b' (--build, --bochs, --bochs3", "--b", "x");
    BAD("--family needs a value", "--family");
    BAD("empty name", "--case", "4,");
    BAD("--rerun-failed= needs a directory", "--rerun-failed=");
    BAD("unexpected argument 'x'", "--list", "x");
    BAD("--batch: '0' is not a number from 1 to 150", "--batch", "0");
    BAD("--batch: '151'", "--batch=151");
    BAD("--batch-all takes no value", "--batch-all=1");
}

/* Under load (`--jobs 16 --timeout 2` on 2 CPUs) a run that passes at --jobs 2 must not
 * become TIMEOUT for waiting for a CPU: the timeout scales with jobs per CPU, never down. */
static void test_timeout_under_load(void **state)
{
    (void)state;
    assert_true(timeout_under_load(2.0, 16, 2) == 16.0);
    assert_true(timeout_under_load(30.0, 2, 2) == 30.0);
    assert_true(timeout_under_load(30.0, 1, 2) == 30.0);
    assert_true(timeout_under_load(10.0, 3, 2) == 15.0);
    assert_true(timeout_under_load(10.0, 8, -1) == 10.0); /* CPU count unknown */
}

static void test_help(void **state)
{
    (void)state;
    struct run_opts o;
    char *err = NULL;
    assert_int_equal(PARSE(&o, &err, "--cpu", "bochs", "--help"), 0);
    assert_true(o.help);
    run_opts_free(&o);
    assert_non_null(strstr(run_usage(), "--policy"));
    assert_non_null(strstr(run_usage(), "Exit status"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),           cmocka_unit_test(test_everything),
        cmocka_unit_test(test_usage_errors),       cmocka_unit_test(test_help),
        cmocka_unit_test(test_timeout_under_load), cmocka_unit_test(test_spellings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
