/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare_virt.c — the verdict of a run under hv/ against the bare run of the same
 * scenario on the same CPU model (docs/design.md, "The oracle"): an exit during delivery of
 * the row's own event, hv/'s summary, then the traces; a bare CPU shutdown is compared by
 * its cause. */
#include "runner/compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/compare_detail.h"
#include "runner/util.h"

/* How many exits during delivery carried the row's own vector? `hv: IDTV ... idtv=0x<8 hex>`
 * lines hold the IDT-vectoring word, vector in bits 7:0 (SDM 24.9.3). Only the exits the row's
 * perturbation can cause count: a task-gate row (`proof=task-switch`) arms nothing, so only
 * its task-switch exits; a row that took pages away in EPT (`pages=<n>`) only EPT violations
 * (docs/protocol.md): an exit of another kind carrying the vector is not the perturbation's. */
static unsigned own_exits(const struct trace *t)
{
    unsigned n = 0;
    for (size_t i = 0; i < t->n_idtv; i++) {
        if (t->row_task_switch && !strstr(t->idtv[i], " exit=TASK_SWITCH "))
            continue;
        if (t->row_pages > 0 && !t->row_task_switch && !strstr(t->idtv[i], " exit=EPT_VIOLATION "))
            continue;
        const char *p = strstr(t->idtv[i], " idtv=0x");
        if (p && (strtoul(p + strlen(" idtv=0x"), NULL, 16) & 0xff) == (unsigned)t->row_vector)
            n++;
    }
    return n;
}

/* Did an exit during delivery carry the row's own vector? A row without a `vector=` on its
 * ROW line is not checked. */
static bool vectored_own_event(const struct trace *t)
{
    return t->row_vector < 0 || own_exits(t) > 0;
}

/* A PASS must have tested every page the row took away: each makes the delivery exit once
 * (docs/adding-a-scenario.md, "Which delivery exits, and how many times"). A policy that
 * loses the event at the first exit fails on its trace instead, with fewer exits. */
static bool missed_pages(const struct trace *t, const struct run_facts *f, struct judgement *j)
{
    if (t->row_vector < 0 || t->row_pages < 2)
        return false;
    unsigned n = own_exits(t);
    if (n >= (unsigned)t->row_pages)
        return false;
    setf(j, f, V_ERROR,
         "only %u of the row's %d pages taken away made the delivery of vector 0x%02x exit: "
         "for the others the test did not test",
         n, t->row_pages, t->row_vector);
    return true;
}

static void set_not_own_event(const struct trace *t, const struct run_facts *f, struct judgement *j)
{
    if (t->row_task_switch)
        setf(j, f, V_ERROR,
             "no TASK_SWITCH exit during delivery of the row's vector 0x%02x (the row goes "
             "through a task gate): the test did not test",
             t->row_vector);
    else
        setf(j, f, V_ERROR,
             "no exit during delivery of the row's vector 0x%02x (the perturbation hit another "
             "event): the test did not test",
             t->row_vector);
}

/* hv/'s one summary line, well formed, for the policy the runner asked for; else ERROR. */
static bool bad_hv_summary(const struct trace *t, const char *policy, const struct run_facts *f,
                           struct judgement *j)
{
    if (t->n_hv_summary == 0) {
        set(j, f, V_ERROR, "hv printed no `hv: vectoring-exits=` summary line");
        return true;
    }
    if (t->hv_summary_malformed || t->n_hv_summary > 1) {
        setf(j, f, V_ERROR,
             "%s hv summary line (the protocol says one `hv: vectoring-exits=<n> "
             "exits=<m> policy=<p>`)",
             t->hv_summary_malformed ? "malformed" : "more than one");
        return true;
    }
    if (strcmp(t->hv_policy, policy) != 0) {
        setf(j, f, V_ERROR, "hv ran policy '%s', the runner asked for '%s'", t->hv_policy, policy);
        return true;
    }
    return false;
}

/* Two traces compare line by line only when their EV lines have the same fields. */
static bool formats_differ(const struct trace *t, const struct trace *bare_trace,
                           const struct run_facts *f, struct judgement *j)
{
    char *why = ev_formats_mismatch(bare_trace->ev_format, t->ev_format);
    bool differ = why != NULL;
    if (differ)
        set(j, f, V_ERROR, why);
    free(why);
    return differ;
}

/* Both shut down, but for the same reason? The bare CPU shut down because an exception was
 * raised while it delivered #DF (SDM 6.15 "Interrupt 8"; bochs.log names it). A shutdown
 * the CPU performed by itself under hv/ (exit reason 2) is that same hardware event. One
 * that hv/ declared from the double-fault table must come from the same exception raised
 * while the CPU really delivered #DF (IDT-vectoring information): a policy that never
 * delivered the #DF but merged stale queued exceptions into a "shutdown" compared nothing. */
static bool same_shutdown(const struct trace *t, const struct trace *bare_trace,
                          const struct run_facts *f, struct judgement *j)
{
    if (t->shutdown_by_cpu)
        return true;
    if (bare_trace->shutdown_raised < 0) {
        set(j, f, V_ERROR,
            "the bare run's log does not say which exception shut the CPU down: the shutdown "
            "cannot be compared");
        return false;
    }
    if (t->shutdown_delivering == 8 && t->shutdown_raised == bare_trace->shutdown_raised)
        return true;
    char delivering[24] = "no event";
    if (t->shutdown_delivering >= 0)
        snprintf(delivering, sizeof(delivering), "vector 0x%02x", t->shutdown_delivering);
    setf(j, f, V_DIFFERENT,
         "the bare CPU shut down on vector 0x%02x raised while delivering #DF; hv/ declared "
         "the shutdown on vector 0x%02x raised while the CPU delivered %s%s",
         bare_trace->shutdown_raised, t->shutdown_raised < 0 ? 0 : t->shutdown_raised, delivering,
         t->shutdown_delivering != 8 ? " (the #DF was never delivered)" : "");
    return false;
}

/* The bare CPU shut down (docs/cases.md #8): the hypervisor must report the same shutdown, after
 * the same events, and not loop or invent an event. */
static bool judge_against_shutdown(const struct trace *t, const struct run_facts *f,
                                   const char *policy, const struct trace *bare_trace,
                                   struct judgement *j)
{
    /* anything else wrong with the run is judged as for any run (judge_common) first */
    if (!t->triple_fault || t->vmentry_fail || f->start_error || f->end_problem || t->long_line ||
        f->timed_out || t->hv_error || t->livelock || t->hang || t->result == RESULT_ERROR)
        return false;
    if (bad_hv_summary(t, policy, f, j) || judge_row_line(t, f, j))
        return true;
    if (t->vectoring_exits <= 0) {
        set(j, f, V_ERROR,
            t->vectoring_exits == 0 ? NO_EXIT_DETAIL : "hv printed no usable summary line");
        return true;
    }
    if (!vectored_own_event(t)) {
        set_not_own_event(t, f, j);
        return true;
    }
    if (!same_shutdown(t, bare_trace, f, j) || formats_differ(t, bare_trace, f, j))
        return true;
    char *diff = NULL;
    enum verdict v = compare_traces(bare_trace->ev, bare_trace->n_ev, t->ev, t->n_ev, &diff);
    if (v != V_PASS)
        set(j, f, v, diff);
    else if (!missed_pages(t, f, j))
        j->verdict = V_PASS; /* the same shutdown after the same events as the bare CPU */
    free(diff);
    return true;
}

void judge_virt(const struct trace *t, const struct run_facts *f, const char *policy,
                enum verdict bare, const struct trace *bare_trace, struct judgement *j)
{
    memset(j, 0, sizeof(*j));
    if (bare == V_TRIPLE_FAULT && bare_trace && judge_against_shutdown(t, f, policy, bare_trace, j))
        return;
    if (judge_common(t, f, true, j) || bad_hv_summary(t, policy, f, j))
        return;
    if (t->row_iret) {
        /* not during delivery: the IRET that unblocked NMIs must have exited */
        if (t->n_iret_unblock == 0) {
            set(j, f, V_ERROR,
                "no `hv: IRET-NMI-UNBLOCK` exit: the IRET the row perturbs never exited, the "
                "test did not test");
            return;
        }
    } else if (t->vectoring_exits == 0) {
        set(j, f, V_ERROR, NO_EXIT_DETAIL);
        return;
    } else if (!vectored_own_event(t)) {
        set_not_own_event(t, f, j);
        return;
    }
    if (bare == V_TRIPLE_FAULT && bare_trace) {
        setf(j, f, V_DIFFERENT, "the bare CPU shut down; under hv the guest went on to `%s`",
             t->result_line);
        return;
    }
    if (bare != V_PASS || !bare_trace) {
        setf(j, f, V_ERROR, "no bare reference: the bare run of this scenario is %s",
             verdict_name(bare));
        return;
    }
    if (bare_trace->n_ev == 0 && (t->row_vector >= 0 || t->row_iret)) {
        set(j, f, V_ERROR,
            "the bare run recorded no event: two empty traces compare equal and prove nothing");
        return;
    }
    if (formats_differ(t, bare_trace, f, j))
        return;
    char *diff = NULL;
    enum verdict v = compare_traces(bare_trace->ev, bare_trace->n_ev, t->ev, t->n_ev, &diff);
    if (v != V_PASS) {
        set(j, f, v, diff);
        free(diff);
        return;
    }
    if (judge_checks(t, f, j))
        return;
    if (t->result == RESULT_SKIP) {
        setf(j, f, V_FAILED, "the guest skipped under hv but passed bare: %s", t->result_line);
        return;
    }
    if (missed_pages(t, f, j))
        return;
    j->verdict = V_PASS;
}
