/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cli_fuzz.h — the options of `redeliver fuzz` (docs/fuzz.md), syntax only: names
 * are checked against core/ by cmd_fuzz.c. */
#ifndef RUNNER_CLI_FUZZ_H
#define RUNNER_CLI_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fuzz_opts {
    uint64_t seed;    /* --seed */
    uint64_t start;   /* --start: the first index */
    uint64_t count;   /* --count */
    bool print_index; /* --index I: print that program and exit */
    uint64_t index;
    char **specs; /* --spec gen:...: run these instead of generated ones */
    size_t n_specs;
    char **policies; /* --policy, besides kvm */
    size_t n_policies;
    const char *as_kvm; /* --as-kvm P: P stands in for kvm (a self-test: it must fail) */
    unsigned reduce;    /* --reduce N: reduce at most N divergences of kvm */
    unsigned jobs;
    unsigned batch; /* --batch N: rows per boot (default DEFAULT_BATCH); 1: a boot per run */
    bool batch_all; /* --batch-all */
    double timeout;
    const char *results;
    const char *build;
    const char *bochs;
    bool help, verbose;
};

#define FUZZ_DEFAULT_COUNT   20
#define FUZZ_DEFAULT_RESULTS "results/fuzz"
#define FUZZ_DEFAULT_REDUCE  3

int fuzz_opts_parse(struct fuzz_opts *o, int argc, char **argv, char **err);
void fuzz_opts_free(struct fuzz_opts *o);
const char *fuzz_usage(void);

#endif
