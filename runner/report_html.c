/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_html.c — results.html: the matrix, one table per family with a header row per
 * docs/cases.md entry, each cell coloured by what the guest saw and marked with what the
 * catalogue expects, linked to its cell page; n/a cells folded in <details>; the cost table;
 * the lines under table.txt. No script: readable in any browser, offline. Every cell carries
 * its run as data-* attributes (the same words as summary.json) for tools. */
#include "runner/report_html.h"

#include <stdlib.h>
#include <string.h>

const char html_style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
    "table{border-collapse:collapse;margin:.5em 0}\n"
    "th,td{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}\n"
    "td.cell{font-family:monospace;white-space:nowrap}\n"
    "td.cell a,a.run{color:inherit;text-decoration:none;display:block}\n"
    "tr.case th{background:#f3f3f3;font-weight:normal;font-style:italic}\n"
    ".mark{font-weight:bold;margin-left:.4em}\n.mark.bad{border:2px solid #000;padding:0 .2em}\n"
    ".v-pass{background:#c8ecc8}\n.v-lost{background:#f4a6a6}\n"
    ".v-duplicated{background:#f8c89a}\n.v-reordered{background:#f6b8d8}\n"
    ".v-moved{background:#f9e79f}\n.v-different{background:#e8b0a0}\n"
    ".v-livelock{background:#c9b3f0}\n.v-hang{background:#b3b8f0}\n"
    ".v-crash{background:#777;color:#fff}\n.v-error{background:#e0c0ff}\n"
    ".v-timeout{background:#b0d8f0}\n.v-entry-fail{background:#a0e0e0}\n"
    ".v-triple-fault{background:#d0a070}\n.v-failed{background:#f08080}\n"
    ".v-skip{background:#f4f4f4}\n.v-na{background:#e4e4e4;color:#666}\n"
    "span.key{display:inline-block;padding:0 .5em;margin:0 .3em .3em 0;border:1px solid #999}\n"
    "li{font-family:monospace;margin:.2em 0}\n"
    "pre{background:#f7f7f7;border:1px solid #ccc;padding:.5em;overflow-x:auto}\n"
    "td.same{}\ntd.missing{background:#f4a6a6}\ntd.extra{background:#f9e79f}\n"
    "td.ev{font-family:monospace;white-space:pre}\n"
    "tr.idtv td{background:#fff4d0}\ntable.hv td.ev{white-space:pre-wrap;word-break:break-all}\n";

void html_text(struct sbuf *sb, const char *s)
{
    markup_text(sb, s, false);
}

void html_attr(struct sbuf *sb, const char *name, const char *value)
{
    sb_addf(sb, " %s=\"", name);
    markup_text(sb, value, true);
    sb_add(sb, "\"");
}

const char *html_verdict_class(enum verdict v)
{
    static const char *const cls[V_COUNT] = {
        [V_NONE] = "v-error",
        [V_PASS] = "v-pass",
        [V_SKIP] = "v-skip",
        [V_FAILED] = "v-failed",
        [V_ERROR] = "v-error",
        [V_CRASH] = "v-crash",
        [V_TIMEOUT] = "v-timeout",
        [V_ENTRY_FAIL] = "v-entry-fail",
        [V_TRIPLE_FAULT] = "v-triple-fault",
        [V_LIVELOCK] = "v-livelock",
        [V_HANG] = "v-hang",
        [V_LOST] = "v-lost",
        [V_DUPLICATED] = "v-duplicated",
        [V_REORDERED] = "v-reordered",
        [V_DIFFERENT] = "v-different",
        [V_MOVED] = "v-moved",
        [V_NA] = "v-na",
    };
    return (unsigned)v < V_COUNT && cls[v] ? cls[v] : "v-error";
}

const char *html_expect_mark(const struct run *r)
{
    return r->xfail         ? "\xe2\x9c\x93 xfail"
           : r->as_expected ? "\xe2\x9c\x93"
                            : "\xe2\x9c\x97 unexpected";
}

const char *html_env(const struct run *r)
{
    return r->reference ? REFERENCE_ENV : r->foreign ? FOREIGN_ENV : r->policy ? "virt" : "bare";
}

char *html_cell_path(const struct run *r)
{
    if (r->na)
        return NULL;
    return xasprintf("cells/%s/%s-%s.html", r->sc->name, cpu_name(r->cpu),
                     r->reference ? "ref-virt"
                     : r->foreign ? FOREIGN_ENV
                     : r->policy  ? r->policy
                                  : "bare");
}

/* The data-* attributes of one run: what the report-check compares with summary.json. */
static void run_data(struct sbuf *sb, const struct run *r)
{
    html_attr(sb, "data-scenario", r->sc->name);
    html_attr(sb, "data-cpu", cpu_name(r->cpu));
    html_attr(sb, "data-env", html_env(r));
    html_attr(sb, "data-policy", r->policy ? r->policy : "");
    html_attr(sb, "data-verdict", verdict_name(r->j.verdict));
    html_attr(sb, "data-expected", verdict_name(r->expected));
    html_attr(sb, "data-as-expected", r->as_expected ? "true" : "false");
}

/* One run as a link to its page: verdict (coloured), v=N, the catalogue's mark. */
static void run_link(struct sbuf *sb, const struct run *r, bool in_cell)
{
    char *path = html_cell_path(r), *title = report_run_line(r);
    sb_addf(sb, "<a class=\"run%s%s\"", in_cell ? "" : " ",
            in_cell ? "" : html_verdict_class(r->j.verdict));
    html_attr(sb, "href", path);
    html_attr(sb, "title", title);
    run_data(sb, r);
    sb_add(sb, ">");
    if (r->reference)
        sb_add(sb, REFERENCE_ENV " ");
    html_text(sb, verdict_name(r->j.verdict));
    if (r->policy) {
        if (r->trace.vectoring_exits >= 0 && !r->trace.hv_summary_malformed)
            sb_addf(sb, " v=%ld", r->trace.vectoring_exits);
        else
            sb_add(sb, " v=?");
    }
    sb_addf(sb, "<span class=\"mark%s\">%s</span></a>", r->as_expected ? "" : " bad",
            html_expect_mark(r));
    free(path);
    free(title);
}

static void na_span(struct sbuf *sb, const struct run *r)
{
    sb_add(sb, "<span class=\"run v-na\"");
    run_data(sb, r);
    sb_add(sb, ">");
    html_text(sb, r->reference ? REFERENCE_ENV : r->policy ? r->policy : "bare");
    sb_add(sb, "</span> ");
}

static void cell(struct sbuf *sb, const struct run *r)
{
    if (r->na) {
        sb_add(sb, "<td class=\"cell v-na\"><details><summary>n/a</summary>");
        na_span(sb, r);
        html_text(sb, run_na_reason(r));
        sb_add(sb, "</details></td>");
        return;
    }
    sb_addf(sb, "<td class=\"cell %s\">", html_verdict_class(r->j.verdict));
    run_link(sb, r, true);
    if (r->ref) { /* the virtualized reference of a `reference = virt` row, never silent */
        if (r->ref->na)
            na_span(sb, r->ref);
        else
            run_link(sb, r->ref, false);
    }
    sb_add(sb, "</td>");
}

static void row(struct sbuf *sb, const struct matrix *m, size_t s, size_t c)
{
    bool all_na = m->n_policies > 0;
    for (size_t e = 1; e <= m->n_policies; e++)
        all_na &= matrix_at(m, s, c, e)->na;
    sb_add(sb, "<tr><td");
    html_attr(sb, "title", m->scen[s]->summary);
    sb_add(sb, ">");
    html_text(sb, m->scen[s]->name);
    sb_add(sb, "</td><td>");
    html_text(sb, cpu_name(m->cpus[c]));
    sb_add(sb, "</td>");
    cell(sb, matrix_at(m, s, c, 0));
    if (!all_na) {
        for (size_t e = 1; e <= m->n_policies; e++)
            cell(sb, matrix_at(m, s, c, e));
    } else { /* a CPU model without VMX: one folded cell for the row */
        sb_addf(sb, "<td class=\"cell v-na\" colspan=\"%zu\"><details><summary>n/a &#215; %zu",
                m->n_policies, m->n_policies);
        sb_add(sb, "</summary>");
        for (size_t e = 1; e <= m->n_policies; e++)
            na_span(sb, matrix_at(m, s, c, e));
        sb_add(sb, "<br>");
        html_text(sb, run_na_reason(matrix_at(m, s, c, 1)));
        sb_add(sb, "</details></td>");
    }
    if (m->kvm_column) { /* the hypervisor under test, judged against this row's bare run */
        const struct run *k = matrix_at(m, s, c, 0)->foreign_run;
        if (k)
            cell(sb, k);
        else
            sb_add(sb, "<td class=\"cell\">-</td>");
    }
    sb_add(sb, "</tr>\n");
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* One table per family (catalogue order of first appearance); inside it, rows grouped by
 * docs/cases.md entry (order of first appearance in the family). */
static void tables(struct sbuf *sb, const struct matrix *m)
{
    bool *done = xcalloc(m->n_scen + 1, sizeof(*done));
    for (size_t f = 0; f < m->n_scen; f++) {
        if (done[f])
            continue;
        const char *family = m->scen[f]->family;
        sb_add(sb, "<h3>family: ");
        html_text(sb, family ? family : "(none)");
        sb_add(sb,
               "</h3>\n<table class=\"matrix\">\n<tr><th>scenario</th><th>cpu</th><th>bare</th>");
        for (size_t p = 0; p < m->n_policies; p++) {
            sb_add(sb, "<th>");
            html_text(sb, m->policies[p]);
            sb_add(sb, "</th>");
        }
        if (m->kvm_column)
            sb_addf(sb, "<th>%s</th>", cpu_name(CPU_QEMU_KVM));
        sb_add(sb, "</tr>\n");
        for (size_t k = f; k < m->n_scen; k++) {
            if (done[k] || !same_text(m->scen[k]->family, family))
                continue;
            const char *cs = m->scen[k]->case_ref;
            sb_addf(sb, "<tr class=\"case\"><th colspan=\"%zu\">",
                    m->n_policies + 3 + m->kvm_column);
            html_text(sb, cs ? cs : "(no docs/cases.md entry)");
            sb_add(sb, "</th></tr>\n");
            for (size_t s = k; s < m->n_scen; s++)
                if (!done[s] && same_text(m->scen[s]->family, family) &&
                    same_text(m->scen[s]->case_ref, cs)) {
                    done[s] = true;
                    for (size_t c = 0; c < m->n_cpus; c++)
                        row(sb, m, s, c);
                }
        }
        sb_add(sb, "</table>\n");
    }
    free(done);
}

static void legend(struct sbuf *sb)
{
    sb_add(sb, "<p>Colour: what the guest saw. ");
    for (int v = V_PASS; v < V_COUNT; v++) {
        sb_addf(sb, "<span class=\"key %s\">", html_verdict_class((enum verdict)v));
        html_text(sb, verdict_name((enum verdict)v));
        sb_add(sb, "</span>");
    }
    sb_add(sb, "<br>Mark: what tests/scenarios.cfg expects — <b>\xe2\x9c\x93</b> as expected, "
               "<b>\xe2\x9c\x93 xfail</b> an expected failure, <b>\xe2\x9c\x97 unexpected</b>. "
               "v=N: exits with valid IDT-vectoring information. Each cell links to its "
               "page: traces, hv/'s decisions, exits, the bochsrc and the command that reruns "
               "it.</p>\n");
}

/* <h2>title</h2><ul> before the first item; *open says whether it was written. */
static void item(struct sbuf *sb, bool *open, const char *title, char *line)
{
    if (!*open)
        sb_addf(sb, "<h2>%s</h2>\n<ul>\n", title);
    *open = true;
    sb_add(sb, "<li>");
    html_text(sb, line);
    sb_add(sb, "</li>\n");
    free(line);
}

static void close_list(struct sbuf *sb, bool *open)
{
    if (*open)
        sb_add(sb, "</ul>\n");
    *open = false;
}

static void lines(struct sbuf *sb, const struct matrix *m)
{
    bool open = false;
    for (size_t i = 0; i < m->n_runs; i++)
        if (!m->runs[i].as_expected)
            item(sb, &open, "Unexpected (\xe2\x9c\x97)", report_run_line(&m->runs[i]));
    close_list(sb, &open);
    for (size_t i = 0; i < m->n_runs; i++)
        if (m->runs[i].xfail)
            item(sb, &open, "Expected failures (xfail, with the catalogue&#39;s reason)",
                 report_xfail_line(&m->runs[i]));
    close_list(sb, &open);
    for (size_t s = 0; s < m->n_scen; s++)
        for (size_t p = 0; p < m->n_policies; p++) {
            const char *note = scenario_note(m->scen[s], m->policies[p]);
            if (note)
                item(sb, &open, "Notes",
                     xasprintf("%s %s: %s", m->scen[s]->name, m->policies[p], note));
        }
    close_list(sb, &open);
}

static void para(struct sbuf *sb, char *text)
{
    sb_add(sb, "<p>");
    html_text(sb, text);
    sb_add(sb, "</p>\n");
    free(text);
}

char *report_html(const struct matrix *m, const struct report_info *info)
{
    struct sbuf sb = {0};
    sb_add(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<title>redeliver results</title>\n<style>\n");
    sb_add(&sb, html_style);
    sb_add(&sb, "</style>\n</head>\n<body>\n<h1>redeliver results</h1>\n");
    char *origin = report_origin(info);
    if (*origin)
        para(&sb, origin);
    else
        free(origin);
    legend(&sb);
    sb_add(&sb, "<h2>Matrix</h2>\n");
    tables(&sb, m);
    lines(&sb, m);
    for (size_t c = 0; c < m->n_cpus && m->n_policies; c++)
        if (!cpu_has_vmx(m->cpus[c]))
            para(&sb, xasprintf("n/a: %s: %s.", cpu_name(m->cpus[c]), na_reason(m->cpus[c])));
    if (info->profile && strcmp(info->profile, "minimal") != 0)
        para(&sb, xasprintf("profile: %s (hv/'s intercepts in every virtualized run; "
                            "docs/hv.md)",
                            info->profile));
    if (info->fault)
        para(&sb, xasprintf("fault: --fault %s was written into the images: a harness "
                            "self-test, not a conformance result.",
                            info->fault));
    html_cost_table(&sb, m);
    para(&sb, report_total_line(m, info));
    sb_add(&sb, "</body>\n</html>\n");
    return sb.buf;
}
