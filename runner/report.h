/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report.h — the outputs of a run: the verdict table and the lines under it (stdout,
 * for people), summary.json, results.tap, results.xml (JUnit) and results.html (for tools,
 * CI and browsers). */
#ifndef RUNNER_REPORT_H
#define RUNNER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner/matrix.h"

struct report_info {
    const char *results; /* the results directory */
    const char *fault;   /* --fault, or NULL */
    const char *profile; /* hv/'s intercept profile (--profile; merge: the inputs') */
    double timeout;
    unsigned jobs;
    const char *catalogue_hash;     /* catalogue_fingerprint() of the catalogue read, or NULL */
    const char *shard;              /* "K/N" of `run --shard`, or NULL */
    const char *const *merged_from; /* `redeliver merge`: the input directories, or NULL */
    size_t n_merged;
};

/* Write summary.json, results.tap, results.xml, results.html and table.txt into
 * info->results, then print the table on stdout. Returns the exit status of a run: 0 every
 * verdict as expected, 1 some unexpected, 2 a file could not be written (said on stderr). */
int report_write(const struct matrix *m, const struct report_info *info);

/* The lines above the table that say what part of a matrix this is: "shard: K/N ...",
 * "merged from: ..."; "" when neither. */
char *report_origin(const struct report_info *info);

/* The table, then unexpected results, expected failures, notes, n/a reasons, total. */
char *report_table(const struct matrix *m, const struct report_info *info);

/* Lines under the table, without indentation or newline (also used by results.html):
 * "<scenario> <cpu> <env>: ERROR, expected PASS (reason) — detail [dir]",
 * "<scenario> <cpu> <env>: LOST — reason" (an xfail) and "total: ... — details in <dir>". */
char *report_run_line(const struct run *r);
char *report_xfail_line(const struct run *r);
char *report_total_line(const struct matrix *m, const struct report_info *info);

/* summary.json, dumped by jansson (2-space indentation, UTF-8, a final newline): "format"
 * "redeliver-summary-1", then results, fault, timeout, jobs, catalogue_hash, shard ("K/N" or
 * null), merged_from (the input directories of `merge`, or null), cpus, policies, scenarios,
 * totals {runs, as_expected, xfail, unexpected, na} and one object per run. Text that is
 * not well-formed UTF-8 is read as Latin-1, so the document is valid whatever the guest
 * printed. Out of memory ends the program (status 3), as xmalloc does. */
char *report_json(const struct matrix *m, const struct report_info *info);
char *report_tap(const struct matrix *m, const struct report_info *info);

/* results.xml: JUnit XML, one <testsuite name="redeliver.<cpu>"> per CPU model, one
 * <testcase classname="<scenario>" name="<scenario> <cpu> <env>"> per run (names unique in
 * the file); <failure> exactly for the runs that are not as expected, <skipped
 * message="..."> for n/a and for expected failures (xfail, with the catalogue's reason),
 * <system-out> for every as-expected verdict other than PASS. scripts/junit.xsd is the
 * schema the e2e test validates it against. */
char *report_junit(const struct matrix *m, const struct report_info *info);

/* results.html (runner/report_html.c): one self-contained page (inline CSS, no script): the
 * matrix grouped by family and docs/cases.md entry, cells coloured by verdict, marked with
 * the expectation and linked to cells/<row>/<cpu>-<col>.html (report_html_cells, written by
 * report_write); the unexpected results, expected failures, notes, n/a reasons, cost. */
char *report_html(const struct matrix *m, const struct report_info *info);

struct sbuf;

/* Length of the well-formed UTF-8 sequence of 2 to 4 bytes at s, else 0. */
size_t utf8_len(const unsigned char *s);

/* `s` as XML/HTML character data appended to sb: & < > " ' as references; well-formed
 * UTF-8 kept; control characters other than \t \n \r, DEL, C1 controls, U+FFFE/U+FFFF and
 * bytes that are not UTF-8 replaced by U+FFFD. In an attribute (attr), \t \n \r become
 * character references so that they survive attribute-value normalization. */
void markup_text(struct sbuf *sb, const char *s, bool attr);

#endif
