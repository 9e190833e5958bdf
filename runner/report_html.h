/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/report_html.h — results.html and one page per cell (cells/<row>/<cpu>-<col>.html):
 * the parts the page writers share. Everything taken from a run (guest text, hv lines,
 * files of the run directory) goes through markup_text (report.h): a guest cannot write
 * markup into the report. Links are relative, so the results directory can be moved. */
#ifndef RUNNER_REPORT_HTML_H
#define RUNNER_REPORT_HTML_H

#include "runner/matrix.h"
#include "runner/report.h"
#include "runner/util.h"

/* How much of a run directory's file a cell page shows (the rest is linked). */
#define HTML_FILE_SHOWN (64 * 1024)

/* The style of every page: one colour per verdict the guest showed (class v-<verdict>). */
extern const char html_style[];

void html_text(struct sbuf *sb, const char *s);
void html_attr(struct sbuf *sb, const char *name, const char *value);

/* "v-pass", "v-lost", ..., "v-na": the colour of a verdict. */
const char *html_verdict_class(enum verdict v);
/* The second mark, from the catalogue: "✓" as expected, "✓ xfail", "✗ unexpected". */
const char *html_expect_mark(const struct run *r);
/* The env of summary.json: "bare", "virt" or "ref:virt". */
const char *html_env(const struct run *r);

/* The cell page of a run, relative to the results directory:
 * "cells/<scenario>/<cpu>-<bare|policy|ref-virt>.html"; NULL for an n/a cell. */
char *html_cell_path(const struct run *r);

/* The cost table: per row and policy, exits other than port I/O, vectoring exits and
 * re-injections (runner/cost.h). */
void html_cost_table(struct sbuf *sb, const struct matrix *m);

/* One cell's page (report_html_cell.c). */
char *report_html_cell(const struct run *r);
/* The timeline of a virtualized run, inline SVG (report_html_svg.c), from its hv.txt text:
 * per exit during delivery, the event raised, the exit, the decision, the VM-entry fields
 * core/ writes for it, what the guest saw. Nothing for a run without such an exit. */
void html_timeline(struct sbuf *sb, const struct run *r, const char *hv_text);

/* Every cell page into <results>/cells/: 0, or -1 with *err. */
int report_html_cells(const struct matrix *m, const char *results, char **err);

#endif
