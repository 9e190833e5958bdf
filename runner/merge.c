/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/merge.c — see merge.h. JSON is read with jansson only. */
#include "runner/merge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner/cost.h"
#include "runner/shard.h"
#include "runner/util.h"

#define NONE SIZE_MAX

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

struct input {
    const char *dir;
    char *path; /* <dir>/summary.json */
    json_t *doc;
};

/* obj[key] of type `type` (JSON_NULL too when nullable); else *err. */
static const json_t *field(const struct input *in, const char *where, const json_t *obj,
                           const char *key, json_type type, bool nullable, char **err)
{
    const json_t *v = json_object_get(obj, key);
    bool ok = v && (json_typeof(v) == type || (nullable && json_is_null(v)) ||
                    (type == JSON_REAL && json_is_integer(v)) ||
                    (type == JSON_TRUE && json_is_boolean(v)));
    if (!ok && !*err)
        *err =
            xasprintf("%s: %s'%s' is missing or not a%s %s%s: not a summary.json of "
                      "redeliver run",
                      in->path, where, key,
                      type == JSON_ARRAY || type == JSON_OBJECT || type == JSON_INTEGER ? "n" : "",
                      type == JSON_STRING    ? "string"
                      : type == JSON_ARRAY   ? "array"
                      : type == JSON_OBJECT  ? "object"
                      : type == JSON_INTEGER ? "integer"
                      : type == JSON_REAL    ? "number"
                                             : "boolean",
                      nullable ? " (or null)" : "");
    return ok ? v : NULL;
}

static const char *str(const json_t *v)
{
    return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Read and check the top level of one input. */
static int read_input(struct input *in, const char *cat_hash, char **err)
{
    in->path = path_join(in->dir, "summary.json");
    if (!is_dir(in->dir)) {
        *err = xasprintf("%s: not a directory (give the --results directories of redeliver run)",
                         in->dir);
        return -1;
    }
    if (!is_file(in->path)) {
        *err = xasprintf("%s: no summary.json (not a results directory of redeliver run, or "
                         "the run did not finish)",
                         in->dir);
        return -1;
    }
    json_error_t jerr;
    in->doc = json_load_file(in->path, JSON_REJECT_DUPLICATES, &jerr);
    if (!in->doc) {
        *err =
            xasprintf("%s:%d:%d: not valid JSON: %s", in->path, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    if (!json_is_object(in->doc) ||
        !same(str(json_object_get(in->doc, "format")), "redeliver-summary-1")) {
        *err = xasprintf("%s: not in the format \"redeliver-summary-1\"", in->path);
        return -1;
    }
    const char *keys[] = {"cpus", "policies", "scenarios", "runs"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        field(in, "", in->doc, keys[i], JSON_ARRAY, false, err);
    field(in, "", in->doc, "fault", JSON_STRING, true, err);
    field(in, "", in->doc, "shard", JSON_STRING, true, err);
    field(in, "", in->doc, "timeout", JSON_REAL, true, err);
    field(in, "", in->doc, "jobs", JSON_INTEGER, false, err);
    const char *hash = str(field(in, "", in->doc, "catalogue_hash", JSON_STRING, false, err));
    if (*err)
        return -1;
    if (!same(hash, cat_hash)) {
        *err = xasprintf("%s: written with another catalogue (%s; the catalogue read now is "
                         "%s): merge only runs of one catalogue version, and give merge that "
                         "catalogue (--catalogue FILE)",
                         in->path, hash, cat_hash);
        return -1;
    }
    return 0;
}

/* Sharded inputs must be the shards of one split, each once. */
static int check_shards(const struct input *in, size_t n, char **err)
{
    unsigned split = 0;
    size_t *seen = NULL, first = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *s = str(json_object_get(in[i].doc, "shard"));
        struct shard sh;
        char *e = NULL;
        if (!s)
            continue;
        if (shard_parse(s, &sh, &e) != 0) {
            *err = xasprintf("%s: shard: %s", in[i].path, e);
            free(e);
            return -1;
        }
        if (!split) {
            split = sh.n;
            first = i;
            seen = xcalloc(split + 1, sizeof(*seen));
        }
        if (sh.n != split) {
            *err = xasprintf("%s is shard %s, %s a shard of %u: shards of different splits",
                             in[i].dir, s, in[first].dir, split);
            rc = -1;
        } else if (seen[sh.k]) {
            *err =
                xasprintf("shard %s given twice: %s and %s", s, in[seen[sh.k] - 1].dir, in[i].dir);
            rc = -1;
        } else
            seen[sh.k] = i + 1;
    }
    for (unsigned k = 1; rc == 0 && k <= split; k++)
        if (!seen[k]) {
            *err = xasprintf("shard %u/%u missing: the inputs hold the other shards of %u "
                             "(give every shard's results directory)",
                             k, split, split);
            rc = -1;
        }
    free(seen);
    return rc;
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
    const json_t *sec = field(in, where, o, "seconds", JSON_REAL, true, err);
    const json_t *to = field(in, where, o, "timed_out", JSON_TRUE, false, err);
    const json_t *ec = field(in, where, o, "exit_code", JSON_INTEGER, false, err);
    const json_t *ve = field(in, where, o, "vectoring_exits", JSON_INTEGER, true, err);
    const json_t *ex = field(in, where, o, "exits", JSON_INTEGER, true, err);
    const json_t *gr = field(in, where, o, "guest_result", JSON_STRING, false, err);
    const json_t *tr = field(in, where, o, "trace", JSON_ARRAY, false, err);
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

static int place_runs(struct merge *mg, const struct input *all, size_t i_in, char **err)
{
    const struct input *in = &all[i_in];
    size_t k;
    const json_t *o;
    json_array_foreach(json_object_get(in->doc, "runs"), k, o)
    {
        char *where = xasprintf("runs[%zu]: ", k);
        const char *sc = str(field(in, where, o, "scenario", JSON_STRING, false, err));
        const char *cpu = str(field(in, where, o, "cpu", JSON_STRING, false, err));
        const char *env = str(field(in, where, o, "env", JSON_STRING, false, err));
        const char *pol = str(field(in, where, o, "policy", JSON_STRING, true, err));
        const char *vn = str(field(in, where, o, "verdict", JSON_STRING, false, err));
        const json_t *detail = field(in, where, o, "detail", JSON_STRING, true, err);
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
        rc = read_input(&in[i], cat_hash, err);
    }
    if (rc == 0)
        rc = check_shards(in, n_dirs, err);
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
        rc = place_runs(mg, in, i, err);
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
