/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/catalogue.c — tests/scenarios.cfg (format: the file's header), read with libinih
 * through runner/ini_lines.c; here: what the keys mean and every check of the catalogue. */
#include "runner/catalogue.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/emulator.h"
#include "runner/ini_lines.h"
#include "runner/util.h"

struct parser {
    struct catalogue *cat;
    const char *file;
    unsigned line;
    char *err;
};

static int fail(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    p->err = xasprintf("%s:%u: %s", p->file, line, msg);
    free(msg);
    return -1;
}

bool valid_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

static struct cat_scenario *current(struct parser *p)
{
    return p->cat->n ? &p->cat->sc[p->cat->n - 1] : NULL;
}

/* Checks that need the whole section (key order is free). */
static int end_section(struct parser *p)
{
    struct cat_scenario *sc = current(p);
    if (!sc)
        return 0;
    if (!sc->summary)
        return fail(p, sc->line, "scenario [%s] has no 'summary =' line", sc->name);
    /* a conformance row may only say that the bare CPU shuts down (docs/cases.md #8) */
    if (sc->bare_line && !sc->harness && sc->bare != V_TRIPLE_FAULT)
        return fail(p, sc->bare_line,
                    "'bare = %s' is for harness rows only ([%s] has no 'harness = yes'); a "
                    "conformance row may say 'bare = TRIPLE-FAULT'",
                    verdict_name(sc->bare), sc->name);
    if (sc->reference_virt && (sc->bare_line || sc->harness || sc->n_bare_cpu))
        return fail(p, sc->reference_line,
                    "[%s]: 'reference = virt' is for conformance rows without 'bare'/'bare.<cpu>' "
                    "(their bare run SKIPs: there is no bare reference to declare)",
                    sc->name);
    if (sc->reference_virt)
        sc->bare = V_SKIP; /* the guest skips without hv/ (docs/runner.md) */
    for (size_t i = 0; i < sc->n_expect; i++) {
        struct expectation *e = &sc->expect[i];
        if (!verdict_valid_expect(e->verdict, sc->harness))
            return fail(p, e->line, "expect.%s: %s cannot be expected%s (one of: %s)", e->policy,
                        verdict_name(e->verdict), sc->harness ? "" : " in a conformance row",
                        verdict_expect_words(sc->harness));
    }
    return 0;
}

static int new_scenario(struct parser *p, const char *name)
{
    if (!valid_name(name, SCENARIO_NAME_MAX))
        return fail(p, p->line, "bad scenario name '%s' (1 to %d of a-z A-Z 0-9 . _ -)", name,
                    SCENARIO_NAME_MAX);
    const struct cat_scenario *dup = catalogue_find(p->cat, name);
    if (dup)
        return fail(p, p->line, "scenario [%s] is already defined at line %u", name, dup->line);
    if (end_section(p) != 0)
        return -1;
    p->cat->sc = xrealloc(p->cat->sc, (p->cat->n + 1) * sizeof(*p->cat->sc));
    struct cat_scenario *sc = &p->cat->sc[p->cat->n++];
    memset(sc, 0, sizeof(*sc));
    sc->name = xstrdup(name);
    sc->line = p->line;
    sc->bare = V_PASS;
    return 0;
}

/* ini_lines_ops.section: `[name]` on `line` (inih gives the name unstripped). */
static int section(void *user, const char *raw, unsigned line)
{
    struct parser *p = user;
    p->line = line;
    char *copy = xstrdup(raw);
    int rc = new_scenario(p, trim(copy));
    free(copy);
    return rc;
}

static int set_once(struct parser *p, char **field, const char *key, const char *value)
{
    if (*field)
        return fail(p, p->line, "duplicate key '%s' in this scenario", key);
    *field = xstrdup(value);
    return 0;
}

/* "VERDICT reason" of `<kind>.<name> = ...` appended to *list. */
static int add_expectation(struct parser *p, const char *kind, const char *name, const char *value,
                           struct expectation **list, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].policy, name) == 0)
            return fail(p, p->line, "duplicate key '%s.%s' in this scenario", kind, name);
    size_t w = strcspn(value, " \t");
    char *word = xstrndup(value, w);
    const char *reason = value + w + strspn(value + w, " \t"); /* inih stripped its end */
    enum verdict v = verdict_parse(word);
    int rc = 0;
    if (v == V_NONE)
        rc = fail(p, p->line, "%s.%s: '%s' is not a verdict", kind, name, word);
    else if (!*reason)
        rc =
            fail(p, p->line, "%s.%s: give a reason after the verdict (%s <why>)", kind, name, word);
    free(word);
    if (rc != 0)
        return rc;
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    (*list)[(*n)++] = (struct expectation){
        .policy = xstrdup(name), .verdict = v, .reason = xstrdup(reason), .line = p->line};
    return 0;
}

static int key_expect(struct parser *p, struct cat_scenario *sc, const char *policy,
                      const char *value)
{
    if (!valid_name(policy, POLICY_NAME_MAX))
        return fail(p, p->line, "bad policy name '%s' in expect.<policy>", policy);
    return add_expectation(p, "expect", policy, value, &sc->expect, &sc->n_expect);
}

static int key_bare_cpu(struct parser *p, struct cat_scenario *sc, const char *cpu,
                        const char *value)
{
    enum cpu_model c;
    if (!cpu_parse(cpu, &c))
        return fail(p, p->line, "bare.%s: unknown cpu '%s' (" CPU_NAMES ")", cpu, cpu);
    if (add_expectation(p, "bare", cpu, value, &sc->bare_cpu, &sc->n_bare_cpu) != 0)
        return -1;
    enum verdict v = sc->bare_cpu[sc->n_bare_cpu - 1].verdict;
    if (!verdict_valid_bare(v) || v == V_PASS)
        return fail(p, p->line, "bare.%s = %s: not a bare deviation (%s)", cpu, verdict_name(v),
                    "SKIP FAILED ERROR CRASH TIMEOUT");
    return 0;
}

static int key_note(struct parser *p, struct cat_scenario *sc, const char *policy,
                    const char *value)
{
    if (!valid_name(policy, POLICY_NAME_MAX))
        return fail(p, p->line, "bad policy name '%s' in note.<policy>", policy);
    for (size_t i = 0; i < sc->n_notes; i++)
        if (strcmp(sc->notes[i].policy, policy) == 0)
            return fail(p, p->line, "duplicate key 'note.%s' in this scenario", policy);
    sc->notes = xrealloc(sc->notes, (sc->n_notes + 1) * sizeof(*sc->notes));
    sc->notes[sc->n_notes++] =
        (struct note){.policy = xstrdup(policy), .text = xstrdup(value), .line = p->line};
    return 0;
}

/* ini_lines_ops.pair: `key = value` on `line`, both stripped by inih. */
static int key_value(void *user, const char *key, const char *value, unsigned line)
{
    struct parser *p = user;
    p->line = line;
    struct cat_scenario *sc = current(p);
    if (!sc)
        return fail(p, p->line, "'%s =' before the first [scenario] header", key);
    if (!*key)
        return fail(p, p->line, "missing key before '='");
    if (!*value)
        return fail(p, p->line, "'%s =' has no value", key);
    if (strcmp(key, "family") == 0)
        return set_once(p, &sc->family, key, value);
    if (strcmp(key, "summary") == 0)
        return set_once(p, &sc->summary, key, value);
    if (strcmp(key, "case") == 0)
        return set_once(p, &sc->case_ref, key, value);
    if (strncmp(key, "expect.", 7) == 0)
        return key_expect(p, sc, key + 7, value);
    if (strncmp(key, "note.", 5) == 0)
        return key_note(p, sc, key + 5, value);
    if (strncmp(key, "bare.", 5) == 0)
        return key_bare_cpu(p, sc, key + 5, value);
    if (strcmp(key, "harness") == 0) {
        if (sc->harness_line)
            return fail(p, p->line, "duplicate key 'harness' in this scenario");
        sc->harness_line = p->line;
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return fail(p, p->line, "harness = %s: say yes or no", value);
        sc->harness = strcmp(value, "yes") == 0;
        return 0;
    }
    if (strcmp(key, "reference") == 0) {
        if (sc->reference_line)
            return fail(p, p->line, "duplicate key 'reference' in this scenario");
        if (strcmp(value, "virt") != 0 && strcmp(value, "bare") != 0)
            return fail(p, p->line, "reference = %s: say bare (the default) or virt", value);
        sc->reference_line = p->line;
        sc->reference_virt = strcmp(value, "virt") == 0;
        return 0;
    }
    if (strcmp(key, "bare") == 0) {
        if (sc->bare_line)
            return fail(p, p->line, "duplicate key 'bare' in this scenario");
        enum verdict v = verdict_parse(value);
        if (!verdict_valid_bare(v))
            return fail(p, p->line, "bare = %s: not a bare verdict (%s)", value,
                        verdict_bare_words());
        sc->bare = v;
        sc->bare_line = p->line;
        return 0;
    }
    return fail(p, p->line,
                "unknown key '%s' (family, summary, case, expect.<policy>, note.<policy>, "
                "harness, bare, bare.<cpu>, reference)",
                key);
}

int catalogue_parse(struct catalogue *cat, const char *file, const char *text, size_t len,
                    char **err)
{
    memset(cat, 0, sizeof(*cat));
    cat->file = xstrdup(file);
    struct parser p = {.cat = cat, .file = file};
    static const struct ini_lines_ops ops = {.section = section, .pair = key_value};
    struct ini_lines_pos at;
    int rc = 0;
    switch (ini_lines_parse(text, len, &ops, &p, &at)) {
    case INI_LINES_OK:
        break;
    case INI_LINES_STOPPED: /* p.err says why */
        rc = -1;
        break;
    case INI_LINES_SYNTAX: {
        char *line = xstrndup(at.text, at.len);
        rc = fail(&p, at.line,
                  "expected 'key = value' or a section header [scenario-name], got '%s'",
                  trim(line));
        free(line);
        break;
    }
    case INI_LINES_NUL:
        rc = fail(&p, at.line, "NUL byte in the line");
        break;
    case INI_LINES_NOMEM:
        rc = fail(&p, at.line, "libinih could not allocate a buffer for the longest line");
        break;
    }
    p.line = at.line;
    if (rc == 0)
        rc = end_section(&p);
    if (rc == 0 && cat->n == 0)
        rc = fail(&p, p.line ? p.line : 1, "no [scenario] sections");
    if (rc != 0) {
        catalogue_free(cat);
        *err = p.err;
        return -1;
    }
    return 0;
}

int catalogue_load(struct catalogue *cat, const char *path, char **err)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        memset(cat, 0, sizeof(*cat));
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = catalogue_parse(cat, path, text, len, err);
    free(text);
    return rc;
}

void catalogue_free(struct catalogue *cat)
{
    for (size_t i = 0; i < cat->n; i++) {
        struct cat_scenario *sc = &cat->sc[i];
        free(sc->name);
        free(sc->family);
        free(sc->summary);
        free(sc->case_ref);
        for (size_t j = 0; j < sc->n_expect; j++) {
            free(sc->expect[j].policy);
            free(sc->expect[j].reason);
        }
        free(sc->expect);
        for (size_t j = 0; j < sc->n_notes; j++) {
            free(sc->notes[j].policy);
            free(sc->notes[j].text);
        }
        free(sc->notes);
        for (size_t j = 0; j < sc->n_bare_cpu; j++) {
            free(sc->bare_cpu[j].policy);
            free(sc->bare_cpu[j].reason);
        }
        free(sc->bare_cpu);
    }
    free(cat->sc);
    free(cat->file);
    memset(cat, 0, sizeof(*cat));
}

const struct cat_scenario *catalogue_find(const struct catalogue *cat, const char *name)
{
    for (size_t i = 0; i < cat->n; i++)
        if (strcmp(cat->sc[i].name, name) == 0)
            return &cat->sc[i];
    return NULL;
}

int catalogue_check_policies(const struct catalogue *cat, bool (*known)(const char *policy),
                             char **err)
{
    for (size_t i = 0; i < cat->n; i++) {
        const struct cat_scenario *sc = &cat->sc[i];
        for (size_t j = 0; j < sc->n_expect; j++)
            if (!known(sc->expect[j].policy)) {
                *err = xasprintf("%s:%u: expect.%s: unknown policy '%s'", cat->file,
                                 sc->expect[j].line, sc->expect[j].policy, sc->expect[j].policy);
                return -1;
            }
        for (size_t j = 0; j < sc->n_notes; j++)
            if (!known(sc->notes[j].policy)) {
                *err = xasprintf("%s:%u: note.%s: unknown policy '%s'", cat->file,
                                 sc->notes[j].line, sc->notes[j].policy, sc->notes[j].policy);
                return -1;
            }
    }
    return 0;
}

const struct expectation *scenario_expect(const struct cat_scenario *sc, const char *policy)
{
    for (size_t i = 0; i < sc->n_expect; i++)
        if (strcmp(sc->expect[i].policy, policy) == 0)
            return &sc->expect[i];
    return NULL;
}

const struct expectation *scenario_bare_expect(const struct cat_scenario *sc, const char *cpu)
{
    for (size_t i = 0; i < sc->n_bare_cpu; i++)
        if (strcmp(sc->bare_cpu[i].policy, cpu) == 0)
            return &sc->bare_cpu[i];
    return NULL;
}

const char *scenario_note(const struct cat_scenario *sc, const char *policy)
{
    for (size_t i = 0; i < sc->n_notes; i++)
        if (strcmp(sc->notes[i].policy, policy) == 0)
            return sc->notes[i].text;
    return NULL;
}
