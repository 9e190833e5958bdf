/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_suggest.c — "did you mean" (runner/suggest.c) and `--version`
 * (runner/version.c).
 *
 * Why: a mistyped name must still be a usage error, but the message should name the
 * intended one when it is close — and name nothing when it is not (a far-fetched guess is
 * worse than none). `--version` must say which build is running and how many policies
 * its core/ has, since results depend on both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"
#include "runner/cli_run.h"
#include "runner/suggest.h"
#include "runner/version.h"

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(edit_distance("", ""), 0);
    assert_int_equal(edit_distance("kvm", "kvm"), 0);
    assert_int_equal(edit_distance("drophw", "drop-hw"), 1);
    assert_int_equal(edit_distance("kmv", "kvm"), 2);
    assert_int_equal(edit_distance("", "abc"), 3);
    assert_int_equal(edit_distance("kitten", "sitting"), 3);
}

static const char *best(const char *given)
{
    static const char *const policies[] = {"kvm",      "drop-hw",  "drop-faults", "reexec-soft",
                                           "drop-all", "raw-copy", "smart"};
    static char buf[128];
    struct suggest s;
    suggest_init(&s, given);
    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
        suggest_offer(&s, policies[i]);
    return suggest_text(&s, buf, sizeof(buf));
}

static void test_suggestions(void **state)
{
    (void)state;
    assert_string_equal(best("drophw"), "did you mean 'drop-hw'?; ");
    assert_string_equal(best("kmv"), "did you mean 'kvm'?; ");
    assert_string_equal(best("KVM"), "");                                 /* 3 edits: too far */
    assert_string_equal(best("reexec"), "did you mean 'reexec-soft'?; "); /* a prefix */
    assert_string_equal(best("drop"), "did you mean 'drop-hw'?; ");       /* first of the closest */
    assert_string_equal(best("drop-al"), "did you mean 'drop-all'?; ");
    assert_string_equal(best("something"), "");
    assert_string_equal(best(""), "");
}

/* The run options' message for an unknown CPU carries the suggestion. */
static void test_cpu_suggestion(void **state)
{
    (void)state;
    struct run_opts o;
    char *err = NULL;
    char *argv[] = {"run", "--cpu", "boch"};
    assert_int_equal(run_opts_parse(&o, 3, argv, &err), -1);
    assert_string_equal(err, "unknown cpu 'boch' (did you mean 'bochs'?; valid: " CPU_NAMES ")");
    free(err);
    char *argv2[] = {"run", "--cpu", "arm"};
    assert_int_equal(run_opts_parse(&o, 3, argv2, &err), -1);
    assert_string_equal(err, "unknown cpu 'arm' (valid: " CPU_NAMES ")");
    free(err);
}

static void test_version(void **state)
{
    (void)state;
    char buf[256], want[64];
    const char *v = redeliver_version();
    assert_true(strlen(v) > 0);
    version_format(buf, sizeof(buf));
    assert_memory_equal(buf, "redeliver ", 10);
    assert_non_null(strstr(buf, v));
    snprintf(want, sizeof(want), "core/: %u re-delivery policies\n", policy_count());
    assert_non_null(strstr(buf, want));
    assert_true(policy_count() > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_cpu_suggestion),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
