/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cost_json.c — a run's cost (runner/cost.h) in summary.json and back, with jansson. */
#include "runner/cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner/util.h"

static json_t *must(json_t *v)
{
    if (!v) {
        fputs("redeliver: out of memory (summary.json)\n", stderr);
        exit(3);
    }
    return v;
}

static void put(json_t *o, const char *key, json_t *v)
{
    if (json_object_set_new(o, key, must(v)) != 0)
        must(NULL);
}

static json_t *count_or_null(long v)
{
    return v < 0 ? json_null() : json_integer(v);
}

static json_t *pairs(const struct cost_pairs *p)
{
    if (!p->seen || p->malformed)
        return json_null();
    json_t *o = must(json_object());
    for (size_t i = 0; i < p->n; i++)
        put(o, p->name[i], json_integer(p->count[i]));
    return o;
}

json_t *cost_json(const struct run_cost *c)
{
    json_t *o = must(json_object());
    put(o, "exits_by_reason", pairs(&c->exits));
    put(o, "exits_without_io", count_or_null(cost_exits_without_io(c)));
    put(o, "idtv_actions", pairs(&c->actions));
    put(o, "reinjections", count_or_null(cost_reinjections(c)));
    return o;
}

static int read_pairs(struct cost_pairs *p, const json_t *cost, const char *key, const char *path,
                      const char *where, char **err)
{
    const json_t *o = json_object_get(cost, key);
    if (!o || json_is_null(o))
        return 0;
    if (!json_is_object(o)) {
        *err = xasprintf("%s: %scost.%s is not an object (or null)", path, where, key);
        return -1;
    }
    const char *name;
    const json_t *v;
    p->seen = true;
    json_object_foreach((json_t *)o, name, v)
    {
        size_t n = strlen(name), i = 0;
        while (i < n && i < COST_NAME_MAX &&
               strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-#", name[i]))
            i++;
        if (!n || i != n || !json_is_integer(v) || json_integer_value(v) < 0) {
            *err =
                xasprintf("%s: %scost.%s: '%s' is not a name with a count", path, where, key, name);
            return -1;
        }
        cost_pairs_add(p, name, (long)json_integer_value(v));
    }
    return 0;
}

int cost_from_json(struct run_cost *c, const json_t *run, const char *path, const char *where,
                   char **err)
{
    const json_t *cost = json_object_get(run, "cost");
    if (!cost || json_is_null(cost))
        return 0;
    if (!json_is_object(cost)) {
        *err = xasprintf("%s: %scost is not an object (or null)", path, where);
        return -1;
    }
    if (read_pairs(&c->exits, cost, "exits_by_reason", path, where, err) != 0 ||
        read_pairs(&c->actions, cost, "idtv_actions", path, where, err) != 0)
        return -1;
    return 0;
}
