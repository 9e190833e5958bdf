/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cmd_fuzz.c — `redeliver fuzz` (docs/fuzz.md): generate programs from a seed, run
 * them in chunks through fuzz_run_specs(), count, reduce the divergences of the policy
 * judged as kvm, print, write summary.json. Exit 1 when that policy diverged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/policy.h"
#include "runner/cli_fuzz.h"
#include "runner/cli_run.h"
#include "runner/commands.h"
#include "runner/emulator.h"
#include "runner/fuzz.h"
#include "runner/fuzz_report.h"
#include "runner/gen.h"
#include "runner/results.h"
#include "runner/suggest.h"
#include "runner/util.h"

/* Programs per matrix without batches: bounds the run directories kept on disk. With
 * batches, a chunk is `batch` x jobs programs, so that each environment's rows fill `jobs`
 * boots of `batch` rows that run side by side. */
#define CHUNK_ALONE 32

static size_t chunk_size(const struct fuzz_env *e)
{
    return e->batch > 1 ? (size_t)e->batch * e->jobs : CHUNK_ALONE;
}

static int fail(const char *fmt, const char *a, const char *b)
{
    fputs("redeliver fuzz: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 2;
}

static int check_policy(const char *name)
{
    if (policy_find(name))
        return 0;
    struct suggest sg;
    struct sbuf ok = {0};
    char hint[128];
    suggest_init(&sg, name);
    for (unsigned i = 0; policy_at(i); i++) {
        suggest_offer(&sg, policy_name(policy_at(i)));
        sb_addf(&ok, "%s%s", ok.len ? ", " : "", policy_name(policy_at(i)));
    }
    fprintf(stderr, "redeliver fuzz: unknown policy '%s' (%svalid: %s)\n", name,
            suggest_text(&sg, hint, sizeof(hint)), sb_str(&ok));
    free(ok.buf);
    return 2;
}

/* policies[0] is judged as kvm: kvm, or --as-kvm; then the other --policy, once each */
static int pick_policies(const struct fuzz_opts *o, struct fuzz_campaign *c)
{
    c->policies = xcalloc(o->n_policies + 2, sizeof(*c->policies));
    c->policies[c->n_policies++] = o->as_kvm ? o->as_kvm : "kvm";
    if (o->as_kvm && check_policy(o->as_kvm))
        return 2;
    for (size_t i = 0; i < o->n_policies; i++) {
        if (check_policy(o->policies[i]))
            return 2;
        bool dup = false;
        for (size_t k = 0; k < c->n_policies; k++)
            dup |= strcmp(c->policies[k], o->policies[i]) == 0;
        if (!dup)
            c->policies[c->n_policies++] = o->policies[i];
    }
    return 0;
}

static int find_inputs(const struct fuzz_opts *o, struct fuzz_env *e, char **paths)
{
    char *err = NULL;
    if (emulator_resolve(o->bochs, "bochs-bin", BOCHS_INSTALL, &paths[0], &err) != 0) {
        fail("%s%s", err, "");
        free(err);
        return 2;
    }
    if (!is_file(BOCHS_ROM) || !is_file(BOCHS_VGAROM))
        return fail("Bochs's ROM images are missing (install: %s)%s", BOCHS_INSTALL, "");
    if (!is_dir(o->build))
        return fail("build directory %s not found — run make first%s", o->build, "");
    paths[1] = path_join(o->build, "guest.bin");
    paths[2] = path_join(o->build, "hv.bin");
    paths[3] = path_join(o->build, "boot.img");
    for (int i = 1; i < 4; i++)
        if (!is_file(paths[i]))
            return fail("%s not found — run make first%s", paths[i], "");
    e->in = (struct run_inputs){
        .bochs = paths[0], .guest = paths[1], .hv = paths[2], .boot = paths[3], .fault = ""};
    return 0;
}

/* The specifiers of programs [first, first + n): generated, or --spec. */
static char **chunk_specs(const struct fuzz_opts *o, uint64_t first, size_t n, uint64_t *index)
{
    char **specs = xcalloc(n, sizeof(*specs));
    for (size_t i = 0; i < n; i++) {
        if (o->n_specs) {
            specs[i] = xstrdup(o->specs[first + i]);
            index[i] = UINT64_MAX;
        } else {
            struct gen_program p;
            index[i] = o->start + first + i;
            gen_random(o->seed, index[i], &p);
            specs[i] = gen_format(&p);
        }
    }
    return specs;
}

static void remove_dir(const char *d)
{
    if (is_dir(d) && remove_contents(d, NULL) == 0)
        rmdir(d);
}

/* Keep the run directories of programs that diverged, tested nothing or had a bad
 * reference: the rest passed and would only fill the disk. The boots of the batches stay
 * when a kept row's batch.txt names one of them. */
static void prune(const char *dir, const struct fuzz_outcome *o, size_t n, size_t n_policies)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        bool keep = o[i].reference != V_PASS;
        for (size_t p = 0; p < n_policies; p++)
            keep |= fuzz_diverges(&o[i], p) || o[i].cell[p].no_exit;
        any |= keep;
        char *d = path_join(dir, o[i].spec);
        if (!keep)
            remove_dir(d);
        free(d);
    }
    char *b = path_join(dir, "batches");
    if (!any)
        remove_dir(b);
    free(b);
}

static int campaign(const struct fuzz_opts *o, const struct fuzz_env *e, struct fuzz_campaign *c)
{
    uint64_t total = o->n_specs ? o->n_specs : o->count;
    double t0 = now_seconds();
    size_t size = chunk_size(e);
    uint64_t *index = xcalloc(size, sizeof(*index));
    struct fuzz_outcome *out = xcalloc(size, sizeof(*out));
    int rc = 0;
    for (uint64_t first = 0; rc == 0 && first < total; first += size) {
        size_t n = total - first < size ? (size_t)(total - first) : size;
        char **specs = chunk_specs(o, first, n, index);
        memset(out, 0, size * sizeof(*out));
        char *dir = xasprintf("%s/%llu", o->results, (unsigned long long)(first / size));
        rc = fuzz_run_specs(e, specs, n, dir, out);
        if (rc == 0)
            prune(dir, out, n, e->n_policies);
        free(dir);
        for (size_t i = 0; i < n; i++) {
            if (rc == 0)
                fuzz_campaign_add(c, index[i], &out[i]);
            free(specs[i]);
        }
        free(specs);
        if (rc != 0)
            break;
        c->seconds = now_seconds() - t0;
        fprintf(stderr, "fuzz: %zu/%llu scenarios, %.2f scenarios/s\n", c->n_scen,
                (unsigned long long)total, c->n_scen / (c->seconds > 0 ? c->seconds : 1));
    }
    free(index);
    free(out);
    return rc;
}

static void reduce(const struct fuzz_opts *o, const struct fuzz_env *e, struct fuzz_campaign *c)
{
    unsigned done = 0;
    for (size_t i = 0; i < c->n_div && done < o->reduce; i++) {
        struct fuzz_divergence *d = &c->div[i];
        if (d->policy != 0)
            continue;
        char *dir = xasprintf("%s/reduce-%u", o->results, done++);
        fprintf(stderr, "fuzz: reducing %s (%s %s)\n", d->spec, c->policies[0],
                verdict_name(d->verdict));
        struct fuzz_reduction r;
        fuzz_reduce(e, d->spec, 0, d->verdict, dir, &r);
        d->reduced = r.spec;
        d->reduced_detail = r.detail;
        d->reduced_verdict = d->verdict;
        d->steps = r.steps;
        d->runs = r.runs;
        free(dir);
    }
}

static int run(const struct fuzz_opts *o)
{
    struct fuzz_campaign c = {.seed = o->seed,
                              .start = o->start,
                              .count = o->count,
                              .generated = o->n_specs == 0,
                              .as_kvm = o->as_kvm,
                              .jobs = o->jobs,
                              .batch = o->batch};
    struct fuzz_env e = {
        .jobs = o->jobs, .batch = o->batch, .batch_all = o->batch_all, .verbose = o->verbose};
    char *paths[4] = {0}, *err = NULL;
    int rc = pick_policies(o, &c);
    for (size_t i = 0; rc == 0 && i < o->n_specs; i++) {
        struct gen_program p;
        if (gen_parse(o->specs[i], &p, &err) != 0) {
            rc = fail("--spec %s%s", err, "");
            free(err);
        }
    }
    if (rc == 0)
        rc = find_inputs(o, &e, paths);
    int lock = -1;
    if (rc == 0 && (lock = results_open(o->results, &err)) < 0) {
        rc = fail("%s%s", err, "");
        free(err);
    }
    if (rc == 0) {
        e.policies = c.policies;
        e.n_policies = c.n_policies;
        e.timeout = timeout_under_load(o->timeout, o->jobs, sysconf(_SC_NPROCESSORS_ONLN));
        rc = campaign(o, &e, &c);
    }
    if (rc == 0) {
        reduce(o, &e, &c);
        fuzz_print(&c);
        if (fuzz_write_summary(&c, o->results, &err) != 0) {
            fprintf(stderr, "redeliver fuzz: %s\n", err);
            free(err);
        }
        size_t tested =
            c.counts ? c.n_scen - c.counts[0][FUZZ_NO_EXIT] - c.counts[0][FUZZ_BAD_REFERENCE] : 0;
        if (tested == 0)
            printf("no program tested anything (every %s cell no-exit or bad-reference)\n",
                   c.policies[0]);
        rc = fuzz_gate_divergences(&c) || tested == 0 ? 1 : 0;
    } else if (rc == 130) {
        fputs("redeliver fuzz: interrupted; every emulator was stopped\n", stderr);
    }
    if (lock >= 0)
        close(lock);
    fuzz_campaign_free(&c);
    free(c.policies);
    for (int i = 0; i < 4; i++)
        free(paths[i]);
    return rc;
}

int cmd_fuzz(int argc, char **argv)
{
    struct fuzz_opts o;
    char *err = NULL;
    if (fuzz_opts_parse(&o, argc, argv, &err) != 0) {
        fprintf(stderr, "redeliver fuzz: %s\n", err);
        free(err);
        fuzz_opts_free(&o);
        return 2;
    }
    int rc = 0;
    if (o.help) {
        fputs(fuzz_usage(), stdout);
    } else if (o.print_index) {
        struct gen_program p;
        gen_random(o.seed, o.index, &p);
        char *s = gen_format(&p);
        puts(s);
        free(s);
    } else {
        rc = run(&o);
    }
    fuzz_opts_free(&o);
    return rc;
}
