/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/resolve.c — from a row specifier to the row to run: a row's name
 * (tests/<family>.c), or a generated program `gen:<program>` (docs/fuzz.md), which the
 * interpreter (guest/program.c) builds into *scratch. Every row name goes through here. */
#include "guest/program.h"
#include "guest/scenario.h"
#include "lib/string.h"

const struct scenario *scenario_resolve(const char *spec, struct scenario *scratch)
{
    if (strncmp(spec, PROGRAM_PREFIX, sizeof(PROGRAM_PREFIX) - 1) == 0)
        return program_resolve(spec, spec + sizeof(PROGRAM_PREFIX) - 1, scratch);
    const struct scenario *s = scenario_find(spec);
    if (s && s->program) /* a generated program kept as a static row */
        return program_resolve(s->name, s->program, scratch);
    return s;
}
