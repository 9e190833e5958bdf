/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/compare_detail.h — what the judges of compare.c and compare_virt.c share: a
 * verdict with its detail line (the run's context appended), and the ROW line check. Not
 * for other files: compare.h is the judges' interface. */
#ifndef RUNNER_COMPARE_DETAIL_H
#define RUNNER_COMPARE_DETAIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include "runner/compare.h"
#include "runner/util.h"

/* The verdict and its detail line, the run's context (f->context) appended; setf formats
 * the detail. */
static inline void set(struct judgement *j, const struct run_facts *f, enum verdict v,
                       const char *detail)
{
    j->verdict = v;
    if (!detail)
        j->detail = f->context ? xstrdup(f->context) : NULL;
    else if (f->context)
        j->detail = xasprintf("%s; %s", detail, f->context);
    else
        j->detail = xstrdup(detail);
}

static inline void setf(struct judgement *j, const struct run_facts *f, enum verdict v,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static inline void setf(struct judgement *j, const struct run_facts *f, enum verdict v,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    set(j, f, v, s);
    free(s);
}

/* The ROW line names the row the runner asked for, and a conformance row's names what
 * proves it (compare.c): true when it decided (ERROR). */
bool judge_row_line(const struct trace *t, const struct run_facts *f, struct judgement *j);

#endif
