/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/results.h — the results directory of a run (default results/latest).
 *
 * It is emptied before each run, but only when redeliver made it (it holds the marker
 * file .redeliver-results) or it is empty: a mistyped --results never deletes someone's
 * files. The marker is also a lock, so two runs cannot write into one directory.
 *
 * Nothing is followed through a symbolic link: a results directory that is a link, or
 * whose marker is a link, a hard link (more than one name) or not a regular file, is
 * refused with a message — never emptied, never written through. */
#ifndef RUNNER_RESULTS_H
#define RUNNER_RESULTS_H

#define RESULTS_MARKER ".redeliver-results"

/* Create or empty `dir` and lock it. Returns the lock's file descriptor (keep it open for
 * the whole run), or -1 with *err (caller frees). */
int results_open(const char *dir, char **err);

/* Write `name` inside `dir`; 0, or -1 with *err. */
int results_write(const char *dir, const char *name, const char *text, char **err);

#endif
