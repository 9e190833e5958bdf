/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_report_html.c — results.html and its cell pages (runner/report_html*.c),
 * and the cost numbers they and summary.json show (runner/cost.c, cost_json.c).
 *
 * Why: the page is what people read to learn why a cell failed, and what it shows comes
 * from the guest (EV lines, serial.txt) and the run directory: a hostile guest must not be
 * able to write markup into it. The cost numbers feed docs/ANSWER.md's cost block, so a
 * malformed hv line must read as unknown, never as a number.
 *
 * Expected: one element with data-* per run, grouped by family with a header per
 * docs/cases.md entry, n/a folded in <details>, each other cell linking to its page (a
 * relative path); on the cell page the guest's `<script>` and `<img onerror>` appear only
 * as text, the trace missing from the virtualized run is marked, the timeline is drawn;
 * cost lines parse into exits without port I/O and re-injections, malformed ones into -1,
 * and survive the trip through summary.json's "cost". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "runner/cost.h"
#include "runner/matrix.h"
#include "runner/report.h"
#include "runner/report_html.h"
#include "runner/util.h"

static const char cfg[] = "[gp-stack]\nfamily = hw\nsummary = #GP\ncase = docs/cases.md A\n"
                          "[irq-stack]\nfamily = irq\nsummary = IRQ <b>\ncase = docs/cases.md #4\n"
                          "expect.drop-all = LOST acked\n"
                          "[ud-stack]\nfamily = hw\nsummary = #UD\ncase = docs/cases.md B\n";

#define HOSTILE_EV "EV INT 0x40 <script>alert(1)</script> <img src=x onerror=alert(2)>"

struct fixture {
    struct catalogue cat;
    const struct cat_scenario *scen[3];
    struct matrix m;
    char dir[64];
};

static struct fixture *setup(void)
{
    static const char *policies[] = {"kvm", "drop-all"};
    static const enum cpu_model cpus[] = {CPU_BOCHS, CPU_QEMU};
    struct fixture *f = xcalloc(1, sizeof(*f));
    char *err = NULL;
    strcpy(f->dir, "/tmp/redeliver-html-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(catalogue_parse(&f->cat, "t.cfg", cfg, strlen(cfg), &err), 0);
    for (size_t i = 0; i < 3; i++)
        f->scen[i] = &f->cat.sc[i];
    matrix_build(&f->m, f->scen, 3, cpus, 2, policies, 2, f->dir);
    for (size_t i = 0; i < f->m.n_runs; i++) {
        struct run *r = &f->m.runs[i];
        r->j.verdict = V_PASS;
        r->trace.vectoring_exits = r->policy ? 1 : -1;
        run_expect(r);
        r->j.verdict = r->expected;
        run_expect(r);
    }
    /* irq-stack bochs: bare saw the hostile event, drop-all lost it */
    struct run *bare = matrix_at(&f->m, 1, 0, 0), *drop = matrix_at(&f->m, 1, 0, 2);
    bare->trace.ev = xcalloc(2, sizeof(char *));
    bare->trace.ev[0] = xstrdup(HOSTILE_EV);
    bare->trace.n_ev = 1;
    drop->j.detail = xstrdup("1 of 1 bare event(s) missing; first: `" HOSTILE_EV "`");
    assert_int_equal(mkdir_p(drop->dir), 0);
    char *p = path_join(drop->dir, "hv.txt");
    const char *hv = "hv: IDTV exit=EPT_VIOLATION idtv=0x80000040 err=0x0 len=0 valid ext-intr "
                     "0x40 -> drop (ignore <it>)\nhv: exit-counts CPUID=2 IO_INSTRUCTION=9 "
                     "EPT_VIOLATION=1\nhv: idtv-actions drop=1\n"
                     "hv: vectoring-exits=1 exits=12 policy=drop-all\n";
    assert_int_equal(write_file(p, hv, strlen(hv)), 0);
    free(p);
    p = path_join(drop->dir, "serial.txt");
    assert_int_equal(write_file(p, "</pre><script>x()</script>\0\n", 29), 0);
    free(p);
    for (const char *h = hv; *h; h = strchr(h, '\n') + 1) {
        char *line = xstrndup(h + 4, (size_t)(strchr(h, '\n') - h - 4));
        cost_hv_line(&drop->trace.cost, line);
        free(line);
    }
    return f;
}

static void teardown(struct fixture *f)
{
    char *cmd = xasprintf("rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
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

static void test_matrix_page(void **state)
{
    (void)state;
    struct fixture *f = setup();
    struct report_info info = {.results = f->dir, .timeout = 30, .jobs = 2};
    char *h = report_html(&f->m, &info);
    assert_true(strncmp(h, "<!DOCTYPE html>\n", 16) == 0);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "<img"));
    assert_null(strstr(h, " src=\""));
    assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;")); /* in a title */
    assert_int_equal(count(h, " data-scenario=\""), f->m.n_runs);
    /* families in order of first appearance, hw's two rows together under their cases */
    assert_int_equal(count(h, "<h3>family: hw</h3>"), 1);
    assert_int_equal(count(h, "<h3>family: irq</h3>"), 1);
    assert_true(strstr(h, "family: hw") < strstr(h, "family: irq"));
    assert_true(strstr(h, "docs/cases.md B") < strstr(h, "family: irq"));
    /* qemu rows: both policy cells folded into one <details> per row */
    assert_int_equal(count(h, "<details><summary>n/a &#215; 2</summary>"), 3);
    assert_non_null(strstr(h, "href=\"cells/irq-stack/bochs-drop-all.html\""));
    assert_non_null(strstr(h, "data-verdict=\"LOST\" data-expected=\"LOST\" "
                              "data-as-expected=\"true\">LOST v=1"));
    assert_non_null(strstr(h, "\xe2\x9c\x93 xfail"));
    assert_null(strstr(h, "href=\"cells/irq-stack/qemu-kvm.html\"")); /* n/a: no page */
    /* the cost table: exits without port I/O / vectoring exits / re-injections */
    assert_non_null(strstr(h, ">3 / 1 / 0</a>"));
    free(h);
    teardown(f);
}

static void test_cell_page(void **state)
{
    (void)state;
    struct fixture *f = setup();
    const struct run *drop = matrix_at(&f->m, 1, 0, 2);
    char *h = report_html_cell(drop);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "<img"));
    assert_null(strstr(h, "<it>"));
    assert_null(strstr(h, "</pre><script"));
    assert_non_null(strstr(h, "&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;\xef\xbf\xbd"));
    /* the bare event, missing here, marked */
    assert_non_null(strstr(h, "<td class=\"ev missing\">EV INT 0x40 &lt;script&gt;"));
    /* the timeline: the decision and what core/ writes for it */
    assert_non_null(strstr(h, "<svg "));
    assert_non_null(strstr(h, ">drop-all: drop</text>"));
    assert_non_null(strstr(h, ">nothing injected</text>"));
    assert_non_null(strstr(h, "<tr class=\"idtv\">"));
    assert_non_null(strstr(h, "href=\"../../results.html\""));
    assert_non_null(strstr(h, "href=\"../../irq-stack/bochs-virt-drop-all/hv.txt\""));
    assert_null(strstr(h, "bochs.log\"")); /* only files that exist are linked */
    free(h);
    /* kvm re-injects the same event: the entry field carries it */
    struct run *kvm = matrix_at(&f->m, 1, 0, 1);
    assert_int_equal(mkdir_p(kvm->dir), 0);
    char *p = path_join(kvm->dir, "hv.txt");
    const char *hv = "hv: IDTV exit=EPT_VIOLATION idtv=0x80000040 err=0x0 len=0 valid ext-intr "
                     "0x40 -> reinject (why)\n";
    assert_int_equal(write_file(p, hv, strlen(hv)), 0);
    free(p);
    h = report_html_cell(kvm);
    assert_non_null(strstr(h, ">intr-info 0x80000040</text>"));
    free(h);
    /* every page that is not n/a is written */
    char *err = NULL;
    assert_int_equal(report_html_cells(&f->m, f->dir, &err), 0);
    p = path_join(f->dir, "cells/irq-stack/bochs-drop-all.html");
    assert_true(is_file(p));
    free(p);
    p = path_join(f->dir, "cells/irq-stack/qemu-kvm.html");
    assert_false(is_file(p));
    free(p);
    teardown(f);
}

static void test_cost(void **state)
{
    (void)state;
    struct run_cost c = {0};
    assert_int_equal(cost_exits_without_io(&c), -1);
    assert_int_equal(cost_reinjections(&c), -1);
    assert_true(cost_hv_line(&c, "exit-counts CPUID=2 IO_INSTRUCTION=700 EPT_VIOLATION=1"));
    assert_true(cost_hv_line(&c, "idtv-actions reinject=2 drop=1"));
    assert_false(cost_hv_line(&c, "vectoring-exits=3 exits=703 policy=kvm"));
    assert_int_equal(cost_exits_without_io(&c), 3);
    assert_int_equal(cost_reinjections(&c), 2);
    assert_int_equal(cost_count(&c.actions, "drop"), 1);
    assert_int_equal(cost_count(&c.actions, "reexecute"), 0);
    /* through summary.json and back */
    json_t *run = json_object();
    json_object_set_new(run, "cost", cost_json(&c));
    char *s = json_dumps(run, JSON_COMPACT);
    assert_string_equal(s, "{\"cost\":{\"exits_by_reason\":{\"CPUID\":2,\"IO_INSTRUCTION\":700,"
                           "\"EPT_VIOLATION\":1},\"exits_without_io\":3,\"idtv_actions\":"
                           "{\"reinject\":2,\"drop\":1},\"reinjections\":2}}");
    struct run_cost back = {0};
    char *err = NULL;
    assert_int_equal(cost_from_json(&back, run, "s.json", "x: ", &err), 0);
    assert_int_equal(cost_exits_without_io(&back), 3);
    assert_int_equal(cost_reinjections(&back), 2);
    cost_free(&back);
    json_object_set_new(json_object_get(run, "cost"), "idtv_actions", json_string("many"));
    assert_int_equal(cost_from_json(&back, run, "s.json", "x: ", &err), -1);
    assert_non_null(strstr(err, "s.json: x: cost.idtv_actions is not an object"));
    free(err);
    cost_free(&back);
    free(s);
    json_decref(run);
    /* malformed or repeated lines read as unknown, never as a number */
    cost_hv_line(&c, "exit-counts CPUID=5");
    assert_int_equal(cost_exits_without_io(&c), -1);
    cost_free(&c);
    static const char *const bad[] = {"exit-counts CPUID=x",
                                      "exit-counts CPUID=",
                                      "exit-counts =3",
                                      "exit-counts CPUID=1  VMCALL=2",
                                      "exit-counts CPUID=1 <b>=2",
                                      "exit-counts CPUID=1 CPUID=2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&c, 0, sizeof(c));
        assert_true(cost_hv_line(&c, bad[i]));
        assert_int_equal(cost_exits_without_io(&c), -1);
        cost_free(&c);
    }
    memset(&c, 0, sizeof(c));
    assert_true(cost_hv_line(&c, "idtv-actions")); /* none: zero re-injections */
    assert_int_equal(cost_reinjections(&c), 0);
    cost_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_page),
        cmocka_unit_test(test_cell_page),
        cmocka_unit_test(test_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
