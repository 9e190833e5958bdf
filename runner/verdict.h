/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/verdict.h — the one-word outcome of a run, as printed in the verdict table.
 *
 * Bare runs: PASS SKIP FAILED ERROR CRASH TIMEOUT. Virtualized runs add what the hypervisor
 * reports (ENTRY-FAIL, TRIPLE-FAULT, LIVELOCK, HANG) and what the comparison with the bare trace
 * shows (LOST, DUPLICATED, REORDERED, DIFFERENT). NA marks a cell that cannot run (virtualized on
 * QEMU TCG) and is never a result. */
#ifndef RUNNER_VERDICT_H
#define RUNNER_VERDICT_H

#include <stdbool.h>

enum verdict {
    V_NONE, /* not decided (internal) */
    V_PASS,
    V_SKIP,
    V_FAILED,
    V_ERROR,
    V_CRASH,
    V_TIMEOUT,
    V_ENTRY_FAIL,
    V_TRIPLE_FAULT,
    V_LIVELOCK,
    V_HANG, /* hv/'s watchdog: the guest made no exit for a long stretch of guest time */
    V_LOST,
    V_DUPLICATED,
    V_REORDERED,
    V_DIFFERENT,
    V_MOVED, /* the same events in the same order, some delivered at another place (RIP) */
    /* a run without hv/'s report channel (another hypervisor, `redeliver judge` without
     * --hv-log) that matches the bare trace: nothing proves an exit during delivery */
    V_UNPROVED,
    V_NA,
    V_COUNT
};

const char *verdict_name(enum verdict v); /* "PASS", "ENTRY-FAIL", "n/a", ... */

/* Does the observed verdict meet the expected one? Equal, or MOVED where DIFFERENT is
 * expected: MOVED refines DIFFERENT, so catalogues written before it stay valid
 * (docs/adding-a-scenario.md). */
bool verdict_meets(enum verdict observed, enum verdict expected);

/* Parse one verdict word as written in tests/scenarios.cfg (exact, upper case);
 * V_NONE when it is not a verdict. */
enum verdict verdict_parse(const char *word);

/* What a catalogue may declare. `expect.<policy>` in a conformance row: a deviation a
 * virtualized run can show (not PASS, SKIP, ERROR). Harness rows may also expect ERROR. A
 * harness row's `bare =`: any bare verdict. */
bool verdict_valid_expect(enum verdict v, bool harness);
bool verdict_valid_bare(enum verdict v);
const char *verdict_expect_words(bool harness); /* for error messages */
const char *verdict_bare_words(void);

#endif
