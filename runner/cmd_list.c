/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cmd_list.c — `redeliver list`: scenarios with summaries, policies, CPU models. */
#include <stdio.h>
#include <stdlib.h>

#include "runner/commands.h"
#include "runner/session.h"

static const char usage[] =
    "usage: redeliver list [--scenario S ...] [--catalogue FILE]\n"
    "\n"
    "List the scenarios of tests/scenarios.cfg (harness self-tests only when named) with\n"
    "their summaries, the re-delivery policies of core/, and the CPU models.\n"
    "Same as `redeliver run --list`.\n";

int cmd_list(int argc, char **argv)
{
    struct run_opts o;
    char *err = NULL;
    if (run_opts_parse(&o, argc, argv, &err) != 0) {
        fprintf(stderr, "redeliver list: %s\n", err);
        free(err);
        return 2;
    }
    if (o.help) {
        fputs(usage, stdout);
        run_opts_free(&o);
        return 0;
    }
    struct session s;
    int rc = session_open(&s, &o);
    if (rc == 0)
        session_list(&s, o.n_scenarios > 0);
    session_close(&s);
    run_opts_free(&o);
    return rc;
}
