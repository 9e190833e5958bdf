/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/foreign_compare.h — what a run-image run left behind (console lines, hv/'s report)
 * and how a policy's run differs from the bare one (docs/foreign-guests.md). */
#ifndef RUNNER_FOREIGN_COMPARE_H
#define RUNNER_FOREIGN_COMPARE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner/spawn.h"

struct foreign_outcome {
    char **lines; /* console (COM1) lines, after the filter */
    size_t n_lines;
    size_t n_filtered; /* lines the filter took out */
    char *hv_error;    /* "hv: ERROR ..." line, else NULL */
    char *end;         /* how the run ended, one phrase */
    int exit_code;     /* the code written to port 0xF4, -1 when none was seen */
    char **idtv;       /* "hv: IDTV ..." lines */
    size_t n_idtv;
    unsigned long vectoring_exits; /* from hv/'s summary line */
    char *testdev;                 /* "hv: testdev ..." line, else NULL */
    bool ok;                       /* ended by the guest itself, without an error */
};

/* Read serial.txt and hv.txt of `dir`; filter: lines matching it are dropped (may be NULL). */
void foreign_outcome_read(struct foreign_outcome *o, const char *dir, const regex_t *filter,
                          const struct proc_result *r, bool bare);
void foreign_outcome_free(struct foreign_outcome *o);

/* Print the differences of `run`'s console lines from `bare`'s (at most `max` lines) on f;
 * returns the number of differing lines (0: the same output). */
size_t foreign_diff(FILE *f, const struct foreign_outcome *bare, const struct foreign_outcome *run,
                    size_t max);

#endif
