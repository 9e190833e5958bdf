/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/fuzz_report.c — see fuzz_report.h. */
#include "runner/fuzz_report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "runner/gen.h"
#include "runner/results.h"
#include "runner/util.h"

static const char *class_name(size_t k)
{
    return k == FUZZ_NO_EXIT         ? "no-exit"
           : k == FUZZ_BAD_REFERENCE ? "bad-reference"
                                     : verdict_name((enum verdict)k);
}

static size_t class_of(const struct fuzz_outcome *o, size_t p)
{
    if (o->reference != V_PASS)
        return FUZZ_BAD_REFERENCE;
    if (o->cell[p].no_exit)
        return FUZZ_NO_EXIT;
    return o->cell[p].verdict;
}

void fuzz_campaign_add(struct fuzz_campaign *c, uint64_t index, struct fuzz_outcome *o)
{
    if (!c->counts)
        c->counts = xcalloc(c->n_policies, sizeof(*c->counts));
    c->out = xrealloc(c->out, (c->n_scen + 1) * sizeof(*c->out));
    c->index = xrealloc(c->index, (c->n_scen + 1) * sizeof(*c->index));
    c->out[c->n_scen] = *o;
    c->index[c->n_scen] = index;
    c->n_scen++;
    c->runs += o->repeated ? 0 : 1 + c->n_policies + (size_t)o->reference_virt;
    for (size_t p = 0; p < c->n_policies; p++) {
        c->counts[p][class_of(o, p)]++;
        if (!fuzz_diverges(o, p))
            continue;
        c->div = xrealloc(c->div, (c->n_div + 1) * sizeof(*c->div));
        c->div[c->n_div++] = (struct fuzz_divergence){
            .index = index,
            .policy = p,
            .spec = xstrdup(o->spec),
            .verdict = o->cell[p].verdict,
            .detail = xstrdup(o->cell[p].detail ? o->cell[p].detail : ""),
        };
    }
    memset(o, 0, sizeof(*o));
}

void fuzz_campaign_free(struct fuzz_campaign *c)
{
    for (size_t i = 0; i < c->n_scen; i++)
        fuzz_outcome_free(&c->out[i], c->n_policies);
    for (size_t i = 0; i < c->n_div; i++) {
        free(c->div[i].spec);
        free(c->div[i].detail);
        free(c->div[i].reduced);
        free(c->div[i].reduced_detail);
    }
    free(c->out);
    free(c->index);
    free(c->div);
    free(c->counts);
}

size_t fuzz_gate_divergences(const struct fuzz_campaign *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_div; i++)
        n += c->div[i].policy == 0;
    return n;
}

static const char *policy_label(const struct fuzz_campaign *c, size_t p, char *buf, size_t len)
{
    if (p == 0 && c->as_kvm)
        snprintf(buf, len, "%s (as kvm)", c->policies[0]);
    else
        snprintf(buf, len, "%s", c->policies[p]);
    return buf;
}

static void where(const struct fuzz_campaign *c, const struct fuzz_divergence *d, struct sbuf *sb)
{
    if (d->index == UINT64_MAX)
        sb_addf(sb, "redeliver fuzz --spec %s", d->spec);
    else
        sb_addf(sb, "redeliver fuzz --seed %llu --start %llu --count 1",
                (unsigned long long)c->seed, (unsigned long long)d->index);
}

void fuzz_paste(const struct fuzz_campaign *c, const struct fuzz_divergence *d, char **row,
                char **cfg)
{
    struct gen_program p;
    char *err = NULL;
    const char *spec = d->reduced ? d->reduced : d->spec;
    bool hv = gen_parse(spec, &p, &err) == 0 && gen_needs_hv(&p);
    free(err);
    uint32_t h = 2166136261u; /* FNV-1a: a name for a --spec program */
    for (const char *s = spec; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    char *name = d->index == UINT64_MAX ? xasprintf("fuzz-%08x", h)
                                        : xasprintf("fuzz-s%llu-i%llu", (unsigned long long)c->seed,
                                                    (unsigned long long)d->index);
    char *ident = xstrdup(name);
    for (char *s = ident; *s; s++)
        *s = *s == '-' ? '_' : *s;
    struct sbuf from = {0};
    where(c, d, &from);
    *row = xasprintf("/* %s: %s %s (docs/fuzz.md) */\n"
                     "SCENARIO(%s) = {\n"
                     "    .name = \"%s\",\n"
                     "    .program = \"%s\",\n"
                     "};\n",
                     sb_str(&from), c->policies[d->policy], verdict_name(d->reduced_verdict), ident,
                     name, spec + strlen(GEN_PREFIX));
    const struct policy *pol = policy_find(c->policies[d->policy]);
    char *expect = pol && policy_known_wrong(pol)
                       ? xasprintf("expect.%s = %s measured by %s: %s\n", c->policies[d->policy],
                                   verdict_name(d->reduced_verdict), sb_str(&from),
                                   d->reduced_detail ? d->reduced_detail : d->detail)
                       : xstrdup("");
    *cfg = xasprintf("[%s]\n"
                     "family  = fuzz\n"
                     "summary = generated program %s (%s, reduced in %u steps)\n"
                     "%s%s",
                     name, spec + strlen(GEN_PREFIX), sb_str(&from), d->steps,
                     hv ? "reference = virt\n" : "", expect);
    free(expect);
    free(from.buf);
    free(ident);
    free(name);
}

static void print_counts(const struct fuzz_campaign *c)
{
    char label[64];
    printf("%-22s %10s  classes\n", "policy", "scenarios");
    for (size_t p = 0; p < c->n_policies; p++) {
        printf("%-22s %10zu ", policy_label(c, p, label, sizeof(label)), c->n_scen);
        for (size_t k = 0; k < FUZZ_CLASSES; k++)
            if (c->counts && c->counts[p][k])
                printf(" %s %zu", class_name(k), c->counts[p][k]);
        putchar('\n');
    }
}

void fuzz_print(const struct fuzz_campaign *c)
{
    char label[64];
    print_counts(c);
    double rate = c->seconds > 0 ? (double)c->n_scen / c->seconds : 0;
    printf("rate: %zu scenarios, %zu runs in %.1f s: %.2f scenarios/s, %.2f runs/s (--jobs %u, "
           "--batch %u)\n",
           c->n_scen, c->runs, c->seconds, rate, c->seconds > 0 ? (double)c->runs / c->seconds : 0,
           c->jobs, c->batch);
    for (size_t i = 0; i < c->n_scen; i++)
        if (c->out[i].reference != V_PASS)
            printf("bad reference: %s: %s %s\n", c->out[i].spec, verdict_name(c->out[i].reference),
                   c->out[i].reference_detail ? c->out[i].reference_detail : "");
    size_t gate = fuzz_gate_divergences(c);
    printf("%s divergences: %zu\n", policy_label(c, 0, label, sizeof(label)), gate);
    for (size_t i = 0; i < c->n_div; i++) {
        const struct fuzz_divergence *d = &c->div[i];
        if (d->policy != 0)
            continue;
        struct sbuf from = {0};
        where(c, d, &from);
        printf("  %s %s: %s\n    reproduce: %s\n", d->spec, verdict_name(d->verdict), d->detail,
               sb_str(&from));
        free(from.buf);
        if (!d->reduced)
            continue;
        char *row, *cfg;
        fuzz_paste(c, d, &row, &cfg);
        printf("    reduced in %u steps (%zu runs): %s, still %s\n", d->steps, d->runs, d->reduced,
               verdict_name(d->reduced_verdict));
        printf("    --- a row for tests/fuzz.c (a new file opens with what, why, expected) ---\n%s "
               "   --- its tests/scenarios.cfg "
               "section ---\n%s",
               row, cfg);
        free(row);
        free(cfg);
    }
}

static json_t *must(json_t *v)
{
    if (!v) {
        fputs("redeliver: out of memory (jansson)\n", stderr);
        exit(2);
    }
    return v;
}

static void put(json_t *o, const char *k, json_t *v)
{
    if (json_object_set_new(o, k, must(v)) != 0)
        must(NULL);
}

static void push(json_t *a, json_t *v)
{
    if (json_array_append_new(a, must(v)) != 0)
        must(NULL);
}

static json_t *divergence_json(const struct fuzz_campaign *c, const struct fuzz_divergence *d)
{
    json_t *o = must(json_object());
    put(o, "policy", json_string(c->policies[d->policy]));
    put(o, "spec", json_string(d->spec));
    put(o, "index", d->index == UINT64_MAX ? json_null() : json_integer((json_int_t)d->index));
    put(o, "verdict", json_string(verdict_name(d->verdict)));
    put(o, "detail", json_string(d->detail));
    if (d->reduced) {
        char *row, *cfg;
        fuzz_paste(c, d, &row, &cfg);
        put(o, "reduced", json_string(d->reduced));
        put(o, "reduced_verdict", json_string(verdict_name(d->reduced_verdict)));
        put(o, "reduce_steps", json_integer(d->steps));
        put(o, "reduce_runs", json_integer((json_int_t)d->runs));
        put(o, "row", json_string(row));
        put(o, "catalogue", json_string(cfg));
        free(row);
        free(cfg);
    }
    return o;
}

int fuzz_write_summary(const struct fuzz_campaign *c, const char *dir, char **err)
{
    json_t *root = must(json_object()), *classes = must(json_object());
    json_t *scen = must(json_array()), *divs = must(json_array());
    put(root, "seed", c->generated ? json_integer((json_int_t)c->seed) : json_null());
    put(root, "start", c->generated ? json_integer((json_int_t)c->start) : json_null());
    put(root, "count", json_integer((json_int_t)c->n_scen));
    put(root, "as_kvm", c->as_kvm ? json_string(c->as_kvm) : json_null());
    put(root, "runs", json_integer((json_int_t)c->runs));
    put(root, "seconds", json_real(c->seconds));
    put(root, "scenarios_per_second", json_real(c->seconds > 0 ? c->n_scen / c->seconds : 0));
    put(root, "jobs", json_integer(c->jobs));
    put(root, "batch", json_integer(c->batch));
    for (size_t p = 0; p < c->n_policies; p++) {
        json_t *k = must(json_object());
        for (size_t i = 0; i < FUZZ_CLASSES; i++)
            if (c->counts && c->counts[p][i])
                put(k, class_name(i), json_integer((json_int_t)c->counts[p][i]));
        put(classes, c->policies[p], k);
    }
    put(root, "classes", classes);
    for (size_t i = 0; i < c->n_scen; i++) {
        json_t *o = must(json_object()), *cells = must(json_object());
        put(o, "spec", json_string(c->out[i].spec));
        put(o, "index", c->generated ? json_integer((json_int_t)c->index[i]) : json_null());
        put(o, "reference", json_string(c->out[i].reference_virt ? "ref:virt" : "bare"));
        put(o, "reference_verdict", json_string(verdict_name(c->out[i].reference)));
        for (size_t p = 0; p < c->n_policies; p++)
            put(cells, c->policies[p], json_string(class_name(class_of(&c->out[i], p))));
        put(o, "cells", cells);
        push(scen, o);
    }
    put(root, "scenarios", scen);
    for (size_t i = 0; i < c->n_div; i++)
        push(divs, divergence_json(c, &c->div[i]));
    put(root, "divergences", divs);
    char *text = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    if (!text) {
        *err = xstrdup("summary.json: out of memory");
        return -1;
    }
    struct sbuf sb = {0};
    sb_addf(&sb, "%s\n", text);
    free(text);
    int rc = results_write(dir, "summary.json", sb_str(&sb), err);
    free(sb.buf);
    return rc;
}
