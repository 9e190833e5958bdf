/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/schedule.h — running the matrix: each run in a boot of its own, or the runs of
 * one column that may share a boot in batches of up to N rows (runner/batch.h), then what
 * a batch could not vouch for again alone (docs/runner.md, "Batches"). */
#ifndef RUNNER_SCHEDULE_H
#define RUNNER_SCHEDULE_H

#include <stdbool.h>

#include "runner/matrix.h"
#include "runner/rundir.h"

/* Seconds a batch may take beyond --timeout, per row it holds. */
#define BATCH_SECONDS_PER_ROW 1.0

struct sched_opts {
    unsigned jobs;
    double timeout; /* per boot of one row */
    unsigned batch; /* rows per boot; 1: one boot per run */
    bool batch_all; /* harness rows and rows expected to end the boot share boots too */
    bool verbose;   /* a line per boot on stderr */
    bool tty;       /* a progress counter on stderr */
    const char *results;
};

/* Run every run of the matrix and collect what it left (rundir_collect). 0; 130 when
 * interrupted (every emulator stopped); 2 when the disk is full before the first emulator
 * starts (nothing was run; the message is printed). */
int schedule_run(struct matrix *m, const struct run_inputs *in, const struct sched_opts *o);

#endif
