/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/suggest.h — "did you mean" for mistyped names (scenario, policy, CPU, command,
 * decode kind): the closest valid name by edit distance, offered only when it is close —
 * at most SUGGEST_MAX_DISTANCE edits away, or the typed name is a prefix of it. Pure. */
#ifndef RUNNER_SUGGEST_H
#define RUNNER_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX_DISTANCE 2

/* Levenshtein distance (insert, delete, substitute; case-sensitive). */
size_t edit_distance(const char *a, const char *b);

struct suggest {
    const char *given;
    const char *best; /* NULL: nothing close yet */
    size_t best_distance;
};

void suggest_init(struct suggest *s, const char *given);
/* Consider one valid name; the first of equally close names wins. */
void suggest_offer(struct suggest *s, const char *name);
/* "did you mean 'x'?; " (the form the messages put before "valid: ..."), or "" when no
 * name is close. Into buf, always NUL-terminated; returns buf. */
const char *suggest_text(const struct suggest *s, char *buf, size_t len);

#endif
