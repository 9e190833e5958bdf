/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_catalogue.c — the tests/scenarios.cfg parser (runner/catalogue.c).
 *
 * Why: expectations decide the exit status. A typo in `expect.drop-all` must be an error
 * that names the file and line, never a silently ignored key that turns an expected
 * failure into an unexpected one (or hides a real regression). Also: defaults (PASS),
 * harness rows, notes, and the check of policy names against core/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/catalogue.h"

static const char good[] = "# comment\n"
                           "\n"
                           "[gp-stack]\n"
                           "family  = hw-exceptions\n"
                           "summary = #GP(0) from a load; the # here is text, not a comment\n"
                           "case    = docs/cases.md #11\n"
                           "note.drop-all = same trace, one extra exit\n"
                           "\r\n"
                           "[irq-stack]\n"
                           "summary=self-IPI 0x40\n"
                           "bare.qemu = FAILED QEMU TCG: #UD for ICEBP (docs/emulators.md)\n"
                           "  expect.drop-all = LOST   the interrupt was acknowledged  \n"
                           "expect.raw-copy = ENTRY-FAIL bit 12\n"
                           "\n"
                           "[harness-hang]\n"
                           "summary = never ends\n"
                           "harness = yes\n"
                           "bare = TIMEOUT\n"
                           "expect.kvm = ERROR harness rows may expect ERROR\n";

static void test_good(void **state)
{
    (void)state;
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "s.cfg", good, strlen(good), &err), 0);
    assert_null(err);
    assert_int_equal(cat.n, 3);

    const struct cat_scenario *gp = catalogue_find(&cat, "gp-stack");
    assert_non_null(gp);
    assert_string_equal(gp->family, "hw-exceptions");
    assert_string_equal(gp->summary, "#GP(0) from a load; the # here is text, not a comment");
    assert_string_equal(gp->case_ref, "docs/cases.md #11");
    assert_false(gp->harness);
    assert_int_equal(gp->bare, V_PASS);
    assert_int_equal(gp->line, 3);
    assert_null(scenario_expect(gp, "drop-all")); /* a note is not an expectation */
    assert_string_equal(scenario_note(gp, "drop-all"), "same trace, one extra exit");
    assert_null(scenario_note(gp, "kvm"));

    const struct cat_scenario *irq = catalogue_find(&cat, "irq-stack");
    const struct expectation *e = scenario_expect(irq, "drop-all");
    assert_non_null(e);
    assert_int_equal(e->verdict, V_LOST);
    assert_string_equal(e->reason, "the interrupt was acknowledged");
    assert_int_equal(e->line, 12);
    const struct expectation *q = scenario_bare_expect(irq, "qemu");
    assert_int_equal(q->verdict, V_FAILED);
    assert_string_equal(q->reason, "QEMU TCG: #UD for ICEBP (docs/emulators.md)");
    assert_null(scenario_bare_expect(irq, "bochs"));
    assert_null(scenario_bare_expect(gp, "qemu"));
    assert_int_equal(scenario_expect(irq, "raw-copy")->verdict, V_ENTRY_FAIL);
    assert_null(scenario_expect(irq, "kvm"));
    assert_null(irq->family);

    const struct cat_scenario *h = catalogue_find(&cat, "harness-hang");
    assert_true(h->harness);
    assert_int_equal(h->bare, V_TIMEOUT);
    assert_int_equal(scenario_expect(h, "kvm")->verdict, V_ERROR);
    assert_null(catalogue_find(&cat, "nope"));
    catalogue_free(&cat);
}

/* Each bad text must fail with exactly this "file:line: ..." prefix and mention `what`. */
static void expect_error(const char *text, const char *where, const char *what)
{
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", text, strlen(text), &err), -1);
    assert_non_null(err);
    if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, what))
        fail_msg("for:\n%s\ngot: %s\nwant: %s ... %s", text, err, where, what);
    assert_int_equal(cat.n, 0);
    free(err);
}

static void test_errors_with_line_numbers(void **state)
{
    (void)state;
    expect_error("summary = x\n", "t.cfg:1:", "before the first [scenario]");
    expect_error("[a]\nsummary = x\nexpct.kvm = LOST y\n", "t.cfg:3:", "unknown key 'expct.kvm'");
    expect_error("[a]\nsummary = x\n[a]\nsummary = y\n", "t.cfg:3:", "already defined at line 1");
    expect_error("[a]\nsummary = x\nsummary = y\n", "t.cfg:3:", "duplicate key 'summary'");
    expect_error("[a]\nsummary = x\nexpect.kvm = LOST a\nexpect.kvm = LOST b\n",
                 "t.cfg:4:", "duplicate key 'expect.kvm'");
    expect_error("[a]\nsummary = x\nexpect.kvm = LOSTT y\n",
                 "t.cfg:3:", "'LOSTT' is not a verdict");
    expect_error("[a]\nsummary = x\nexpect.kvm = lost y\n", "t.cfg:3:", "is not a verdict");
    expect_error("[a]\nsummary = x\nexpect.kvm = LOST\n", "t.cfg:3:", "give a reason");
    expect_error("[a]\nsummary = x\nexpect.kvm = PASS fine\n", "t.cfg:3:", "cannot be expected");
    expect_error("[a]\nsummary = x\nexpect.kvm = ERROR broken\n",
                 "t.cfg:3:", "in a conformance row");
    expect_error("[a]\nsummary = x\nbare = TIMEOUT\n", "t.cfg:3:", "harness rows only");
    expect_error("[a]\nsummary = x\nbare = CRASH\n", "t.cfg:3:", "bare = TRIPLE-FAULT");
    expect_error("[a]\nsummary = x\nharness = yes\nbare = LOST\n",
                 "t.cfg:4:", "not a bare verdict");
    expect_error("[a]\nsummary = x\nbare.arm = FAILED y\n", "t.cfg:3:", "unknown cpu 'arm'");
    expect_error("[a]\nsummary = x\nbare.qemu = FAILED\n", "t.cfg:3:", "give a reason");
    expect_error("[a]\nsummary = x\nbare.qemu = PASS y\n", "t.cfg:3:", "not a bare deviation");
    expect_error("[a]\nsummary = x\nbare.qemu = LOST y\n", "t.cfg:3:", "not a bare deviation");
    expect_error("[a]\nsummary = x\nbare.qemu = SKIP y\nbare.qemu = SKIP z\n",
                 "t.cfg:4:", "duplicate key 'bare.qemu'");
    expect_error("[a]\nsummary = x\nharness = maybe\n", "t.cfg:3:", "yes or no");
    /* a second `harness =` must not silently win (a row turned into a harness row is
     * left out of the default matrix) */
    expect_error("[a]\nsummary = x\nharness = no\nharness = yes\n",
                 "t.cfg:4:", "duplicate key 'harness'");
    expect_error("[a]\nsummary = x\njust words\n", "t.cfg:3:", "expected 'key = value'");
    expect_error("[a]\nsummary =\n", "t.cfg:2:", "has no value");
    expect_error("[a]\n = x\n", "t.cfg:2:", "missing key");
    expect_error("[a]\nfamily = f\n\n[b]\nsummary = x\n", "t.cfg:1:", "no 'summary ='");
    expect_error("[a b]\nsummary = x\n", "t.cfg:1:", "bad scenario name");
    expect_error("[a\nsummary = x\n", "t.cfg:1:", "section header");
    expect_error("[a]\nsummary = x\nexpect.k v = LOST y\n", "t.cfg:3:", "bad policy name");
    expect_error("# only comments\n\n", "t.cfg:2:", "no [scenario] sections");
    expect_error("", "t.cfg:1:", "no [scenario] sections");
    static const char nul[] = "[a]\nsummary = x\x00y\n";
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", nul, sizeof(nul) - 1, &err), -1);
    assert_non_null(strstr(err, "t.cfg:2: NUL"));
    free(err);
}

/* libinih's defaults do not fit the format (runner/ini_lines.c sets its options): ';' would
 * start an inline comment, a line with leading blanks would continue the previous value,
 * lines over 200 bytes would be split, and ':' is a delimiter like '='. Reasons hold all of
 * these characters (tests/scenarios.cfg), so nothing of a value may be cut. */
static void test_ini_settings(void **state)
{
    (void)state;
    char long_reason[400];
    memset(long_reason, 'r', sizeof(long_reason) - 1);
    long_reason[sizeof(long_reason) - 1] = 0;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    fprintf(f,
            "; a comment\n"
            "  # an indented comment\n"
            "[a]\n"
            "summary = RF=1 over CPUID; DR0 = port: #DB ; a # b ;c\n"
            "\tnote.kvm = tab-indented: its own key, not a continuation\n"
            "expect.kvm = LOST x = y: z ; w # v\n"
            "expect.drop-all = LOST %s\n"
            "note.drop-all = after the long line\r\n"
            "[b]\n"
            "summary = x\n",
            long_reason);
    fclose(f);
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", text, size, &err), 0);
    const struct cat_scenario *a = catalogue_find(&cat, "a");
    assert_int_equal(a->line, 3);
    assert_string_equal(a->summary, "RF=1 over CPUID; DR0 = port: #DB ; a # b ;c");
    assert_string_equal(scenario_note(a, "kvm"), "tab-indented: its own key, not a continuation");
    assert_string_equal(scenario_expect(a, "kvm")->reason, "x = y: z ; w # v");
    assert_string_equal(scenario_expect(a, "drop-all")->reason, long_reason);
    assert_int_equal(scenario_expect(a, "drop-all")->line, 7);
    assert_string_equal(scenario_note(a, "drop-all"), "after the long line");
    assert_int_equal(a->notes[1].line, 8);
    assert_int_equal(catalogue_find(&cat, "b")->line, 9);
    catalogue_free(&cat);
    free(text);
}

/* Headers inih reads without a handler call: a section with no keys, one repeated right
 * after itself, one on the last line; and what inih reads more leniently than the format. */
static void test_ini_headers_and_syntax(void **state)
{
    (void)state;
    expect_error("[a]\n[b]\nsummary = x\n", "t.cfg:1:", "scenario [a] has no 'summary ='");
    expect_error("[a]\nsummary = x\n[a]\n", "t.cfg:3:", "already defined at line 1");
    expect_error("[a]\nsummary = x\n[b]", "t.cfg:3:", "scenario [b] has no 'summary ='");
    expect_error("[a]\n\n[a]\n", "t.cfg:3:", "already defined at line 1");
    /* wording of inih's syntax errors (one kind: the line is no INI line) */
    expect_error("[a] junk\nsummary = x\n",
                 "t.cfg:1:", "section header [scenario-name], got '[a] junk'");
    expect_error("[a]]\nsummary = x\n", "t.cfg:1:", "got '[a]]'");
    expect_error("[a]\nsummary: x\n", "t.cfg:2:", "expected 'key = value'");
    expect_error("[a]\nsummary = x\nfoo : bar = baz\n", "t.cfg:3:", "got 'foo : bar = baz'");
    expect_error("\xef\xbb\xbf[a]\nsummary = x\n", "t.cfg:1:", "expected 'key = value'");
    expect_error("[a]\nsummary = x\nreference = virt # no inline comments\n",
                 "t.cfg:3:", "say bare (the default) or virt");
}

static void test_long_names(void **state)
{
    (void)state;
    /* a scenario name must fit the guest's 48-byte field with its NUL: 47 do, 48 do not */
    char name[64], text[128];
    struct catalogue cat;
    char *err = NULL;
    memset(name, 'a', sizeof(name));
    name[47] = 0;
    snprintf(text, sizeof(text), "[%s]\nsummary = x\n", name);
    assert_int_equal(catalogue_parse(&cat, "t.cfg", text, strlen(text), &err), 0);
    catalogue_free(&cat);
    name[47] = 'a';
    name[48] = 0;
    snprintf(text, sizeof(text), "[%s]\nsummary = x\n", name);
    assert_int_equal(catalogue_parse(&cat, "t.cfg", text, strlen(text), &err), -1);
    assert_non_null(strstr(err, "t.cfg:1: bad scenario name"));
    free(err);
}

static bool only_kvm(const char *policy)
{
    return strcmp(policy, "kvm") == 0;
}

static void test_check_policies(void **state)
{
    (void)state;
    static const char text[] = "[a]\nsummary = x\nexpect.kvm = LOST y\n\n[b]\nsummary = y\n"
                               "note.smrt = typo\n";
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_parse(&cat, "t.cfg", text, strlen(text), &err), 0);
    assert_int_equal(catalogue_check_policies(&cat, only_kvm, &err), -1);
    assert_string_equal(err, "t.cfg:7: note.smrt: unknown policy 'smrt'");
    free(err);
    catalogue_free(&cat);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    struct catalogue cat;
    char *err = NULL;
    assert_int_equal(catalogue_load(&cat, "/nonexistent/scenarios.cfg", &err), -1);
    assert_non_null(strstr(err, "/nonexistent/scenarios.cfg"));
    free(err);
}

static void test_real_catalogue_parses(void **state)
{
    (void)state;
    /* the repository's own file, when the tests run from the repository root */
    struct catalogue cat;
    char *err = NULL;
    if (catalogue_load(&cat, "tests/scenarios.cfg", &err) != 0) {
        if (strstr(err, "No such file"))
            skip();
        fail_msg("%s", err);
    }
    assert_true(cat.n > 0);
    catalogue_free(&cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_errors_with_line_numbers),
        cmocka_unit_test(test_ini_settings),
        cmocka_unit_test(test_ini_headers_and_syntax),
        cmocka_unit_test(test_long_names),
        cmocka_unit_test(test_check_policies),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_real_catalogue_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
