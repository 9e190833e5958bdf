/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/select.c — see select.h. */
#include "runner/select.h"

#include <string.h>
#include <stdlib.h>

#include "runner/suggest.h"
#include "runner/util.h"

void case_names(const char *ref, void (*fn)(void *ctx, const char *name, size_t len), void *ctx)
{
    for (const char *p = ref; p && *p;) {
        if (*p == '#' && p[1] >= '0' && p[1] <= '9') {
            size_t n = strspn(p + 1, "0123456789");
            fn(ctx, p + 1, n);
            p += 1 + n;
        } else if (*p == '"' && strchr(p + 1, '"')) {
            const char *end = strchr(p + 1, '"');
            fn(ctx, p + 1, (size_t)(end - p - 1));
            p = end + 1;
        } else {
            p++;
        }
    }
}

struct match {
    const char *name;
    bool found;
};

static void match_one(void *ctx, const char *name, size_t len)
{
    struct match *m = ctx;
    m->found |= strlen(m->name) == len && strncmp(m->name, name, len) == 0;
}

bool case_has(const char *case_ref, const char *name)
{
    struct match m = {.name = name[0] == '#' && name[1] ? name + 1 : name};
    case_names(case_ref, match_one, &m);
    return m.found;
}

static bool in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

static bool row_has_case(const struct cat_scenario *sc, char *const *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (case_has(sc->case_ref, cases[i]))
            return true;
    return false;
}

/* The valid case names of the catalogue, each once, for messages and suggestions. */
struct names {
    struct sbuf list;
    struct suggest sg;
    char **seen;
    size_t n_seen;
};

static void offer(void *ctx, const char *name, size_t len)
{
    struct names *nm = ctx;
    char *s = xstrndup(name, len);
    for (size_t i = 0; i < nm->n_seen; i++)
        if (strcmp(nm->seen[i], s) == 0) {
            free(s);
            return;
        }
    nm->seen = xrealloc(nm->seen, (nm->n_seen + 1) * sizeof(*nm->seen));
    nm->seen[nm->n_seen++] = s;
    suggest_offer(&nm->sg, s);
    sb_addf(&nm->list, "%s%s%s%s", nm->list.len ? ", " : "", strchr(s, ' ') ? "'" : "", s,
            strchr(s, ' ') ? "'" : "");
}

static char *unknown(const struct catalogue *cat, bool family, const char *given)
{
    struct names nm = {0};
    suggest_init(&nm.sg, family || given[0] != '#' ? given : given + 1);
    for (size_t i = 0; i < cat->n; i++)
        if (family && cat->sc[i].family)
            offer(&nm, cat->sc[i].family, strlen(cat->sc[i].family));
        else if (!family)
            case_names(cat->sc[i].case_ref, offer, &nm);
    char hint[160];
    char *msg =
        xasprintf("unknown %s '%s' (%svalid: %s; see %s)", family ? "family" : "case", given,
                  suggest_text(&nm.sg, hint, sizeof(hint)), sb_str(&nm.list), cat->file);
    for (size_t i = 0; i < nm.n_seen; i++)
        free(nm.seen[i]);
    free(nm.seen);
    free(nm.list.buf);
    return msg;
}

int select_rows(const struct catalogue *cat, const struct cat_scenario **scen, size_t *n,
                bool named, char *const *families, size_t n_families, char *const *cases,
                size_t n_cases, char **err)
{
    *err = NULL;
    if (n_families == 0 && n_cases == 0)
        return 0;
    for (size_t i = 0; i < n_families; i++) {
        bool known = false;
        for (size_t k = 0; k < cat->n && !known; k++)
            known = cat->sc[k].family && strcmp(cat->sc[k].family, families[i]) == 0;
        if (!known) {
            *err = unknown(cat, true, families[i]);
            return -1;
        }
    }
    for (size_t i = 0; i < n_cases; i++) {
        bool known = false;
        for (size_t k = 0; k < cat->n && !known; k++)
            known = case_has(cat->sc[k].case_ref, cases[i]);
        if (!known) {
            *err = unknown(cat, false, cases[i]);
            return -1;
        }
    }
    size_t from = named ? *n : cat->n, kept = 0;
    for (size_t i = 0; i < from; i++) {
        const struct cat_scenario *sc = named ? scen[i] : &cat->sc[i];
        bool family_named = in_list(families, n_families, sc->family);
        if ((n_families && !family_named) || (n_cases && !row_has_case(sc, cases, n_cases)))
            continue;
        if (!named && sc->harness && !family_named)
            continue;
        scen[kept++] = sc;
    }
    *n = kept;
    if (kept == 0) {
        *err = xstrdup("no scenario of the selection has that --family and --case "
                       "(redeliver list shows the rows)");
        return -1;
    }
    return 0;
}
