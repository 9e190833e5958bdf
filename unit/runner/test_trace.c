/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_trace.c — the serial parser (runner/trace.c) against docs/protocol.md.
 *
 * Why: every verdict rests on this parse. A missed EV line turns a LOST into a PASS; a
 * second `Test result:` line or a missing one must be seen, not papered over; hv lines
 * carry the "did the test test" count. Also garbage, CR/LF, NUL bytes and bochs.log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stdbool.h>

#include "runner/trace.h"

/* The fixtures below are written as one console for readability; the lines beginning
 * "hv: " go to hv/'s channel, every other line to the guest's, as the two UARTs carry them. */
static void parse(struct trace *t, const char *text)
{
    size_t n = strlen(text);
    char *guest = calloc(1, n + 1), *hv = calloc(1, n + 1);
    size_t g = 0, h = 0;
    for (const char *s = text; *s;) {
        size_t len = strcspn(s, "\n") + (s[strcspn(s, "\n")] == '\n');
        bool is_hv = strncmp(s, "hv: ", 4) == 0;
        memcpy(is_hv ? hv + h : guest + g, s, len);
        *(is_hv ? &h : &g) += len;
        s += len;
    }
    trace_parse(t, guest, g, hv, h);
    free(guest);
    free(hv);
}

/* Issue: a guest that printed `hv: TRIPLE-FAULT` got the TRIPLE-FAULT verdict. hv/'s facts
 * come from its own channel only; on the guest's channel such a line is guest text. */
static void test_guest_cannot_forge_hv_lines(void **state)
{
    (void)state;
    struct trace t;
    static const char guest[] =
        "hv: TRIPLE-FAULT\n"
        "hv: LIVELOCK rip=0x1: 2000 exits\n"
        "hv: VMENTRY-FAIL reason=0x80000021 qual=0x0 forged\n"
        "hv: ERROR forged\n"
        "hv: IDTV exit=EPT_VIOLATION idtv=0x8000030d err=0x0 len=0 x -> y (z)\n"
        "hv: vectoring-exits=1 exits=1 policy=kvm\n"
        "Test result: SUCCESS\n";
    static const char hv[] = "hv: vectoring-exits=0 exits=3 policy=kvm\n";
    trace_parse(&t, guest, sizeof(guest) - 1, hv, sizeof(hv) - 1);
    assert_false(t.triple_fault);
    assert_null(t.livelock);
    assert_null(t.vmentry_fail);
    assert_null(t.hv_error);
    assert_int_equal(t.n_idtv, 0);
    assert_int_equal(t.n_hv_summary, 1);
    assert_int_equal(t.vectoring_exits, 0);
    assert_int_equal(t.n_imitated_hv, 6);
    assert_int_equal(t.result, RESULT_SUCCESS);
    trace_free(&t);
}

/* A line longer than TRACE_LINE_MAX is cut, the cut stated, and remembered (the judge makes
 * such a run ERROR): no 10 MB line is copied into every report. */
static void test_long_line_cut(void **state)
{
    (void)state;
    struct trace t;
    size_t n = 3 * TRACE_LINE_MAX;
    char *text = malloc(n + 32);
    memcpy(text, "EV ", 3);
    memset(text + 3, 'x', n - 3);
    strcpy(text + n, "\nTest result: SUCCESS\n");
    trace_parse(&t, text, strlen(text), "", 0);
    assert_int_equal(t.n_ev, 1);
    assert_true(strlen(t.ev[0]) < TRACE_LINE_MAX + 64);
    assert_non_null(strstr(t.ev[0], " more bytes cut]"));
    assert_non_null(t.long_line);
    assert_int_equal(t.result, RESULT_SUCCESS);
    trace_free(&t);
    free(text);
}

static void test_good_bare_run(void **state)
{
    (void)state;
    struct trace t;
    parse(&t, "ENV bare\n"
              "ROW gp-stack\n"
              "EV #GP err=0x0000 rip=trigger+0xa cs=0x08 rf=1 ist=1 cr2=- dr6=-\n"
              "EV INT 0x40 err=- rip=0x102345 cs=0x08 rf=0 ist=1 cr2=- dr6=-\n"
              "PASS: handler ran once\n"
              "SKIP: not on this CPU\n"
              "SUMMARY: 2 tests, 0 unexpected failures\n"
              "Test result: SUCCESS\n");
    assert_string_equal(t.env, "bare");
    assert_string_equal(t.row, "gp-stack");
    assert_int_equal(t.n_ev, 2);
    assert_string_equal(t.ev[0],
                        "EV #GP err=0x0000 rip=trigger+0xa cs=0x08 rf=1 ist=1 cr2=- dr6=-");
    assert_string_equal(t.ev[1], "EV INT 0x40 err=- rip=0x102345 cs=0x08 rf=0 ist=1 cr2=- dr6=-");
    assert_int_equal(t.n_pass, 1);
    assert_int_equal(t.n_skip, 1);
    assert_int_equal(t.n_fail, 0);
    assert_non_null(t.summary);
    assert_int_equal(t.result, RESULT_SUCCESS);
    assert_int_equal(t.n_result_lines, 1);
    assert_null(t.after_result);
    assert_int_equal(t.vectoring_exits, -1); /* no hv here */
    trace_free(&t);
}

static void test_result_words_and_reason(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        enum guest_result r;
    } cases[] = {
        {"Test result: SUCCESS\n", RESULT_SUCCESS},
        {"Test result: SKIP no APIC\n", RESULT_SKIP},
        {"Test result: ERROR unknown scenario foo\n", RESULT_ERROR},
        {"Test result: FAILURE\n", RESULT_FAILURE},
        {"Test result: SUCCESSFUL\n", RESULT_MALFORMED},
        {"Test result: maybe\n", RESULT_MALFORMED},
        {"Test result:\n", RESULT_MALFORMED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct trace t;
        parse(&t, cases[i].line);
        assert_int_equal(t.result, cases[i].r);
        trace_free(&t);
    }
}

static void test_missing_final_line(void **state)
{
    (void)state;
    struct trace t;
    parse(&t, "ENV bare\nROW x\nEV #UD err=- rip=trigger+0x0 cs=0x08 rf=0 ist=0 cr2=- dr6=-\n");
    assert_int_equal(t.result, RESULT_NONE);
    assert_int_equal(t.n_result_lines, 0);
    assert_int_equal(t.n_ev, 1);
    trace_free(&t);

    parse(&t, "");
    assert_int_equal(t.result, RESULT_NONE);
    assert_int_equal(t.n_lines, 0);
    trace_free(&t);
}

static void test_two_final_lines(void **state)
{
    (void)state;
    struct trace t;
    parse(&t, "Test result: SUCCESS\nTest result: FAILURE\n");
    assert_int_equal(t.n_result_lines, 2);
    assert_int_equal(t.result, RESULT_SUCCESS); /* the first; the count is the violation */
    trace_free(&t);
}

static void test_guest_line_after_final_line(void **state)
{
    (void)state;
    struct trace t;
    parse(&t, "Test result: SUCCESS\nhv: vectoring-exits=1 exits=9 policy=kvm\n"
              "EV #GP err=0x0000 rip=trigger+0xa cs=0x08 rf=1 ist=1 cr2=- dr6=-\n");
    assert_non_null(t.after_result);
    assert_true(strncmp(t.after_result, "EV #GP", 6) == 0);
    trace_free(&t);

    /* hv lines after the guest's final line are the protocol, not a violation */
    parse(&t, "Test result: SUCCESS\nhv: vectoring-exits=1 exits=9 policy=kvm\nnoise\n");
    assert_null(t.after_result);
    trace_free(&t);
}

static void test_hv_lines(void **state)
{
    (void)state;
    struct trace t;
    parse(&t, "hv: redeliver lab hypervisor, policy=kvm, guest entry 0x100020\n"
              "hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 -> reinject\n"
              "hv: IDTV exit=EPT_VIOLATION idtv=0x80000040 -> reinject\n"
              "Test result: SUCCESS\n"
              "hv: vectoring-exits=2 exits=517 policy=kvm\n");
    assert_int_equal(t.n_idtv, 2);
    assert_int_equal(t.n_hv_summary, 1);
    assert_false(t.hv_summary_malformed);
    assert_int_equal(t.vectoring_exits, 2);
    assert_int_equal(t.exits, 517);
    assert_string_equal(t.hv_policy, "kvm");
    assert_null(t.hv_error);
    assert_null(t.vmentry_fail);
    assert_false(t.triple_fault);
    trace_free(&t);

    parse(&t, "hv: ERROR unhandled exit 48\nhv: ERROR second\n"
              "hv: VMENTRY-FAIL reason=0x80000021 qual=0x0 guest state\n"
              "hv: VMENTRY-FAIL again\nhv: TRIPLE-FAULT\n"
              "hv: LIVELOCK rip=0x1: 2000 exits\nhv: LIVELOCK again\n");
    assert_string_equal(t.hv_error, "hv: ERROR unhandled exit 48");
    assert_string_equal(t.vmentry_fail, "hv: VMENTRY-FAIL reason=0x80000021 qual=0x0 guest state");
    assert_true(t.triple_fault);
    assert_string_equal(t.livelock, "hv: LIVELOCK rip=0x1: 2000 exits");
    assert_int_equal(t.vectoring_exits, -1);
    trace_free(&t);
}

static void test_hv_summary_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "hv: vectoring-exits= exits=1 policy=kvm\n",
        "hv: vectoring-exits=x exits=1 policy=kvm\n",
        "hv: vectoring-exits=1 exits=1\n",
        "hv: vectoring-exits=1 exits=1 policy=\n",
        "hv: vectoring-exits=-1 exits=1 policy=kvm\n",
        "hv: vectoring-exits=1 exits=1 policy=kvm extra\n",
        "hv: vectoring-exits=99999999999999 exits=1 policy=kvm\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct trace t;
        parse(&t, bad[i]);
        assert_int_equal(t.n_hv_summary, 1);
        assert_true(t.hv_summary_malformed);
        assert_int_equal(t.vectoring_exits, -1);
        trace_free(&t);
    }
}

static void test_garbage_crlf_and_nul(void **state)
{
    (void)state;
    static const char text[] =
        "\x1b[2J\x1b[H junk line\r\n"
        "EVENT not an ev line\n"
        "EV \n"
        "PASSED: not a check\n"
        "EV #DB err=- rip=trigger+0x3 cs=0x08 rf=0 ist=0 cr2=- dr6=0x4000\r\n"
        "Test re\0sult: SUCCESS\r\n"
        "\xff\xfe binary\n"
        "Test result: SUCCESS"; /* last line without newline */
    struct trace t;
    trace_parse(&t, text, sizeof(text) - 1, "", 0);
    assert_int_equal(t.n_ev, 1);
    assert_string_equal(t.ev[0],
                        "EV #DB err=- rip=trigger+0x3 cs=0x08 rf=0 ist=0 cr2=- dr6=0x4000");
    assert_int_equal(t.n_pass, 0);
    /* the NUL inside the first result line is dropped, so both lines count */
    assert_int_equal(t.n_result_lines, 2);
    assert_int_equal(t.result, RESULT_SUCCESS);
    trace_free(&t);
}

static void test_fail_lines(void **state)
{
    (void)state;
    struct trace t;
    parse(&t, "FAIL: first\nFAIL: second\nTest result: FAILURE\n");
    assert_int_equal(t.n_fail, 2);
    assert_string_equal(t.first_fail, "FAIL: first");
    assert_int_equal(t.result, RESULT_FAILURE);
    trace_free(&t);
}

static void test_bochs_log(void **state)
{
    (void)state;
    static const char log[] = "00000000000i[      ] reading configuration from bochsrc\n"
                              "00013156583e[CPU0  ] VMENTER FAIL: RFLAGS[1] cleared\n"
                              "00013156590p[CPU0  ] >>PANIC<< something\n";
    char *p = log_first_problem(log, sizeof(log) - 1);
    assert_string_equal(p, "00013156583e[CPU0  ] VMENTER FAIL: RFLAGS[1] cleared");
    free(p);

    static const char ours[] = "00183856925p[TERM  ] >>PANIC<< Received SIGHUP: quit simulation\n"
                               "00000000001i[CPU0  ] fine\n";
    assert_null(log_first_problem(ours, sizeof(ours) - 1));

    static const char vmfail[] = "x\r\n00001e[CPU0  ] VMFAIL: VMPTRLD with invalid address\r\n";
    p = log_first_problem(vmfail, sizeof(vmfail) - 1);
    assert_string_equal(p, "00001e[CPU0  ] VMFAIL: VMPTRLD with invalid address");
    free(p);

    /* a shutdown as each emulator reports it; an ordinary PANIC is not one */
    static const char bochs_tf[] =
        "00013066398p[CPU0  ] >>PANIC<< exception(): 3rd (14) exception with no resolution\n";
    p = log_first_problem(bochs_tf, sizeof(bochs_tf) - 1);
    assert_true(log_is_shutdown(p));
    free(p);
    static const char qemu_tf[] = "CPU Reset (CPU 0)\nEAX=00000000\nTriple fault\n";
    p = log_first_problem(qemu_tf, sizeof(qemu_tf) - 1);
    assert_string_equal(p, "Triple fault");
    assert_true(log_is_shutdown(p));
    free(p);
    assert_false(log_is_shutdown("00013156590p[CPU0  ] >>PANIC<< something"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_bare_run),
        cmocka_unit_test(test_guest_cannot_forge_hv_lines),
        cmocka_unit_test(test_long_line_cut),
        cmocka_unit_test(test_result_words_and_reason),
        cmocka_unit_test(test_missing_final_line),
        cmocka_unit_test(test_two_final_lines),
        cmocka_unit_test(test_guest_line_after_final_line),
        cmocka_unit_test(test_hv_lines),
        cmocka_unit_test(test_hv_summary_malformed),
        cmocka_unit_test(test_garbage_crlf_and_nul),
        cmocka_unit_test(test_fail_lines),
        cmocka_unit_test(test_bochs_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
