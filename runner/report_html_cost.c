/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_html_cost.c — the cost table of results.html: per row and policy, what the
 * run cost under hv/ (runner/cost.h: the numbers summary.json's "cost" holds). */
#include "runner/report_html.h"

#include <stdlib.h>

#include "runner/cost.h"

static void count(struct sbuf *sb, long v)
{
    if (v < 0)
        sb_add(sb, "?");
    else
        sb_addf(sb, "%ld", v);
}

static void cost_cell(struct sbuf *sb, const struct run *r)
{
    if (r->na) {
        sb_add(sb, "<td class=\"v-na\">n/a</td>");
        return;
    }
    const struct run_cost *c = &r->trace.cost;
    char *path = html_cell_path(r);
    sb_add(sb, "<td class=\"cost\"><a");
    html_attr(sb, "href", path);
    sb_add(sb, ">");
    count(sb, cost_exits_without_io(c));
    sb_add(sb, " / ");
    count(sb, r->trace.vectoring_exits);
    sb_add(sb, " / ");
    count(sb, cost_reinjections(c));
    sb_add(sb, "</a>");
    if (c->exits.seen && !c->exits.malformed && c->exits.n) {
        sb_add(sb, "<details><summary>by reason</summary>");
        for (size_t i = 0; i < c->exits.n; i++) {
            html_text(sb, c->exits.name[i]);
            sb_addf(sb, " %ld<br>", c->exits.count[i]);
        }
        for (size_t i = 0; c->actions.seen && !c->actions.malformed && i < c->actions.n; i++) {
            sb_add(sb, "action ");
            html_text(sb, c->actions.name[i]);
            sb_addf(sb, " %ld<br>", c->actions.count[i]);
        }
        sb_add(sb, "</details>");
    }
    sb_add(sb, "</td>");
    free(path);
}

void html_cost_table(struct sbuf *sb, const struct matrix *m)
{
    for (size_t c = 0; c < m->n_cpus && m->n_policies; c++) {
        if (!cpu_has_vmx(m->cpus[c]))
            continue;
        sb_add(sb, "<h2>Cost on ");
        html_text(sb, cpu_name(m->cpus[c]));
        sb_add(sb, "</h2>\n<p>Per row and policy: exits other than port I/O (the guest's console "
                   "bytes, which vary with what it prints) / exits with valid IDT-vectoring "
                   "information / re-injections (decisions <code>reinject</code>), from hv/'s "
                   "<code>hv: exit-counts</code>, <code>hv: vectoring-exits</code> and "
                   "<code>hv: idtv-actions</code> lines; the same numbers as summary.json's "
                   "<code>cost</code> and docs/ANSWER.md's cost block.</p>\n"
                   "<table class=\"cost\">\n<tr><th>scenario</th>");
        for (size_t p = 0; p < m->n_policies; p++) {
            sb_add(sb, "<th>");
            html_text(sb, m->policies[p]);
            sb_add(sb, "</th>");
        }
        sb_add(sb, "</tr>\n");
        for (size_t s = 0; s < m->n_scen; s++) {
            sb_add(sb, "<tr><td>");
            html_text(sb, m->scen[s]->name);
            sb_add(sb, "</td>");
            for (size_t e = 1; e <= m->n_policies; e++)
                cost_cell(sb, matrix_at(m, s, c, e));
            sb_add(sb, "</tr>\n");
        }
        sb_add(sb, "</table>\n");
    }
}
