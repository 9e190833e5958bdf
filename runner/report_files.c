/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_files.c — summary.json (built and dumped with jansson) and results.tap (TAP
 * version 13); results.xml and results.html are in report_junit_html.c. */
#include "runner/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner/cost.h"
#include "runner/report_html.h"
#include "runner/results.h"
#include "runner/util.h"

size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
        (n == 4 && s[0] == 0xf0 && s[1] < 0x90) || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
        return 0; /* overlong, surrogate, above U+10FFFF */
    return n;
}

/* summary.json is built as a jansson document and dumped by jansson: no JSON is written by
 * hand. Allocation failures end the program as xmalloc's do (status 3): a run is never
 * silently left out of the document. */
static void json_out_of_memory(void)
{
    fputs("redeliver: out of memory (summary.json)\n", stderr);
    exit(3);
}

static json_t *must(json_t *v)
{
    if (!v)
        json_out_of_memory();
    return v;
}

static void put(json_t *obj, const char *key, json_t *v)
{
    if (json_object_set_new(obj, key, must(v)) != 0)
        json_out_of_memory();
}

static void push(json_t *arr, json_t *v)
{
    if (json_array_append_new(arr, must(v)) != 0)
        json_out_of_memory();
}

/* `s` as a JSON string, NULL as null. jansson takes only valid UTF-8 and guest text may
 * hold anything: well-formed UTF-8 is kept, any other byte is read as Latin-1 (0xff becomes
 * U+00FF, the "\u00ff" the hand-written writer used to emit), so every run's text survives
 * and the document stays valid. */
static json_t *text(const char *s)
{
    if (!s)
        return must(json_null());
    struct sbuf sb = {0};
    for (const char *p = s; *p;) {
        unsigned char c = (unsigned char)*p;
        size_t n = c < 0x80 ? 1 : utf8_len((const unsigned char *)p);
        if (n) {
            sb_addn(&sb, p, n);
            p += n;
            continue;
        }
        char latin1[2] = {(char)(0xc0 | c >> 6), (char)(0x80 | (c & 0x3f))};
        sb_addn(&sb, latin1, 2);
        p++;
    }
    json_t *v = json_stringn(sb_str(&sb), sb.len);
    free(sb.buf);
    return must(v);
}

/* A count the trace may not have (-1): null. */
static json_t *count(long v)
{
    return v < 0 ? json_null() : json_integer(v);
}

/* Seconds to the millisecond, as "%.3f" used to print them (dumped with
 * JSON_REAL_PRECISION(15): 1.235, not 1.2350000000000001); not finite: null. */
static json_t *seconds(double s)
{
    if (!isfinite(s))
        return json_null();
    char buf[64];
    snprintf(buf, sizeof(buf), "%.3f", s);
    return json_real(strtod(buf, NULL));
}

static json_t *run_json(const struct run *r)
{
    json_t *o = must(json_object());
    put(o, "scenario", text(r->sc->name));
    put(o, "cpu", text(cpu_name(r->cpu)));
    put(o, "env",
        text(r->reference ? REFERENCE_ENV
             : r->foreign ? FOREIGN_ENV
             : r->policy  ? "virt"
                          : "bare"));
    put(o, "policy", text(r->policy));
    /* what a virtualized cell was judged against: "bare", or "ref:virt" (docs/runner.md) */
    put(o, "reference",
        text(r->foreign                    ? cpu_name(r->bare->cpu)
             : !r->policy || r->reference  ? NULL
             : run_reference(r)->reference ? REFERENCE_ENV
                                           : "bare"));
    put(o, "verdict", text(verdict_name(r->j.verdict)));
    put(o, "expected", text(verdict_name(r->expected)));
    put(o, "expect_reason", text(r->expect_reason));
    put(o, "as_expected", json_boolean(r->as_expected));
    put(o, "xfail", json_boolean(r->xfail));
    put(o, "detail", text(r->na ? run_na_reason(r) : r->j.detail));
    put(o, "dir", text(r->dir));
    if (r->na)
        return o;
    put(o, "seconds", seconds(r->proc.seconds));
    put(o, "timed_out", json_boolean(r->proc.timed_out));
    put(o, "exit_code", json_integer(r->proc.exit_code));
    put(o, "vectoring_exits", count(r->trace.vectoring_exits));
    put(o, "exits", count(r->trace.exits));
    put(o, "cost", cost_json(&r->trace.cost)); /* runner/cost_json.c */
    put(o, "guest_result", text(guest_result_name(r->trace.result)));
    json_t *trace = must(json_array());
    for (size_t i = 0; i < r->trace.n_ev; i++)
        push(trace, text(r->trace.ev[i]));
    put(o, "trace", trace);
    return o;
}

char *report_json(const struct matrix *m, const struct report_info *info)
{
    struct matrix_totals t;
    matrix_totals(m, &t);
    json_t *doc = must(json_object());
    put(doc, "format", text("redeliver-summary-1"));
    put(doc, "results", text(info->results));
    put(doc, "fault", text(info->fault));
    put(doc, "profile", text(info->profile ? info->profile : "minimal"));
    put(doc, "timeout", seconds(info->timeout));
    put(doc, "jobs", json_integer(info->jobs));
    put(doc, "catalogue_hash", text(info->catalogue_hash));
    put(doc, "shard", text(info->shard));
    json_t *merged = must(info->merged_from ? json_array() : json_null());
    for (size_t i = 0; info->merged_from && i < info->n_merged; i++)
        push(merged, text(info->merged_from[i]));
    put(doc, "merged_from", merged);
    json_t *cpus = must(json_array()), *policies = must(json_array());
    json_t *scenarios = must(json_array()), *runs = must(json_array());
    for (size_t i = 0; i < m->n_cpus; i++)
        push(cpus, text(cpu_name(m->cpus[i])));
    put(doc, "cpus", cpus);
    for (size_t i = 0; i < m->n_policies; i++)
        push(policies, text(m->policies[i]));
    put(doc, "policies", policies);
    for (size_t i = 0; i < m->n_scen; i++)
        push(scenarios, text(m->scen[i]->name));
    put(doc, "scenarios", scenarios);
    json_t *totals = must(json_object());
    put(totals, "runs", json_integer((json_int_t)t.runs));
    put(totals, "as_expected", json_integer((json_int_t)t.as_expected));
    put(totals, "xfail", json_integer((json_int_t)t.xfail));
    put(totals, "unexpected", json_integer((json_int_t)t.unexpected));
    put(totals, "na", json_integer((json_int_t)t.na));
    put(doc, "totals", totals);
    for (size_t i = 0; i < m->n_runs; i++)
        push(runs, run_json(&m->runs[i]));
    put(doc, "runs", runs);
    /* UTF-8 as it is (no JSON_ENSURE_ASCII): the runner's own "—" stays readable; keys in
     * insertion order (jansson >= 2.8) */
    char *dumped = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(doc);
    if (!dumped)
        json_out_of_memory();
    char *out = xasprintf("%s\n", dumped);
    free(dumped);
    return out;
}

/* Directives and comments stay on one line. (Descriptions are names and a table cell:
 * no '#' that could start a directive.) */
static void tap_text(struct sbuf *sb, const char *s)
{
    for (; s && *s; s++)
        sb_addn(sb, *s == '\n' || *s == '\r' ? " " : s, 1);
}

char *report_tap(const struct matrix *m, const struct report_info *info)
{
    struct sbuf sb = {0};
    sb_addf(&sb, "TAP version 13\n1..%zu\n", m->n_runs);
    if (info->fault)
        sb_addf(&sb, "# fault knob: %s\n", info->fault);
    if (info->profile && strcmp(info->profile, "minimal") != 0)
        sb_addf(&sb, "# hv/ intercept profile: %s\n", info->profile);
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct run *r = &m->runs[i];
        char *cell = run_cell(r);
        bool ok = r->na || (r->as_expected && !r->xfail);
        sb_addf(&sb, "%s %zu - %s %s %s: %s", ok ? "ok" : "not ok", i + 1, r->sc->name,
                cpu_name(r->cpu), run_env(r), cell);
        if (r->na) {
            sb_add(&sb, " # SKIP ");
            tap_text(&sb, run_na_reason(r));
        } else if (r->xfail) {
            sb_add(&sb, " # TODO expected: ");
            tap_text(&sb, r->expect_reason);
        }
        sb_add(&sb, "\n");
        if (!r->as_expected) {
            sb_addf(&sb, "# expected %s", verdict_name(r->expected));
            if (r->expect_reason) {
                sb_add(&sb, " (");
                tap_text(&sb, r->expect_reason);
                sb_add(&sb, ")");
            }
            sb_add(&sb, "\n");
        }
        if (r->j.detail && !r->as_expected) {
            sb_add(&sb, "# ");
            tap_text(&sb, r->j.detail);
            sb_add(&sb, "\n");
        }
        if (r->dir && !r->as_expected)
            sb_addf(&sb, "# %s\n", r->dir);
        free(cell);
    }
    return sb.buf;
}

int report_write(const struct matrix *m, const struct report_info *info)
{
    char *table = report_table(m, info);
    char *json = report_json(m, info);
    char *tap = report_tap(m, info);
    char *junit = report_junit(m, info);
    char *html = report_html(m, info);
    char *err = NULL;
    int rc = 0;
    /* the files first: a closed stdout (| head) must not cost them */
    if (results_write(info->results, "summary.json", json, &err) != 0 ||
        results_write(info->results, "results.tap", tap, &err) != 0 ||
        results_write(info->results, "results.xml", junit, &err) != 0 ||
        results_write(info->results, "results.html", html, &err) != 0 ||
        results_write(info->results, "table.txt", table, &err) != 0 ||
        report_html_cells(m, info->results, &err) != 0) {
        fprintf(stderr, "redeliver: %s\n", err);
        free(err);
        rc = 2;
    }
    fputs(table, stdout);
    fflush(stdout);
    free(table);
    free(json);
    free(tap);
    free(junit);
    free(html);
    if (rc)
        return rc;
    struct matrix_totals t;
    matrix_totals(m, &t);
    return t.unexpected ? 1 : 0;
}
