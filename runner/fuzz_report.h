/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/fuzz_report.h — what a `redeliver fuzz` campaign found, and how it is printed:
 * per policy the count of each class, the rate, every divergence of the policy judged as
 * kvm with its reduction as a ready-to-paste row (stdout), and summary.json (jansson). */
#ifndef RUNNER_FUZZ_REPORT_H
#define RUNNER_FUZZ_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "runner/fuzz.h"

/* classes: the verdicts, then these two */
#define FUZZ_NO_EXIT       V_COUNT
#define FUZZ_BAD_REFERENCE (V_COUNT + 1)
#define FUZZ_CLASSES       (V_COUNT + 2)

struct fuzz_divergence {
    uint64_t index; /* of the seed; UINT64_MAX for a --spec */
    size_t policy;
    char *spec;
    enum verdict verdict;
    char *detail;
    char *reduced; /* NULL when not reduced */
    enum verdict reduced_verdict;
    char *reduced_detail; /* the reduced program's confirming run; NULL: no step was kept */
    unsigned steps;
    size_t runs;
};

struct fuzz_campaign {
    uint64_t seed, start, count;
    bool generated;        /* false: --spec */
    const char **policies; /* policies[0] is judged as kvm */
    size_t n_policies;
    const char *as_kvm; /* NULL, or what stands in for kvm */
    unsigned jobs;
    unsigned batch;                 /* rows per boot */
    size_t (*counts)[FUZZ_CLASSES]; /* per policy */
    size_t n_scen, runs;
    double seconds;
    struct fuzz_divergence *div; /* of every policy, in order */
    size_t n_div;
    struct fuzz_outcome *out; /* every scenario's outcome, in order */
    uint64_t *index;          /* and its index */
};

/* Add one scenario's outcome (taken over) to the counts and divergences. */
void fuzz_campaign_add(struct fuzz_campaign *c, uint64_t index, struct fuzz_outcome *o);
void fuzz_campaign_free(struct fuzz_campaign *c);
/* Divergences of the policy judged as kvm. */
size_t fuzz_gate_divergences(const struct fuzz_campaign *c);

/* The table, the rate and the divergences on stdout. */
void fuzz_print(const struct fuzz_campaign *c);
/* A row and catalogue section for a reduced divergence (caller frees both). */
void fuzz_paste(const struct fuzz_campaign *c, const struct fuzz_divergence *d, char **row,
                char **cfg);
/* summary.json in `dir`; 0, or -1 with *err. */
int fuzz_write_summary(const struct fuzz_campaign *c, const char *dir, char **err);

#endif
