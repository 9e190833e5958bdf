/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/merge.c — see merge.h: the inputs joined into one judged matrix (merge_input.c
 * reads and checks each input, merge_runs.c places its runs). JSON is read with jansson
 * only. */
#include "runner/merge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner/merge_input.h"
#include "runner/util.h"

char *catalogue_fingerprint(const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text)
        return NULL;
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 0x100000001b3u;
    free(text);
    return xasprintf("fnv1a64:%016llx", (unsigned long long)h);
}

/* hv/'s intercept profile of an input; summaries written before profiles say none */
static const char *profile_of(const json_t *doc)
{
    const char *p = str(json_object_get(doc, "profile"));
    return p ? p : "minimal";
}

/* The union of the inputs' cpus, policies and scenarios; one --fault, one --profile. */
static int collect(struct merge *mg, const struct catalogue *cat, const struct input *in, size_t n,
                   char **err)
{
    bool *want = xcalloc(cat->n ? cat->n : 1, sizeof(*want));
    size_t n_pol = 0;
    for (size_t i = 0; i < n; i++)
        n_pol += json_array_size(json_object_get(in[i].doc, "policies"));
    mg->policies = xcalloc(n_pol ? n_pol : 1, sizeof(*mg->policies));
    const char *fault0 = str(json_object_get(in[0].doc, "fault"));
    mg->fault = fault0 ? xstrdup(fault0) : NULL;
    mg->profile = xstrdup(profile_of(in[0].doc));
    for (size_t i = 0; i < n && !*err; i++) {
        const json_t *d = in[i].doc, *v;
        size_t k;
        if (!same(str(json_object_get(d, "fault")), mg->fault))
            *err = xasprintf("%s and %s: different --fault knobs: a harness self-test does "
                             "not merge with other runs",
                             in[0].dir, in[i].dir);
        if (!*err && !same(profile_of(d), mg->profile))
            *err = xasprintf("%s and %s: different hv/ profiles (%s, %s): a matrix has one",
                             in[0].dir, in[i].dir, mg->profile, profile_of(d));
        const json_t *t = json_object_get(d, "timeout");
        if (json_is_number(t) && json_number_value(t) > mg->timeout)
            mg->timeout = json_number_value(t);
        if ((unsigned)json_integer_value(json_object_get(d, "jobs")) > mg->jobs)
            mg->jobs = (unsigned)json_integer_value(json_object_get(d, "jobs"));
        json_array_foreach(json_object_get(d, "cpus"), k, v)
        {
            enum cpu_model c;
            if (!str(v) || !cpu_parse(str(v), &c)) {
                *err = xasprintf("%s: cpus[%zu]: not a CPU model", in[i].path, k);
                break;
            }
            bool seen = false;
            for (size_t j = 0; j < mg->n_cpus; j++)
                seen |= mg->cpus[j] == c;
            if (!seen)
                mg->cpus[mg->n_cpus++] = c;
        }
        json_array_foreach(json_object_get(d, "policies"), k, v)
        {
            if (!str(v) || !valid_name(str(v), POLICY_NAME_MAX)) {
                *err = xasprintf("%s: policies[%zu]: not a policy name", in[i].path, k);
                break;
            }
            bool seen = false;
            for (size_t j = 0; j < mg->n_policies; j++)
                seen |= strcmp(mg->policies[j], str(v)) == 0;
            if (!seen)
                mg->policies[mg->n_policies++] = xstrdup(str(v));
        }
        json_array_foreach(json_object_get(d, "scenarios"), k, v)
        {
            const struct cat_scenario *sc = str(v) ? catalogue_find(cat, str(v)) : NULL;
            if (!sc) {
                *err =
                    xasprintf("%s: scenarios[%zu]: not a scenario of %s", in[i].path, k, cat->file);
                break;
            }
            want[sc - cat->sc] = true;
        }
    }
    mg->scen = xcalloc(cat->n ? cat->n : 1, sizeof(*mg->scen));
    for (size_t i = 0; i < cat->n; i++)
        if (want[i])
            mg->scen[mg->n_scen++] = &cat->sc[i];
    free(want);
    return *err ? -1 : 0;
}

int merge_load(struct merge *mg, const struct catalogue *cat, const char *cat_hash,
               char *const *dirs, size_t n_dirs, const char *out, char **err)
{
    memset(mg, 0, sizeof(*mg));
    *err = NULL;
    struct input *in = xcalloc(n_dirs ? n_dirs : 1, sizeof(*in));
    int rc = n_dirs ? 0 : -1;
    if (!n_dirs)
        *err = xstrdup("no results directory to merge");
    for (size_t i = 0; rc == 0 && i < n_dirs; i++) {
        in[i].dir = dirs[i];
        rc = merge_read_input(&in[i], cat_hash, err);
    }
    if (rc == 0)
        rc = merge_check_shards(in, n_dirs, err);
    if (rc == 0)
        rc = collect(mg, cat, in, n_dirs, err);
    if (rc == 0) {
        matrix_build(&mg->m, mg->scen, mg->n_scen, mg->cpus, mg->n_cpus, mg->policies,
                     mg->n_policies, out);
        mg->source = xcalloc(mg->m.n_runs ? mg->m.n_runs : 1, sizeof(*mg->source));
        for (size_t i = 0; i < mg->m.n_runs; i++)
            mg->source[i] = NONE;
    }
    for (size_t i = 0; rc == 0 && i < n_dirs; i++)
        rc = merge_place_runs(mg, in, i, err);
    for (size_t i = 0; rc == 0 && i < mg->m.n_runs; i++) {
        struct run *r = &mg->m.runs[i];
        if (mg->source[i] == NONE) {
            *err = xasprintf("%s %s %s: no input holds this run (the inputs must together hold "
                             "every run of their scenarios × cpus × (bare + policies): merge "
                             "runs made with the same --policy and --cpu)",
                             r->sc->name, cpu_name(r->cpu), run_env(r));
            rc = -1;
        }
    }
    for (size_t i = 0; rc == 0 && i < mg->m.n_runs; i++)
        run_expect(&mg->m.runs[i]); /* the catalogue's expectations (the same catalogue) */
    for (size_t i = 0; i < n_dirs; i++) {
        json_decref(in[i].doc);
        free(in[i].path);
    }
    free(in);
    return rc;
}

void merge_free(struct merge *mg)
{
    matrix_free(&mg->m);
    for (size_t i = 0; i < mg->n_policies; i++)
        free((char *)mg->policies[i]);
    free(mg->policies);
    free(mg->scen);
    free(mg->fault);
    free(mg->profile);
    free(mg->source);
    memset(mg, 0, sizeof(*mg));
}
