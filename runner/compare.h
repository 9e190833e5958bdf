/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare.h — from what a run printed to its one-word verdict (docs/design.md, "The
 * oracle"). Pure functions: the inputs are parsed traces and a few facts about the process,
 * so every verdict class is unit-tested without an emulator. */
#ifndef RUNNER_COMPARE_H
#define RUNNER_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/trace.h"
#include "runner/verdict.h"

/* What the runner knows about the process besides its serial output. */
struct run_facts {
    const char *start_error; /* the emulator could not be started, or NULL */
    bool timed_out;          /* the runner had to kill it */
    const char *context;     /* appended to failure details (exit status, bochs.log), or NULL */
    bool cpu_shutdown;       /* the emulator logged a triple fault (bare CPU shutdown) */
    const char *end_problem; /* the emulator died or ended abnormally (emulator_end.h) */
    const char *scenario;    /* the row the runner asked for (NULL: not checked) */
    bool conformance;        /* a conformance row: its ROW line must say what proves it */
};

struct judgement {
    enum verdict verdict;
    char *detail; /* one line for people; NULL for a plain PASS (caller frees) */
};

void judge_bare(const struct trace *t, const struct run_facts *f, struct judgement *j);

/* `policy`: what hv was told to run; `bare`: the bare verdict and trace of the same scenario
 * on the same CPU model (the reference) (runner/compare_virt.c). */
void judge_virt(const struct trace *t, const struct run_facts *f, const char *policy,
                enum verdict bare, const struct trace *bare_trace, struct judgement *j);

/* The unperturbed virtualized reference of a `reference = virt` row (runner/compare_ref.c):
 * PASS when hv/ ran `policy` cleanly, nothing exited during delivery (the perturbation was
 * off), the guest's checks passed and it recorded at least one event. */
void judge_reference(const struct trace *t, const struct run_facts *f, const char *policy,
                     struct judgement *j);

/* A run without hv/'s report channel — our guest under another hypervisor (QEMU/KVM with
 * pc-testdev), or a console captured elsewhere (`redeliver judge` without --hv-log) —
 * against the bare verdict and trace (runner/compare_foreign.c). The trace comparison is
 * compare_traces(); a run that matches is UNPROVED, never PASS: nothing shows that an exit
 * happened during delivery. `need_testdev`: the guest must report pc-testdev writes. */
void judge_foreign(const struct trace *t, const struct run_facts *f, bool need_testdev,
                   enum verdict bare, const struct trace *bare_trace, struct judgement *j);

/* Shared by the judges: the process and protocol checks (`hv`: hv/'s reports first), and
 * the guest's own checks; true when they decided. */
bool judge_common(const struct trace *t, const struct run_facts *f, bool hv, struct judgement *j);
bool judge_checks(const struct trace *t, const struct run_facts *f, struct judgement *j);

/* Compare two event traces: PASS when identical, else LOST (virt a proper subsequence of
 * bare), DUPLICATED (bare a proper subsequence of virt, every extra repeating a bare event),
 * REORDERED (the same events in another order: the same lines, or the same identities —
 * the line before " rip=", since the saved RIP moves with the order), MOVED (the same
 * events in the same order, equal but for the saved RIP: delivered elsewhere), else
 * DIFFERENT (runner/compare_traces.c).
 * The first evidence goes to *detail (caller frees; NULL when identical). */
enum verdict compare_traces(char *const *bare, size_t nb, char *const *virt, size_t nv,
                            char **detail);

#define NO_EXIT_DETAIL                                                                             \
    "vectoring-exits=0: the perturbation caused no exit during delivery — the test did not "     \
    "test"

#endif
