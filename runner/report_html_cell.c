/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_html_cell.c — one page per cell (cells/<row>/<cpu>-<col>.html): why the cell
 * has its verdict. The run's trace beside its reference's (bare, or the unperturbed
 * virtualized run of a `reference = virt` row) with the differences marked, the timeline,
 * hv/'s lines (its IDT-vectoring decisions highlighted), the exit counts, the command that
 * reruns it and its bochsrc, and links to every file of the run directory. */
#include "runner/report_html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cost.h"

#define TRACE_SHOWN 400 /* EV lines aligned per side; a longer trace is cut, and says so */

/* A file of the run directory, at most HTML_FILE_SHOWN bytes, NULs as U+FFFD; NULL when
 * absent. */
static char *run_file(const struct run *r, const char *name, bool *cut)
{
    char *path = path_join(r->dir, name);
    size_t len = 0;
    *cut = false;
    char *t = is_file(path) ? read_file_max(path, HTML_FILE_SHOWN, &len, cut) : NULL;
    free(path);
    for (size_t i = 0; t && i < len; i++)
        if (!t[i])
            t[i] = '\x01'; /* markup_text writes U+FFFD for it */
    return t;
}

static void pre_file(struct sbuf *sb, const struct run *r, const char *name, const char *title)
{
    bool cut;
    char *t = run_file(r, name, &cut);
    sb_addf(sb, "<h2>%s</h2>\n", title);
    if (!t) {
        sb_addf(sb, "<p>(no %s in the run directory)</p>\n", name);
        return;
    }
    sb_add(sb, "<pre>");
    html_text(sb, t);
    sb_add(sb, "</pre>\n");
    if (cut)
        sb_addf(sb, "<p>(only the first %d KiB are shown: see the file)</p>\n",
                HTML_FILE_SHOWN / 1024);
    free(t);
}

/* The two traces aligned by their longest common subsequence; a run of missing lines
 * followed by extra ones is shown side by side (a changed line). */
static void ev_row(struct sbuf *sb, const char *a, const char *b)
{
    const char *ca = !a ? "" : b && !strcmp(a, b) ? "same" : "missing";
    const char *cb = !b ? "" : a && !strcmp(a, b) ? "same" : "extra";
    sb_addf(sb, "<tr><td class=\"ev %s\">", ca);
    html_text(sb, a ? a : "");
    sb_addf(sb, "</td><td class=\"ev %s\">", cb);
    html_text(sb, b ? b : "");
    sb_add(sb, "</td></tr>\n");
}

static void aligned(struct sbuf *sb, char **a, size_t na, char **b, size_t nb)
{
    size_t w = nb + 1, n_ops = 0, i = 0, j = 0;
    unsigned short *l = xcalloc((na + 1) * w, sizeof(*l));
    char *ops = xmalloc(na + nb + 1); /* '=' both, '-' reference only, '+' this run only */
    for (size_t x = na; x-- > 0;)
        for (size_t y = nb; y-- > 0;) {
            unsigned short down = l[(x + 1) * w + y], right = l[x * w + y + 1];
            l[x * w + y] = !strcmp(a[x], b[y]) ? (unsigned short)(l[(x + 1) * w + y + 1] + 1)
                           : down >= right     ? down
                                               : right;
        }
    while (i < na || j < nb) {
        if (i < na && j < nb && !strcmp(a[i], b[j])) {
            ops[n_ops++] = '=';
            i++, j++;
        } else if (i < na && (j == nb || l[(i + 1) * w + j] >= l[i * w + j + 1])) {
            ops[n_ops++] = '-';
            i++;
        } else {
            ops[n_ops++] = '+';
            j++;
        }
    }
    i = j = 0;
    for (size_t k = 0; k < n_ops;) {
        if (ops[k] == '=') {
            ev_row(sb, a[i++], b[j++]);
            k++;
            continue;
        }
        size_t del = 0, ins = 0; /* a run of '-' then '+': side by side */
        while (k < n_ops && ops[k] == '-')
            del++, k++;
        while (k < n_ops && ops[k] == '+')
            ins++, k++;
        for (size_t x = 0; x < del || x < ins; x++)
            ev_row(sb, x < del ? a[i + x] : NULL, x < ins ? b[j + x] : NULL);
        i += del;
        j += ins;
    }
    free(ops);
    free(l);
}

static size_t shown(size_t n)
{
    return n < TRACE_SHOWN ? n : TRACE_SHOWN;
}

static void traces(struct sbuf *sb, const struct run *r)
{
    const struct run *ref = r->policy && !r->reference ? run_reference(r) : NULL;
    sb_add(sb, "<h2>Event traces</h2>\n");
    if (!ref) {
        sb_add(sb, "<p>The EV lines the guest printed (the reference the virtualized cells of "
                   "this row are compared with).</p>\n<table class=\"trace\">\n");
        for (size_t i = 0; i < shown(r->trace.n_ev); i++) {
            sb_add(sb, "<tr><td class=\"ev\">");
            html_text(sb, r->trace.ev[i]);
            sb_add(sb, "</td></tr>\n");
        }
        if (!r->trace.n_ev)
            sb_add(sb, "<tr><td>(no EV line)</td></tr>\n");
    } else {
        sb_add(sb, "<p>Aligned line by line; <span class=\"key missing\">red</span>: in the "
                   "reference only (lost, or changed), <span class=\"key extra\">yellow</span>: "
                   "in this run only (extra, or changed).</p>\n<table class=\"trace\">\n<tr><th>");
        html_text(sb, ref->reference ? "reference: " REFERENCE_ENV " (unperturbed kvm run)"
                                     : "reference: bare");
        sb_add(sb, "</th><th>this run: ");
        html_text(sb, r->policy);
        sb_add(sb, "</th></tr>\n");
        aligned(sb, ref->trace.ev, shown(ref->trace.n_ev), r->trace.ev, shown(r->trace.n_ev));
    }
    sb_add(sb, "</table>\n");
    if (r->trace.n_ev > TRACE_SHOWN || (ref && ref->trace.n_ev > TRACE_SHOWN))
        sb_addf(sb, "<p>(only the first %d EV lines of each side are shown)</p>\n", TRACE_SHOWN);
}

static void hv_lines(struct sbuf *sb, const char *hv, bool cut)
{
    sb_add(sb, "<h2>hv/'s lines (hv.txt): its IDT-vectoring decisions highlighted</h2>\n");
    if (!hv || !*hv) {
        sb_add(sb, "<p>(hv.txt is empty or absent)</p>\n");
        return;
    }
    sb_add(sb, "<table class=\"hv\">\n");
    for (const char *p = hv; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, n);
        sb_addf(sb, "<tr%s><td class=\"ev\">",
                !strncmp(line, "hv: IDTV ", 9) ? " class=\"idtv\"" : "");
        html_text(sb, line);
        sb_add(sb, "</td></tr>\n");
        free(line);
        p += n + (nl != NULL);
    }
    sb_add(sb, "</table>\n");
    if (cut)
        sb_addf(sb, "<p>(only the first %d KiB are shown)</p>\n", HTML_FILE_SHOWN / 1024);
}

static void exits(struct sbuf *sb, const struct run *r)
{
    const struct run_cost *c = &r->trace.cost;
    sb_add(sb, "<h2>Exits</h2>\n<table class=\"exits\">\n");
    sb_addf(sb, "<tr><th>all exits</th><td>%ld</td></tr>\n", r->trace.exits);
    sb_addf(sb, "<tr><th>exits with valid IDT-vectoring information</th><td>%ld</td></tr>\n",
            r->trace.vectoring_exits);
    sb_addf(sb, "<tr><th>exits other than port I/O</th><td>%ld</td></tr>\n",
            cost_exits_without_io(c));
    sb_addf(sb, "<tr><th>re-injections</th><td>%ld</td></tr>\n", cost_reinjections(c));
    for (size_t i = 0; c->exits.seen && !c->exits.malformed && i < c->exits.n; i++) {
        sb_add(sb, "<tr><td>exit reason ");
        html_text(sb, c->exits.name[i]);
        sb_addf(sb, "</td><td>%ld</td></tr>\n", c->exits.count[i]);
    }
    for (size_t i = 0; c->actions.seen && !c->actions.malformed && i < c->actions.n; i++) {
        sb_add(sb, "<tr><td>decision ");
        html_text(sb, c->actions.name[i]);
        sb_addf(sb, "</td><td>%ld</td></tr>\n", c->actions.count[i]);
    }
    sb_add(sb, "</table>\n<p>(-1: hv/ did not print the line)</p>\n");
}

/* The run directory as seen from the page: ../../<scenario>/<leaf>/ */
static char *dir_link(const struct run *r, const char *file)
{
    const char *leaf = strrchr(r->dir, '/');
    return xasprintf("../../%s/%s/%s", r->sc->name, leaf ? leaf + 1 : r->dir, file);
}

static void files(struct sbuf *sb, const struct run *r)
{
    static const char *const names[] = {"serial.txt", "hv.txt",      "bochs.log", "qemu.log",
                                        "e9.txt",     "bochsrc",     "cmdline",   "stdout.txt",
                                        "stderr.txt", "verdict.txt", "batch.txt"};
    sb_add(sb, "<h2>Files of the run directory</h2>\n<p>");
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char *p = path_join(r->dir, names[i]);
        if (is_file(p)) {
            char *href = dir_link(r, names[i]);
            sb_add(sb, "<a class=\"file\"");
            html_attr(sb, "href", href);
            sb_addf(sb, ">%s</a> ", names[i]);
            free(href);
        }
        free(p);
    }
    sb_add(sb, "</p>\n");
}

static void header(struct sbuf *sb, const struct run *r)
{
    char *line = report_run_line(r);
    sb_add(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    html_text(sb, line);
    sb_add(sb, "</title>\n<style>\n");
    sb_add(sb, html_style);
    sb_add(
        sb,
        "</style>\n</head>\n<body>\n<p><a href=\"../../results.html\">all results</a></p>\n<h1>");
    html_text(sb, r->sc->name);
    sb_add(sb, " \xe2\x80\x94 ");
    html_text(sb, cpu_name(r->cpu));
    sb_add(sb, " \xe2\x80\x94 ");
    html_text(sb, r->reference ? REFERENCE_ENV : r->policy ? r->policy : "bare");
    sb_addf(sb, "</h1>\n<p class=\"verdict %s\"", html_verdict_class(r->j.verdict));
    html_attr(sb, "data-verdict", verdict_name(r->j.verdict));
    sb_add(sb, "><b>");
    html_text(sb, verdict_name(r->j.verdict));
    sb_addf(sb, "</b><span class=\"mark%s\">%s</span></p>\n<p>", r->as_expected ? "" : " bad",
            html_expect_mark(r));
    html_text(sb, line);
    sb_add(sb, "</p>\n<p>row: ");
    html_text(sb, r->sc->summary);
    if (r->sc->case_ref) {
        sb_add(sb, "<br>case: ");
        html_text(sb, r->sc->case_ref);
    }
    if (r->sc->family) {
        sb_add(sb, "<br>family: tests/");
        html_text(sb, r->sc->family);
        sb_add(sb, ".c");
    }
    sb_add(sb, "</p>\n");
    free(line);
}

char *report_html_cell(const struct run *r)
{
    struct sbuf sb = {0};
    bool cut = false;
    char *hv = r->policy ? run_file(r, "hv.txt", &cut) : NULL;
    header(&sb, r);
    if (r->policy)
        html_timeline(&sb, r, hv);
    traces(&sb, r);
    if (r->policy) {
        hv_lines(&sb, hv, cut);
        exits(&sb, r);
    }
    char *batch = path_join(r->dir, "batch.txt");
    if (is_file(batch)) { /* a row of a batch: which boot, and the command that runs it alone */
        sb_add(&sb, "<h2>Rerun</h2>\n");
        pre_file(&sb, r, "batch.txt", "batch.txt");
    } else {
        char *rerun = xasprintf("cd %s && sh cmdline", r->dir);
        sb_add(&sb, "<h2>Rerun</h2>\n<pre>");
        html_text(&sb, rerun);
        sb_add(&sb, "</pre>\n");
        free(rerun);
        pre_file(&sb, r, "cmdline", "cmdline");
        if (cpu_is_bochs(r->cpu)) /* QEMU's whole configuration is its command line */
            pre_file(&sb, r, "bochsrc", "bochsrc");
    }
    free(batch);
    files(&sb, r);
    sb_add(&sb, "<details><summary>what the guest printed (serial.txt)</summary>\n");
    pre_file(&sb, r, "serial.txt", "serial.txt");
    sb_add(&sb, "</details>\n</body>\n</html>\n");
    free(hv);
    return sb.buf;
}

int report_html_cells(const struct matrix *m, const char *results, char **err)
{
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct run *r = &m->runs[i];
        char *rel = html_cell_path(r);
        if (!rel)
            continue;
        char *path = path_join(results, rel), *dir = xstrdup(path);
        *strrchr(dir, '/') = 0;
        char *page = report_html_cell(r);
        int rc = mkdir_p(dir) != 0 ? -1 : write_file(path, page, strlen(page));
        if (rc != 0)
            *err = xasprintf("%s: %s", path, strerror(errno));
        free(page);
        free(dir);
        free(path);
        free(rel);
        if (rc != 0)
            return -1;
    }
    return 0;
}
