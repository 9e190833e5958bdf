/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_junit_html.c — results.xml (JUnit XML, for CI: Jenkins, GitLab) and the
 * XML/HTML escaping the HTML report shares (results.html: runner/report_html*.c). Same runs,
 * cells and lines as table.txt. */
#include "runner/report.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void markup_text(struct sbuf *sb, const char *s, bool attr)
{
    while (s && *s) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)s);
            unsigned char c1 = n ? (unsigned char)s[1] : 0, c2 = n > 2 ? (unsigned char)s[2] : 0;
            bool c1ctl = n == 2 && c == 0xc2 && c1 < 0xa0;                  /* U+0080..U+009F */
            bool nonchar = n == 3 && c == 0xef && c1 == 0xbf && c2 >= 0xbe; /* U+FFFE U+FFFF */
            if (n && !c1ctl && !nonchar)
                sb_addn(sb, s, n);
            else
                sb_add(sb, REPLACEMENT);
            s += n ? n : 1;
            continue;
        }
        switch (c) {
        case '&':
            sb_add(sb, "&amp;");
            break;
        case '<':
            sb_add(sb, "&lt;");
            break;
        case '>':
            sb_add(sb, "&gt;");
            break;
        case '"':
            sb_add(sb, "&quot;");
            break;
        case '\'':
            sb_add(sb, "&#39;");
            break;
        case '\t':
            sb_add(sb, attr ? "&#9;" : "\t");
            break;
        case '\n':
            sb_add(sb, attr ? "&#10;" : "\n");
            break;
        case '\r':
            sb_add(sb, attr ? "&#13;" : "\r");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                sb_add(sb, REPLACEMENT); /* not allowed in XML 1.0 (or in HTML) */
            else
                sb_addn(sb, s, 1);
        }
        s++;
    }
}

/* ` name="value"`, value escaped. */
static void attr(struct sbuf *sb, const char *name, const char *value)
{
    sb_addf(sb, " %s=\"", name);
    markup_text(sb, value, true);
    sb_add(sb, "\"");
}

static void text(struct sbuf *sb, const char *s)
{
    markup_text(sb, s, false);
}

/* ---- JUnit XML ---- */

struct suite_counts {
    size_t tests, failures, skipped;
};

/* Expected failures are <skipped> as n/a cells are: a CI system shows them apart from the
 * passes, and fails the pipeline on neither. */
static void count_cpu(const struct matrix *m, size_t cpu, struct suite_counts *k)
{
    memset(k, 0, sizeof(*k));
    for (size_t s = 0; s < m->n_scen; s++)
        for (size_t e = 0; e <= m->n_policies; e++) {
            const struct run *g = matrix_at(m, s, cpu, e);
            /* the grid's run; with the bare one, its virtualized reference and the QEMU/KVM
             * run judged against it */
            const struct run *runs[] = {g, e ? NULL : g->ref, e ? NULL : g->foreign_run};
            for (size_t i = 0; i < ARRAY_SIZE(runs); i++) {
                const struct run *r = runs[i];
                if (!r)
                    continue;
                k->tests++;
                k->skipped += r->na || r->xfail;
                k->failures += !r->na && !r->as_expected;
            }
        }
}

/* <skipped message="..."/> */
static void skipped(struct sbuf *sb, const char *what, const char *cell, const char *why)
{
    char *msg = cell ? xasprintf("%s: %s — %s", what, cell, why ? why : "")
                     : xasprintf("%s: %s", what, why);
    sb_add(sb, "      <skipped");
    attr(sb, "message", msg);
    sb_add(sb, "/>\n");
    free(msg);
}

/* One testcase per run: classname the scenario, name "<scenario> <cpu> <env>" as in TAP, so
 * that names are unique per row, CPU model and policy across the whole file. */
static void junit_case(struct sbuf *sb, const struct run *r)
{
    sb_add(sb, "    <testcase");
    attr(sb, "classname", r->sc->name);
    char *name = xasprintf("%s %s %s", r->sc->name, cpu_name(r->cpu), run_env(r));
    attr(sb, "name", name);
    free(name);
    if (!r->na)
        sb_addf(sb, " time=\"%.3f\"", r->proc.seconds);
    if (r->na) {
        sb_add(sb, ">\n");
        skipped(sb, "n/a", NULL, run_na_reason(r));
        sb_add(sb, "    </testcase>\n");
        return;
    }
    if (r->as_expected && r->j.verdict == V_PASS) {
        sb_add(sb, "/>\n");
        return;
    }
    sb_add(sb, ">\n");
    char *cell = run_cell(r);
    if (r->xfail)
        skipped(sb, "expected failure (xfail)", cell, r->expect_reason);
    if (r->as_expected) { /* an expected failure (or a declared reference): not a failure */
        sb_add(sb, "      <system-out>");
        text(sb, r->xfail ? "expected failure: " : "as expected: ");
        text(sb, cell);
        if (r->expect_reason) {
            text(sb, " — ");
            text(sb, r->expect_reason);
        }
        if (r->j.detail) {
            text(sb, "\n");
            text(sb, r->j.detail);
        }
        sb_add(sb, "</system-out>\n");
    } else {
        char *msg =
            xasprintf("expected %s, got %s", verdict_name(r->expected), verdict_name(r->j.verdict));
        sb_add(sb, "      <failure");
        attr(sb, "message", msg);
        attr(sb, "type", verdict_name(r->j.verdict));
        sb_add(sb, ">");
        free(msg);
        text(sb, cell);
        if (r->expect_reason) {
            text(sb, "\nexpected ");
            text(sb, verdict_name(r->expected));
            text(sb, ": ");
            text(sb, r->expect_reason);
        }
        if (r->j.detail) {
            text(sb, "\n");
            text(sb, r->j.detail);
        }
        text(sb, "\nrun directory: ");
        text(sb, r->dir);
        sb_add(sb, "</failure>\n");
    }
    free(cell);
    sb_add(sb, "    </testcase>\n");
}

char *report_junit(const struct matrix *m, const struct report_info *info)
{
    struct sbuf sb = {0};
    struct suite_counts all = {0}, k;
    for (size_t c = 0; c < m->n_cpus; c++) {
        count_cpu(m, c, &k);
        all.tests += k.tests;
        all.failures += k.failures;
        all.skipped += k.skipped;
    }
    sb_add(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb_addf(&sb,
            "<testsuites name=\"redeliver\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "skipped=\"%zu\">\n",
            all.tests, all.failures, all.skipped);
    for (size_t c = 0; c < m->n_cpus; c++) {
        count_cpu(m, c, &k);
        double seconds = 0;
        for (size_t s = 0; s < m->n_scen; s++)
            for (size_t e = 0; e <= m->n_policies; e++) {
                seconds += matrix_at(m, s, c, e)->proc.seconds;
                if (e == 0 && matrix_at(m, s, c, 0)->ref)
                    seconds += matrix_at(m, s, c, 0)->ref->proc.seconds;
                if (e == 0 && matrix_at(m, s, c, 0)->foreign_run)
                    seconds += matrix_at(m, s, c, 0)->foreign_run->proc.seconds;
            }
        char *name = xasprintf("redeliver.%s", cpu_name(m->cpus[c]));
        sb_add(&sb, "  <testsuite");
        attr(&sb, "name", name);
        free(name);
        sb_addf(&sb,
                " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                "time=\"%.3f\">\n",
                k.tests, k.failures, k.skipped, seconds);
        sb_add(&sb, "    <properties>\n      <property name=\"results\"");
        attr(&sb, "value", info->results);
        sb_add(&sb, "/>\n");
        if (info->profile) {
            sb_add(&sb, "      <property name=\"profile\"");
            attr(&sb, "value", info->profile);
            sb_add(&sb, "/>\n");
        }
        if (info->fault) {
            sb_add(&sb, "      <property name=\"fault\"");
            attr(&sb, "value", info->fault);
            sb_add(&sb, "/>\n");
        }
        sb_add(&sb, "    </properties>\n");
        for (size_t s = 0; s < m->n_scen; s++)
            for (size_t e = 0; e <= m->n_policies; e++) {
                junit_case(&sb, matrix_at(m, s, c, e));
                if (e == 0 && matrix_at(m, s, c, 0)->ref) /* the virtualized reference */
                    junit_case(&sb, matrix_at(m, s, c, 0)->ref);
                if (e == 0 && matrix_at(m, s, c, 0)->foreign_run) /* QEMU/KVM, under test */
                    junit_case(&sb, matrix_at(m, s, c, 0)->foreign_run);
            }
        sb_add(&sb, "  </testsuite>\n");
    }
    sb_add(&sb, "</testsuites>\n");
    return sb.buf;
}
