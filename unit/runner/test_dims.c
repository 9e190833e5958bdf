/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_dims.c — the run dimensions beside scenario and policy: the Bochs CPU
 * models (`--cpu bochs:<model>`) and hv/'s intercept profile (`--profile`).
 *
 * Why: a CPU column is only worth something if its bochsrc names the model it claims; a
 * model that lacks a VMX feature hv/ needs must give SKIP with hv/'s own words, never a
 * PASS and never a failure the runner invented; a profile must reach hv/ through the
 * configuration block, and a mistyped one must stop the run before anything boots.
 * Expected: names, bochsrc model lines, the UNSUPPORTED judgement, the option syntax and
 * the block's profile field (docs/runner.md, docs/protocol.md, docs/bochs-versions.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "judge_fixture.h"
#include "runner/cli_run.h"
#include "runner/emulator.h"
#include "runner/image.h"
#include "runner/matrix.h"

static void test_models(void **state)
{
    (void)state;
    static const struct {
        const char *name, *model;
    } want[] = {{"bochs", "corei7_icelake_u"},
                {"bochs3", "corei7_icelake_u"},
                {"bochs:sandybridge", "corei7_sandy_bridge_2600k"},
                {"bochs:tigerlake", "tigerlake"},
                {"bochs:nehalem", "corei5_lynnfield_750"}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        enum cpu_model c;
        assert_true(cpu_parse(want[i].name, &c));
        assert_string_equal(cpu_name(c), want[i].name);
        assert_true(cpu_is_bochs(c) && cpu_has_vmx(c));
        assert_int_equal(cpu_is_bochs27(c), c != CPU_BOCHS3);
        assert_string_equal(cpu_bochs_model(c), want[i].model);
        char line[96];
        snprintf(line, sizeof(line), "\ncpu: model=%s, ", want[i].model);
        for (int virt = 0; virt < 2; virt++) {
            char *rc = bochsrc_text(c, virt);
            assert_non_null(strstr(rc, line));
            free(rc);
        }
    }
    assert_null(cpu_bochs_model(CPU_QEMU));
    assert_false(cpu_is_bochs27(CPU_QEMU));
    enum cpu_model c;
    assert_false(cpu_parse("bochs:", &c));
    assert_false(cpu_parse("bochs:haswell", &c)); /* not chosen: no guessing at names */
}

/* hv/ said what the model lacks: SKIP with its line, before anything else is judged (the
 * guest never ran, so there is no summary and no trace) */
static void test_unsupported_is_skip(void **state)
{
    (void)state;
    struct trace t;
    good_virt(&t, NULL, 0);
    t.n_hv_summary = 0;
    t.vectoring_exits = -1;
    t.result = RESULT_NONE;
    t.result_line = NULL;
    t.n_result_lines = 0;
    t.unsupported = "hv: UNSUPPORTED unrestricted-guest: proc2 capability 0x7f lacks 0x80";
    struct run_facts f = {0};
    char *detail = NULL;
    assert_int_equal(virt(&t, &f, V_PASS, &t, &detail), V_SKIP);
    assert_non_null(strstr(detail, "unrestricted-guest"));
    free(detail);
    /* an emulator that died is a CRASH whatever hv/ printed before */
    f.end_problem = "killed by signal 11";
    assert_int_equal(virt(&t, &f, V_PASS, &t, NULL), V_CRASH);
    /* the line parses from hv/'s channel only */
    struct trace p;
    const char *guest = "hv: UNSUPPORTED ept: forged\nTest result: SUCCESS\n";
    const char *hv = "hv: UNSUPPORTED ept: proc2 capability 0x41 lacks 0x2 (SDM A.3.3)\n";
    trace_parse(&p, guest, strlen(guest), NULL, 0);
    assert_null(p.unsupported);
    trace_free(&p);
    trace_parse(&p, "", 0, hv, strlen(hv));
    assert_non_null(p.unsupported);
    assert_non_null(strstr(p.unsupported, "lacks 0x2"));
    trace_free(&p);
}

/* Such a SKIP is declared, as an n/a cell is: as expected, not an xfail, no `v=`; the same
 * verdict without hv/'s line (the guest skipped under hv) is still unexpected */
static void test_unsupported_expected(void **state)
{
    (void)state;
    struct cat_scenario sc = {.name = "gp-stack", .summary = "s", .bare = V_PASS};
    struct run r = {.sc = &sc, .cpu = CPU_BOCHS_NEHALEM, .policy = "kvm"};
    r.trace.vectoring_exits = -1;
    r.trace.unsupported = "hv: UNSUPPORTED unrestricted-guest: proc2 capability 0x7f lacks 0x80";
    r.j.verdict = V_SKIP;
    run_expect(&r);
    assert_true(r.as_expected);
    assert_false(r.xfail);
    assert_int_equal(r.expected, V_SKIP);
    char *cell = run_cell(&r);
    assert_string_equal(cell, "SKIP");
    free(cell);
    r.trace.unsupported = NULL;
    run_expect(&r);
    assert_false(r.as_expected);
    assert_int_equal(r.expected, V_PASS);
}

static void test_profile_option(void **state)
{
    (void)state;
    struct run_opts o;
    char *err = NULL;
    char *a[] = {"run", "--profile", "kvm-like"};
    assert_int_equal(run_opts_parse(&o, 3, a, &err), 0);
    assert_string_equal(o.profile, "kvm-like");
    run_opts_free(&o);
    char *b[] = {"run"};
    assert_int_equal(run_opts_parse(&o, 1, b, &err), 0);
    assert_null(o.profile); /* the default: HV_PROFILE_DEFAULT */
    run_opts_free(&o);
    char *c[] = {"run", "--profile"};
    assert_int_equal(run_opts_parse(&o, 2, c, &err), -1);
    free(err);
    assert_true(hv_profile_known("minimal") && hv_profile_known("kvm-like"));
    assert_false(hv_profile_known("kvm") || hv_profile_known("") || hv_profile_known("KVM-like"));
    assert_string_equal(HV_PROFILE_DEFAULT, "minimal");
}

static void test_profile_field(void **state)
{
    (void)state;
    unsigned char img[512];
    memset(img, 0xcc, sizeof(img));
    memset(img + 64, 0, CFG_BLOCK_SIZE);
    memcpy(img + 64, CFG_MAGIC, CFG_MAGIC_LEN);
    char *err = NULL;
    struct cfg_values v = {.policy = "kvm", .profile = "kvm-like"};
    assert_int_equal(config_patch(img, sizeof(img), "img", &v, &err), 0);
    assert_string_equal((char *)img + 64 + CFG_PROFILE_OFF, "kvm-like");
    assert_int_equal(img[64 + CFG_BLOCK_SIZE], 0xcc); /* nothing past the block */
    v.profile = "a-profile-name-too-long";
    assert_int_equal(config_patch(img, sizeof(img), "img", &v, &err), -1);
    assert_non_null(strstr(err, "profile"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_unsupported_is_skip),
        cmocka_unit_test(test_unsupported_expected),
        cmocka_unit_test(test_profile_option),
        cmocka_unit_test(test_profile_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
