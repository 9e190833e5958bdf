/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/shard.c — see shard.h. */
#include "runner/shard.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

static bool parse_number(const char *s, size_t len, unsigned *out)
{
    if (len == 0 || len > 4)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

int shard_parse(const char *s, struct shard *out, char **err)
{
    const char *slash = strchr(s, '/');
    unsigned k = 0, n = 0;
    if (!slash || !parse_number(s, (size_t)(slash - s), &k) ||
        !parse_number(slash + 1, strlen(slash + 1), &n) || n < 1 || n > SHARD_MAX || k < 1 ||
        k > n) {
        *err = xasprintf("--shard: '%s' is not K/N with 1 <= K <= N <= %d (e.g. --shard 2/4: "
                         "the second of four shards)",
                         s, SHARD_MAX);
        return -1;
    }
    out->k = k;
    out->n = n;
    return 0;
}

bool shard_has(const struct shard *sh, size_t i)
{
    return sh->n == 0 || i % sh->n == sh->k - 1;
}

size_t shard_select(const struct catalogue *cat, const struct cat_scenario **scen, size_t n_scen,
                    const struct shard *sh)
{
    if (sh->n == 0)
        return n_scen;
    /* rank in catalogue order: selected scenarios before it in cat->sc */
    bool *selected = xcalloc(cat->n ? cat->n : 1, sizeof(*selected));
    for (size_t i = 0; i < n_scen; i++)
        selected[scen[i] - cat->sc] = true;
    size_t *rank = xcalloc(cat->n ? cat->n : 1, sizeof(*rank));
    for (size_t i = 0, r = 0; i < cat->n; i++)
        if (selected[i])
            rank[i] = r++;
    size_t kept = 0;
    for (size_t i = 0; i < n_scen; i++)
        if (shard_has(sh, rank[scen[i] - cat->sc]))
            scen[kept++] = scen[i];
    free(rank);
    free(selected);
    return kept;
}
