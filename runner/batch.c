/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/batch.c — which runs share a boot, and cutting a batch's captures (batch.h). */
#include "runner/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/util.h"

bool verdict_ends_boot(enum verdict v)
{
    return v == V_TRIPLE_FAULT || v == V_CRASH || v == V_TIMEOUT || v == V_LIVELOCK ||
           v == V_HANG || v == V_ENTRY_FAIL || v == V_ERROR;
}

bool run_batchable(const struct run *r, bool all)
{
    if (r->na)
        return false;
    if (all)
        return true;
    if (r->sc->harness)
        return false;
    const struct expectation *b = scenario_bare_expect(r->sc, cpu_name(r->cpu));
    if (verdict_ends_boot(b ? b->verdict : r->sc->bare))
        return false;
    const struct expectation *e =
        r->policy && !r->reference ? scenario_expect(r->sc, r->policy) : NULL;
    return !(e && verdict_ends_boot(e->verdict));
}

bool run_ends_batch(const struct run *r)
{
    if (r->na || r->sc->harness || !r->policy || r->reference)
        return false;
    const struct expectation *b = scenario_bare_expect(r->sc, cpu_name(r->cpu));
    const struct expectation *e = scenario_expect(r->sc, r->policy);
    enum verdict bare = b ? b->verdict : r->sc->bare;
    enum verdict v = e ? e->verdict : bare == V_TRIPLE_FAULT ? V_TRIPLE_FAULT : V_PASS;
    return (v == V_TRIPLE_FAULT || v == V_LIVELOCK || v == V_HANG) &&
           (bare == V_PASS || bare == V_TRIPLE_FAULT);
}

/* One line of a capture: [start, end) without its '\n' and a trailing '\r'. */
struct line {
    size_t start, end, next;
};

static bool next_line(const char *t, size_t len, size_t pos, struct line *l)
{
    if (pos >= len)
        return false;
    const char *nl = memchr(t + pos, '\n', len - pos);
    l->start = pos;
    l->end = nl ? (size_t)(nl - t) : len;
    l->next = nl ? l->end + 1 : len;
    if (l->end > l->start && t[l->end - 1] == '\r')
        l->end--;
    return true;
}

static bool starts(const char *t, const struct line *l, const char *prefix)
{
    size_t n = strlen(prefix);
    return l->end - l->start >= n && memcmp(t + l->start, prefix, n) == 0;
}

/* The word after `prefix` (up to a blank or the end) equals `name`. */
static bool names(const char *t, const struct line *l, const char *prefix, const char *name)
{
    size_t p = strlen(prefix), n = strlen(name);
    return starts(t, l, prefix) && l->end - l->start >= p + n &&
           memcmp(t + l->start + p, name, n) == 0 &&
           (l->end - l->start == p + n || t[l->start + p + n] == ' ');
}

/* Row starts of one channel: offsets of lines beginning with `prefix` (not `not`). */
static size_t find_starts(const char *t, size_t len, const char *prefix, const char * not,
                          size_t **out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    struct line l;
    for (size_t pos = 0; next_line(t, len, pos, &l); pos = l.next) {
        if (!starts(t, &l, prefix) || (not &&starts(t, &l, not )))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        (*out)[n++] = l.start;
    }
    return n;
}

/* Do the lines at starts[0..k) name names[0..k) after prefix? The last line of the capture,
 * when no newline ends it, may hold the beginning of its name only: the emulator stopped
 * while the line was on its way (a bare shutdown loses the bytes in flight). That row is
 * not taken anyway: its slice has no `Test result:` line. */
static bool in_order(const char *t, size_t len, const size_t *at, size_t k, const char *prefix,
                     const char *const *row)
{
    for (size_t i = 0; i < k; i++) {
        struct line l;
        next_line(t, len, at[i], &l);
        size_t p = strlen(prefix), have = l.end - l.start - p;
        bool cut = i + 1 == k && l.next == len && (len == 0 || t[len - 1] != '\n') &&
                   have < strlen(row[i]) && memcmp(t + l.start + p, row[i], have) == 0;
        if (!cut && !names(t, &l, prefix, row[i]))
            return false;
    }
    return true;
}

/* NULL when the guest's slice ended cleanly, else why not. */
static const char *guest_slice_problem(const char *t, size_t a, size_t b)
{
    unsigned results = 0;
    bool clean = false;
    struct line l;
    for (size_t pos = a; next_line(t, b, pos, &l); pos = l.next) {
        if (!starts(t, &l, "Test result: "))
            continue;
        results++;
        clean = starts(t, &l, "Test result: SUCCESS") || starts(t, &l, "Test result: SKIP") ||
                starts(t, &l, "Test result: FAILURE");
    }
    if (results == 0)
        return "no `Test result:` line";
    if (results > 1)
        return "more than one `Test result:` line";
    return clean ? NULL : "its result is not SUCCESS, SKIP or FAILURE";
}

/* hv/ ended the run inside this row with a report a verdict rests on (TRIPLE-FAULT,
 * LIVELOCK, HANG): exactly one such line, one summary, no ROW-END, nothing else fatal. */
static bool hv_ended_row(const char *t, size_t a, size_t b)
{
    unsigned ends = 0, other = 0, summaries = 0;
    struct line l;
    for (size_t pos = a; next_line(t, b, pos, &l); pos = l.next) {
        ends += starts(t, &l, "hv: TRIPLE-FAULT") || starts(t, &l, "hv: LIVELOCK") ||
                starts(t, &l, "hv: HANG");
        other += starts(t, &l, "hv: ERROR") || starts(t, &l, "hv: VMENTRY-FAIL") ||
                 starts(t, &l, "hv: ROW-END ");
        summaries += starts(t, &l, "hv: vectoring-exits=");
    }
    return ends == 1 && other == 0 && summaries == 1;
}

static const char *hv_slice_problem(const char *t, size_t a, size_t b, const char *name)
{
    static const char *const fatal[] = {"hv: ERROR", "hv: VMENTRY-FAIL", "hv: TRIPLE-FAULT",
                                        "hv: LIVELOCK", "hv: HANG"};
    unsigned ends = 0, summaries = 0;
    struct line l;
    for (size_t pos = a; next_line(t, b, pos, &l); pos = l.next) {
        for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
            if (starts(t, &l, fatal[i]))
                return "hv/ reported an end of the run (ERROR, VMENTRY-FAIL, TRIPLE-FAULT, "
                       "LIVELOCK or HANG)";
        /* after its ROW-END hv/ reports the next row's reset: facts of no row (an IDTV
         * line of this row's vector, an IRET-NMI-UNBLOCK exit) must not be judged as its */
        if (ends)
            return "hv/ reported more after its `hv: ROW-END` (facts of no row)";
        ends += names(t, &l, "hv: ROW-END ", name);
        summaries += starts(t, &l, "hv: vectoring-exits=");
    }
    if (ends != 1)
        return "no `hv: ROW-END` marker of its own in hv.txt";
    return summaries == 1 ? NULL : "not exactly one `hv: vectoring-exits=` summary";
}

void batch_cut(const char *const *row, size_t n, bool virt, const char *g, size_t glen,
               const char *h, size_t hlen, bool ended_normally, struct batch_cut *out)
{
    memset(out, 0, sizeof(*out));
    out->slice = xcalloc(n ? n : 1, sizeof(*out->slice));
    size_t *gs, *hs = NULL;
    size_t kg = find_starts(g, glen, "ROW ", NULL, &gs);
    size_t kh = virt ? find_starts(h, hlen, "hv: ROW ", "hv: ROW-END ", &hs) : kg;
    if (kg > n || kh > n || !in_order(g, glen, gs, kg, "ROW ", row) ||
        (virt && !in_order(h, hlen, hs, kh, "hv: ROW ", row)) || kg > kh || kh > kg + 1) {
        out->void_batch = true;
        char hv_part[64] = "";
        if (virt)
            snprintf(hv_part, sizeof(hv_part), ", %zu `hv: ROW` markers in hv.txt", kh);
        out->why = xasprintf("the row markers disagree with the batch's rows (%zu `ROW` lines in "
                             "serial.txt%s, %zu rows): nothing of it is taken",
                             kg, hv_part, n);
        free(gs);
        free(hs);
        return;
    }
    out->g_prelude = kg ? gs[0] : glen;
    out->h_prelude = virt && kh ? hs[0] : hlen;
    size_t k = kg < kh ? kg : kh;
    out->started = k > 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= k) {
            out->why = xasprintf("row %zu (%s) never started", i + 1, row[i]);
            break;
        }
        struct row_slice *s = &out->slice[i];
        s->g0 = gs[i];
        s->g1 = i + 1 < kg ? gs[i + 1] : glen;
        s->h0 = virt ? hs[i] : 0;
        s->h1 = virt ? (i + 1 < kh ? hs[i + 1] : hlen) : 0;
        /* the last row may end the boot the way it would end a boot of its own: hv/'s
         * report, its summary, and then a normal end of the emulator */
        bool ended_by_hv =
            virt && i + 1 == n && i + 1 == k && ended_normally && hv_ended_row(h, s->h0, s->h1);
        const char *why = ended_by_hv ? NULL : guest_slice_problem(g, s->g0, s->g1);
        if (!why && virt && !ended_by_hv)
            why = hv_slice_problem(h, s->h0, s->h1, row[i]);
        if (!why && i + 1 >= k && !(i + 1 == n && ended_normally))
            why = i + 1 == n ? "the emulator did not end as a finished run ends"
                             : "the batch ended after it";
        if (why) {
            out->why = xasprintf("row %zu (%s): %s", i + 1, row[i], why);
            break;
        }
        out->n_taken++;
    }
    free(gs);
    free(hs);
}

void batch_cut_free(struct batch_cut *c)
{
    free(c->why);
    free(c->slice);
    memset(c, 0, sizeof(*c));
}
