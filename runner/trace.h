/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/trace.h — what one run printed, parsed per docs/protocol.md: the guest's channel
 * (COM1: its event trace, checks and final line) and hv/'s channel (COM2: the hypervisor's
 * reports, which the guest cannot write). A guest line that imitates hv/ is guest text.
 * Unknown lines are ignored; protocol violations are recorded, never guessed around. */
#ifndef RUNNER_TRACE_H
#define RUNNER_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/ev_format.h"

#include "runner/cost.h"

enum guest_result {
    RESULT_NONE, /* no `Test result:` line: CRASH */
    RESULT_SUCCESS,
    RESULT_SKIP,
    RESULT_ERROR,
    RESULT_FAILURE,
    RESULT_MALFORMED, /* `Test result: <not a result word>` */
};

/* Longer lines are cut there, the cut stated in the line ("[N more bytes cut]"). */
#define TRACE_LINE_MAX 1024

struct trace {
    size_t n_lines;         /* non-empty lines seen on the guest's channel */
    char *long_line;        /* the first line cut at TRACE_LINE_MAX (either channel), or NULL */
    unsigned n_imitated_hv; /* guest lines beginning "hv: ": ignored, counted */
    char *env;              /* text after "ENV ", or NULL */
    char *row;              /* text after "ROW ", or NULL */
    int row_vector;         /* the perturbed vector from "ROW <name> vector=0x..", -1 when none */
    bool row_iret;        /* "ROW <name> proof=iret-nmi-unblock": proved by an IRET exit instead */
    bool row_task_switch; /* "ROW <name> vector=0x<v> proof=task-switch": only a TASK_SWITCH
                             exit with that vector proves it (a task-gate row arms nothing) */
    int row_pages;        /* "ROW <name> vector=0x<v> pages=<n>": n pages taken away in EPT, each of
                             which must make the row's delivery exit (an EPT_VIOLATION exit carrying
                             the vector) before a PASS; 0 when the line names none */
    unsigned n_row_lines;
    char **ev; /* the EV lines, in order, whole ("EV #GP err=...") */
    size_t n_ev;
    enum ev_format ev_format; /* of all of them */
    unsigned n_pass, n_fail, n_skip;
    char *first_fail;    /* text of the first FAIL: line */
    char *summary;       /* text after "SUMMARY: " */
    char *first_skip;    /* the first SKIP: line, whole */
    long testdev_writes; /* `PCTESTDEV writes=<n>` (pc-testdev backend, guest/testdev.c); -1 none */

    enum guest_result result; /* of the first `Test result:` line */
    char *result_line;        /* that line, whole */
    unsigned n_result_lines;
    char *after_result; /* first guest protocol line after the final line, or NULL */

    char **idtv; /* "hv: IDTV ..." lines */
    size_t n_idtv;
    unsigned n_iret_unblock;   /* "hv: IRET-NMI-UNBLOCK ..." lines */
    unsigned n_hv_summary;     /* `hv: vectoring-exits=...` lines seen */
    bool hv_summary_malformed; /* one did not parse */
    long vectoring_exits;      /* -1 when no valid summary */
    long exits;
    char *hv_policy;
    char *hv_error;     /* first "hv: ERROR ..." line, whole */
    char *vmentry_fail; /* first "hv: VMENTRY-FAIL ..." line, whole */
    bool triple_fault;
    /* what the shutdown came from: under hv/, the `hv: TRIPLE-FAULT` line (raised=,
     * delivering=; by=cpu when the CPU shut down by itself); bare, bochs.log's report of
     * the exception raised while delivering #DF. -1 when unknown or not said. */
    bool shutdown_by_cpu;
    int shutdown_raised;
    int shutdown_delivering;
    char *livelock;       /* the hv: LIVELOCK line */
    char *hang;           /* the hv: HANG line (watchdog) */
    unsigned n_hv_rows;   /* hv/'s `hv: ROW <name>` markers (hv.txt only) */
    char *hv_row;         /* the first one's name, or NULL */
    char *unsupported;    /* the hv: UNSUPPORTED line: this CPU model lacks a VMX feature hv/
                             needs (hv/vmx_caps.c); the run is SKIP, not a verdict */
    struct run_cost cost; /* hv: exit-counts and hv: idtv-actions (runner/cost.h) */
};

/* Parse the two captures (either may hold NULs and garbage; hv is empty for bare runs). */
void trace_parse(struct trace *t, const char *guest, size_t guest_len, const char *hv,
                 size_t hv_len);
void trace_free(struct trace *t);

const char *guest_result_name(enum guest_result r);

/* First bochs.log line that reports a VMX failure or a panic (`VMENTER FAIL`, `VMFAIL`,
 * `PANIC`), trimmed to a readable length; NULL when none (caller frees). The panic Bochs
 * logs when the runner's timeout SIGHUP arrives is not reported. */
char *log_first_problem(const char *text, size_t len);
/* Is this bochs.log line Bochs's report of a triple fault (reset_on_triple_fault=0)? */
bool log_is_shutdown(const char *line);
/* Does any line of a whole log (`len` bytes, may be NULL) report one? */
bool log_has_shutdown(const char *text, size_t len);
/* The vector of the exception that shut the bare CPU down, from that report
 * (">>PANIC<< exception(): 3rd (14) exception with no resolution": raised while delivering
 * #DF); -1 when the line does not say. */
int log_shutdown_vector(const char *line);

#endif
