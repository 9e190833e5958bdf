/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/suggest.c — see suggest.h. */
#include "runner/suggest.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (lb > 63) /* names are short; a longer one is never "close" */
        return la > lb ? la : lb;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

void suggest_init(struct suggest *s, const char *given)
{
    s->given = given;
    s->best = NULL;
    s->best_distance = (size_t)-1;
}

void suggest_offer(struct suggest *s, const char *name)
{
    if (!name || !*s->given)
        return;
    size_t d = edit_distance(s->given, name);
    bool prefix = strncmp(name, s->given, strlen(s->given)) == 0;
    if ((d <= SUGGEST_MAX_DISTANCE || prefix) && d < s->best_distance) {
        s->best = name;
        s->best_distance = d;
    }
}

const char *suggest_text(const struct suggest *s, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (s->best)
        snprintf(buf, len, "did you mean '%s'?; ", s->best);
    return buf;
}
