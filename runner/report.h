/* runner/report.h — the outputs of a run: the verdict table and the lines under it (stdout,
 * for people), summary.json and results.tap (for tools). */
#ifndef RUNNER_REPORT_H
#define RUNNER_REPORT_H

#include <stdio.h>

#include "runner/matrix.h"

struct report_info {
    const char *results; /* the results directory */
    const char *fault;   /* --fault, or NULL */
    double timeout;
    unsigned jobs;
};

/* The table, then unexpected results, expected failures, notes, n/a reasons, total. */
char *report_table(const struct matrix *m, const struct report_info *info);

char *report_json(const struct matrix *m, const struct report_info *info);
char *report_tap(const struct matrix *m, const struct report_info *info);

/* JSON string literal of `s`, appended to sb: well-formed UTF-8 as it is, any other byte
 * escaped as \u00XX (valid JSON for any input). */
struct sbuf;
void json_string(struct sbuf *sb, const char *s);

#endif
