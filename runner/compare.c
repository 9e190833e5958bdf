/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare.c — verdicts of bare and virtualized runs (docs/design.md, "The oracle"). */
#include "runner/compare.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

static void set(struct judgement *j, const struct run_facts *f, enum verdict v, const char *detail)
{
    j->verdict = v;
    if (!detail)
        j->detail = f->context ? xstrdup(f->context) : NULL;
    else if (f->context)
        j->detail = xasprintf("%s; %s", detail, f->context);
    else
        j->detail = xstrdup(detail);
}

static void setf(struct judgement *j, const struct run_facts *f, enum verdict v, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

static void setf(struct judgement *j, const struct run_facts *f, enum verdict v, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    set(j, f, v, s);
    free(s);
}

/* The guest's ROW line says which row ran and what proves it tested something: exactly one,
 * naming the row the runner asked for; a conformance row's names its vector or proof. */
static bool bad_row_line(const struct trace *t, const struct run_facts *f, struct judgement *j)
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
    return bad_row_line(t, f, j);
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

/* Did an exit during delivery carry the row's own vector? `hv: IDTV ... idtv=0x<8 hex>`
 * lines hold the IDT-vectoring word, vector in bits 7:0 (SDM 24.9.3). A row without a
 * `vector=` on its ROW line is not checked. */
static bool vectored_own_event(const struct trace *t)
{
    if (t->row_vector < 0)
        return true;
    for (size_t i = 0; i < t->n_idtv; i++) {
        const char *p = strstr(t->idtv[i], " idtv=0x");
        if (p && (strtoul(p + strlen(" idtv=0x"), NULL, 16) & 0xff) == (unsigned)t->row_vector)
            return true;
    }
    return false;
}

static void set_not_own_event(const struct trace *t, const struct run_facts *f, struct judgement *j)
{
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
    if (bad_hv_summary(t, policy, f, j) || bad_row_line(t, f, j))
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
    else
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
    j->verdict = V_PASS;
}

/* Is `small` a subsequence of `big`? *first_missing: index of the first element of `big`
 * that the greedy match skipped (nb when none). */
static bool subsequence(char *const *small, size_t ns, char *const *big, size_t nb,
                        size_t *first_missing)
{
    size_t i = 0;
    *first_missing = nb;
    for (size_t k = 0; k < nb; k++) {
        if (i < ns && strcmp(small[i], big[k]) == 0)
            i++;
        else if (*first_missing == nb)
            *first_missing = k;
    }
    return i == ns;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **sorted(char *const *v, size_t n)
{
    char **s = xmalloc(n * sizeof(*s));
    if (n)
        memcpy(s, v, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_str);
    return s;
}

/* The first element of `v` (in trace order) that does not occur in sorted `set`, or NULL. */
static const char *first_not_in(char *const *v, size_t n, char **set, size_t nset)
{
    for (size_t i = 0; i < n; i++)
        if (!bsearch(&v[i], set, nset, sizeof(*set), cmp_str))
            return v[i];
    return NULL;
}

static bool same_multiset(char *const *a, char *const *b, size_t n)
{
    char **sa = sorted(a, n), **sb = sorted(b, n);
    bool same = true;
    for (size_t i = 0; i < n && same; i++)
        same = strcmp(sa[i], sb[i]) == 0;
    free(sa);
    free(sb);
    return same;
}

static size_t first_difference(char *const *a, size_t na, char *const *b, size_t nb)
{
    size_t i = 0;
    while (i < na && i < nb && strcmp(a[i], b[i]) == 0)
        i++;
    return i;
}

/* An event's identity: the line up to " rip=" (vector and error code). When events are
 * reordered, where they interrupt the guest changes with the order, so the saved RIP
 * (and RF, IST) cannot be part of what "the same events" means. */
static char **keys(char *const *v, size_t n)
{
    char **k = xmalloc(n * sizeof(*k));
    for (size_t i = 0; i < n; i++) {
        const char *rip = strstr(v[i], " rip=");
        k[i] = rip ? xstrndup(v[i], (size_t)(rip - v[i])) : xstrdup(v[i]);
    }
    return k;
}

static void free_keys(char **k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(k[i]);
    free(k);
}

/* Same events by identity, in another order (n events each). */
static bool reordered_by_identity(char *const *bare, char *const *virt, size_t n)
{
    char **kb = keys(bare, n), **kv = keys(virt, n);
    bool r = first_difference(kb, n, kv, n) < n && same_multiset(kb, kv, n);
    free_keys(kb, n);
    free_keys(kv, n);
    return r;
}

/* The line without its " rip=..." field: everything the guest saw but where. */
static char *without_rip(const char *line)
{
    const char *rip = strstr(line, " rip=");
    if (!rip)
        return xstrdup(line);
    const char *end = strchr(rip + 1, ' ');
    return xasprintf("%.*s%s", (int)(rip - line), line, end ? end : "");
}

/* n events each, in the same order, equal but for where they were delivered. */
static bool only_places_differ(char *const *bare, char *const *virt, size_t n)
{
    bool same = true;
    for (size_t i = 0; i < n && same; i++) {
        char *b = without_rip(bare[i]), *v = without_rip(virt[i]);
        same = strcmp(b, v) == 0;
        free(b);
        free(v);
    }
    return same;
}

#define AT(v, n, i) ((i) < (n) ? (v)[i] : "(none)")

enum verdict compare_traces(char *const *bare, size_t nb, char *const *virt, size_t nv,
                            char **detail)
{
    size_t k;
    *detail = NULL;
    if (nb == nv && first_difference(bare, nb, virt, nv) == nb)
        return V_PASS;
    if (nv < nb && subsequence(virt, nv, bare, nb, &k)) {
        *detail = xasprintf("%zu of %zu bare event(s) missing; first: `%s`", nb - nv, nb, bare[k]);
        return V_LOST;
    }
    if (nb < nv && subsequence(bare, nb, virt, nv, &k)) {
        char **sb = sorted(bare, nb);
        const char *fresh = first_not_in(virt, nv, sb, nb);
        enum verdict v = fresh ? V_DIFFERENT : V_DUPLICATED;
        if (fresh)
            *detail = xasprintf("event(s) never seen bare, first: `%s`", fresh);
        else
            *detail = xasprintf("%zu extra event(s) repeating bare ones; first extra: `%s` "
                                "(event %zu)",
                                nv - nb, virt[k], k + 1);
        free(sb);
        return v;
    }
    size_t i = first_difference(bare, nb, virt, nv);
    if (nb == nv && same_multiset(bare, virt, nb)) {
        *detail = xasprintf("same events, other order; event %zu: bare `%s`, virt `%s`", i + 1,
                            bare[i], virt[i]);
        return V_REORDERED;
    }
    if (nb == nv && only_places_differ(bare, virt, nb)) {
        *detail = xasprintf("same events in the same order, delivered elsewhere; event %zu: bare "
                            "`%s`, virt `%s`",
                            i + 1, bare[i], virt[i]);
        return V_MOVED;
    }
    if (nb == nv && reordered_by_identity(bare, virt, nb)) {
        *detail = xasprintf("same events (vector, error code) in another order; event %zu: "
                            "bare `%s`, virt `%s`",
                            i + 1, bare[i], virt[i]);
        return V_REORDERED;
    }
    *detail = xasprintf("event %zu: bare `%s`, virt `%s` (%zu bare, %zu virt events)", i + 1,
                        AT(bare, nb, i), AT(virt, nv, i), nb, nv);
    return V_DIFFERENT;
}
