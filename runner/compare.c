/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare.c — verdicts of bare and virtualized runs (docs/design.md, "The oracle"):
 * the checks every judge shares and the bare judge. The virtualized judge is in
 * compare_virt.c, the trace comparison in compare_traces.c. */
#include "runner/compare.h"

#include <stdlib.h>
#include <string.h>

#include "runner/compare_detail.h"
#include "runner/util.h"

/* The guest's ROW line says which row ran and what proves it tested something: exactly one,
 * naming the row the runner asked for; a conformance row's names its vector or proof. */
bool judge_row_line(const struct trace *t, const struct run_facts *f, struct judgement *j)
{
    if (!f->scenario)
        return false;
    size_t n = strlen(f->scenario);
    if (t->n_row_lines != 1 || strncmp(t->row, f->scenario, n) != 0 ||
        (t->row[n] != 0 && t->row[n] != ' ')) {
        setf(j, f, V_ERROR, "%u ROW line(s)%s%s; the runner asked for row '%s'", t->n_row_lines,
             t->row ? ", the first: " : "", t->row ? t->row : "", f->scenario);
        return true;
    }
    /* hv/'s own marker (COM2) must name the same row: its facts are that row's */
    if (t->n_hv_rows > 1 || (t->n_hv_rows == 1 && strcmp(t->hv_row, f->scenario) != 0)) {
        setf(j, f, V_ERROR,
             "hv/ marked %u row(s) in hv.txt, the first '%s'; the runner asked for "
             "row '%s'",
             t->n_hv_rows, t->hv_row, f->scenario);
        return true;
    }
    if (f->conformance && t->row_vector < 0 && !t->row_iret) {
        setf(j, f, V_ERROR,
             "the ROW line names no vector=0x<v> or proof= (`ROW %s`): nothing would show the "
             "row tested anything",
             t->row);
        return true;
    }
    return false;
}

/* Checks shared by both environments, in order of what explains the run best. Returns
 * true when it decided. `hv` adds the hypervisor's own reports first. */
bool judge_common(const struct trace *t, const struct run_facts *f, bool hv, struct judgement *j)
{
    if (f->start_error) {
        setf(j, f, V_ERROR, "could not start the emulator: %s", f->start_error);
        return true;
    }
    if (f->end_problem) { /* whatever the text says, the run did not finish */
        j->verdict = V_CRASH;
        j->detail = xasprintf("the emulator ended abnormally: %s", f->end_problem);
        return true;
    }
    if (t->long_line) {
        setf(j, f, V_ERROR, "a console line longer than %d bytes (protocol lines are short): %s",
             TRACE_LINE_MAX, t->long_line);
        return true;
    }
    if (hv && t->unsupported) { /* hv/ read the CPU model's VMX capabilities: not a guess */
        setf(j, f, V_SKIP, "this CPU model lacks what hv/ needs: %s", t->unsupported);
        return true;
    }
    if (hv && t->vmentry_fail) {
        set(j, f, V_ENTRY_FAIL, t->vmentry_fail);
        return true;
    }
    if (hv && t->triple_fault) {
        set(j, f, V_TRIPLE_FAULT, "hv: TRIPLE-FAULT (the guest shut down)");
        return true;
    }
    if (hv && t->livelock) {
        set(j, f, V_LIVELOCK, t->livelock);
        return true;
    }
    if (hv && t->hang) {
        set(j, f, V_HANG, t->hang);
        return true;
    }
    if (hv && t->hv_error) {
        set(j, f, V_ERROR, t->hv_error);
        return true;
    }
    if (t->result == RESULT_ERROR) {
        setf(j, f, V_ERROR, "guest: %s", t->result_line);
        return true;
    }
    if (f->timed_out) {
        if (t->result == RESULT_NONE)
            set(j, f, V_TIMEOUT, "killed after the timeout, no `Test result:` line");
        else
            setf(j, f, V_TIMEOUT, "killed after the timeout although it printed `%s`",
                 t->result_line);
        return true;
    }
    if (!hv && f->cpu_shutdown && t->result == RESULT_NONE) {
        set(j, f, V_TRIPLE_FAULT, "the CPU shut down (triple fault) before a `Test result:` line");
        return true;
    }
    if (t->result == RESULT_NONE) {
        set(j, f, V_CRASH,
            t->n_lines ? "no `Test result:` line" : "no output at all on COM1 (boot failure?)");
        return true;
    }
    if (t->n_result_lines > 1) {
        setf(j, f, V_ERROR, "%u `Test result:` lines (the protocol says exactly one)",
             t->n_result_lines);
        return true;
    }
    if (t->result == RESULT_MALFORMED) {
        setf(j, f, V_ERROR, "malformed final line: %s", t->result_line);
        return true;
    }
    if (t->after_result) {
        setf(j, f, V_ERROR, "guest line after the final line: %s", t->after_result);
        return true;
    }
    return judge_row_line(t, f, j);
}

/* The guest's own checks: FAILED unless they all passed. */
bool judge_checks(const struct trace *t, const struct run_facts *f, struct judgement *j)
{
    if (t->result == RESULT_FAILURE) {
        setf(j, f, V_FAILED, "%s%s%s", t->result_line, t->first_fail ? "; first " : "",
             t->first_fail ? t->first_fail : "");
        return true;
    }
    if (t->n_fail) {
        setf(j, f, V_FAILED, "%u FAIL line(s) but %s; first %s", t->n_fail, t->result_line,
             t->first_fail);
        return true;
    }
    return false;
}

void judge_bare(const struct trace *t, const struct run_facts *f, struct judgement *j)
{
    memset(j, 0, sizeof(*j));
    if (judge_common(t, f, false, j) || judge_checks(t, f, j))
        return;
    if (t->result == RESULT_SKIP) {
        set(j, f, V_SKIP, t->result_line);
        return;
    }
    j->verdict = V_PASS;
}
