/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cost.h — what a virtualized run cost: hv/'s `hv: exit-counts` line (exits by basic
 * exit reason) and `hv: idtv-actions` line (what was done with each exit's IDT-vectoring
 * information, by core/'s action name). Parsed once here; summary.json, the HTML report and
 * docs/ANSWER.md's cost block (scripts/answer.sh, through summary.json) all read these
 * numbers. */
#ifndef RUNNER_COST_H
#define RUNNER_COST_H

#include <stdbool.h>
#include <stddef.h>

#define COST_NAMES_MAX 32 /* pairs kept per line; more are counted in `dropped` */
#define COST_NAME_MAX  32 /* longest exit-reason or action name accepted */

struct cost_pairs {
    bool seen;      /* the line was printed (empty: no pair) */
    bool malformed; /* a pair did not parse: the numbers are not trusted */
    size_t n;
    char *name[COST_NAMES_MAX];
    long count[COST_NAMES_MAX];
};

struct run_cost {
    struct cost_pairs exits;   /* `hv: exit-counts CPUID=2 EPT_VIOLATION=1 ...` */
    struct cost_pairs actions; /* `hv: idtv-actions reinject=1 ...` */
};

/* One hv line, the text after "hv: ": true when it was one of the two cost lines. */
bool cost_hv_line(struct run_cost *c, const char *s);
void cost_free(struct run_cost *c);
/* Copy a pair list into dst (merge reads summary.json back): name/count, n of them. */
void cost_pairs_add(struct cost_pairs *p, const char *name, long count);

/* Exits other than port I/O (IO_INSTRUCTION: the guest's console bytes, which vary with
 * the length of what it prints, e.g. the policy name), -1 when not known. */
long cost_exits_without_io(const struct run_cost *c);
/* The count of one name in a list, 0 when absent, -1 when the line is unknown. */
long cost_count(const struct cost_pairs *p, const char *name);
/* Re-injections: decisions "reinject" (core/policy.h), -1 when unknown. */
long cost_reinjections(const struct run_cost *c);

/* summary.json's "cost" of a run (runner/cost_json.c, jansson): {"exits_by_reason": {NAME: N,
 * ...} or null, "exits_without_io": N or null, "idtv_actions": {ACTION: N, ...} or null,
 * "reinjections": N or null}; null for a list hv did not print or printed malformed. */
struct json_t;
struct json_t *cost_json(const struct run_cost *c);
/* Read it back (merge): 0, or -1 with *err naming what is wrong ("<path>: <where>cost...",
 * where e.g. "runs[3]: "). An absent or null "cost" leaves c unknown. */
int cost_from_json(struct run_cost *c, const struct json_t *run, const char *path,
                   const char *where, char **err);

#endif
