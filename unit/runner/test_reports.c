/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_reports.c — results.xml (JUnit) and the escaping of runner/report_junit_html.c
 * (results.html: test_report_html.c).
 *
 * Why: CI systems (Jenkins, GitLab) read the JUnit file and fail the pipeline on its
 * <failure> elements; people open the HTML page. Both must say what table.txt says: a
 * <failure> exactly for the runs that are not as expected (an unexpected PASS included),
 * <skipped> for n/a cells and expected failures (with their reason), names unique per row,
 * CPU model and policy, and
 * correct counts per CPU model. Catalogue reasons and details are free text (and details may
 * carry what the guest printed): the files must stay well-formed whatever they contain.
 *
 * Expected: one <testsuite name="redeliver.<cpu>"> per CPU with tests/failures/skipped
 * matching the matrix; `<&>"'` escaped, control bytes and broken UTF-8 replaced by U+FFFD,
 * valid UTF-8 kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/matrix.h"
#include "runner/report.h"
#include "runner/util.h"

static const char cfg[] = "[gp-stack]\nsummary = #GP\nnote.drop-all = one extra exit <& more>\n"
                          "[irq-stack]\nsummary = IRQ\nbare.qemu = FAILED TCG differs\n"
                          "expect.drop-all = LOST acked <before> & \"after\" 'delivery'\n"
                          "[harness-hang]\nsummary = hangs\nharness = yes\nbare = TIMEOUT\n";

/* What a detail may contain: markup characters, a control byte, a byte that is not UTF-8,
 * and UTF-8 that must survive. */
#define NASTY_DETAIL "a<b & c>d \"q\" 'x' \x01 \xff caf\xc3\xa9"
#define NASTY_XML                                                                                  \
    "a&lt;b &amp; c&gt;d &quot;q&quot; &#39;x&#39; \xef\xbf\xbd \xef\xbf\xbd caf\xc3\xa9"

struct fixture {
    struct catalogue cat;
    const struct cat_scenario *scen[3];
    struct matrix m;
};

static void set_verdict(struct run *r, enum verdict v, long vexits)
{
    r->j.verdict = v;
    r->trace.vectoring_exits = vexits;
    r->trace.n_hv_summary = vexits >= 0;
    run_expect(r);
}

/* bochs and qemu × 3 scenarios × bare, kvm, drop-all: everything as expected except
 * gp-stack bochs kvm (ERROR, with NASTY_DETAIL) and harness-hang bochs bare (an unexpected
 * PASS); qemu's virtualized cells are n/a. */
static struct fixture *setup(void)
{
    static const char *policies[] = {"kvm", "drop-all"};
    static const enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    struct fixture *f = xcalloc(1, sizeof(*f));
    char *err = NULL;
    assert_int_equal(catalogue_parse(&f->cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    for (size_t i = 0; i < 3; i++)
        f->scen[i] = &f->cat.sc[i];
    matrix_build(&f->m, f->scen, 3, cpus, 2, policies, 2, "res");
    for (size_t i = 0; i < f->m.n_runs; i++) {
        struct run *r = &f->m.runs[i];
        run_expect(r);
        set_verdict(r, r->expected, r->policy ? 1 : -1);
    }
    struct run *bad = matrix_at(&f->m, 0, 0, 1);
    bad->j.detail = xstrdup(NASTY_DETAIL);
    set_verdict(bad, V_ERROR, 0);
    set_verdict(matrix_at(&f->m, 2, 0, 0), V_PASS, -1);
    return f;
}

static void teardown(struct fixture *f)
{
    matrix_free(&f->m);
    catalogue_free(&f->cat);
    free(f);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Only \t \n \r below 0x20, no DEL, no 0xff: what XML 1.0 and HTML accept. */
static void assert_clean_bytes(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20)
            assert_true(*p == '\t' || *p == '\n' || *p == '\r');
        assert_true(*p != 0x7f && *p != 0xff);
    }
}

/* The text of the element that starts at the first occurrence of `open`, up to `close`. */
static char *element(const char *doc, const char *open, const char *close)
{
    const char *a = strstr(doc, open);
    assert_non_null(a);
    const char *b = strstr(a, close);
    assert_non_null(b);
    return xasprintf("%.*s", (int)(b - a + strlen(close)), a);
}

static void test_markup_text(void **state)
{
    (void)state;
    struct sbuf sb = {0};
    markup_text(&sb, NASTY_DETAIL "\t\n\r", false);
    assert_string_equal(sb_str(&sb), NASTY_XML "\t\n\r");
    free(sb.buf);
    sb = (struct sbuf){0};
    /* attributes: whitespace as references; DEL, a C1 control, U+FFFF, a surrogate and
     * an overlong "/" replaced; the em dash kept */
    markup_text(&sb, "\t\n\r\x7f\xc2\x85\xef\xbf\xbf\xed\xa0\x80\xc0\xaf \xe2\x80\x94", true);
    assert_string_equal(sb_str(&sb), "&#9;&#10;&#13;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                     "\xef\xbf\xbd \xe2\x80\x94");
    free(sb.buf);
}

static void test_junit(void **state)
{
    (void)state;
    struct fixture *f = setup();
    struct report_info info = {.results = "res", .fault = "entry", .timeout = 30, .jobs = 2};
    char *x = report_junit(&f->m, &info);
    assert_true(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 49) == 0);
    assert_clean_bytes(x);

    /* one suite per CPU model, counts from the matrix */
    assert_int_equal(count(x, "<testsuite "), 2);
    assert_int_equal(count(x, "</testsuite>"), 2);
    assert_non_null(strstr(x, "<testsuites name=\"redeliver\" tests=\"18\" failures=\"2\" "
                              "errors=\"0\" skipped=\"9\">"));
    assert_non_null(strstr(x, "<testsuite name=\"redeliver.bochs\" tests=\"9\" failures=\"2\" "
                              "errors=\"0\" skipped=\"1\""));
    assert_non_null(strstr(x, "<testsuite name=\"redeliver.qemu\" tests=\"9\" failures=\"0\" "
                              "errors=\"0\" skipped=\"8\""));
    assert_non_null(strstr(x, "<property name=\"fault\" value=\"entry\"/>"));

    /* a testcase per run; a failure exactly for each run that is not as expected */
    assert_int_equal(count(x, "<testcase "), f->m.n_runs);
    struct matrix_totals t;
    matrix_totals(&f->m, &t);
    assert_int_equal(t.unexpected, 2);
    assert_int_equal(count(x, "<failure "), t.unexpected);
    assert_int_equal(count(x, "</failure>"), t.unexpected);
    assert_int_equal(count(x, "<skipped "), t.na + t.xfail);

    char *kvm =
        element(x, "<testcase classname=\"gp-stack\" name=\"gp-stack bochs kvm\"", "</testcase>");
    assert_non_null(strstr(kvm, "<failure message=\"expected PASS, got ERROR\" type=\"ERROR\">"));
    assert_non_null(strstr(kvm, NASTY_XML));
    assert_non_null(strstr(kvm, "run directory: res/gp-stack/bochs-virt-kvm</failure>"));
    free(kvm);
    char *hang = element(x, "<testcase classname=\"harness-hang\" name=\"harness-hang bochs bare\"",
                         "</testcase>");
    assert_non_null(strstr(hang, "<failure message=\"expected TIMEOUT, got PASS\" type=\"PASS\">"));
    free(hang);

    /* the xfail passes, with verdict and escaped reason; its qemu twin is skipped */
    char *drop = element(x, "<testcase classname=\"irq-stack\" name=\"irq-stack bochs drop-all\"",
                         "</testcase>");
    assert_null(strstr(drop, "<failure"));
    assert_non_null(strstr(drop, "<skipped message=\"expected failure (xfail): LOST v=1 xfail — "
                                 "acked &lt;before&gt;"));
    assert_non_null(strstr(drop, "<system-out>expected failure: LOST v=1 xfail — acked "
                                 "&lt;before&gt; &amp; &quot;after&quot; &#39;delivery&#39;"
                                 "</system-out>"));
    free(drop);
    const char *qemu = strstr(x, "<testsuite name=\"redeliver.qemu\"");
    char *qdrop = element(
        qemu, "<testcase classname=\"irq-stack\" name=\"irq-stack qemu drop-all\"", "</testcase>");
    assert_non_null(strstr(qdrop, "<skipped message=\"n/a: QEMU TCG has no VMX"));
    assert_null(strstr(qdrop, "<failure"));
    free(qdrop);
    /* a plain pass is an empty testcase */
    assert_non_null(strstr(x, "<testcase classname=\"gp-stack\" name=\"gp-stack bochs bare\" "
                              "time=\"0.000\"/>"));
    free(x);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markup_text),
        cmocka_unit_test(test_junit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
