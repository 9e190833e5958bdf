/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/merge_input.c — `redeliver merge`'s inputs read with jansson and checked: each
 * summary.json's top level, and the shards of one split (merge.h gives the rules). */
#include "runner/merge_input.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner/shard.h"
#include "runner/util.h"

/* obj[key] of type `type` (JSON_NULL too when nullable); else *err. */
const json_t *merge_field(const struct input *in, const char *where, const json_t *obj,
                          const char *key, json_type type, bool nullable, char **err)
{
    const json_t *v = json_object_get(obj, key);
    bool ok = v && (json_typeof(v) == type || (nullable && json_is_null(v)) ||
                    (type == JSON_REAL && json_is_integer(v)) ||
                    (type == JSON_TRUE && json_is_boolean(v)));
    if (!ok && !*err)
        *err =
            xasprintf("%s: %s'%s' is missing or not a%s %s%s: not a summary.json of "
                      "redeliver run",
                      in->path, where, key,
                      type == JSON_ARRAY || type == JSON_OBJECT || type == JSON_INTEGER ? "n" : "",
                      type == JSON_STRING    ? "string"
                      : type == JSON_ARRAY   ? "array"
                      : type == JSON_OBJECT  ? "object"
                      : type == JSON_INTEGER ? "integer"
                      : type == JSON_REAL    ? "number"
                                             : "boolean",
                      nullable ? " (or null)" : "");
    return ok ? v : NULL;
}

/* Read and check the top level of one input. */
int merge_read_input(struct input *in, const char *cat_hash, char **err)
{
    in->path = path_join(in->dir, "summary.json");
    if (!is_dir(in->dir)) {
        *err = xasprintf("%s: not a directory (give the --results directories of redeliver run)",
                         in->dir);
        return -1;
    }
    if (!is_file(in->path)) {
        *err = xasprintf("%s: no summary.json (not a results directory of redeliver run, or "
                         "the run did not finish)",
                         in->dir);
        return -1;
    }
    json_error_t jerr;
    in->doc = json_load_file(in->path, JSON_REJECT_DUPLICATES, &jerr);
    if (!in->doc) {
        *err =
            xasprintf("%s:%d:%d: not valid JSON: %s", in->path, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    if (!json_is_object(in->doc) ||
        !same(str(json_object_get(in->doc, "format")), "redeliver-summary-1")) {
        *err = xasprintf("%s: not in the format \"redeliver-summary-1\"", in->path);
        return -1;
    }
    const char *keys[] = {"cpus", "policies", "scenarios", "runs"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        merge_field(in, "", in->doc, keys[i], JSON_ARRAY, false, err);
    merge_field(in, "", in->doc, "fault", JSON_STRING, true, err);
    merge_field(in, "", in->doc, "shard", JSON_STRING, true, err);
    merge_field(in, "", in->doc, "timeout", JSON_REAL, true, err);
    merge_field(in, "", in->doc, "jobs", JSON_INTEGER, false, err);
    const char *hash = str(merge_field(in, "", in->doc, "catalogue_hash", JSON_STRING, false, err));
    if (*err)
        return -1;
    if (!same(hash, cat_hash)) {
        *err = xasprintf("%s: written with another catalogue (%s; the catalogue read now is "
                         "%s): merge only runs of one catalogue version, and give merge that "
                         "catalogue (--catalogue FILE)",
                         in->path, hash, cat_hash);
        return -1;
    }
    return 0;
}

/* Sharded inputs must be the shards of one split, each once. */
int merge_check_shards(const struct input *in, size_t n, char **err)
{
    unsigned split = 0;
    size_t *seen = NULL, first = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *s = str(json_object_get(in[i].doc, "shard"));
        struct shard sh;
        char *e = NULL;
        if (!s)
            continue;
        if (shard_parse(s, &sh, &e) != 0) {
            *err = xasprintf("%s: shard: %s", in[i].path, e);
            free(e);
            return -1;
        }
        if (!split) {
            split = sh.n;
            first = i;
            seen = xcalloc(split + 1, sizeof(*seen));
        }
        if (sh.n != split) {
            *err = xasprintf("%s is shard %s, %s a shard of %u: shards of different splits",
                             in[i].dir, s, in[first].dir, split);
            rc = -1;
        } else if (seen[sh.k]) {
            *err =
                xasprintf("shard %s given twice: %s and %s", s, in[seen[sh.k] - 1].dir, in[i].dir);
            rc = -1;
        } else
            seen[sh.k] = i + 1;
    }
    for (unsigned k = 1; rc == 0 && k <= split; k++)
        if (!seen[k]) {
            *err = xasprintf("shard %u/%u missing: the inputs hold the other shards of %u "
                             "(give every shard's results directory)",
                             k, split, split);
            rc = -1;
        }
    free(seen);
    return rc;
}
