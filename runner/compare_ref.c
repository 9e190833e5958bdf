/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare_ref.c — the verdict of the unperturbed virtualized reference run of a
 * `reference = virt` row (docs/runner.md, "Virtualized reference"). An event that only a
 * hypervisor injects has no bare reference; the run under hv/ with `kvm` and the
 * perturbation off is the reference instead — a stated choice: it is what the guest sees
 * when nothing exits during the event's delivery. The policies' cells are judged against
 * its trace (runner/matrix.c). */
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

void judge_reference(const struct trace *t, const struct run_facts *f, const char *policy,
                     struct judgement *j)
{
    memset(j, 0, sizeof(*j));
    if (judge_common(t, f, true, j))
        return;
    if (t->n_hv_summary != 1 || t->hv_summary_malformed) {
        set(j, f, V_ERROR, xstrdup("hv printed no single well-formed `hv: vectoring-exits=` line"));
        return;
    }
    if (strcmp(t->hv_policy, policy) != 0) {
        set(j, f, V_ERROR,
            xasprintf("hv ran policy '%s', the runner asked for '%s'", t->hv_policy, policy));
        return;
    }
    if (t->vectoring_exits != 0) {
        set(j, f, V_ERROR,
            xasprintf("vectoring-exits=%ld: an exit happened during delivery although the "
                      "perturbation was off: no unperturbed reference",
                      t->vectoring_exits));
        return;
    }
    if (judge_checks(t, f, j))
        return;
    if (t->result == RESULT_SKIP) {
        set(j, f, V_SKIP, xstrdup(t->result_line));
        return;
    }
    if (t->n_ev == 0) {
        set(j, f, V_ERROR,
            xstrdup("the reference run recorded no event: two empty traces compare equal and "
                    "prove nothing"));
        return;
    }
    j->verdict = V_PASS;
}
