/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/shard.h — `redeliver run --shard K/N`: a deterministic part of the selection.
 *
 * The split is by scenario, so that a row's bare run, its virtualized runs and the
 * reference run of a `reference = virt` row (what the virtualized cells are judged against)
 * always run in one shard: scenario i of the selection, counted in catalogue order from 0,
 * belongs to shard (i mod N) + 1. The shards are disjoint and together cover the selection;
 * `redeliver merge` joins their results (runner/cmd_merge.c). Pure. */
#ifndef RUNNER_SHARD_H
#define RUNNER_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/catalogue.h"

#define SHARD_MAX 1000

struct shard {
    unsigned k, n; /* shard k of n, 1 <= k <= n <= SHARD_MAX; n == 0: no sharding */
};

/* "K/N" (decimal, nothing else). 0, or -1 with *err (caller frees). */
int shard_parse(const char *s, struct shard *out, char **err);

/* Does the scenario with catalogue-order rank `i` in the selection belong to shard sh? */
bool shard_has(const struct shard *sh, size_t i);

/* Keep, in place and in their order, the selected scenarios of shard sh; the rank of each is
 * its position in catalogue order (the catalogue's array order, cat->sc). Returns the new
 * count. n == 0 keeps everything. */
size_t shard_select(const struct catalogue *cat, const struct cat_scenario **scen, size_t n_scen,
                    const struct shard *sh);

#endif
