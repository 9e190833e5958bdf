/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/matrix.h — the runs of one `redeliver run` and their verdicts.
 *
 * The matrix is scenarios × CPU models × environments (bare, then one virtualized run per
 * policy). A virtualized cell on a CPU model without VMX is "n/a" with a reason, never
 * silently dropped. Judging and expectations are pure (files are read in rundir.c). */
#ifndef RUNNER_MATRIX_H
#define RUNNER_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/catalogue.h"
#include "runner/compare.h"
#include "runner/emulator.h"
#include "runner/spawn.h"
#include "runner/trace.h"

struct run {
    const struct cat_scenario *sc;
    enum cpu_model cpu;
    const char *policy;      /* NULL: bare */
    bool na;                 /* cannot run on this CPU model (see na_reason), or not rerun */
    const char *na_why;      /* why n/a when not na_reason(cpu): run --rerun-failed (rerun.h),
                                or the QEMU/KVM column's reason */
    char *dir;               /* run directory; NULL when na */
    struct run *bare;        /* virtualized runs: the bare run of the same scenario and CPU */
    bool reference;          /* the unperturbed virtualized reference run of a `reference = virt`
                                row: policy REFERENCE_POLICY, perturbation off (env "ref:virt") */
    struct run *ref;         /* bare runs of such rows: their reference run */
    bool foreign;            /* the hypervisor under test (QEMU/KVM, runner/kvm_column.c):
                                judged against `bare` by judge_foreign (env "under-test") */
    struct run *foreign_run; /* bare runs the column is judged against: that run */

    struct proc_result proc;
    struct trace trace;
    char *log_problem; /* first VMFAIL / VMENTER FAIL / PANIC line of bochs.log */
    char *end_problem; /* the emulator did not end as a finished run ends (emulator_end.h) */
    char *context;     /* process facts for the detail line */
    struct judgement j;

    enum verdict expected;
    const char *expect_reason; /* catalogue text, NULL when PASS is expected */
    bool as_expected;
    bool xfail; /* as expected, and the expectation is a failure */
};

struct matrix {
    const struct cat_scenario **scen;
    size_t n_scen;
    enum cpu_model cpus[CPU_COUNT];
    size_t n_cpus;
    const char **policies;
    size_t n_policies;
    struct run *runs; /* scenario-major, then CPU, then bare + policies; then the reference
                         runs of `reference = virt` rows (not in the grid: bare->ref) */
    size_t n_runs;
    size_t n_grid;      /* runs[0 .. n_grid) is the grid matrix_at() indexes */
    bool kvm_column;    /* the runs after the references: one per scenario on QEMU/KVM */
    const char *kvm_na; /* why that column cannot run here, or NULL */
};

/* The policy of the unperturbed virtualized reference run (docs/runner.md). */
#define REFERENCE_POLICY "kvm"
#define REFERENCE_ENV    "ref:virt"
#define FOREIGN_ENV      "under-test" /* the run of the hypervisor under test */

/* The run a virtualized run is judged against: the reference run of a `reference = virt`
 * row, else the bare run. */
const struct run *run_reference(const struct run *r);

/* Lay out the runs; directories are <results>/<scenario>/<cpu>-bare and
 * <cpu>-virt-<policy>. The matrix keeps the pointers it is given. */
void matrix_build(struct matrix *m, const struct cat_scenario **scen, size_t n_scen,
                  const enum cpu_model *cpus, size_t n_cpus, const char **policies,
                  size_t n_policies, const char *results);
void matrix_free(struct matrix *m);

/* env 0 is bare, env 1 + i is policies[i]. */
struct run *matrix_at(const struct matrix *m, size_t scen, size_t cpu, size_t env);

/* Judge every run (bare runs first: they are the references), then its expectation. */
void matrix_judge(struct matrix *m);

/* Judge one run from its trace and process facts (r->bare judged already). */
void run_judge(struct run *r);

/* Fill r->expected .. r->xfail from the catalogue row and r->j.verdict. */
void run_expect(struct run *r);

const char *na_reason(enum cpu_model cpu);
const char *run_na_reason(const struct run *r); /* na_why, else na_reason(cpu) */
const char *run_env(const struct run *r);       /* "bare" or the policy */
char *run_cell(const struct run *r);            /* the table cell: "PASS", "LOST v=1 xfail", ... */

struct matrix_totals {
    size_t runs, as_expected, xfail, unexpected, na;
};
void matrix_totals(const struct matrix *m, struct matrix_totals *t);

#endif
