/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cli_run.h — the options of `redeliver run` (and `redeliver list`), parsed into a
 * plain struct. Names are checked later against the catalogue and core/ (cmd_run.c); this
 * file only knows the syntax, so it is unit-tested alone. */
#ifndef RUNNER_CLI_RUN_H
#define RUNNER_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/emulator.h"
#include "runner/shard.h"

struct run_opts {
    char **scenarios; /* --scenario, in the order given, without repeats; none = default */
    size_t n_scenarios;
    char **policies; /* --policy */
    size_t n_policies;
    char **families; /* --family: rows whose `family` is one of these */
    size_t n_families;
    char **cases; /* --case: rows whose `case` names one of these (runner/select.h) */
    size_t n_cases;
    const char *rerun_failed;       /* --rerun-failed [DIR]: its unexpected cells; NULL: no */
    enum cpu_model cpus[CPU_COUNT]; /* --cpu */
    size_t n_cpus;
    double timeout;        /* --timeout, seconds per run */
    unsigned jobs;         /* --jobs */
    const char *results;   /* --results; NULL: a new results/<run-id> (runner/run_id.h) */
    const char *build;     /* --build */
    const char *bochs;     /* --bochs, NULL: bochs-bin from PATH */
    const char *bochs3;    /* --bochs3, NULL: the cache of scripts/bochs3.sh */
    const char *qemu;      /* --qemu, NULL: qemu-system-x86_64 from PATH */
    const char *fault;     /* --fault, NULL: none */
    const char *profile;   /* --profile, NULL: minimal (docs/hv.md, "Intercept profiles") */
    const char *catalogue; /* --catalogue, NULL: tests/scenarios.cfg */
    struct shard shard;    /* --shard K/N; n == 0: the whole selection */
    bool list;             /* --list */
    bool help;             /* --help */
    bool verbose;          /* --verbose */
    unsigned batch;        /* --batch: rows per boot, 1 = one boot per run */
    bool batch_all;        /* --batch-all */
};

#define DEFAULT_TIMEOUT    30.0
#define DEFAULT_JOBS       2
#define DEFAULT_BATCH      64
#define BATCH_DEFAULT_TEXT "64"
#define BATCH_MAX          150
#define RESULTS_ROOT       "results" /* results/<run-id>/ and the link results/latest */
#define DEFAULT_RERUN      "results/latest"
#define DEFAULT_BUILD      "build"

/* argv[0] is the command name ("run" or "list"). getopt_long: -j1, -j 1, --jobs=2, --jobs 2.
 * 0, or -1 with *err (caller frees). */
int run_opts_parse(struct run_opts *o, int argc, char **argv, char **err);
void run_opts_free(struct run_opts *o);

/* --batch N (run and fuzz): 1 to BATCH_MAX. 0, or -1 with *err (caller frees). */
int batch_parse(const char *s, unsigned *out, char **err);

/* The help text of `redeliver run`. */
const char *run_usage(void);

/* The per-run timeout under load: with more parallel runs than CPUs, each run gets
 * proportionally less CPU, so --timeout (seconds of an unloaded CPU) is scaled by
 * jobs / cpus. Never below `timeout`. */
double timeout_under_load(double timeout, unsigned jobs, long cpus);

#endif
