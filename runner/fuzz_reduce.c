/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/fuzz_reduce.c — shrinking a divergent generated scenario (docs/fuzz.md,
 * "Reduction"): try every program one step simpler (gen_simpler(): drop an op, a modifier,
 * a page; the stack instead of a table), run them all, keep the first whose cell still
 * diverges with the same verdict, and repeat until no step keeps it. Each round re-runs the
 * reference too, so a kept step is confirmed by measurement, never assumed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/fuzz.h"
#include "runner/gen.h"
#include "runner/util.h"

#define MAX_ROUNDS 12

void fuzz_reduce(const struct fuzz_env *e, const char *spec, size_t policy, enum verdict verdict,
                 const char *dir, struct fuzz_reduction *r)
{
    struct gen_program cur;
    char *err = NULL;
    memset(r, 0, sizeof(*r));
    if (gen_parse(spec, &cur, &err) != 0) {
        free(err);
        r->spec = xstrdup(spec);
        return;
    }
    /* one policy column: the one that diverged */
    struct fuzz_env one = *e;
    one.policies = &e->policies[policy];
    one.n_policies = 1;
    for (unsigned round = 0; round < MAX_ROUNDS; round++) {
        struct gen_program cand[GEN_MAX_STEPS];
        size_t n = gen_simpler(&cur, cand);
        if (n == 0)
            break;
        char **specs = xcalloc(n, sizeof(*specs));
        for (size_t i = 0; i < n; i++)
            specs[i] = gen_format(&cand[i]);
        struct fuzz_outcome *out = xcalloc(n, sizeof(*out));
        char *sub = xasprintf("%s/round-%u", dir, round);
        int rc = fuzz_run_specs(&one, specs, n, sub, out);
        free(sub);
        size_t kept = n;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            r->runs += out[i].repeated ? 0 : 2 + (size_t)out[i].reference_virt;
            if (kept == n && fuzz_diverges(&out[i], 0) && out[i].cell[0].verdict == verdict) {
                kept = i;
                free(r->detail);
                r->detail = out[i].cell[0].detail; /* taken over */
                out[i].cell[0].detail = NULL;
            }
        }
        for (size_t i = 0; i < n; i++) {
            fuzz_outcome_free(&out[i], rc == 0 ? 1 : 0);
            free(specs[i]);
        }
        free(out);
        free(specs);
        if (rc != 0 || kept == n)
            break;
        cur = cand[kept];
        r->steps++;
    }
    r->spec = gen_format(&cur);
}
