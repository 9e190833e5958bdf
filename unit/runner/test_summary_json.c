/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_summary_json.c — summary.json (runner/report_files.c, written with
 * jansson).
 *
 * Why: tools and scripts read summary.json (scripts/e2e.sh greps totals.unexpected and
 * checks the file with python3's json.tool), so its keys, their order and their value types
 * are an interface. Details and trace events carry what the guest printed — quotes,
 * backslashes, control bytes, bytes that are not UTF-8 — and jansson refuses strings that
 * are not valid UTF-8: the document must still be valid and hold every run.
 *
 * Expected: the file written through results_write parses back with json_load_file; the
 * top-level keys, the totals and each run's keys are those of "redeliver-summary-1", in
 * order; n/a runs stop after "dir"; missing counts are null; seconds are to the
 * millisecond; hostile text decodes to itself, with every byte that is not well-formed
 * UTF-8 read as Latin-1 (0xff -> U+00FF). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "runner/matrix.h"
#include "runner/report.h"
#include "runner/results.h"
#include "runner/util.h"

static const char cfg[] = "[gp-stack]\nsummary = #GP\n"
                          "[irq-stack]\nsummary = IRQ\nbare.qemu = FAILED TCG differs\n"
                          "expect.drop-all = LOST acked \"before\" delivery\n"
                          "[harness-hang]\nsummary = hangs\nharness = yes\nbare = TIMEOUT\n";

/* quotes, a backslash, control bytes, DEL, a lone 0xff, a cut em dash, an overlong "/", a
 * surrogate; then UTF-8 that must stay as it is */
#define HOSTILE                                                                                    \
    "a\"b\\c\nd\te\x01\x1f\x7f \xff \xe2\x80 \xc0\xaf \xed\xa0\x80 caf\xc3\xa9 \xe2\x80\x94"
/* what a JSON reader must get back: the broken bytes as Latin-1 code points */
#define HOSTILE_DECODED                                                                            \
    "a\"b\\c\nd\te\x01\x1f\x7f \xc3\xbf \xc3\xa2\xc2\x80 \xc3\x80\xc2\xaf "                        \
    "\xc3\xad\xc2\xa0\xc2\x80 caf\xc3\xa9 \xe2\x80\x94"

struct fixture {
    struct catalogue cat;
    const struct cat_scenario *scen[3];
    struct matrix m;
    char base[64];
    char *path; /* <base>/summary.json */
    char *text; /* its bytes */
    json_t *doc;
};

static void set_verdict(struct run *r, enum verdict v, long vexits)
{
    r->j.verdict = v;
    r->trace.vectoring_exits = vexits;
    r->trace.n_hv_summary = vexits >= 0;
    run_expect(r);
}

static void set_trace(struct run *r, const char *const *ev, size_t n)
{
    r->trace.ev = xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        r->trace.ev[i] = xstrdup(ev[i]);
    r->trace.n_ev = n;
}

/* bochs and qemu × 3 scenarios × bare, kvm, drop-all, all as expected except gp-stack
 * bochs kvm (ERROR, HOSTILE detail and trace, 1.23456 s, no exit count) and harness-hang
 * bochs bare (an unexpected PASS); qemu's virtualized cells are n/a. summary.json is
 * written to a fresh directory and parsed back. */
static struct fixture *setup(const char *results, const char *fault)
{
    static const char *policies[] = {"kvm", "drop-all"};
    static const enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    static const char *const ev[] = {"EV #GP err=0x0", HOSTILE, "EV IRET"};
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
        r->trace.exits = 7;
    }
    struct run *bad = matrix_at(&f->m, 0, 0, 1);
    bad->j.detail = xstrdup(HOSTILE);
    bad->proc.seconds = 1.23456;
    bad->proc.exit_code = 1;
    bad->trace.exits = -1;
    set_trace(bad, ev, ARRAY_SIZE(ev));
    set_verdict(bad, V_ERROR, 0);
    set_verdict(matrix_at(&f->m, 2, 0, 0), V_PASS, -1);

    strcpy(f->base, "/tmp/redeliver-test-summary-XXXXXX");
    assert_non_null(mkdtemp(f->base));
    struct report_info info = {.results = results, .fault = fault, .timeout = 30, .jobs = 2};
    char *json = report_json(&f->m, &info);
    assert_int_equal(results_write(f->base, "summary.json", json, &err), 0);
    free(json);
    f->path = path_join(f->base, "summary.json");
    size_t len;
    f->text = read_file(f->path, &len);
    assert_non_null(f->text);
    json_error_t jerr;
    f->doc = json_load_file(f->path, JSON_REJECT_DUPLICATES, &jerr);
    if (!f->doc)
        fail_msg("summary.json line %d: %s", jerr.line, jerr.text);
    return f;
}

static void teardown(struct fixture *f)
{
    json_decref(f->doc);
    unlink(f->path);
    rmdir(f->base);
    free(f->path);
    free(f->text);
    matrix_free(&f->m);
    catalogue_free(&f->cat);
    free(f);
}

/* The keys of object o, in the order of the file, joined by spaces. */
static char *keys(const json_t *o)
{
    struct sbuf sb = {0};
    assert_true(json_is_object(o));
    for (void *it = json_object_iter((json_t *)o); it; it = json_object_iter_next((json_t *)o, it))
        sb_addf(&sb, "%s%s", sb.len ? " " : "", json_object_iter_key(it));
    return sb.buf;
}

static void assert_keys(const json_t *o, const char *expected)
{
    char *k = keys(o);
    assert_string_equal(k, expected);
    free(k);
}

static void assert_str(const json_t *o, const char *key, const char *expected)
{
    const json_t *v = json_object_get(o, key);
    if (!expected) {
        assert_true(json_is_null(v));
        return;
    }
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), expected);
}

static void assert_int(const json_t *o, const char *key, json_int_t expected)
{
    const json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    assert_int_equal(json_integer_value(v), expected);
}

/* Run r of the matrix, as written. */
static const json_t *run_at(const struct fixture *f, const struct run *r)
{
    const json_t *runs = json_object_get(f->doc, "runs");
    assert_int_equal(json_array_size(runs), f->m.n_runs);
    return json_array_get(runs, (size_t)(r - f->m.runs));
}

#define RUN_KEYS                                                                                   \
    "scenario cpu env policy reference verdict expected expect_reason as_expected xfail detail "   \
    "dir"

static void test_document(void **state)
{
    (void)state;
    struct fixture *f = setup("res", "entry");
    const json_t *d = f->doc;
    assert_keys(
        d,
        "format results fault profile timeout jobs catalogue_hash shard merged_from cpus policies "
        "scenarios totals runs");
    assert_str(d, "format", "redeliver-summary-1");
    assert_str(d, "results", "res");
    assert_str(d, "fault", "entry");
    assert_str(d, "profile", "minimal"); /* no --profile: the default, named */
    assert_true(json_is_real(json_object_get(d, "timeout")));
    assert_true(json_real_value(json_object_get(d, "timeout")) == 30.0);
    assert_int(d, "jobs", 2);
    const json_t *cpus = json_object_get(d, "cpus"), *pol = json_object_get(d, "policies");
    const json_t *scen = json_object_get(d, "scenarios");
    assert_int_equal(json_array_size(cpus), 2);
    assert_string_equal(json_string_value(json_array_get(cpus, 1)), "qemu");
    assert_int_equal(json_array_size(pol), 2);
    assert_string_equal(json_string_value(json_array_get(pol, 1)), "drop-all");
    assert_int_equal(json_array_size(scen), 3);
    assert_string_equal(json_string_value(json_array_get(scen, 2)), "harness-hang");

    /* the totals, as matrix_totals counts them */
    const json_t *t = json_object_get(d, "totals");
    assert_keys(t, "runs as_expected xfail unexpected na");
    struct matrix_totals mt;
    matrix_totals(&f->m, &mt);
    assert_true(mt.runs == 12 && mt.as_expected == 10 && mt.xfail == 3 && mt.unexpected == 2 &&
                mt.na == 6);
    assert_int(t, "runs", 12);
    assert_int(t, "as_expected", 10);
    assert_int(t, "xfail", 3);
    assert_int(t, "unexpected", 2);
    assert_int(t, "na", 6);

    /* every run is there, n/a ones included */
    assert_int_equal(json_array_size(json_object_get(d, "runs")), 18);

    /* a virtualized run that went wrong: every key, in order */
    const struct run *bad = matrix_at(&f->m, 0, 0, 1);
    const json_t *r = run_at(f, bad);
    assert_keys(r, RUN_KEYS " seconds timed_out exit_code vectoring_exits exits cost "
                            "guest_result trace");
    /* hv printed no cost line: every number unknown (runner/cost.h) */
    assert_keys(json_object_get(r, "cost"),
                "exits_by_reason exits_without_io idtv_actions reinjections");
    assert_true(json_is_null(json_object_get(json_object_get(r, "cost"), "reinjections")));
    assert_str(r, "scenario", "gp-stack");
    assert_str(r, "cpu", "bochs");
    assert_str(r, "env", "virt");
    assert_str(r, "policy", "kvm");
    assert_str(r, "verdict", "ERROR");
    assert_str(r, "expected", "PASS");
    assert_str(r, "expect_reason", NULL);
    assert_true(json_is_false(json_object_get(r, "as_expected")));
    assert_true(json_is_false(json_object_get(r, "xfail")));
    assert_str(r, "dir", "res/gp-stack/bochs-virt-kvm");
    assert_true(json_real_value(json_object_get(r, "seconds")) == 1.235);
    assert_true(json_is_false(json_object_get(r, "timed_out")));
    assert_int(r, "exit_code", 1);
    assert_int(r, "vectoring_exits", 0);
    assert_true(json_is_null(json_object_get(r, "exits"))); /* not known: null, not -1 */
    assert_str(r, "guest_result", guest_result_name(bad->trace.result));
    const json_t *tr = json_object_get(r, "trace");
    assert_int_equal(json_array_size(tr), 3);
    assert_string_equal(json_string_value(json_array_get(tr, 0)), "EV #GP err=0x0");
    assert_string_equal(json_string_value(json_array_get(tr, 2)), "EV IRET");

    /* an expected failure with its reason; a bare run has a null policy */
    r = run_at(f, matrix_at(&f->m, 1, 0, 2));
    assert_str(r, "verdict", "LOST");
    assert_true(json_is_true(json_object_get(r, "xfail")));
    assert_str(r, "expect_reason", "acked \"before\" delivery");
    r = run_at(f, matrix_at(&f->m, 2, 0, 0));
    assert_str(r, "env", "bare");
    assert_str(r, "policy", NULL);
    assert_str(r, "expected", "TIMEOUT");
    assert_int(r, "exits", 7);
    assert_true(json_is_null(json_object_get(r, "vectoring_exits")));

    /* n/a: the reason as detail, no directory, nothing measured */
    r = run_at(f, matrix_at(&f->m, 0, 1, 1));
    assert_keys(r, RUN_KEYS);
    assert_str(r, "detail", na_reason(CPU_QEMU));
    assert_str(r, "dir", NULL);
    teardown(f);
}

/* What the guest printed (and what was typed on the command line) survives: valid JSON,
 * the same text back, control bytes escaped in the file. */
static void test_hostile_text(void **state)
{
    (void)state;
    struct fixture *f = setup("res/" HOSTILE, HOSTILE);
    const json_t *r = run_at(f, matrix_at(&f->m, 0, 0, 1));
    assert_str(r, "detail", HOSTILE_DECODED);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "trace"), 1)),
                        HOSTILE_DECODED);
    assert_str(f->doc, "results", "res/" HOSTILE_DECODED);
    assert_str(f->doc, "fault", HOSTILE_DECODED);

    /* in the file: escapes for quote, backslash and control bytes; no raw byte below 0x20
     * but the layout's newlines; UTF-8 kept as text (no \u2014) */
    assert_non_null(strstr(f->text, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u001"));
    for (const unsigned char *p = (const unsigned char *)f->text; *p; p++)
        assert_true(*p >= 0x20 || *p == '\n');
    assert_non_null(strstr(f->text, "caf\xc3\xa9 \xe2\x80\x94\""));
    teardown(f);
}

/* The shapes scripts rely on: e2e.sh takes the first `"unexpected": N` as
 * totals.unexpected; the file ends with a newline; seconds print as milliseconds. */
static void test_text_shape(void **state)
{
    (void)state;
    struct fixture *f = setup("res", NULL);
    assert_str(f->doc, "fault", NULL);
    const char *u = strstr(f->text, "\"unexpected\"");
    assert_non_null(u);
    assert_true(strncmp(u, "\"unexpected\": 2,", 16) == 0);
    assert_true(u > strstr(f->text, "\"totals\": {"));
    assert_non_null(strstr(f->text, "\"seconds\": 1.235,"));
    assert_non_null(strstr(f->text, "\"timeout\": 30.0,"));
    size_t n = strlen(f->text);
    assert_true(n > 2 && strcmp(f->text + n - 2, "}\n") == 0);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_text_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
