/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/merge.h — `redeliver merge`: the summary.json of several runs of one catalogue
 * (the shards of `run --shard K/N`, or any runs) read back with jansson into one judged
 * struct matrix, so that the report writers of `run` write the merged report.
 *
 * Rules (docs/runner.md, "Merging results"): every input holds summary.json in format
 * "redeliver-summary-1" with the fields the reports need; every input was written with the
 * catalogue merge reads (same catalogue_hash); all have the same --fault; no run
 * (scenario, cpu, env, policy) is in two inputs; together they hold every run of the grid
 * scenarios × cpus × (bare + policies) they name, reference runs included; sharded inputs
 * are all the shards of one split, each once. Verdicts, details, counts and traces come
 * from the inputs; expectations are recomputed from the catalogue (the same one). */
#ifndef RUNNER_MERGE_H
#define RUNNER_MERGE_H

#include <stddef.h>

#include "runner/catalogue.h"
#include "runner/matrix.h"

/* "fnv1a64:<16 hex digits>" of the file's bytes; NULL when it cannot be read. */
char *catalogue_fingerprint(const char *path);

struct merge {
    const struct cat_scenario **scen; /* in catalogue order */
    size_t n_scen;
    enum cpu_model cpus[CPU_COUNT]; /* in order of first appearance */
    size_t n_cpus;
    const char **policies; /* in order of first appearance; owned */
    size_t n_policies;
    char *fault;   /* the inputs' --fault, NULL: none */
    char *profile; /* the inputs' hv/ intercept profile */
    double timeout;
    unsigned jobs;
    struct matrix m;
    size_t *source; /* per run of m: the input it came from */
};

/* Read dirs[i]/summary.json; the matrix's run directories are <out>/<scenario>/<run>.
 * 0, or -1 with *err naming the input and the problem (caller frees); merge_free either
 * way. */
int merge_load(struct merge *mg, const struct catalogue *cat, const char *cat_hash,
               char *const *dirs, size_t n_dirs, const char *out, char **err);
void merge_free(struct merge *mg);

#endif
