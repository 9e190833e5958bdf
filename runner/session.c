/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/session.c — see session.h. Policies come from core/ (core/policy.h). */
#include "runner/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/policy.h"
#include "runner/select.h"
#include "runner/suggest.h"
#include "runner/util.h"

static bool known_policy(const char *name)
{
    return policy_find(name) != NULL;
}

char *catalogue_path(const char *given)
{
    static const char rel[] = "tests/scenarios.cfg";
    if (given)
        return xstrdup(given);
    if (is_file(rel))
        return xstrdup(rel);
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            char *p = xasprintf("%s/../%s", exe, rel);
            if (is_file(p))
                return p;
            free(p);
        }
    }
    return xstrdup(rel); /* the error message names the usual place */
}

static void valid_scenarios(const struct catalogue *cat, bool harness, struct sbuf *sb)
{
    for (size_t i = 0; i < cat->n; i++)
        if (cat->sc[i].harness == harness)
            sb_addf(sb, "%s%s", sb->len ? ", " : "", cat->sc[i].name);
}

static int pick_scenarios(struct session *s, const struct run_opts *o)
{
    s->scen = xcalloc(s->cat.n, sizeof(*s->scen));
    if (o->n_scenarios == 0) {
        for (size_t i = 0; i < s->cat.n; i++)
            if (!s->cat.sc[i].harness)
                s->scen[s->n_scen++] = &s->cat.sc[i];
        return 0;
    }
    for (size_t i = 0; i < o->n_scenarios; i++) {
        const struct cat_scenario *sc = catalogue_find(&s->cat, o->scenarios[i]);
        if (!sc) {
            struct sbuf ok = {0}, harness = {0};
            struct suggest sg;
            char hint[128];
            valid_scenarios(&s->cat, false, &ok);
            valid_scenarios(&s->cat, true, &harness);
            suggest_init(&sg, o->scenarios[i]);
            for (size_t k = 0; k < s->cat.n; k++)
                suggest_offer(&sg, s->cat.sc[k].name);
            fprintf(stderr, "redeliver: unknown scenario '%s' (%svalid: %s%s%s; see %s)\n",
                    o->scenarios[i], suggest_text(&sg, hint, sizeof(hint)), sb_str(&ok),
                    harness.len ? "; harness rows: " : "", sb_str(&harness), s->cat_path);
            free(ok.buf);
            free(harness.buf);
            return 2;
        }
        s->scen[s->n_scen++] = sc;
    }
    return 0;
}

static int pick_policies(struct session *s, const struct run_opts *o)
{
    unsigned n = policy_count();
    s->policies = xcalloc(n + o->n_policies, sizeof(*s->policies));
    for (size_t i = 0; i < o->n_policies; i++) {
        const struct policy *p = policy_find(o->policies[i]);
        if (!p) {
            struct sbuf ok = {0};
            struct suggest sg;
            char hint[128];
            suggest_init(&sg, o->policies[i]);
            for (unsigned k = 0; k < n; k++) {
                sb_addf(&ok, "%s%s", k ? ", " : "", policy_name(policy_at(k)));
                suggest_offer(&sg, policy_name(policy_at(k)));
            }
            fprintf(stderr, "redeliver: unknown policy '%s' (%svalid: %s)\n", o->policies[i],
                    suggest_text(&sg, hint, sizeof(hint)),
                    ok.len ? sb_str(&ok) : "none: core/ defines no policy");
            free(ok.buf);
            return 2;
        }
        s->policies[s->n_policies++] = policy_name(p);
    }
    /* --rerun-failed names the policies of its cells: none when only bare cells rerun */
    for (unsigned k = 0; o->n_policies == 0 && !o->rerun_failed && k < n; k++)
        s->policies[s->n_policies++] = policy_name(policy_at(k));
    for (size_t i = 0; i < s->n_policies; i++)
        if (!valid_name(s->policies[i], POLICY_NAME_MAX)) {
            fprintf(stderr,
                    "redeliver: core/ policy name '%s' does not fit the image's "
                    "%d-character policy field\n",
                    s->policies[i], POLICY_NAME_MAX);
            return 2;
        }
    return 0;
}

int session_open(struct session *s, const struct run_opts *o)
{
    memset(s, 0, sizeof(*s));
    s->cat_path = catalogue_path(o->catalogue);
    char *err = NULL;
    if (catalogue_load(&s->cat, s->cat_path, &err) != 0 ||
        catalogue_check_policies(&s->cat, known_policy, &err) != 0) {
        fprintf(stderr, "redeliver: %s\n", err);
        free(err);
        return 2;
    }
    int rc = pick_scenarios(s, o);
    if (rc == 0 && select_rows(&s->cat, s->scen, &s->n_scen, o->n_scenarios > 0, o->families,
                               o->n_families, o->cases, o->n_cases, &err) != 0) {
        fprintf(stderr, "redeliver: %s\n", err);
        free(err);
        rc = 2;
    }
    if (rc == 0)
        rc = pick_policies(s, o);
    memcpy(s->cpus, o->cpus, sizeof(s->cpus));
    s->n_cpus = o->n_cpus;
    if (s->n_cpus == 0)
        s->cpus[s->n_cpus++] = CPU_BOCHS;
    return rc;
}

void session_close(struct session *s)
{
    catalogue_free(&s->cat);
    free(s->cat_path);
    free(s->scen);
    free(s->policies);
    memset(s, 0, sizeof(*s));
}

void session_list(const struct session *s, bool named_scenarios)
{
    const struct catalogue *cat = &s->cat;
    size_t w = 8;
    for (size_t i = 0; i < cat->n; i++)
        w = strlen(cat->sc[i].name) > w ? strlen(cat->sc[i].name) : w;
    printf("scenarios (%s):\n", s->cat_path);
    for (size_t i = 0; i < s->n_scen; i++) {
        const struct cat_scenario *sc = s->scen[i];
        printf("  %-*s  %s%s\n", (int)w, sc->name, sc->harness ? "[harness] " : "", sc->summary);
    }
    struct sbuf hidden = {0};
    if (!named_scenarios)
        valid_scenarios(cat, true, &hidden);
    if (hidden.len)
        printf("  (harness self-tests, run only when named with --scenario: %s)\n",
               sb_str(&hidden));
    free(hidden.buf);
    unsigned n = policy_count();
    size_t pw = 8;
    for (unsigned k = 0; k < n; k++)
        pw = strlen(policy_name(policy_at(k))) > pw ? strlen(policy_name(policy_at(k))) : pw;
    printf("policies (core/):\n");
    for (unsigned k = 0; k < n; k++) {
        const struct policy *p = policy_at(k);
        const char *sum = policy_summary(p);
        bool says = strstr(sum, "known wrong") != NULL;
        printf("  %-*s  %s%s\n", (int)pw, policy_name(p), sum,
               policy_known_wrong(p) && !says ? " (known wrong)" : "");
    }
    if (n == 0)
        printf("  (none: core/ defines no policy)\n");
    static const enum cpu_model order[] = {
        CPU_BOCHS,           CPU_BOCHS3,       CPU_QEMU, CPU_QEMU_KVM, CPU_BOCHS_SANDYBRIDGE,
        CPU_BOCHS_TIGERLAKE, CPU_BOCHS_NEHALEM};
    printf("cpus:\n");
    for (size_t i = 0; i < ARRAY_SIZE(order); i++)
        printf("  %-17s  %s\n", cpu_name(order[i]), cpu_summary(order[i]));
}
