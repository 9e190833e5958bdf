/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare_traces.c — two event traces compared: PASS, LOST, DUPLICATED, REORDERED,
 * MOVED or DIFFERENT, with the first evidence (compare.h). Pure. */
#include "runner/compare.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

/* Is `small` a subsequence of `big`? *first_missing: index of the first element of `big`
 * that the greedy match skipped (nb when none). */
static bool subsequence(char *const *small, size_t ns, char *const *big, size_t nb,
                        size_t *first_missing)
{
    size_t i = 0;
    *first_missing = nb;
    for (size_t k = 0; k < nb; k++) {
        if (i < ns && strcmp(small[i], big[k]) == 0)
            i++;
        else if (*first_missing == nb)
            *first_missing = k;
    }
    return i == ns;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **sorted(char *const *v, size_t n)
{
    char **s = xmalloc(n * sizeof(*s));
    if (n)
        memcpy(s, v, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_str);
    return s;
}

/* The first element of `v` (in trace order) that does not occur in sorted `set`, or NULL. */
static const char *first_not_in(char *const *v, size_t n, char **set, size_t nset)
{
    for (size_t i = 0; i < n; i++)
        if (!bsearch(&v[i], set, nset, sizeof(*set), cmp_str))
            return v[i];
    return NULL;
}

static bool same_multiset(char *const *a, char *const *b, size_t n)
{
    char **sa = sorted(a, n), **sb = sorted(b, n);
    bool same = true;
    for (size_t i = 0; i < n && same; i++)
        same = strcmp(sa[i], sb[i]) == 0;
    free(sa);
    free(sb);
    return same;
}

static size_t first_difference(char *const *a, size_t na, char *const *b, size_t nb)
{
    size_t i = 0;
    while (i < na && i < nb && strcmp(a[i], b[i]) == 0)
        i++;
    return i;
}

/* An event's identity: the line up to " rip=" (vector and error code). When events are
 * reordered, where they interrupt the guest changes with the order, so the saved RIP
 * (and RF, IST) cannot be part of what "the same events" means. */
static char **keys(char *const *v, size_t n)
{
    char **k = xmalloc(n * sizeof(*k));
    for (size_t i = 0; i < n; i++) {
        const char *rip = strstr(v[i], " rip=");
        k[i] = rip ? xstrndup(v[i], (size_t)(rip - v[i])) : xstrdup(v[i]);
    }
    return k;
}

static void free_keys(char **k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(k[i]);
    free(k);
}

/* Same events by identity, in another order (n events each). */
static bool reordered_by_identity(char *const *bare, char *const *virt, size_t n)
{
    char **kb = keys(bare, n), **kv = keys(virt, n);
    bool r = first_difference(kb, n, kv, n) < n && same_multiset(kb, kv, n);
    free_keys(kb, n);
    free_keys(kv, n);
    return r;
}

/* The line without its " rip=..." field: everything the guest saw but where. */
static char *without_rip(const char *line)
{
    const char *rip = strstr(line, " rip=");
    if (!rip)
        return xstrdup(line);
    const char *end = strchr(rip + 1, ' ');
    return xasprintf("%.*s%s", (int)(rip - line), line, end ? end : "");
}

/* n events each, in the same order, equal but for where they were delivered. */
static bool only_places_differ(char *const *bare, char *const *virt, size_t n)
{
    bool same = true;
    for (size_t i = 0; i < n && same; i++) {
        char *b = without_rip(bare[i]), *v = without_rip(virt[i]);
        same = strcmp(b, v) == 0;
        free(b);
        free(v);
    }
    return same;
}

#define AT(v, n, i) ((i) < (n) ? (v)[i] : "(none)")

enum verdict compare_traces(char *const *bare, size_t nb, char *const *virt, size_t nv,
                            char **detail)
{
    size_t k;
    *detail = NULL;
    if (nb == nv && first_difference(bare, nb, virt, nv) == nb)
        return V_PASS;
    if (nv < nb && subsequence(virt, nv, bare, nb, &k)) {
        *detail = xasprintf("%zu of %zu bare event(s) missing; first: `%s`", nb - nv, nb, bare[k]);
        return V_LOST;
    }
    if (nb < nv && subsequence(bare, nb, virt, nv, &k)) {
        char **sb = sorted(bare, nb);
        const char *fresh = first_not_in(virt, nv, sb, nb);
        enum verdict v = fresh ? V_DIFFERENT : V_DUPLICATED;
        if (fresh)
            *detail = xasprintf("event(s) never seen bare, first: `%s`", fresh);
        else
            *detail = xasprintf("%zu extra event(s) repeating bare ones; first extra: `%s` "
                                "(event %zu)",
                                nv - nb, virt[k], k + 1);
        free(sb);
        return v;
    }
    size_t i = first_difference(bare, nb, virt, nv);
    if (nb == nv && same_multiset(bare, virt, nb)) {
        *detail = xasprintf("same events, other order; event %zu: bare `%s`, virt `%s`", i + 1,
                            bare[i], virt[i]);
        return V_REORDERED;
    }
    if (nb == nv && only_places_differ(bare, virt, nb)) {
        *detail = xasprintf("same events in the same order, delivered elsewhere; event %zu: bare "
                            "`%s`, virt `%s`",
                            i + 1, bare[i], virt[i]);
        return V_MOVED;
    }
    if (nb == nv && reordered_by_identity(bare, virt, nb)) {
        *detail = xasprintf("same events (vector, error code) in another order; event %zu: "
                            "bare `%s`, virt `%s`",
                            i + 1, bare[i], virt[i]);
        return V_REORDERED;
    }
    *detail = xasprintf("event %zu: bare `%s`, virt `%s` (%zu bare, %zu virt events)", i + 1,
                        AT(bare, nb, i), AT(virt, nv, i), nb, nv);
    return V_DIFFERENT;
}
