/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cli_fuzz.c — option parsing for `redeliver fuzz`. */
#include "runner/cli_fuzz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli_run.h"
#include "runner/util.h"

const char *fuzz_usage(void)
{
    return "usage: redeliver fuzz [--seed S] [--count N] [--start I] [--policy P]... [options]\n"
           "       redeliver fuzz --seed S --index I     print program I of seed S\n"
           "       redeliver fuzz --spec gen:PROGRAM...  run these programs\n"
           "\n"
           "Generate scenarios (programs of 2-4 events and one perturbation, docs/fuzz.md) from\n"
           "a seed, run each on Bochs bare and under kvm and every --policy, judge them as the\n"
           "matrix does, count the verdicts per policy, list every kvm divergence and reduce\n"
           "it to a ready-to-paste row. The same seed gives the same programs.\n"
           "\n"
           "  --seed S       the seed (default 1)\n"
           "  --count N      how many programs (default 20)\n"
           "  --start I      the first index (default 0): --start I --count 1 runs program I\n"
           "  --index I      print program I of the seed and exit\n"
           "  --spec SPEC    run gen:PROGRAM (repeatable) instead of generated programs\n"
           "  --policy P     another policy besides kvm (repeatable, or P1,P2)\n"
           "  --as-kvm P     run P in kvm's place and judge it as kvm (a self-test: with a\n"
           "                 known-wrong policy the campaign must fail)\n"
           "  --reduce N     reduce at most N kvm divergences (default 3; 0: none)\n"
           "  --jobs N, -j N runs in parallel (default 2)\n"
           "  --batch N      rows per boot (default " BATCH_DEFAULT_TEXT
           "; 1: one boot per run): the\n"
           "                 programs of one environment share boots as in run; a row that\n"
           "                 does not end cleanly there runs again alone (docs/runner.md,\n"
           "                 \"Batches\"). The campaign runs in chunks of N x jobs programs\n"
           "  --batch-all    as for run (every generated program may share a boot anyway)\n"
           "  --timeout SEC  per run (default 30, scaled by jobs/CPUs as for run)\n"
           "  --results DIR  run directories of divergences and summary.json\n"
           "                 (default results/fuzz; emptied first if redeliver made it)\n"
           "  --build DIR    holds hv.bin, guest.bin, boot.img (default build)\n"
           "  --bochs PATH   the Bochs 2.7 binary (default: bochs-bin in PATH)\n"
           "  --verbose, -v  one line per finished boot (a run alone or a batch) on stderr\n"
           "  --help, -h     this text\n"
           "\n"
           "A program whose perturbation caused no exit during its target's delivery is\n"
           "counted as no-exit, never PASS; one whose reference run (bare, or for injected\n"
           "events the unperturbed run under hv/) did not pass is bad-reference.\n"
           "Exit status: 0 kvm matched the reference in every program that tested something,\n"
           "1 kvm diverged (or no program tested anything), 2 usage error.\n";
}

static int number(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out,
                  char **err)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    if (!*v || *end || errno || *v == '-' || n < min || n > max) {
        *err = xasprintf("%s: '%s' is not a number from %llu to %llu", opt, v,
                         (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    *out = n;
    return 0;
}

static void add(char ***v, size_t *n, const char *s)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

static int add_policies(struct fuzz_opts *o, const char *value, char **err)
{
    char *copy = xstrdup(value), *save = NULL;
    int rc = 0;
    if (!*value || value[strlen(value) - 1] == ',' || strstr(value, ",,") || *value == ',')
        rc = -1;
    for (char *p = strtok_r(copy, ",", &save); rc == 0 && p; p = strtok_r(NULL, ",", &save))
        add(&o->policies, &o->n_policies, p);
    free(copy);
    if (rc)
        *err = xasprintf("--policy: empty name in '%s'", value);
    return rc;
}

int fuzz_opts_parse(struct fuzz_opts *o, int argc, char **argv, char **err)
{
    memset(o, 0, sizeof(*o));
    o->seed = 1;
    o->count = FUZZ_DEFAULT_COUNT;
    o->reduce = FUZZ_DEFAULT_REDUCE;
    o->jobs = DEFAULT_JOBS;
    o->batch = DEFAULT_BATCH;
    o->timeout = DEFAULT_TIMEOUT;
    o->results = FUZZ_DEFAULT_RESULTS;
    o->build = DEFAULT_BUILD;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t n;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            o->help = true;
            continue;
        }
        if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            o->verbose = true;
            continue;
        }
        if (!strcmp(a, "--batch-all")) {
            o->batch_all = true;
            continue;
        }
        if (a[0] != '-') {
            *err = xasprintf("unexpected argument '%s' (see redeliver fuzz --help)", a);
            return -1;
        }
        if (i + 1 >= argc) {
            *err = xasprintf("%s needs a value (see redeliver fuzz --help)", a);
            return -1;
        }
        const char *v = argv[++i];
        int rc = 0;
        if (!strcmp(a, "--seed"))
            rc = number(a, v, 0, UINT64_MAX, &o->seed, err);
        else if (!strcmp(a, "--count"))
            rc = number(a, v, 1, 1000000, &o->count, err);
        else if (!strcmp(a, "--start"))
            rc = number(a, v, 0, UINT64_MAX / 2, &o->start, err);
        else if (!strcmp(a, "--index")) {
            rc = number(a, v, 0, UINT64_MAX, &o->index, err);
            o->print_index = true;
        } else if (!strcmp(a, "--spec"))
            add(&o->specs, &o->n_specs, v);
        else if (!strcmp(a, "--policy"))
            rc = add_policies(o, v, err);
        else if (!strcmp(a, "--as-kvm"))
            o->as_kvm = v;
        else if (!strcmp(a, "--reduce")) {
            rc = number(a, v, 0, 1000, &n, err);
            o->reduce = (unsigned)n;
        } else if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
            rc = number(a, v, 1, 64, &n, err);
            o->jobs = (unsigned)n;
        } else if (!strcmp(a, "--batch")) {
            rc = batch_parse(v, &o->batch, err);
        } else if (!strcmp(a, "--timeout")) {
            rc = number(a, v, 1, 3600, &n, err);
            o->timeout = (double)n;
        } else if (!strcmp(a, "--results"))
            o->results = v;
        else if (!strcmp(a, "--build"))
            o->build = v;
        else if (!strcmp(a, "--bochs"))
            o->bochs = v;
        else {
            *err = xasprintf("unknown option '%s' (see redeliver fuzz --help)", a);
            return -1;
        }
        if (rc)
            return -1;
    }
    return 0;
}

void fuzz_opts_free(struct fuzz_opts *o)
{
    for (size_t i = 0; i < o->n_specs; i++)
        free(o->specs[i]);
    for (size_t i = 0; i < o->n_policies; i++)
        free(o->policies[i]);
    free(o->specs);
    free(o->policies);
    memset(o, 0, sizeof(*o));
}
