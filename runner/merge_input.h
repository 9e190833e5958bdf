/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/merge_input.h — what the files of `redeliver merge` share (merge.c, merge_input.c,
 * merge_runs.c): one input's summary.json and the checks of its fields. Not for other
 * files: merge.h is merge's interface. */
#ifndef RUNNER_MERGE_INPUT_H
#define RUNNER_MERGE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "runner/merge.h"

/* merge.source[] of a run that no input holds (yet) */
#define NONE SIZE_MAX

struct input {
    const char *dir;
    char *path; /* <dir>/summary.json */
    json_t *doc;
};

static inline const char *str(const json_t *v)
{
    return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static inline bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* obj[key] of type `type` (JSON_NULL too when nullable); else NULL and *err (if not set yet)
 * names the input, `where` and the key (merge_input.c). */
const json_t *merge_field(const struct input *in, const char *where, const json_t *obj,
                          const char *key, json_type type, bool nullable, char **err);

/* Read and check the top level of one input (in->dir set): its format, fields and
 * catalogue_hash. 0, or -1 with *err (merge_input.c). */
int merge_read_input(struct input *in, const char *cat_hash, char **err);

/* Sharded inputs must be the shards of one split, each once. 0, or -1 with *err
 * (merge_input.c). */
int merge_check_shards(const struct input *in, size_t n, char **err);

/* Places input all[i_in]'s runs in mg's matrix: each run once, its verdict, detail, counts and
 * trace. 0, or -1 with *err (merge_runs.c). */
int merge_place_runs(struct merge *mg, const struct input *all, size_t i_in, char **err);

#endif
