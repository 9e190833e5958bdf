/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_bochs3.c — the Bochs 3.0 CPU column (`--cpu bochs3`).
 *
 * Why: 3.0 is a second VMX implementation beside Debian's 2.7, and its column is only worth
 * something if it really is 3.0 and its runs end the way a finished run ends. Measured
 * (docs/bochs-versions.md): 3.0 built without sound PANICs on a `sound:` line, and enters
 * its debugger only with -debugger, without which port 0x8900 'D' never ends the run; a
 * --bochs3 that is 2.7 would label 2.7's verdicts as 3.0's. Expected: the option syntax,
 * the bochsrc and command line per version, the cache path, and the end judgement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/cli_run.h"
#include "runner/emulator.h"
#include "runner/emulator_end.h"

#define PARSE(o, err, ...)                                                                         \
    run_opts_parse((o), (int)(sizeof((char *[]){"run", __VA_ARGS__}) / sizeof(char *)),            \
                   (char *[]){"run", __VA_ARGS__}, (err))

static void test_names(void **state)
{
    (void)state;
    enum cpu_model c;
    assert_true(cpu_parse("bochs3", &c));
    assert_int_equal(c, CPU_BOCHS3);
    assert_string_equal(cpu_name(CPU_BOCHS3), "bochs3");
    assert_true(cpu_has_vmx(CPU_BOCHS3));
    assert_true(cpu_is_bochs(CPU_BOCHS3));
    assert_true(cpu_is_bochs(CPU_BOCHS));
    assert_false(cpu_is_bochs(CPU_QEMU));
    assert_false(cpu_parse("bochs2", &c));
    assert_false(cpu_parse("bochs-3.0", &c));
    assert_non_null(strstr(cpu_summary(CPU_BOCHS3), "scripts/bochs3.sh"));
    assert_non_null(strstr(cpu_summary(CPU_BOCHS), "2.7"));
}

static void test_options(void **state)
{
    (void)state;
    struct run_opts o;
    char *err = NULL;
    assert_int_equal(
        PARSE(&o, &err, "--cpu", "bochs,bochs3", "--cpu=qemu,bochs3", "--bochs3", "/y/bochs"), 0);
    assert_int_equal(o.n_cpus, 3);
    assert_int_equal(o.cpus[0], CPU_BOCHS);
    assert_int_equal(o.cpus[1], CPU_BOCHS3);
    assert_int_equal(o.cpus[2], CPU_QEMU);
    assert_string_equal(o.bochs3, "/y/bochs");
    assert_null(o.bochs);
    run_opts_free(&o);

    assert_int_equal(PARSE(&o, &err, "--bochs3=/z"), 0);
    assert_string_equal(o.bochs3, "/z");
    run_opts_free(&o);

    assert_int_equal(PARSE(&o, &err, "--cpu", "bochs4"), -1);
    assert_string_equal(err, "unknown cpu 'bochs4' (did you mean 'bochs'?; valid: " CPU_NAMES
                             ")"); /* as close as bochs3: the first of the list */
    free(err);
    assert_int_equal(PARSE(&o, &err, "--bochs3"), -1);
    assert_non_null(strstr(err, "--bochs3 needs a value"));
    free(err);
    assert_int_equal(PARSE(&o, &err, "--bochs3="), -1);
    assert_non_null(strstr(err, "--bochs3 needs a non-empty value"));
    free(err);
    assert_non_null(strstr(run_usage(), "--bochs3 PATH"));
    assert_non_null(strstr(run_usage(), "bochs3: Bochs 3.0"));
}

static void test_bochsrc_and_argv(void **state)
{
    (void)state;
    for (int virt = 0; virt < 2; virt++) {
        char *rc2 = bochsrc_text(CPU_BOCHS, virt), *rc3 = bochsrc_text(CPU_BOCHS3, virt);
        assert_non_null(strstr(rc2, "\nsound: driver=dummy\n"));
        assert_null(strstr(rc3, "sound:")); /* 3.0 without sound: a PANIC */
        /* everything else is the same machine: every line of 2.7's but sound is in 3.0's */
        char *copy = strdup(rc2);
        for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l;
             l = strtok_r(NULL, "\n", &save)) {
            if (l[0] == '#' || strncmp(l, "sound:", 6) == 0)
                continue;
            if (!strstr(rc3, l))
                fail_msg("bochs3's bochsrc lacks '%s'", l);
        }
        assert_non_null(strstr(rc3, "-debugger")); /* the header says how to run it */
        free(copy);
        free(rc2);
        free(rc3);
    }
    char **a = bochs_argv(CPU_BOCHS3, "/c/bochs");
    char *line = argv_shell(a);
    assert_string_equal(line, "/c/bochs -q -f bochsrc -debugger -rc cont");
    free(line);
    argv_free(a);
    a = bochs_argv(CPU_BOCHS, "/usr/bin/bochs-bin");
    line = argv_shell(a);
    assert_string_equal(line, "/usr/bin/bochs-bin -q -f bochsrc -rc cont");
    free(line);
    argv_free(a);
}

static void test_cache_path(void **state)
{
    (void)state;
    char *p;
    setenv("REDELIVER_BOCHS3_DIR", "/opt/b3", 1);
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    setenv("HOME", "/home/u", 1);
    assert_string_equal(p = bochs3_default_path(), "/opt/b3/bin/bochs");
    free(p);
    unsetenv("REDELIVER_BOCHS3_DIR");
    assert_string_equal(p = bochs3_default_path(), "/xdg/redeliver/bochs-3.0/bin/bochs");
    free(p);
    setenv("XDG_CACHE_HOME", "", 1); /* empty: as unset (XDG Base Directory) */
    assert_string_equal(p = bochs3_default_path(), "/home/u/.cache/redeliver/bochs-3.0/bin/bochs");
    free(p);
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_null(bochs3_default_path());
}

static const char log3[] = "00000000000i[      ] Bochs x86 Emulator 3.0\n"
                           "00000000000i[      ]   Built from GitHub snapshot\n";
static const char log27[] = "00000000000i[      ] Bochs x86 Emulator 2.7\n";
static const char log3_triple[] = "00000000000i[      ] Bochs x86 Emulator 3.0\n"
                                  "00013859488p[CPU0  ] >>PANIC<< exception(): 3rd (14) "
                                  "exception with no resolution\n";

static char *end(int code, int sig, const char *log, bool virt)
{
    struct proc_result p = {.exit_code = code, .signal = sig};
    return emulator_end_problem(CPU_BOCHS3, &p, log, log ? strlen(log) : 0, virt);
}

static void test_end(void **state)
{
    (void)state;
    char *s;
    assert_null(end(0, 0, log3, false)); /* 'D', -debugger, quit: status 0 like 2.7 */
    assert_null(end(0, 0, log3, true));
    assert_null(end(1, 0, log3_triple, false)); /* a bare shutdown is a reference */
    assert_non_null(s = end(1, 0, log3_triple, true));
    free(s);
    assert_non_null(s = end(1, 0, log3, false));
    assert_non_null(strstr(s, "bochs3 exit status 1"));
    free(s);
    assert_non_null(s = end(0, 0, log27, false)); /* 2.7 run as bochs3: mislabeled */
    assert_non_null(strstr(s, "another Bochs version"));
    free(s);
    assert_non_null(s = end(-1, 9, log3, false));
    assert_non_null(strstr(s, "signal 9"));
    free(s);
    /* the 2.7 column does not ask for 3.0's banner */
    struct proc_result ok = {.exit_code = 0};
    assert_null(emulator_end_problem(CPU_BOCHS, &ok, log27, strlen(log27), false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_bochsrc_and_argv),
        cmocka_unit_test(test_cache_path),
        cmocka_unit_test(test_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
