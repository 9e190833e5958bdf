/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/merge_runs.c — the run objects of `redeliver merge`'s inputs placed into the merged
 * matrix: each run of the grid from exactly one input, its facts read back with jansson. */
#include "runner/merge_input.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner/cost.h"
#include "runner/util.h"

/* The matrix's run for (scenario, cpu, env, policy), or NULL. */
static struct run *find_run(struct merge *mg, const char *scen, const char *cpu, const char *env,
                            const char *policy)
{
    enum cpu_model c;
    if (!scen || !cpu || !env || !cpu_parse(cpu, &c))
        return NULL;
    size_t s = 0, ci = 0, e = 0;
    while (s < mg->n_scen && strcmp(mg->scen[s]->name, scen) != 0)
        s++;
    while (ci < mg->n_cpus && mg->cpus[ci] != c)
        ci++;
    if (s == mg->n_scen || ci == mg->n_cpus)
        return NULL;
    if (strcmp(env, "bare") == 0)
        return policy ? NULL : matrix_at(&mg->m, s, ci, 0);
    while (policy && e < mg->n_policies && strcmp(mg->policies[e], policy) != 0)
        e++;
    if (!policy || e == mg->n_policies)
        return NULL;
    if (strcmp(env, "virt") == 0)
        return matrix_at(&mg->m, s, ci, 1 + e);
    if (strcmp(env, REFERENCE_ENV) == 0 && strcmp(policy, REFERENCE_POLICY) == 0)
        return matrix_at(&mg->m, s, ci, 0)->ref;
    return NULL;
}

static enum verdict verdict_of(const char *name)
{
    for (int v = V_PASS; name && v < V_COUNT; v++)
        if (strcmp(verdict_name((enum verdict)v), name) == 0)
            return (enum verdict)v;
    return V_NONE;
}

static char *dup_or_null(const json_t *v)
{
    return str(v) ? xstrdup(str(v)) : NULL;
}

/* The facts of one run object (not n/a) into r. */
static void fill_run(struct run *r, const struct input *in, const char *where, const json_t *o,
                     char **err)
{
    const json_t *sec = merge_field(in, where, o, "seconds", JSON_REAL, true, err);
    const json_t *to = merge_field(in, where, o, "timed_out", JSON_TRUE, false, err);
    const json_t *ec = merge_field(in, where, o, "exit_code", JSON_INTEGER, false, err);
    const json_t *ve = merge_field(in, where, o, "vectoring_exits", JSON_INTEGER, true, err);
    const json_t *ex = merge_field(in, where, o, "exits", JSON_INTEGER, true, err);
    const json_t *gr = merge_field(in, where, o, "guest_result", JSON_STRING, false, err);
    const json_t *tr = merge_field(in, where, o, "trace", JSON_ARRAY, false, err);
    if (*err)
        return;
    r->proc.seconds = json_is_number(sec) ? json_number_value(sec) : -1;
    r->proc.timed_out = json_is_true(to);
    r->proc.exit_code = (int)json_integer_value(ec);
    r->trace.vectoring_exits = json_is_integer(ve) ? (long)json_integer_value(ve) : -1;
    r->trace.exits = json_is_integer(ex) ? (long)json_integer_value(ex) : -1;
    for (int g = RESULT_NONE; g <= RESULT_MALFORMED; g++)
        if (strcmp(guest_result_name((enum guest_result)g), str(gr)) == 0)
            r->trace.result = (enum guest_result)g;
    r->trace.ev = xcalloc(json_array_size(tr) + 1, sizeof(char *));
    size_t k;
    const json_t *ev;
    json_array_foreach(tr, k, ev)
    {
        if (!str(ev)) {
            *err = xasprintf("%s: %strace[%zu] is not a string", in->path, where, k);
            return;
        }
        r->trace.ev[r->trace.n_ev++] = xstrdup(str(ev));
    }
    cost_from_json(&r->trace.cost, o, in->path, where, err); /* exits by reason, decisions */
}

int merge_place_runs(struct merge *mg, const struct input *all, size_t i_in, char **err)
{
    const struct input *in = &all[i_in];
    size_t k;
    const json_t *o;
    json_array_foreach(json_object_get(in->doc, "runs"), k, o)
    {
        char *where = xasprintf("runs[%zu]: ", k);
        const char *sc = str(merge_field(in, where, o, "scenario", JSON_STRING, false, err));
        const char *cpu = str(merge_field(in, where, o, "cpu", JSON_STRING, false, err));
        const char *env = str(merge_field(in, where, o, "env", JSON_STRING, false, err));
        const char *pol = str(merge_field(in, where, o, "policy", JSON_STRING, true, err));
        const char *vn = str(merge_field(in, where, o, "verdict", JSON_STRING, false, err));
        const json_t *detail = merge_field(in, where, o, "detail", JSON_STRING, true, err);
        struct run *r = *err ? NULL : find_run(mg, sc, cpu, env, pol);
        enum verdict v = verdict_of(vn);
        if (!*err && !r)
            *err = xasprintf("%s: %s%s %s %s%s%s is not a run of the scenarios, cpus and "
                             "policies it lists",
                             in->path, where, sc, cpu, env, pol ? " " : "", pol ? pol : "");
        else if (!*err && (v == V_NONE || (v == V_NA) != r->na))
            *err = xasprintf("%s: %sverdict '%s' is not a verdict of %s %s %s", in->path, where, vn,
                             sc, cpu, run_env(r));
        else if (!*err && mg->source[r - mg->m.runs] != NONE)
            *err = xasprintf("%s %s %s is in two inputs: %s and %s (merge each run once)", sc, cpu,
                             run_env(r), all[mg->source[r - mg->m.runs]].dir, in->dir);
        if (!*err) {
            mg->source[r - mg->m.runs] = i_in;
            r->j.verdict = v;
            if (!r->na) {
                r->j.detail = dup_or_null(detail);
                fill_run(r, in, where, o, err);
            }
        }
        free(where);
        if (*err)
            return -1;
    }
    return 0;
}
