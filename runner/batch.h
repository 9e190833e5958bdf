/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/batch.h — many rows in one boot (docs/runner.md, "Batches"; docs/protocol.md).
 *
 * A batch is the runs of one column (CPU model and environment: bare, a policy, or the
 * ref:virt reference) that may share a boot, in catalogue order. After the boot its logs
 * are cut at the row markers into the run directory of each row, so that everything after
 * (judging, reports, merge) sees one row's files, as from a boot of its own. What the cut
 * cannot vouch for is run again alone: the first row that did not end cleanly, in a boot of
 * its own; the rows after it, in a new batch. This file decides; runner/schedule.c runs. */
#ifndef RUNNER_BATCH_H
#define RUNNER_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/matrix.h"

/* Verdicts that end the emulator, or whose cause a batch would hide: a run expected to end
 * with one of them (or whose row expects the bare CPU to shut down) boots alone. */
bool verdict_ends_boot(enum verdict v);

/* May this run share a boot with others? Not for harness rows, nor when its expectation or
 * its row's bare expectation ends the boot (verdict_ends_boot). `all`: every run may
 * (--batch-all, to test the batch machinery with rows that crash). */
bool run_batchable(const struct run *r, bool all);

/* A virtualized run expected to end its boot through hv/ (TRIPLE-FAULT, LIVELOCK, HANG; or
 * its row's bare run shuts down, so a matching run does too): it may be the last row of a
 * batch, where it ends the boot as it would end one of its own. */
bool run_ends_batch(const struct run *r);

/* One row's part of the two captures: byte ranges [g0, g1) of serial.txt and [h0, h1) of
 * hv.txt. */
struct row_slice {
    size_t g0, g1, h0, h1;
};

struct batch_cut {
    size_t n_taken;          /* rows [0, n_taken) ended cleanly: their slices are valid */
    bool void_batch;         /* the markers disagree with the row list: nothing is taken */
    bool started;            /* the first row started (on both channels) */
    char *why;               /* why row n_taken (or the batch) is not taken; NULL: all taken */
    size_t g_prelude;        /* serial.txt before the first row (ENV) */
    size_t h_prelude;        /* hv.txt before the first row (hv/'s banner) */
    struct row_slice *slice; /* n entries */
};

/* Cut the captures of a batch of `n` rows named `names` (as written in the batch area).
 * `virt`: hv.txt is there and its markers rule. `ended_normally`: the emulator ended as a
 * finished run ends (exit status, no problem in its log, no timeout). Free with
 * batch_cut_free. A row is taken when its slice of serial.txt starts with its `ROW` line and
 * holds exactly one `Test result:` line, SUCCESS, SKIP or FAILURE; under hv/, when its slice
 * of hv.txt starts with `hv: ROW <name>` and holds `hv: ROW-END <name>` (nothing after it), one
 * summary and no ERROR, VMENTRY-FAIL, TRIPLE-FAULT, LIVELOCK or HANG line; and when the next row
 * started (on both channels), or it is the last row and the emulator ended normally. The last row,
 * under hv/, may instead end with one TRIPLE-FAULT, LIVELOCK or HANG report and one summary (no
 * ROW-END) when the emulator then ended normally: as that row's boot of its own would end. The
 * batch is void when the guest's `ROW` lines or hv/'s markers are not the row list in order, or the
 * guest names more rows than hv/ started: a guest cannot forge a row boundary. */
void batch_cut(const char *const *names, size_t n, bool virt, const char *g, size_t glen,
               const char *h, size_t hlen, bool ended_normally, struct batch_cut *out);
void batch_cut_free(struct batch_cut *c);

#endif
