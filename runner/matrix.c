/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/matrix.c — layout of the runs, verdicts, expectations, table cells. */
#include "runner/matrix.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

/* After the grid: one reference run per `reference = virt` row and CPU model. */
static void add_references(struct matrix *m, const char *results)
{
    struct run *r = m->runs + m->n_grid;
    for (size_t s = 0; s < m->n_scen; s++)
        for (size_t c = 0; m->scen[s]->reference_virt && c < m->n_cpus; c++, r++) {
            struct run *bare = matrix_at(m, s, c, 0);
            r->sc = bare->sc;
            r->cpu = bare->cpu;
            r->policy = REFERENCE_POLICY;
            r->reference = true;
            r->bare = bare;
            bare->ref = r;
            r->na = !cpu_has_vmx(r->cpu);
            r->trace.vectoring_exits = -1;
            if (r->na)
                continue;
            char *sub = xasprintf("%s/%s-ref-virt-%s", r->sc->name, cpu_name(r->cpu), r->policy);
            r->dir = path_join(results, sub);
            free(sub);
        }
}

void matrix_build(struct matrix *m, const struct cat_scenario **scen, size_t n_scen,
                  const enum cpu_model *cpus, size_t n_cpus, const char **policies,
                  size_t n_policies, const char *results)
{
    memset(m, 0, sizeof(*m));
    m->scen = scen;
    m->n_scen = n_scen;
    memcpy(m->cpus, cpus, n_cpus * sizeof(*cpus));
    m->n_cpus = n_cpus;
    m->policies = policies;
    m->n_policies = n_policies;
    m->n_grid = n_scen * n_cpus * (1 + n_policies);
    size_t n_ref = 0;
    for (size_t s = 0; s < n_scen; s++)
        n_ref += scen[s]->reference_virt ? n_cpus : 0;
    m->n_runs = m->n_grid + n_ref;
    m->runs = xcalloc(m->n_runs, sizeof(*m->runs));
    for (size_t s = 0; s < n_scen; s++)
        for (size_t c = 0; c < n_cpus; c++)
            for (size_t e = 0; e <= n_policies; e++) {
                struct run *r = matrix_at(m, s, c, e);
                r->sc = scen[s];
                r->cpu = cpus[c];
                r->policy = e ? policies[e - 1] : NULL;
                r->bare = e ? matrix_at(m, s, c, 0) : NULL;
                r->na = e && !cpu_has_vmx(cpus[c]);
                r->trace.vectoring_exits = -1;
                if (r->na)
                    continue;
                char *sub = e ? xasprintf("%s/%s-virt-%s", r->sc->name, cpu_name(r->cpu), r->policy)
                              : xasprintf("%s/%s-bare", r->sc->name, cpu_name(r->cpu));
                r->dir = path_join(results, sub);
                free(sub);
            }
    add_references(m, results);
}

void matrix_free(struct matrix *m)
{
    for (size_t i = 0; i < m->n_runs; i++) {
        struct run *r = &m->runs[i];
        free(r->dir);
        proc_result_free(&r->proc);
        trace_free(&r->trace);
        free(r->log_problem);
        free(r->end_problem);
        free(r->context);
        free(r->j.detail);
    }
    free(m->runs);
    memset(m, 0, sizeof(*m));
}

struct run *matrix_at(const struct matrix *m, size_t scen, size_t cpu, size_t env)
{
    return &m->runs[(scen * m->n_cpus + cpu) * (1 + m->n_policies) + env];
}

const char *na_reason(enum cpu_model cpu)
{
    return cpu == CPU_QEMU ? NA_REASON_QEMU : "this CPU model has no VMX";
}

const char *run_na_reason(const struct run *r)
{
    return r->na_why ? r->na_why : na_reason(r->cpu);
}

const char *run_env(const struct run *r)
{
    return r->reference ? REFERENCE_ENV : r->foreign ? FOREIGN_ENV : r->policy ? r->policy : "bare";
}

const struct run *run_reference(const struct run *r)
{
    return r->bare && r->bare->ref && !r->reference ? r->bare->ref : r->bare;
}

/* A cell judged against the virtualized reference says so in its detail. */
static void against_reference(struct run *r)
{
    if (r->j.verdict == V_PASS && !r->j.detail)
        return;
    char *d = xasprintf("against " REFERENCE_ENV " (the unperturbed %s run): %s", REFERENCE_POLICY,
                        r->j.detail ? r->j.detail : verdict_name(r->j.verdict));
    free(r->j.detail);
    r->j.detail = d;
}

void run_judge(struct run *r)
{
    free(r->j.detail);
    memset(&r->j, 0, sizeof(r->j));
    if (r->na) {
        r->j.verdict = V_NA;
        return;
    }
    struct run_facts f = {
        .start_error = r->proc.start_error,
        .timed_out = r->proc.timed_out,
        .context = r->context,
        .end_problem = r->end_problem,
        .scenario = r->sc->name,
        .conformance = !r->sc->harness,
        .cpu_shutdown = r->log_problem && log_is_shutdown(r->log_problem),
    };
    const struct run *ref = run_reference(r);
    if (r->foreign)
        judge_foreign(&r->trace, &f, true, r->bare->j.verdict, &r->bare->trace, &r->j);
    else if (!r->policy)
        judge_bare(&r->trace, &f, &r->j);
    else if (r->reference)
        judge_reference(&r->trace, &f, r->policy, &r->j);
    else if (ref->na) { /* cannot happen: a CPU model without VMX has no virtualized cells */
        r->j.verdict = V_ERROR;
        r->j.detail = xstrdup("no reference run on this CPU model");
    } else
        judge_virt(&r->trace, &f, r->policy, ref->j.verdict, &ref->trace, &r->j);
    if (r->policy && !r->reference && ref != r->bare)
        against_reference(r);
}

void run_expect(struct run *r)
{
    const struct cat_scenario *sc = r->sc;
    r->expected = V_PASS;
    r->expect_reason = NULL;
    if (r->na) {
        r->expected = V_NA;
        r->as_expected = true;
        r->xfail = false;
        return;
    }
    if (r->foreign) {
        /* without hv/'s facts a match is UNPROVED; SKIP: the row needs hv/ or has no bare
         * reference (runner/compare_foreign.c) */
        r->as_expected = r->j.verdict == V_UNPROVED || r->j.verdict == V_SKIP;
        r->expected = V_UNPROVED;
        r->xfail = false;
        return;
    }
    if (r->policy && r->trace.unsupported && r->j.verdict == V_SKIP) {
        /* hv/ said the CPU model lacks a VMX feature it needs: declared, like n/a */
        r->expected = V_SKIP;
        r->expect_reason = r->trace.unsupported;
    } else if (r->reference) {
        /* PASS expected: the reference run of a `reference = virt` row */
    } else if (!r->policy) {
        const struct expectation *e = scenario_bare_expect(sc, cpu_name(r->cpu));
        r->expected = e ? e->verdict : sc->bare;
        if (e)
            r->expect_reason = e->reason;
        else if (sc->bare != V_PASS && sc->harness)
            r->expect_reason = sc->summary; /* a harness row says what it provokes */
    } else {
        const struct expectation *e = scenario_expect(sc, r->policy);
        if (e) {
            r->expected = e->verdict;
            r->expect_reason = e->reason;
        }
    }
    r->as_expected = verdict_meets(r->j.verdict, r->expected);
    /* a conformance row's declared bare reference (a shutdown) is not a failure */
    bool reference = !r->policy && !sc->harness && r->expected == sc->bare && !r->expect_reason;
    bool unsupported = r->policy && r->expected == V_SKIP && r->trace.unsupported;
    r->xfail = r->as_expected && r->expected != V_PASS && !reference && !unsupported;
}

void matrix_judge(struct matrix *m)
{
    /* bare runs, then the virtualized references, then the cells judged against them */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < m->n_runs; i++) {
            struct run *r = &m->runs[i];
            if ((r->foreign ? 2 : !r->policy ? 0 : r->reference ? 1 : 2) != pass)
                continue;
            run_judge(r);
            run_expect(r);
        }
}

char *run_cell(const struct run *r)
{
    if (r->na)
        return xstrdup("n/a");
    struct sbuf sb = {0};
    sb_add(&sb, verdict_name(r->j.verdict));
    if (r->policy && !r->trace.unsupported) {
        if (r->trace.vectoring_exits >= 0 && !r->trace.hv_summary_malformed)
            sb_addf(&sb, " v=%ld", r->trace.vectoring_exits);
        else
            sb_add(&sb, " v=?");
    }
    if (r->xfail)
        sb_add(&sb, " xfail");
    else if (!r->as_expected)
        sb_add(&sb, " !");
    if (r->ref) { /* the bare column shows the reference run too, never silently */
        char *ref = run_cell(r->ref);
        sb_addf(&sb, " " REFERENCE_ENV " %s", ref);
        free(ref);
    }
    return sb.buf;
}

void matrix_totals(const struct matrix *m, struct matrix_totals *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct run *r = &m->runs[i];
        if (r->na) {
            t->na++;
            continue;
        }
        t->runs++;
        if (r->as_expected)
            t->as_expected++;
        else
            t->unexpected++;
        if (r->xfail)
            t->xfail++;
    }
}
