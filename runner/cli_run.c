/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cli_run.c — option parsing for `redeliver run` / `redeliver list`. */
#include "runner/cli_run.h"

#include <stdlib.h>
#include <string.h>

#include "runner/suggest.h"
#include "runner/util.h"

const char *run_usage(void)
{
    return "usage: redeliver run [options]\n"
           "\n"
           "Run the conformance matrix: for each scenario and CPU model, one bare run and one\n"
           "run under hv/ per policy; print the verdict table; write the details to --results.\n"
           "\n"
           "  --scenario S   scenario from tests/scenarios.cfg (repeatable, or S1,S2);\n"
           "                 default: every row that is not a harness self-test\n"
           "  --policy P     re-delivery policy (repeatable, or P1,P2); default: all of them\n"
           "  --cpu C        bochs: Bochs 2.7, Debian 12's package (bare and virtualized);\n"
           "                 bochs3: Bochs 3.0 built from Debian's source package by\n"
           "                 scripts/bochs3.sh (bare and virtualized); qemu: QEMU TCG with\n"
           "                 pc-testdev (bare only: TCG has no VMX); qemu-kvm: the guest\n"
           "                 under QEMU with KVM and pc-testdev, one more column judged\n"
           "                 against the bare run (Bochs, else QEMU TCG, added if no other\n"
           "                 --cpu); without a usable /dev/kvm the column is n/a, said once;\n"
           "                 repeatable; default: bochs\n"
           "  --timeout SEC  per run (default 30), on an unloaded CPU: with more --jobs than\n"
           "                 CPUs it is scaled by jobs/CPUs; then SIGHUP, SIGKILL 5 s later\n"
           "  --jobs N, -j N runs in parallel (default 2)\n"
           "  --results DIR  where run directories, summary.json and results.tap go\n"
           "                 (default results/latest; emptied first if redeliver made it)\n"
           "  --build DIR    holds hv.bin, guest.bin, boot.img (default build)\n"
           "  --bochs PATH   the Bochs 2.7 binary (default: bochs-bin in PATH)\n"
           "  --bochs3 PATH  the Bochs 3.0 binary (default: bin/bochs in the cache of\n"
           "                 scripts/bochs3.sh, ~/.cache/redeliver/bochs-3.0)\n"
           "  --qemu PATH    the QEMU binary (default: qemu-system-x86_64 in PATH)\n"
           "  --fault F      harness self-test knob written into both images (e.g. entry)\n"
           "  --catalogue F  the scenario catalogue (default tests/scenarios.cfg)\n"
           "  --shard K/N    run only shard K of N (1 <= K <= N <= 1000): scenario i of the\n"
           "                 selection, in catalogue order from 0, is in shard (i mod N) + 1,\n"
           "                 with all its runs; join the shards with redeliver merge\n"
           "  --list         list scenarios and policies instead of running\n"
           "  --verbose, -v  one line per finished run on stderr\n"
           "  --help, -h     this text\n"
           "\n"
           "Exit status: 0 every verdict is what tests/scenarios.cfg expects, 1 some verdict is\n"
           "unexpected, 2 usage error (unknown name or option, missing emulator or images).\n";
}

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

/* Options that take a value: which field. */
static const char **string_field(struct run_opts *o, const char *name)
{
    static const char *const names[] = {"--results", "--build", "--bochs",    "--bochs3",
                                        "--qemu",    "--fault", "--catalogue"};
    const char **fields[] = {&o->results, &o->build, &o->bochs,    &o->bochs3,
                             &o->qemu,    &o->fault, &o->catalogue};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strcmp(name, names[i]) == 0)
            return fields[i];
    return NULL;
}

static bool takes_value(const char *name)
{
    static const char *const names[] = {
        "--scenario", "--policy", "--cpu",    "--timeout", "--jobs",  "-j",          "--results",
        "--build",    "--bochs",  "--bochs3", "--qemu",    "--fault", "--catalogue", "--shard"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static bool is_flag(const char *name)
{
    return strcmp(name, "--help") == 0 || strcmp(name, "--list") == 0 ||
           strcmp(name, "--verbose") == 0;
}

static int one_option(struct run_opts *o, const char *name, const char *value, char **err)
{
    const char **field = string_field(o, name);
    if (field) {
        if (!*value) {
            *err = xasprintf("%s needs a non-empty value", name);
            return -1;
        }
        *field = value;
        return 0;
    }
    if (strcmp(name, "--scenario") == 0)
        return add_list(&o->scenarios, &o->n_scenarios, name, value, err);
    if (strcmp(name, "--policy") == 0)
        return add_list(&o->policies, &o->n_policies, name, value, err);
    if (strcmp(name, "--cpu") == 0)
        return add_cpus(o, value, err);
    if (strcmp(name, "--timeout") == 0)
        return parse_seconds(value, &o->timeout, err);
    if (strcmp(name, "--shard") == 0)
        return shard_parse(value, &o->shard, err);
    return parse_jobs(value, &o->jobs, err); /* --jobs, -j */
}

int run_opts_parse(struct run_opts *o, int argc, char **argv, char **err)
{
    memset(o, 0, sizeof(*o));
    o->timeout = DEFAULT_TIMEOUT;
    o->jobs = DEFAULT_JOBS;
    o->results = DEFAULT_RESULTS;
    o->build = DEFAULT_BUILD;
    const char *cmd = argc > 0 ? argv[0] : "run";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help = true;
            continue;
        }
        if (strcmp(arg, "--list") == 0) {
            o->list = true;
            continue;
        }
        if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0) {
            o->verbose = true;
            continue;
        }
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        char *name = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
        int rc = 0;
        if (eq && is_flag(name)) {
            *err = xasprintf("%s takes no value (see redeliver %s --help)", name, cmd);
            rc = -1;
        } else if (!takes_value(name)) {
            *err = arg[0] == '-'
                       ? xasprintf("unknown option '%s' (see redeliver %s --help)", name, cmd)
                       : xasprintf("unexpected argument '%s' (see redeliver %s "
                                   "--help)",
                                   arg, cmd);
            rc = -1;
        } else if (!eq && i + 1 >= argc) {
            *err = xasprintf("%s needs a value (see redeliver %s --help)", name, cmd);
            rc = -1;
        } else {
            rc = one_option(o, name, eq ? eq + 1 : argv[++i], err);
        }
        free(name);
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
    o->scenarios = o->policies = NULL;
    o->n_scenarios = o->n_policies = 0;
}

double timeout_under_load(double timeout, unsigned jobs, long cpus)
{
    if (cpus < 1 || jobs <= (unsigned long)cpus)
        return timeout;
    return timeout * (double)jobs / (double)cpus;
}
