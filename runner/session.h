/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/session.h — what `run` and `list` both need: the catalogue, and the scenario,
 * policy and CPU names of the command line checked against it and against core/. */
#ifndef RUNNER_SESSION_H
#define RUNNER_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/catalogue.h"
#include "runner/cli_run.h"

struct session {
    char *cat_path;
    struct catalogue cat;
    const struct cat_scenario **scen; /* selected, in catalogue or command-line order */
    size_t n_scen;
    const char **policies; /* selected; strings owned by core/ */
    size_t n_policies;
    enum cpu_model cpus[CPU_COUNT];
    size_t n_cpus;
};

/* 0, or 2 after printing why on stderr (unknown names list the valid ones). */
int session_open(struct session *s, const struct run_opts *o);
void session_close(struct session *s);

/* The catalogue to read: `given`, else tests/scenarios.cfg here, else next to the binary
 * (<dir of redeliver>/../tests/scenarios.cfg). Caller frees. */
char *catalogue_path(const char *given);

/* `redeliver list` / `run --list` on stdout. */
void session_list(const struct session *s, bool named_scenarios);

#endif
