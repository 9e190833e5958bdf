/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/rerun.h — `run --rerun-failed [DIR]`: run again exactly the cells whose verdicts
 * were unexpected in DIR/summary.json (read with jansson; default results/latest).
 *
 * The selection becomes the scenarios, CPU models and policies of those cells; every other
 * cell of that grid is n/a ("not rerun"), except the runs the rerun cells are judged
 * against: the bare run of the same scenario and CPU model, and the reference run of a
 * `reference = virt` row. */
#ifndef RUNNER_RERUN_H
#define RUNNER_RERUN_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/cli_run.h"
#include "runner/matrix.h"

struct rerun_cell {
    char *scenario, *cpu;
    char *policy;   /* NULL: the bare run */
    bool reference; /* the ref:virt run of a `reference = virt` row */
};

struct rerun {
    char *path; /* DIR/summary.json */
    char *why;  /* the n/a reason of the cells not rerun */
    struct rerun_cell *cells;
    size_t n;
};

/* Read DIR/summary.json. 0, or -1 with *err (caller frees): not readable, not JSON, not
 * format redeliver-summary-1, a run without the fields it needs. */
int rerun_load(struct rerun *rr, const char *dir, char **err);
void rerun_free(struct rerun *rr);

/* The selection of the cells into o (scenarios, policies, CPU models, in the order DIR
 * lists them). */
void rerun_select(const struct rerun *rr, struct run_opts *o);

/* Mark the runs of the grid that are not rerun (and not needed as a reference) n/a. */
void rerun_mark(const struct rerun *rr, struct matrix *m);

#endif
