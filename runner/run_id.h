/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/run_id.h — one results directory per `redeliver run` without --results:
 * results/<run-id>/, and the symbolic link results/latest to the newest.
 *
 * A run id is the UTC start time to the microsecond, "20261202T075353Z-123456": ids sort as
 * the runs started, and two runs in one second get two ids (a directory that exists already
 * bumps the microseconds: mkdir decides, so two processes never share one). Earlier runs
 * are kept; nothing here deletes anything. results/latest is replaced atomically (a new
 * link renamed over it), never followed; a results/latest that is a directory an older
 * redeliver made (it holds the marker) is renamed to results/<run-id of its marker's time>,
 * any other file there is refused. */
#ifndef RUNNER_RUN_ID_H
#define RUNNER_RUN_ID_H

#include <time.h>

#define LATEST_LINK "latest"
#define RUN_ID_LEN  23 /* "YYYYmmddTHHMMSSZ-uuuuuu" */

/* The id of a run started at `ts` (UTC) into buf (at least RUN_ID_LEN + 1 bytes). Pure. */
void run_id_format(const struct timespec *ts, char *buf);

/* Is root/latest something run_latest_point may replace? 0, or -1 with *err. */
int run_latest_check(const char *root, char **err);

/* Create root (if needed) and a new, empty root/<run-id>; *dir is its path (caller frees).
 * 0, or -1 with *err (caller frees). */
int run_dir_create(const char *root, char **dir, char **err);

/* Point root/latest at `dir` (a directory inside root; the link is relative). 0, or -1
 * with *err. */
int run_latest_point(const char *root, const char *dir, char **err);

/* The results directory of a run, locked: `given` (--results: exactly that directory), else
 * a new root/<run-id> that root/latest then points at. Returns the lock of results_open()
 * with *dir the directory (caller frees), or -1 with *err. */
int run_results_open(const char *given, const char *root, char **dir, char **err);

#endif
