/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cli_run.c — option parsing for `redeliver run` / `redeliver list` (the help text
 * is in cli_run_usage.c). */
#include "runner/cli_run.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/suggest.h"
#include "runner/util.h"

static void add_unique(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return;
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

/* "a,b,c" → each part; empty parts are an error. */
static int add_list(char ***v, size_t *n, const char *opt, const char *value, char **err)
{
    char *copy = xstrdup(value);
    int rc = 0;
    char *s = copy;
    for (;;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = 0;
        if (!*s) {
            *err = xasprintf("%s: empty name in '%s'", opt, value);
            rc = -1;
            break;
        }
        add_unique(v, n, s);
        if (!comma)
            break;
        s = comma + 1;
    }
    free(copy);
    return rc;
}

static int add_cpus(struct run_opts *o, const char *value, char **err)
{
    char **names = NULL;
    size_t n = 0;
    int rc = add_list(&names, &n, "--cpu", value, err);
    for (size_t i = 0; i < n; i++) {
        enum cpu_model c;
        if (rc == 0 && !cpu_parse(names[i], &c)) {
            struct suggest sg;
            char hint[128];
            suggest_init(&sg, names[i]);
            for (unsigned k = 0; k < CPU_COUNT; k++)
                suggest_offer(&sg, cpu_name((enum cpu_model)k));
            *err = xasprintf("unknown cpu '%s' (%svalid: " CPU_NAMES ")", names[i],
                             suggest_text(&sg, hint, sizeof(hint)));
            rc = -1;
        }
        bool seen = false;
        for (size_t k = 0; rc == 0 && k < o->n_cpus; k++)
            seen |= o->cpus[k] == c;
        if (rc == 0 && !seen)
            o->cpus[o->n_cpus++] = c;
        free(names[i]);
    }
    free(names);
    return rc;
}

static int parse_seconds(const char *s, double *out, char **err)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0) || v > 86400) {
        *err = xasprintf("--timeout: '%s' is not a number of seconds in (0, 86400]", s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_jobs(const char *s, unsigned *out, char **err)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 256) {
        *err = xasprintf("--jobs: '%s' is not a number from 1 to 256", s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int batch_parse(const char *s, unsigned *out, char **err)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > BATCH_MAX) {
        *err = xasprintf("--batch: '%s' is not a number from 1 to %d", s, BATCH_MAX);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* getopt_long's table: the usual spellings (-j1, -j 1, --jobs=2, --jobs 2). Values above 0xff
 * are long options without a short form; the field of each string option is in
 * string_field(). */
enum {
    OPT_SCENARIO = 0x100,
    OPT_POLICY,
    OPT_CPU,
    OPT_TIMEOUT,
    OPT_RESULTS,
    OPT_BUILD,
    OPT_BOCHS,
    OPT_BOCHS3,
    OPT_QEMU,
    OPT_FAULT,
    OPT_CATALOGUE,
    OPT_PROFILE,
    OPT_SHARD,
    OPT_FAMILY,
    OPT_CASE,
    OPT_RERUN,
    OPT_LIST,
    OPT_BATCH,
    OPT_BATCH_ALL,
};

static const struct option long_opts[] = {
    {"scenario", required_argument, NULL, OPT_SCENARIO},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"cpu", required_argument, NULL, OPT_CPU},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"jobs", required_argument, NULL, 'j'},
    {"results", required_argument, NULL, OPT_RESULTS},
    {"build", required_argument, NULL, OPT_BUILD},
    {"bochs", required_argument, NULL, OPT_BOCHS},
    {"bochs3", required_argument, NULL, OPT_BOCHS3},
    {"qemu", required_argument, NULL, OPT_QEMU},
    {"fault", required_argument, NULL, OPT_FAULT},
    {"catalogue", required_argument, NULL, OPT_CATALOGUE},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"family", required_argument, NULL, OPT_FAMILY},
    {"case", required_argument, NULL, OPT_CASE},
    {"rerun-failed", optional_argument, NULL, OPT_RERUN},
    {"list", no_argument, NULL, OPT_LIST},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"batch-all", no_argument, NULL, OPT_BATCH_ALL},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char **string_field(struct run_opts *o, int opt)
{
    switch (opt) {
    case OPT_RESULTS:
        return &o->results;
    case OPT_BUILD:
        return &o->build;
    case OPT_BOCHS:
        return &o->bochs;
    case OPT_BOCHS3:
        return &o->bochs3;
    case OPT_QEMU:
        return &o->qemu;
    case OPT_FAULT:
        return &o->fault;
    case OPT_CATALOGUE:
        return &o->catalogue;
    case OPT_PROFILE:
        return &o->profile;
    default:
        return NULL;
    }
}

/* The option as the user wrote it, for messages: "--name" of a long option, "-j". */
static const char *opt_name(int opt)
{
    if (opt < 0x100)
        return opt == 'j' ? "--jobs" : "-?";
    for (size_t i = 0; long_opts[i].name; i++)
        if (long_opts[i].val == opt) {
            static char buf[32];
            snprintf(buf, sizeof(buf), "--%s", long_opts[i].name);
            return buf;
        }
    return "?";
}

static int one_option(struct run_opts *o, int opt, const char *value, char **err)
{
    const char **field = string_field(o, opt);
    if (field) {
        if (!*value) {
            *err = xasprintf("%s needs a non-empty value", opt_name(opt));
            return -1;
        }
        *field = value;
        return 0;
    }
    switch (opt) {
    case OPT_SCENARIO:
        return add_list(&o->scenarios, &o->n_scenarios, "--scenario", value, err);
    case OPT_POLICY:
        return add_list(&o->policies, &o->n_policies, "--policy", value, err);
    case OPT_FAMILY:
        return add_list(&o->families, &o->n_families, "--family", value, err);
    case OPT_CASE:
        return add_list(&o->cases, &o->n_cases, "--case", value, err);
    case OPT_CPU:
        return add_cpus(o, value, err);
    case OPT_TIMEOUT:
        return parse_seconds(value, &o->timeout, err);
    case OPT_SHARD:
        return shard_parse(value, &o->shard, err);
    case 'j':
        return parse_jobs(value, &o->jobs, err);
    case OPT_BATCH:
        return batch_parse(value, &o->batch, err);
    case OPT_BATCH_ALL:
        o->batch_all = true;
        return 0;
    case OPT_RERUN:
        if (value && !*value) {
            *err = xstrdup("--rerun-failed= needs a directory (or no '=': results/latest)");
            return -1;
        }
        o->rerun_failed = value ? value : DEFAULT_RERUN;
        return 0;
    case OPT_LIST:
        o->list = true;
        return 0;
    case 'v':
        o->verbose = true;
        return 0;
    case 'h':
        o->help = true;
        return 0;
    default:
        return -1;
    }
}

/* What getopt_long refused, in words: argv[optind - 1] is the argument it stopped at. */
static char *refusal(int c, int argc, char **argv, const char *cmd)
{
    const char *arg = optind - 1 < argc && optind > 0 ? argv[optind - 1] : "";
    if (c == ':') {
        if (optopt && optopt < 0x100 && strncmp(arg, "--", 2) != 0)
            return xasprintf("-%c needs a value (see redeliver %s --help)", optopt, cmd);
        return xasprintf("%s needs a value (see redeliver %s --help)",
                         optopt ? opt_name(optopt) : arg, cmd);
    }
    if (strncmp(arg, "--", 2) == 0) {
        const char *eq = strchr(arg, '=');
        char *name = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
        char *msg = NULL;
        for (size_t i = 0; eq && long_opts[i].name; i++)
            if (long_opts[i].has_arg == no_argument && strcmp(name + 2, long_opts[i].name) == 0)
                msg = xasprintf("%s takes no value (see redeliver %s --help)", name, cmd);
        struct sbuf amb = {0};
        struct suggest sg;
        char hint[128];
        static char dashed[ARRAY_SIZE(long_opts)][24]; /* "--name", for the suggestion */
        suggest_init(&sg, name);
        for (size_t i = 0; long_opts[i].name; i++) {
            snprintf(dashed[i], sizeof(dashed[i]), "--%s", long_opts[i].name);
            suggest_offer(&sg, dashed[i]);
            if (strncmp(long_opts[i].name, name + 2, strlen(name + 2)) == 0)
                sb_addf(&amb, "%s--%s", amb.len ? ", " : "", long_opts[i].name);
        }
        if (!msg && strchr(sb_str(&amb), ','))
            msg = xasprintf("ambiguous option '%s' (%s; see redeliver %s --help)", name,
                            sb_str(&amb), cmd);
        if (!msg)
            msg = xasprintf("unknown option '%s' (%ssee redeliver %s --help)", name,
                            suggest_text(&sg, hint, sizeof(hint)), cmd);
        free(amb.buf);
        free(name);
        return msg;
    }
    return xasprintf("unknown option '-%c' (see redeliver %s --help)", optopt ? optopt : '?', cmd);
}

int run_opts_parse(struct run_opts *o, int argc, char **argv, char **err)
{
    memset(o, 0, sizeof(*o));
    o->timeout = DEFAULT_TIMEOUT;
    o->jobs = DEFAULT_JOBS;
    o->batch = DEFAULT_BATCH;
    o->build = DEFAULT_BUILD;
    const char *cmd = argc > 0 ? argv[0] : "run";
    /* "-": non-options come back as 1 (in order, never permuted); ":": a missing value
     * comes back as ':'; optind = 0 re-initialises getopt (parsed more than once) */
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "-:j:vh", long_opts, NULL)) != -1) {
        int rc = 0;
        if (c == 1) {
            *err = xasprintf("unexpected argument '%s' (see redeliver %s --help)", optarg, cmd);
            rc = -1;
        } else if (c == '?' || c == ':') {
            *err = refusal(c, argc, argv, cmd);
            rc = -1;
        } else {
            const char *value = optarg;
            /* --rerun-failed DIR (a separate word) as well as --rerun-failed=DIR: run takes
             * no other argument that is not an option */
            if (c == OPT_RERUN && !value && optind < argc && argv[optind][0] != '-')
                value = argv[optind++];
            rc = one_option(o, c, value, err);
        }
        if (rc != 0) {
            run_opts_free(o);
            return -1;
        }
    }
    return 0;
}

void run_opts_free(struct run_opts *o)
{
    for (size_t i = 0; i < o->n_scenarios; i++)
        free(o->scenarios[i]);
    free(o->scenarios);
    for (size_t i = 0; i < o->n_policies; i++)
        free(o->policies[i]);
    free(o->policies);
    for (size_t i = 0; i < o->n_families; i++)
        free(o->families[i]);
    free(o->families);
    for (size_t i = 0; i < o->n_cases; i++)
        free(o->cases[i]);
    free(o->cases);
    o->scenarios = o->policies = o->families = o->cases = NULL;
    o->n_scenarios = o->n_policies = o->n_families = o->n_cases = 0;
}

double timeout_under_load(double timeout, unsigned jobs, long cpus)
{
    if (cpus < 1 || jobs <= (unsigned long)cpus)
        return timeout;
    return timeout * (double)jobs / (double)cpus;
}
