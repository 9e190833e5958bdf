/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare_foreign.c — the verdict of a run made without hv/'s report channel
 * (docs/other-hypervisors.md): the same guest under another hypervisor, or consoles captured
 * elsewhere. The guest's own channel is judged as for any run (judge_common, judge_checks)
 * and its trace compared with the bare trace (compare_traces); what only hv/'s COM2 facts
 * could show — that an exit happened during the delivery of the row's event — stays
 * unknown, so a run that matches the bare CPU is UNPROVED, never PASS. */
#include "runner/compare.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

static void set(struct judgement *j, const struct run_facts *f, enum verdict v, char *detail)
{
    j->verdict = v;
    j->detail = f->context ? xasprintf("%s; %s", detail, f->context) : xstrdup(detail);
    free(detail);
}

void judge_foreign(const struct trace *t, const struct run_facts *f, bool need_testdev,
                   enum verdict bare, const struct trace *bare_trace, struct judgement *j)
{
    memset(j, 0, sizeof(*j));
    if (judge_common(t, f, false, j))
        return;
    if (t->result == RESULT_SKIP) {
        set(j, f, V_SKIP, xstrdup(t->result_line));
        return;
    }
    if (bare != V_PASS || !bare_trace) {
        set(j, f, V_SKIP,
            xasprintf("no bare reference: the bare run of this row is %s", verdict_name(bare)));
        return;
    }
    if (bare_trace->n_ev == 0) {
        set(j, f, V_ERROR,
            xstrdup("the bare run recorded no event: two empty traces compare equal and prove "
                    "nothing"));
        return;
    }
    char *diff = NULL;
    enum verdict v = compare_traces(bare_trace->ev, bare_trace->n_ev, t->ev, t->n_ev, &diff);
    if (v != V_PASS) {
        set(j, f, v, diff);
        return;
    }
    if (judge_checks(t, f, j))
        return;
    if (t->n_skip) { /* the guest said what of the row's perturbation needs hv/ */
        set(j, f, V_SKIP,
            xasprintf("the row's perturbation was not (all) made: %s", t->first_skip));
        return;
    }
    if (need_testdev && t->testdev_writes <= 0) {
        set(j, f, V_ERROR,
            t->testdev_writes < 0
                ? xstrdup("no `PCTESTDEV writes=` line: the guest found no pc-testdev (port "
                          "0xE0), so nothing was perturbed")
                : xstrdup("PCTESTDEV writes=0: no page was taken away, nothing was perturbed"));
        return;
    }
    if (t->testdev_writes > 0)
        set(j, f, V_UNPROVED,
            xasprintf("the trace equals the bare trace; pc-testdev took %ld page(s) away (port "
                      "0xE4), but no hypervisor fact shows an exit during delivery",
                      t->testdev_writes));
    else
        set(j, f, V_UNPROVED,
            xstrdup("the trace equals the bare trace; no hypervisor fact (hv/'s report "
                    "channel) shows an exit during delivery"));
}
