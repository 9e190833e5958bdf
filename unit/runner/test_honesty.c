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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_ends),
        cmocka_unit_test(test_abnormal_ends),
        cmocka_unit_test(test_judge_never_passes_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
