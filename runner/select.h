/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/select.h — `run --family F` and `run --case C`: rows chosen by their catalogue
 * keys `family` and `case` (tests/scenarios.cfg). Pure.
 *
 * A row's case names come from its `case` value: each `#N` names case N (`--case 4` or
 * `--case '#4'`), each "double-quoted" text names that section of docs/cases.md
 * (`--case 'Faults the guest'"'"'s own instruction raised'`). Options combine as "and"
 * (--scenario, --family, --case), their repeated values as "or". Harness rows are chosen
 * only when named: by --scenario, or by --family harness. */
#ifndef RUNNER_SELECT_H
#define RUNNER_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/catalogue.h"

/* Call fn for each case name in `case_ref` (a `case` value; NULL has none). */
void case_names(const char *case_ref, void (*fn)(void *ctx, const char *name, size_t len),
                void *ctx);

/* Does the row's `case` name `name` ("4", "#4" or a quoted title)? */
bool case_has(const char *case_ref, const char *name);

/* Filter the selection scen[0 .. *n) in place (capacity cat->n). named: the user named the
 * scenarios (else the selection is the default and is rebuilt from the whole catalogue, so
 * that --family harness can choose harness rows). An unknown family or case, or nothing
 * left: -1 with *err (did-you-mean, the valid names; caller frees). */
int select_rows(const struct catalogue *cat, const struct cat_scenario **scen, size_t *n,
                bool named, char *const *families, size_t n_families, char *const *cases,
                size_t n_cases, char **err);

#endif
