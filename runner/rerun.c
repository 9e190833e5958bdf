/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/rerun.c — see rerun.h. JSON is read with jansson only. */
#include "runner/rerun.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner/util.h"

static const char *get_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* One element of "runs": 0, or -1 when it lacks what a cell needs. */
static int add_cell(struct rerun *rr, const json_t *run)
{
    const char *scen = get_str(run, "scenario"), *cpu = get_str(run, "cpu");
    const char *env = get_str(run, "env");
    const json_t *policy = json_object_get(run, "policy");
    const json_t *as_expected = json_object_get(run, "as_expected");
    if (!scen || !cpu || !env || !json_is_boolean(as_expected) ||
        !(json_is_null(policy) || json_is_string(policy)))
        return -1;
    if (json_is_true(as_expected))
        return 0;
    enum cpu_model model;
    if (!cpu_parse(cpu, &model))
        return -2; /* an unexpected cell that could not be rerun would be dropped unseen */
    rr->cells = xrealloc(rr->cells, (rr->n + 1) * sizeof(*rr->cells));
    struct rerun_cell *c = &rr->cells[rr->n++];
    c->scenario = xstrdup(scen);
    c->cpu = xstrdup(cpu);
    c->policy = json_is_string(policy) ? xstrdup(json_string_value(policy)) : NULL;
    c->reference = strcmp(env, REFERENCE_ENV) == 0;
    return 0;
}

int rerun_load(struct rerun *rr, const char *dir, char **err)
{
    memset(rr, 0, sizeof(*rr));
    *err = NULL;
    rr->path = path_join(dir, "summary.json");
    json_error_t jerr;
    json_t *doc = json_load_file(rr->path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        *err = jerr.line > 0 ? xasprintf("--rerun-failed: %s:%d:%d: %s", rr->path, jerr.line,
                                         jerr.column, jerr.text)
                             : xasprintf("--rerun-failed: %s: %s (it reads the summary.json "
                                         "of an earlier run)",
                                         rr->path, jerr.text);
        return -1;
    }
    const char *format = get_str(doc, "format");
    const json_t *runs = json_object_get(doc, "runs");
    if (!format || strcmp(format, "redeliver-summary-1") != 0 || !json_is_array(runs)) {
        *err = xasprintf("--rerun-failed: %s is not a summary.json of redeliver run (format "
                         "redeliver-summary-1 with \"runs\")",
                         rr->path);
        json_decref(doc);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(runs); i++) {
        int bad = add_cell(rr, json_array_get(runs, i));
        if (bad == -2)
            *err = xasprintf("--rerun-failed: %s: run %zu, unexpected, is on CPU '%s', which "
                             "this build does not know: it cannot be rerun",
                             rr->path, i + 1, get_str(json_array_get(runs, i), "cpu"));
        else if (bad)
            *err = xasprintf("--rerun-failed: %s: run %zu lacks scenario, cpu, env, policy or "
                             "as_expected",
                             rr->path, i + 1);
        if (bad) {
            json_decref(doc);
            return -1;
        }
    }
    json_decref(doc);
    rr->why = xasprintf("not rerun: as expected in %s", dir);
    return 0;
}

void rerun_free(struct rerun *rr)
{
    for (size_t i = 0; i < rr->n; i++) {
        free(rr->cells[i].scenario);
        free(rr->cells[i].cpu);
        free(rr->cells[i].policy);
    }
    free(rr->cells);
    free(rr->path);
    free(rr->why);
    memset(rr, 0, sizeof(*rr));
}

static void add_unique(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return;
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

void rerun_select(const struct rerun *rr, struct run_opts *o)
{
    for (size_t i = 0; i < rr->n; i++) {
        const struct rerun_cell *c = &rr->cells[i];
        add_unique(&o->scenarios, &o->n_scenarios, c->scenario);
        if (c->policy && !c->reference)
            add_unique(&o->policies, &o->n_policies, c->policy);
        enum cpu_model cpu;
        bool seen = false;
        for (size_t k = 0; k < o->n_cpus && cpu_parse(c->cpu, &cpu); k++)
            seen |= o->cpus[k] == cpu;
        if (!seen && cpu_parse(c->cpu, &cpu) && o->n_cpus < CPU_COUNT)
            o->cpus[o->n_cpus++] = cpu;
    }
}

static bool is_cell(const struct rerun *rr, const struct run *r, bool any_env)
{
    for (size_t i = 0; i < rr->n; i++) {
        const struct rerun_cell *c = &rr->cells[i];
        if (strcmp(c->scenario, r->sc->name) != 0 || strcmp(c->cpu, cpu_name(r->cpu)) != 0)
            continue;
        if (any_env)
            return true;
        if (c->reference == r->reference && (!c->policy) == (!r->policy) &&
            (!c->policy || strcmp(c->policy, r->policy) == 0))
            return true;
    }
    return false;
}

void rerun_mark(const struct rerun *rr, struct matrix *m)
{
    for (size_t i = 0; i < m->n_runs; i++) {
        struct run *r = &m->runs[i];
        /* bare and reference runs: whenever a cell of their scenario and CPU reruns */
        bool keep = r->policy && !r->reference ? is_cell(rr, r, false) : is_cell(rr, r, true);
        if (keep || r->na)
            continue;
        r->na = true;
        r->na_why = rr->why;
        free(r->dir);
        r->dir = NULL;
    }
}
