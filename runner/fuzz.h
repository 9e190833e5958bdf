/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/fuzz.h — `redeliver fuzz` (docs/fuzz.md): running generated scenarios and judging
 * them with the matrix's own code (runner/matrix.c, compare.c), and reducing a divergence.
 *
 * fuzz_run_specs() is the one place that turns specifiers into runs and per-specifier
 * results: the runs of one environment share boots in batches of `batch` rows
 * (runner/schedule.h), as for `redeliver run`. */
#ifndef RUNNER_FUZZ_H
#define RUNNER_FUZZ_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/rundir.h"
#include "runner/verdict.h"

struct fuzz_env {
    struct run_inputs in; /* images, Bochs */
    unsigned jobs;
    double timeout;
    unsigned batch;        /* rows per boot (--batch); 1: one boot per run */
    bool batch_all;        /* --batch-all */
    const char **policies; /* the virtualized columns */
    size_t n_policies;
    bool verbose;
};

/* One virtualized cell. `no_exit`: ERROR because the perturbation caused no exit during the
 * delivery of the program's target event — the scenario did not test (never a PASS). */
struct fuzz_cell {
    enum verdict verdict;
    bool no_exit;
    long vectoring_exits; /* -1 when hv/ printed no summary */
    char *detail;
};

struct fuzz_outcome {
    char *spec;
    /* the reference: the bare run, or for a program with an injected event the unperturbed
     * run under hv/ (docs/protocol.md); its verdict must be PASS for the cells to mean
     * anything */
    bool reference_virt;
    enum verdict reference;
    char *reference_detail;
    struct fuzz_cell *cell; /* one per policy */
    bool repeated;          /* the same program came earlier in the list: these are its runs */
};

/* Run every specifier on Bochs: the reference and each policy, in run directories under
 * `dir`/<specifier>/ (the boots of batches in `dir`/batches/). 0; 130 when interrupted (every
 * emulator stopped); 2 when the disk is full (the message is printed). */
int fuzz_run_specs(const struct fuzz_env *e, char *const *specs, size_t n, const char *dir,
                   struct fuzz_outcome *out);
void fuzz_outcome_free(struct fuzz_outcome *o, size_t n_policies);

/* The classes of the summary: a cell's verdict name, "no-exit", or "bad-reference" when
 * the reference run did not PASS (the program is not valid on this CPU model). */
const char *fuzz_class(const struct fuzz_outcome *o, size_t policy);
/* A divergence: the reference passed and the cell is neither PASS nor no-exit. */
bool fuzz_diverges(const struct fuzz_outcome *o, size_t policy);

/* Reduction (runner/fuzz_reduce.c): shrink `spec`, whose cell of `policy` diverged with
 * `verdict`, while the divergence persists with the same verdict. */
struct fuzz_reduction {
    char *spec;   /* the smallest program found (the original when no step kept it) */
    char *detail; /* the judgement of its last confirming run; NULL when no step was kept */
    unsigned steps;
    size_t runs;
};
void fuzz_reduce(const struct fuzz_env *e, const char *spec, size_t policy, enum verdict verdict,
                 const char *dir, struct fuzz_reduction *r);

#endif
