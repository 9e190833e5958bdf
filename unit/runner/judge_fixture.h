/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/judge_fixture.h — traces and judge calls shared by the verdict tests. */
#ifndef UNIT_RUNNER_JUDGE_FIXTURE_H
#define UNIT_RUNNER_JUDGE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "runner/compare.h"

#define GP  "EV #GP err=0x0000 rip=trigger+0xa cs=0x08 rf=1 ist=1 cr2=- dr6=-"
#define IRQ "EV INT 0x40 err=- rip=trigger+0x2f cs=0x08 rf=0 ist=1 cr2=- dr6=-"
#define DB  "EV #DB err=- rip=trigger+0x3 cs=0x08 rf=0 ist=0 cr2=- dr6=0x4000"
#define UD  "EV #UD err=- rip=trigger+0x0 cs=0x08 rf=0 ist=0 cr2=- dr6=-"

/* A virtualized trace that passes unless a test changes it. */
static inline void good_virt(struct trace *t, char **ev, size_t n)
{
    memset(t, 0, sizeof(*t));
    t->ev = ev;
    t->n_ev = n;
    t->n_lines = 5;
    t->result = RESULT_SUCCESS;
    t->result_line = "Test result: SUCCESS";
    t->n_result_lines = 1;
    t->n_hv_summary = 1;
    t->vectoring_exits = 1;
    t->exits = 100;
    t->hv_policy = "kvm";
    t->row_vector = -1;
    t->shutdown_raised = t->shutdown_delivering = -1;
}

static inline enum verdict virt(const struct trace *t, const struct run_facts *f, enum verdict bare,
                                const struct trace *bt, char **detail)
{
    struct judgement j;
    judge_virt(t, f, "kvm", bare, bt, &j);
    if (detail)
        *detail = j.detail;
    else
        free(j.detail);
    return j.verdict;
}

static inline enum verdict bare(const struct trace *t, const struct run_facts *f)
{
    struct judgement j;
    judge_bare(t, f, &j);
    free(j.detail);
    return j.verdict;
}

#endif
