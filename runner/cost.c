/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cost.c — see cost.h. hv/ prints both lines at the end of a run (hv/main.c). */
#include "runner/cost.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

static bool name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '#';
}

void cost_pairs_add(struct cost_pairs *p, const char *name, long count)
{
    p->seen = true;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->name[i], name) == 0) {
            p->malformed = true; /* hv prints each name once */
            return;
        }
    if (p->n == COST_NAMES_MAX) {
        p->malformed = true;
        return;
    }
    p->name[p->n] = xstrdup(name);
    p->count[p->n++] = count;
}

/* " NAME=N NAME=N ..." into p; the first line wins, a repeated line is malformed. */
static void parse_pairs(struct cost_pairs *p, const char *s)
{
    if (p->seen) {
        p->malformed = true;
        return;
    }
    p->seen = true;
    while (*s == ' ') {
        char name[COST_NAME_MAX + 1];
        size_t n = 0;
        s++;
        while (name_char(*s) && n < COST_NAME_MAX)
            name[n++] = *s++;
        name[n] = 0;
        long v = 0;
        bool digits = false;
        if (*s == '=')
            for (s++; *s >= '0' && *s <= '9' && v < 1000000000L; s++, digits = true)
                v = v * 10 + (*s - '0');
        if (!n || !digits || (*s && *s != ' ')) {
            p->malformed = true;
            return;
        }
        cost_pairs_add(p, name, v);
    }
    if (*s)
        p->malformed = true;
}

bool cost_hv_line(struct run_cost *c, const char *s)
{
    if (strncmp(s, "exit-counts", 11) == 0 && (s[11] == ' ' || !s[11]))
        parse_pairs(&c->exits, s + 11);
    else if (strncmp(s, "idtv-actions", 12) == 0 && (s[12] == ' ' || !s[12]))
        parse_pairs(&c->actions, s + 12);
    else
        return false;
    return true;
}

static void free_pairs(struct cost_pairs *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->name[i]);
    memset(p, 0, sizeof(*p));
}

void cost_free(struct run_cost *c)
{
    free_pairs(&c->exits);
    free_pairs(&c->actions);
}

long cost_count(const struct cost_pairs *p, const char *name)
{
    if (!p->seen || p->malformed)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->name[i], name) == 0)
            return p->count[i];
    return 0;
}

long cost_exits_without_io(const struct run_cost *c)
{
    if (!c->exits.seen || c->exits.malformed)
        return -1;
    long n = 0;
    for (size_t i = 0; i < c->exits.n; i++)
        if (strcmp(c->exits.name[i], "IO_INSTRUCTION") != 0)
            n += c->exits.count[i];
    return n;
}

long cost_reinjections(const struct run_cost *c)
{
    return cost_count(&c->actions, "reinject");
}
