/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/fuzz_exec.c — generated scenarios through the matrix: each specifier is a
 * scenario of a catalogue of its own (no expectations: every policy must match the
 * reference), laid out, run (runner/schedule.c: the rows of a column share boots) and
 * judged by the same code as `redeliver run`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/fuzz.h"
#include "runner/gen.h"
#include "runner/matrix.h"
#include "runner/schedule.h"
#include "runner/util.h"

static void fill(struct fuzz_outcome *o, const struct matrix *m, size_t row, size_t n_policies)
{
    const struct run *bare = matrix_at(m, row, 0, 0);
    const struct run *ref = bare->ref ? bare->ref : bare;
    o->spec = xstrdup(bare->sc->name);
    o->reference_virt = bare->ref != NULL;
    o->reference = ref->j.verdict;
    o->reference_detail = ref->j.detail ? xstrdup(ref->j.detail) : NULL;
    o->cell = xcalloc(n_policies ? n_policies : 1, sizeof(*o->cell));
    for (size_t p = 0; p < n_policies; p++) {
        const struct run *r = matrix_at(m, row, 0, 1 + p);
        struct fuzz_cell *c = &o->cell[p];
        c->verdict = r->j.verdict;
        c->detail = r->j.detail ? xstrdup(r->j.detail) : NULL;
        c->vectoring_exits = r->trace.vectoring_exits;
        /* compare_virt.c's details for "the perturbation hit nothing (or not every page) it
         * meant to" */
        c->no_exit = c->verdict == V_ERROR && c->detail &&
                     strstr(c->detail, "the test did not test") != NULL;
    }
}

int fuzz_run_specs(const struct fuzz_env *e, char *const *specs, size_t n, const char *dir,
                   struct fuzz_outcome *out)
{
    struct cat_scenario *sc = xcalloc(n ? n : 1, sizeof(*sc));
    const struct cat_scenario **scen = xcalloc(n ? n : 1, sizeof(*scen));
    size_t *row = xcalloc(n ? n : 1, sizeof(*row)), n_rows = 0;
    for (size_t i = 0; i < n; i++) {
        /* a program twice in one list runs once: its runs would share a directory */
        for (row[i] = 0; row[i] < n_rows && strcmp(sc[row[i]].name, specs[i]) != 0;)
            row[i]++;
        if (row[i] < n_rows)
            continue;
        struct gen_program p;
        char *err = NULL;
        struct cat_scenario *s = &sc[n_rows];
        s->name = specs[i];
        s->summary = "generated";
        s->bare = V_PASS;
        if (gen_parse(specs[i], &p, &err) == 0)
            s->reference_virt = gen_needs_hv(&p);
        free(err); /* the caller parsed it already; the guest would say ERROR anyway */
        scen[n_rows++] = s;
    }
    enum cpu_model cpu = CPU_BOCHS;
    struct matrix m;
    matrix_build(&m, scen, n_rows, &cpu, 1, e->policies, e->n_policies, dir);
    struct sched_opts so = {.jobs = e->jobs,
                            .timeout = e->timeout,
                            .batch = e->batch,
                            .batch_all = e->batch_all,
                            .verbose = e->verbose,
                            .results = dir};
    int rc = schedule_run(&m, &e->in, &so);
    if (rc == 0) {
        matrix_judge(&m);
        for (size_t i = 0; i < m.n_runs; i++)
            rundir_write_verdict(&m.runs[i]); /* for people reading a kept directory */
        for (size_t i = 0; i < n; i++) {
            fill(&out[i], &m, row[i], e->n_policies);
            for (size_t k = 0; k < i; k++)
                out[i].repeated |= row[k] == row[i];
        }
    }
    matrix_free(&m);
    free(row);
    free(scen);
    free(sc);
    return rc;
}

void fuzz_outcome_free(struct fuzz_outcome *o, size_t n_policies)
{
    free(o->spec);
    free(o->reference_detail);
    for (size_t p = 0; o->cell && p < n_policies; p++)
        free(o->cell[p].detail);
    free(o->cell);
    memset(o, 0, sizeof(*o));
}

const char *fuzz_class(const struct fuzz_outcome *o, size_t policy)
{
    if (o->reference != V_PASS)
        return "bad-reference";
    if (o->cell[policy].no_exit)
        return "no-exit";
    return verdict_name(o->cell[policy].verdict);
}

bool fuzz_diverges(const struct fuzz_outcome *o, size_t policy)
{
    return o->reference == V_PASS && !o->cell[policy].no_exit && o->cell[policy].verdict != V_PASS;
}
