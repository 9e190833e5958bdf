/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_table.c — the verdict table and what is printed under it. */
#include "runner/report.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

/* Display width: the number of UTF-8 code points (the cells are ASCII; names may not be). */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

struct table {
    size_t cols, rows; /* rows include the header */
    char **cell;       /* rows × cols */
};

static char **at(struct table *t, size_t row, size_t col)
{
    return &t->cell[row * t->cols + col];
}

static void render(struct sbuf *sb, struct table *t)
{
    size_t *w = xcalloc(t->cols, sizeof(*w));
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->cols; c++) {
            size_t n = width(*at(t, r, c));
            w[c] = n > w[c] ? n : w[c];
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            const char *s = *at(t, r, c);
            sb_add(sb, s);
            if (c + 1 < t->cols)
                sb_pad(sb, width(s), w[c] + 2);
        }
        sb_add(sb, "\n");
    }
    free(w);
}

static void fill(struct table *t, const struct matrix *m)
{
    bool cpu_col = m->n_cpus > 1;
    size_t first = cpu_col ? 2 : 1;
    t->cols = first + 1 + m->n_policies + m->kvm_column;
    t->rows = 1 + m->n_scen * m->n_cpus;
    t->cell = xcalloc(t->cols * t->rows, sizeof(*t->cell));
    *at(t, 0, 0) = xstrdup("scenario");
    if (cpu_col)
        *at(t, 0, 1) = xstrdup("cpu");
    *at(t, 0, first) = xstrdup("bare");
    for (size_t p = 0; p < m->n_policies; p++)
        *at(t, 0, first + 1 + p) = xstrdup(m->policies[p]);
    if (m->kvm_column) /* the hypervisor under test, judged against one bare row */
        *at(t, 0, t->cols - 1) = xstrdup(cpu_name(CPU_QEMU_KVM));
    size_t row = 1;
    for (size_t s = 0; s < m->n_scen; s++)
        for (size_t c = 0; c < m->n_cpus; c++, row++) {
            *at(t, row, 0) = xstrdup(m->scen[s]->name);
            if (cpu_col)
                *at(t, row, 1) = xstrdup(cpu_name(m->cpus[c]));
            for (size_t e = 0; e <= m->n_policies; e++)
                *at(t, row, first + e) = run_cell(matrix_at(m, s, c, e));
            if (m->kvm_column) {
                const struct run *k = matrix_at(m, s, c, 0)->foreign_run;
                *at(t, row, t->cols - 1) = k ? run_cell(k) : xstrdup("-");
            }
        }
}

static void free_table(struct table *t)
{
    for (size_t i = 0; i < t->rows * t->cols; i++)
        free(t->cell[i]);
    free(t->cell);
}

char *report_run_line(const struct run *r)
{
    struct sbuf sb = {0};
    sb_addf(&sb, "%s %s %s: %s, expected %s", r->sc->name, cpu_name(r->cpu), run_env(r),
            verdict_name(r->j.verdict), verdict_name(r->expected));
    if (r->expect_reason)
        sb_addf(&sb, " (%s)", r->expect_reason);
    if (r->j.detail)
        sb_addf(&sb, " — %s", r->j.detail);
    sb_addf(&sb, " [%s]", r->dir);
    return sb.buf;
}

char *report_xfail_line(const struct run *r)
{
    return xasprintf("%s %s %s: %s — %s", r->sc->name, cpu_name(r->cpu), run_env(r),
                     verdict_name(r->j.verdict), r->expect_reason);
}

char *report_total_line(const struct matrix *m, const struct report_info *info)
{
    struct matrix_totals tot;
    matrix_totals(m, &tot);
    struct sbuf sb = {0};
    sb_addf(&sb, "total: %zu run%s, %zu as expected (%zu xfail), %zu unexpected", tot.runs,
            tot.runs == 1 ? "" : "s", tot.as_expected, tot.xfail, tot.unexpected);
    if (tot.na)
        sb_addf(&sb, ", %zu n/a", tot.na);
    sb_addf(&sb, " — details in %s", info->results);
    return sb.buf;
}

static void unexpected_lines(struct sbuf *sb, const struct matrix *m)
{
    bool header = false;
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct run *r = &m->runs[i];
        if (r->as_expected)
            continue;
        if (!header)
            sb_add(sb, "\nunexpected (! in the table):\n");
        header = true;
        char *line = report_run_line(r);
        sb_addf(sb, "  %s\n", line);
        free(line);
    }
}

static void xfail_lines(struct sbuf *sb, const struct matrix *m)
{
    bool header = false;
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct run *r = &m->runs[i];
        if (!r->xfail)
            continue;
        if (!header)
            sb_add(sb, "\nexpected failures (xfail, with the catalogue's reason):\n");
        header = true;
        char *line = report_xfail_line(r);
        sb_addf(sb, "  %s\n", line);
        free(line);
    }
}

static void note_lines(struct sbuf *sb, const struct matrix *m)
{
    bool header = false;
    for (size_t s = 0; s < m->n_scen; s++)
        for (size_t p = 0; p < m->n_policies; p++) {
            const char *note = scenario_note(m->scen[s], m->policies[p]);
            if (!note)
                continue;
            if (!header)
                sb_add(sb, "\nnotes:\n");
            header = true;
            sb_addf(sb, "  %s %s: %s\n", m->scen[s]->name, m->policies[p], note);
        }
}

/* Rows whose reference is the unperturbed virtualized run: said under the table. */
static void reference_lines(struct sbuf *sb, const struct matrix *m)
{
    bool header = false;
    for (size_t s = 0; s < m->n_scen; s++) {
        if (!m->scen[s]->reference_virt)
            continue;
        if (!header)
            sb_add(sb, "\nreference = virt (the bare column shows the reference run, " REFERENCE_ENV
                       "): the event exists only under a hypervisor, so the run under hv/ with "
                       "policy " REFERENCE_POLICY " and the perturbation off is the reference; "
                       "every policy is judged against its trace:\n");
        header = true;
        sb_addf(sb, "  %s\n", m->scen[s]->name);
    }
}

static void na_lines(struct sbuf *sb, const struct matrix *m)
{
    if (m->kvm_na)
        sb_addf(sb, "\nn/a: %s (the column): %s.\n", cpu_name(CPU_QEMU_KVM), m->kvm_na);
    if (m->n_policies == 0)
        return;
    for (size_t c = 0; c < m->n_cpus; c++)
        if (!cpu_has_vmx(m->cpus[c]))
            sb_addf(sb, "\nn/a: %s: %s.\n", cpu_name(m->cpus[c]), na_reason(m->cpus[c]));
    for (size_t i = 0; i < m->n_runs; i++) /* run --rerun-failed: one reason for them all */
        if (m->runs[i].na_why && !m->runs[i].foreign) {
            sb_addf(sb, "\nn/a: %s.\n", m->runs[i].na_why);
            break;
        }
    /* SKIP cells: hv/ said what the CPU model lacks (one line per model and reason) */
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct run *r = &m->runs[i], *prev = NULL;
        if (!r->policy || !r->trace.unsupported || r->j.verdict != V_SKIP)
            continue;
        for (size_t k = 0; k < i && !prev; k++) {
            const struct run *q = &m->runs[k];
            if (q->policy && q->cpu == r->cpu && q->trace.unsupported &&
                strcmp(q->trace.unsupported, r->trace.unsupported) == 0)
                prev = q;
        }
        if (!prev)
            sb_addf(sb, "\nSKIP: %s, virtualized: %s\n", cpu_name(r->cpu), r->trace.unsupported);
    }
}

char *report_origin(const struct report_info *info)
{
    struct sbuf sb = {0};
    if (info->shard)
        sb_addf(&sb,
                "shard: %s (scenario i of the selection, in catalogue order, is in shard "
                "i mod N + 1; redeliver merge joins the shards)\n",
                info->shard);
    if (info->merged_from) {
        sb_add(&sb, "merged from:");
        for (size_t i = 0; i < info->n_merged; i++)
            sb_addf(&sb, " %s", info->merged_from[i]);
        sb_add(&sb, "\n");
    }
    return sb.buf ? sb.buf : xstrdup("");
}

char *report_table(const struct matrix *m, const struct report_info *info)
{
    struct sbuf sb = {0};
    struct table t;
    char *origin = report_origin(info);
    sb_add(&sb, origin);
    free(origin);
    if (m->n_cpus == 1)
        sb_addf(&sb, "cpu: %s\n", cpu_name(m->cpus[0]));
    if (info->profile && strcmp(info->profile, "minimal") != 0)
        sb_addf(&sb, "profile: %s (hv/'s intercepts in every virtualized run; docs/hv.md)\n",
                info->profile);
    fill(&t, m);
    render(&sb, &t);
    free_table(&t);
    sb_add(&sb, "(v=N: exits with valid IDT-vectoring information in that run)\n");
    if (m->kvm_column)
        sb_add(&sb, "(qemu-kvm: the guest under QEMU with KVM, pages taken away through "
                    "pc-testdev, judged against the bare run of its row; UNPROVED: the same "
                    "trace, but no hypervisor fact shows an exit during delivery; "
                    "docs/other-hypervisors.md)\n");
    unexpected_lines(&sb, m);
    xfail_lines(&sb, m);
    note_lines(&sb, m);
    reference_lines(&sb, m);
    na_lines(&sb, m);
    if (info->fault)
        sb_addf(&sb,
                "\nfault: --fault %s was written into the images: a harness self-test, "
                "not a conformance result.\n",
                info->fault);
    char *total = report_total_line(m, info);
    sb_addf(&sb, "\n%s\n", total);
    free(total);
    return sb.buf;
}
