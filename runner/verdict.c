/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/verdict.c — verdict names and which ones a catalogue may declare. */
#include "runner/verdict.h"

#include <string.h>

static const char *const names[V_COUNT] = {
    [V_NONE] = "NONE",
    [V_PASS] = "PASS",
    [V_SKIP] = "SKIP",
    [V_FAILED] = "FAILED",
    [V_ERROR] = "ERROR",
    [V_CRASH] = "CRASH",
    [V_TIMEOUT] = "TIMEOUT",
    [V_ENTRY_FAIL] = "ENTRY-FAIL",
    [V_TRIPLE_FAULT] = "TRIPLE-FAULT",
    [V_LIVELOCK] = "LIVELOCK",
    [V_HANG] = "HANG",
    [V_LOST] = "LOST",
    [V_DUPLICATED] = "DUPLICATED",
    [V_REORDERED] = "REORDERED",
    [V_DIFFERENT] = "DIFFERENT",
    [V_MOVED] = "MOVED",
    [V_UNPROVED] = "UNPROVED",
    [V_NA] = "n/a",
};

const char *verdict_name(enum verdict v)
{
    return (unsigned)v < V_COUNT ? names[v] : "?";
}

enum verdict verdict_parse(const char *word)
{
    for (int v = V_PASS; v < V_NA; v++)
        if (strcmp(word, names[v]) == 0)
            return (enum verdict)v;
    return V_NONE;
}

bool verdict_valid_expect(enum verdict v, bool harness)
{
    switch (v) {
    case V_LOST:
    case V_DUPLICATED:
    case V_REORDERED:
    case V_DIFFERENT:
    case V_MOVED:
    case V_FAILED:
    case V_CRASH:
    case V_TIMEOUT:
    case V_ENTRY_FAIL:
    case V_TRIPLE_FAULT:
    case V_LIVELOCK:
    case V_HANG:
        return true;
    case V_ERROR:
        return harness;
    default:
        return false;
    }
}

bool verdict_valid_bare(enum verdict v)
{
    return v == V_PASS || v == V_SKIP || v == V_FAILED || v == V_ERROR || v == V_CRASH ||
           v == V_TIMEOUT || v == V_TRIPLE_FAULT;
}

const char *verdict_expect_words(bool harness)
{
    return harness ? "LOST DUPLICATED REORDERED DIFFERENT MOVED FAILED CRASH TIMEOUT ENTRY-FAIL "
                     "TRIPLE-FAULT LIVELOCK HANG ERROR"
                   : "LOST DUPLICATED REORDERED DIFFERENT MOVED FAILED CRASH TIMEOUT ENTRY-FAIL "
                     "TRIPLE-FAULT LIVELOCK HANG";
}

const char *verdict_bare_words(void)
{
    return "PASS SKIP FAILED ERROR CRASH TIMEOUT TRIPLE-FAULT";
}

bool verdict_meets(enum verdict observed, enum verdict expected)
{
    return observed == expected || (observed == V_MOVED && expected == V_DIFFERENT);
}
