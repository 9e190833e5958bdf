/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_files.c — summary.json and results.tap (TAP version 13); results.xml and
 * results.html are in report_junit_html.c. */
#include "runner/report.h"

#include <stdlib.h>
#include <string.h>

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

void json_string(struct sbuf *sb, const char *s)
{
    sb_add(sb, "\"");
    while (s && *s) {
        unsigned char c = (unsigned char)*s;
        size_t n = c >= 0x80 ? utf8_len((const unsigned char *)s) : 0;
        if (n) {
            sb_addn(sb, s, n); /* UTF-8 text (the runner's own "—") stays as it is */
            s += n;
            continue;
        }
        if (c == '"' || c == '\\')
            sb_addf(sb, "\\%c", c);
        else if (c == '\n')
            sb_add(sb, "\\n");
        else if (c < 0x20 || c >= 0x7f)
            sb_addf(sb, "\\u%04x", c); /* other bytes as Latin-1: valid JSON for any input */
        else
            sb_addn(sb, s, 1);
        s++;
    }
    sb_add(sb, "\"");
}

static void json_key_str(struct sbuf *sb, const char *key, const char *value, bool comma)
{
    sb_addf(sb, "\"%s\": ", key);
    if (value)
        json_string(sb, value);
    else
        sb_add(sb, "null");
    if (comma)
        sb_add(sb, ", ");
}

static void json_count(struct sbuf *sb, const char *key, long v)
{
    if (v < 0)
        sb_addf(sb, "\"%s\": null, ", key);
    else
        sb_addf(sb, "\"%s\": %ld, ", key, v);
}

static void json_run(struct sbuf *sb, const struct run *r)
{
    sb_add(sb, "    {");
    json_key_str(sb, "scenario", r->sc->name, true);
    json_key_str(sb, "cpu", cpu_name(r->cpu), true);
    json_key_str(sb, "env", r->policy ? "virt" : "bare", true);
    json_key_str(sb, "policy", r->policy, true);
    json_key_str(sb, "verdict", verdict_name(r->j.verdict), true);
    json_key_str(sb, "expected", verdict_name(r->expected), true);
    json_key_str(sb, "expect_reason", r->expect_reason, true);
    sb_addf(sb, "\"as_expected\": %s, \"xfail\": %s, ", r->as_expected ? "true" : "false",
            r->xfail ? "true" : "false");
    json_key_str(sb, "detail", r->na ? na_reason(r->cpu) : r->j.detail, true);
    json_key_str(sb, "dir", r->dir, r->na ? false : true);
    if (!r->na) {
        sb_addf(sb, "\"seconds\": %.3f, \"timed_out\": %s, \"exit_code\": %d, ", r->proc.seconds,
                r->proc.timed_out ? "true" : "false", r->proc.exit_code);
        json_count(sb, "vectoring_exits", r->trace.vectoring_exits);
        json_count(sb, "exits", r->trace.exits);
        json_key_str(sb, "guest_result", guest_result_name(r->trace.result), true);
        sb_add(sb, "\"trace\": [");
        for (size_t i = 0; i < r->trace.n_ev; i++) {
            if (i)
                sb_add(sb, ", ");
            json_string(sb, r->trace.ev[i]);
        }
        sb_add(sb, "]");
    }
    sb_add(sb, "}");
}

char *report_json(const struct matrix *m, const struct report_info *info)
{
    struct sbuf sb = {0};
    struct matrix_totals t;
    matrix_totals(m, &t);
    sb_add(&sb, "{\n  \"format\": \"redeliver-summary-1\",\n  ");
    json_key_str(&sb, "results", info->results, true);
    json_key_str(&sb, "fault", info->fault, true);
    sb_addf(&sb, "\"timeout\": %.3f, \"jobs\": %u,\n  \"cpus\": [", info->timeout, info->jobs);
    for (size_t i = 0; i < m->n_cpus; i++)
        sb_addf(&sb, "%s\"%s\"", i ? ", " : "", cpu_name(m->cpus[i]));
    sb_add(&sb, "],\n  \"policies\": [");
    for (size_t i = 0; i < m->n_policies; i++) {
        sb_add(&sb, i ? ", " : "");
        json_string(&sb, m->policies[i]);
    }
    sb_add(&sb, "],\n  \"scenarios\": [");
    for (size_t i = 0; i < m->n_scen; i++) {
        sb_add(&sb, i ? ", " : "");
        json_string(&sb, m->scen[i]->name);
    }
    sb_addf(&sb,
            "],\n  \"totals\": {\"runs\": %zu, \"as_expected\": %zu, \"xfail\": %zu, "
            "\"unexpected\": %zu, \"na\": %zu},\n  \"runs\": [\n",
            t.runs, t.as_expected, t.xfail, t.unexpected, t.na);
    for (size_t i = 0; i < m->n_runs; i++) {
        json_run(&sb, &m->runs[i]);
        sb_add(&sb, i + 1 < m->n_runs ? ",\n" : "\n");
    }
    sb_add(&sb, "  ]\n}\n");
    return sb.buf;
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
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct run *r = &m->runs[i];
        char *cell = run_cell(r);
        bool ok = r->na || (r->as_expected && !r->xfail);
        sb_addf(&sb, "%s %zu - %s %s %s: %s", ok ? "ok" : "not ok", i + 1, r->sc->name,
                cpu_name(r->cpu), run_env(r), cell);
        if (r->na) {
            sb_add(&sb, " # SKIP ");
            tap_text(&sb, na_reason(r->cpu));
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
