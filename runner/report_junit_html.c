/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_junit_html.c — results.xml (JUnit XML, for CI: Jenkins, GitLab) and
 * results.html (one static page for people). Same runs, cells and lines as table.txt. */
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
                k->skipped += r->na;
                k->failures += !r->na && !r->as_expected;
            }
        }
}

static void junit_case(struct sbuf *sb, const struct run *r)
{
    sb_add(sb, "    <testcase");
    attr(sb, "classname", r->sc->name);
    attr(sb, "name", run_env(r));
    if (!r->na)
        sb_addf(sb, " time=\"%.3f\"", r->proc.seconds);
    if (r->na) {
        sb_add(sb, ">\n      <skipped");
        char *msg = xasprintf("n/a: %s", r->na_why ? r->na_why : na_reason(r->cpu));
        attr(sb, "message", msg);
        free(msg);
        sb_add(sb, "/>\n    </testcase>\n");
        return;
    }
    if (r->as_expected && r->j.verdict == V_PASS) {
        sb_add(sb, "/>\n");
        return;
    }
    sb_add(sb, ">\n");
    char *cell = run_cell(r);
    if (r->as_expected) { /* an expected failure (or a declared reference): passes */
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

/* ---- HTML ---- */

/* The class of a cell: its color. */
static const char *cell_class(const struct run *r)
{
    if (r->na)
        return "na";
    if (r->xfail)
        return "xfail";
    if (r->as_expected)
        return "pass";
    return r->j.verdict == V_ERROR ? "error" : "unexpected";
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>redeliver results</title>\n<style>\n"
    "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
    "table{border-collapse:collapse}\n"
    "th,td{border:1px solid #999;padding:.25em .6em;text-align:left;white-space:nowrap}\n"
    "td.cell{font-family:monospace}\n"
    ".pass{background:#c8ecc8}\n.xfail{background:#fbeaa6}\n"
    ".unexpected{background:#f4a6a6;font-weight:bold}\n"
    ".error{background:#d9a6f4;font-weight:bold}\n.na{background:#e4e4e4;color:#666}\n"
    "span.key{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #999}\n"
    "li{font-family:monospace;margin:.2em 0}\n"
    "</style>\n</head>\n<body>\n<h1>redeliver results</h1>\n";

static void html_table(struct sbuf *sb, const struct matrix *m)
{
    bool cpu_col = m->n_cpus > 1;
    sb_add(sb, "<table>\n<tr><th>scenario</th>");
    if (cpu_col)
        sb_add(sb, "<th>cpu</th>");
    sb_add(sb, "<th>bare</th>");
    for (size_t p = 0; p < m->n_policies; p++) {
        sb_add(sb, "<th>");
        text(sb, m->policies[p]);
        sb_add(sb, "</th>");
    }
    if (m->kvm_column)
        sb_addf(sb, "<th>%s</th>", cpu_name(CPU_QEMU_KVM));
    sb_add(sb, "</tr>\n");
    for (size_t s = 0; s < m->n_scen; s++)
        for (size_t c = 0; c < m->n_cpus; c++) {
            sb_add(sb, "<tr><td>");
            text(sb, m->scen[s]->name);
            sb_add(sb, "</td>");
            if (cpu_col) {
                sb_add(sb, "<td>");
                text(sb, cpu_name(m->cpus[c]));
                sb_add(sb, "</td>");
            }
            for (size_t e = 0; e <= m->n_policies + m->kvm_column; e++) {
                const struct run *r =
                    e <= m->n_policies ? matrix_at(m, s, c, e) : matrix_at(m, s, c, 0)->foreign_run;
                if (!r) { /* the QEMU/KVM column is judged against another row */
                    sb_add(sb, "<td class=\"cell\">-</td>");
                    continue;
                }
                char *title = r->na
                                  ? xasprintf("n/a: %s", r->na_why ? r->na_why : na_reason(r->cpu))
                                  : report_run_line(r);
                char *cell = run_cell(r);
                sb_addf(sb, "<td class=\"cell %s\"", cell_class(r));
                attr(sb, "title", title);
                sb_add(sb, ">");
                text(sb, cell);
                sb_add(sb, "</td>");
                free(title);
                free(cell);
            }
            sb_add(sb, "</tr>\n");
        }
    sb_add(sb, "</table>\n");
}

/* <h2>title</h2><ul> before the first item; *open says whether it was written. */
static void html_item(struct sbuf *sb, bool *open, const char *title, const char *item)
{
    if (!*open)
        sb_addf(sb, "<h2>%s</h2>\n<ul>\n", title);
    *open = true;
    sb_add(sb, "<li>");
    text(sb, item);
    sb_add(sb, "</li>\n");
}

static void html_close(struct sbuf *sb, bool open)
{
    if (open)
        sb_add(sb, "</ul>\n");
}

static void html_lines(struct sbuf *sb, const struct matrix *m)
{
    bool open = false;
    for (size_t i = 0; i < m->n_runs; i++)
        if (!m->runs[i].as_expected) {
            char *line = report_run_line(&m->runs[i]);
            html_item(sb, &open, "Unexpected (! in the table)", line);
            free(line);
        }
    html_close(sb, open);
    open = false;
    for (size_t i = 0; i < m->n_runs; i++)
        if (m->runs[i].xfail) {
            char *line = report_xfail_line(&m->runs[i]);
            html_item(sb, &open, "Expected failures (xfail, with the catalogue&#39;s reason)",
                      line);
            free(line);
        }
    html_close(sb, open);
    open = false;
    for (size_t s = 0; s < m->n_scen; s++)
        for (size_t p = 0; p < m->n_policies; p++) {
            const char *note = scenario_note(m->scen[s], m->policies[p]);
            if (!note)
                continue;
            char *line = xasprintf("%s %s: %s", m->scen[s]->name, m->policies[p], note);
            html_item(sb, &open, "Notes", line);
            free(line);
        }
    html_close(sb, open);
}

char *report_html(const struct matrix *m, const struct report_info *info)
{
    struct sbuf sb = {0};
    sb_add(&sb, html_head);
    char *origin = report_origin(info);
    if (*origin) {
        sb_add(&sb, "<p>");
        text(&sb, origin);
        sb_add(&sb, "</p>\n");
    }
    free(origin);
    if (m->n_cpus == 1)
        sb_addf(&sb, "<p>cpu: %s</p>\n", cpu_name(m->cpus[0]));
    sb_add(&sb, "<p><span class=\"key pass\">as expected</span>"
                "<span class=\"key xfail\">expected failure (xfail)</span>"
                "<span class=\"key unexpected\">unexpected (!)</span>"
                "<span class=\"key error\">unexpected ERROR</span>"
                "<span class=\"key na\">n/a</span> — hover a cell for its detail</p>\n");
    html_table(&sb, m);
    sb_add(&sb, "<p>(v=N: exits with valid IDT-vectoring information in that run)</p>\n");
    html_lines(&sb, m);
    if (m->kvm_na) {
        char *line = xasprintf("n/a: %s (the column): %s.", cpu_name(CPU_QEMU_KVM), m->kvm_na);
        sb_add(&sb, "<p>");
        text(&sb, line);
        sb_add(&sb, "</p>\n");
        free(line);
    }
    for (size_t c = 0; c < m->n_cpus && m->n_policies; c++)
        if (!cpu_has_vmx(m->cpus[c])) {
            char *line = xasprintf("n/a: %s: %s.", cpu_name(m->cpus[c]), na_reason(m->cpus[c]));
            sb_add(&sb, "<p>");
            text(&sb, line);
            sb_add(&sb, "</p>\n");
            free(line);
        }
    if (info->fault) {
        sb_add(&sb, "<p>fault: --fault ");
        text(&sb, info->fault);
        sb_add(&sb, " was written into the images: a harness self-test, not a conformance "
                    "result.</p>\n");
    }
    char *total = report_total_line(m, info);
    sb_add(&sb, "<p>");
    text(&sb, total);
    sb_add(&sb, "</p>\n</body>\n</html>\n");
    free(total);
    return sb.buf;
}
