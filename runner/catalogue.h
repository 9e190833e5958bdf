/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/catalogue.h — tests/scenarios.cfg: which scenarios exist, what each is about, and
 * which deviations are expected for which policy (format in the file's header).
 *
 * The parser is strict on purpose: an unknown key, a duplicate, a verdict word that is not
 * one is an error naming file and line, because a typo in an expectation would otherwise
 * silently turn an expected failure into a "pass".
 *
 * Besides the keys of the file's header, a row may say `bare.<cpu> = VERDICT reason`: the
 * bare run on that CPU model is known to differ (docs/emulators.md,
 * "Where the two bare CPUs disagree"). */
#ifndef RUNNER_CATALOGUE_H
#define RUNNER_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/verdict.h"

#define SCENARIO_NAME_MAX 47 /* docs/protocol.md: 48-byte field including the NUL */
#define POLICY_NAME_MAX   31 /* docs/protocol.md: 32-byte field including the NUL */

struct expectation {
    char *policy;
    enum verdict verdict;
    char *reason;
    unsigned line;
};

struct note {
    char *policy;
    char *text;
    unsigned line;
};

struct cat_scenario {
    char *name;
    unsigned line;
    char *family;   /* may be NULL */
    char *summary;  /* required */
    char *case_ref; /* may be NULL */
    bool harness;
    unsigned harness_line;
    enum verdict bare; /* expected bare verdict: PASS unless a harness row says otherwise */
    unsigned bare_line;
    struct expectation *bare_cpu; /* `bare.<cpu> = VERDICT reason`; .policy holds the cpu */
    size_t n_bare_cpu;
    struct expectation *expect;
    size_t n_expect;
    struct note *notes;
    size_t n_notes;
    /* `reference = virt`: the event exists only under a hypervisor; the unperturbed run under
     * hv/ (kvm, perturbation off) is the reference, and the bare run is expected to SKIP */
    bool reference_virt;
    unsigned reference_line;
};

struct catalogue {
    char *file;
    struct cat_scenario *sc;
    size_t n;
};

/* Parse `text` (len bytes) named `file` in messages. 0, or -1 with *err = "file:line: what"
 * (caller frees); on error the catalogue is left empty. */
int catalogue_parse(struct catalogue *cat, const char *file, const char *text, size_t len,
                    char **err);
int catalogue_load(struct catalogue *cat, const char *path, char **err);
void catalogue_free(struct catalogue *cat);

const struct cat_scenario *catalogue_find(const struct catalogue *cat, const char *name);

/* Every policy named in expect./note. keys must be known: 0, or -1 with *err naming the
 * first unknown one and its line. */
int catalogue_check_policies(const struct catalogue *cat, bool (*known)(const char *policy),
                             char **err);

/* The expectation of the bare run on `cpu` when the row declares one (`bare.<cpu>`). */
const struct expectation *scenario_bare_expect(const struct cat_scenario *sc, const char *cpu);

/* NULL when the row expects PASS for that policy. */
const struct expectation *scenario_expect(const struct cat_scenario *sc, const char *policy);
const char *scenario_note(const struct cat_scenario *sc, const char *policy);

/* A scenario or policy name as the runner accepts it: 1..max of [a-z A-Z 0-9 . _ -]. */
bool valid_name(const char *s, size_t max);

#endif
