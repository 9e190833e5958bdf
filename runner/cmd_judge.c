/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cmd_judge.c — `redeliver judge`: the verdict of two guest consoles captured
 * elsewhere (on hardware, under another hypervisor), with the matrix's own judges
 * (runner/compare.c, compare_foreign.c). With hv/'s report channel (--hv-log) the
 * virtualized run is judged exactly as a matrix cell; without it nothing shows an exit
 * during delivery, and a run that matches the bare one is UNPROVED (docs/other-hypervisors.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/commands.h"
#include "runner/compare.h"
#include "runner/spawn.h"
#include "runner/util.h"

static const char usage[] =
    "usage: redeliver judge BARE_LOG VIRT_LOG [--hv-log HV_LOG]\n"
    "       redeliver judge DIR     (DIR/bare.txt, DIR/virt.txt, DIR/hv.txt if there)\n"
    "\n"
    "Judge one row from consoles captured elsewhere: BARE_LOG is the guest's COM1 output on a\n"
    "bare CPU, VIRT_LOG the same image's under the hypervisor; HV_LOG hv/'s COM2 report of\n"
    "that run, whose one `hv: ROW` marker must name the row. The judges are the matrix's\n"
    "(docs/runner.md, \"Verdicts\"). Without --hv-log nothing proves an exit during\n"
    "delivery: a virtualized run equal to the bare one is UNPROVED, never PASS.\n"
    "\n"
    "Exit status: 0 PASS; 1 a difference or an error (LOST, DIFFERENT, FAILED, ERROR, ...,\n"
    "or a bare run that is no reference); 2 usage error or a file that is no guest console;\n"
    "3 UNPROVED or SKIP (no difference found, nothing proved).\n";

struct capture {
    const char *path;
    char *text;
    size_t len;
};

static int load(struct capture *c, const char *path)
{
    c->path = path;
    if (is_dir(path)) {
        fprintf(stderr, "redeliver judge: %s is a directory: give a captured console\n", path);
        return 2;
    }
    bool cut = false;
    c->text = read_file_max(path, (size_t)PROC_OUTPUT_CAP, &c->len, &cut);
    if (!c->text) {
        fprintf(stderr, "redeliver judge: %s: %s\n", path, strerror(errno));
        return 2;
    }
    if (cut)
        fprintf(stderr, "redeliver judge: %s: only its first %d MiB were read\n", path,
                PROC_OUTPUT_CAP_MIB);
    return 0;
}

/* A guest console names its row or ends with a result; anything else is another file. */
static int is_console(const struct trace *t, const char *path)
{
    if (t->n_row_lines || t->n_result_lines)
        return 0;
    fprintf(stderr,
            "redeliver judge: %s is no guest console of redeliver (no `ROW` and no `Test "
            "result:` line; docs/protocol.md)\n",
            path);
    return 2;
}

static int parse_args(int argc, char **argv, const char *p[3], char **owned)
{
    const char *pos[2] = {0};
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--hv-log") == 0 && i + 1 < argc)
            p[2] = argv[++i];
        else if (strncmp(argv[i], "--hv-log=", 9) == 0 && argv[i][9])
            p[2] = argv[i] + 9;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "redeliver judge: %s: unknown option or missing value\n%s", argv[i],
                    usage);
            return 2;
        } else if (n < 2)
            pos[n++] = argv[i];
        else {
            fprintf(stderr, "redeliver judge: unexpected argument '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    if (n == 1 && is_dir(pos[0]) && !p[2]) { /* DIR/bare.txt, DIR/virt.txt, DIR/hv.txt */
        owned[0] = path_join(pos[0], "bare.txt");
        owned[1] = path_join(pos[0], "virt.txt");
        owned[2] = path_join(pos[0], "hv.txt");
        p[0] = owned[0];
        p[1] = owned[1];
        p[2] = is_file(owned[2]) ? owned[2] : NULL;
        return 0;
    }
    if (n != 2) {
        fprintf(stderr, "redeliver judge: want BARE_LOG VIRT_LOG, or one directory\n%s", usage);
        return 2;
    }
    p[0] = pos[0];
    p[1] = pos[1];
    return 0;
}

/* hv/'s facts are the row's only when its report says so: exactly one `hv: ROW <spec>`
 * marker, naming the row of the guest's ROW line (docs/protocol.md, "Batches"). Another
 * row's hv.txt, or a whole batch's, proves nothing about this one; the matrix's judge
 * refuses those too (judge_row_line), a captured log must also have its marker. The markers
 * are trace_parse()'s (n_hv_rows, hv_row). NULL, or why not. */
static char *hv_log_not_the_row(const struct trace *vt, const char *hv_path, const char *row)
{
    size_t n = vt->n_hv_rows;
    if (n == 1 && row && strcmp(vt->hv_row, row) == 0)
        return NULL;
    return n == 0 ? xasprintf("%s has no `hv: ROW <spec>` marker: nothing says its facts are "
                              "of row '%s'",
                              hv_path, row ? row : "(none)")
                  : xasprintf("%s holds %zu `hv: ROW` marker(s)%s: hv/'s facts of another row "
                              "prove nothing about row '%s'",
                              hv_path, n, n == 1 ? ", of another row" : "", row ? row : "(none)");
}

static int judge(const struct capture *bare, const struct capture *virt, const struct capture *hv)
{
    struct trace bt, vt;
    trace_parse(&bt, bare->text, bare->len, "", 0);
    trace_parse(&vt, virt->text, virt->len, hv ? hv->text : "", hv ? hv->len : 0);
    int rc = is_console(&bt, bare->path);
    if (!rc)
        rc = is_console(&vt, virt->path);
    if (rc) {
        trace_free(&bt);
        trace_free(&vt);
        return rc;
    }
    /* the row the bare run names; the virtualized run must name the same */
    char *row = bt.row ? xstrndup(bt.row, strcspn(bt.row, " ")) : NULL;
    struct run_facts fb = {.scenario = row, .conformance = true}, fv = fb;
    struct judgement bj, vj;
    judge_bare(&bt, &fb, &bj);
    char *not_row = hv ? hv_log_not_the_row(&vt, hv->path, row) : NULL;
    if (hv)
        judge_virt(&vt, &fv, vt.hv_policy ? vt.hv_policy : "(none)", bj.verdict, &bt, &vj);
    else
        judge_foreign(&vt, &fv, false, bj.verdict, &bt, &vj);
    if (not_row && vj.verdict != V_ERROR) { /* no verdict rests on another row's facts */
        free(vj.detail);
        vj.verdict = V_ERROR;
        vj.detail = not_row;
        not_row = NULL;
    }
    free(not_row);
    printf("row:     %s\n", row ? row : "(none: no ROW line)");
    printf("bare:    %s%s%s\n", verdict_name(bj.verdict), bj.detail ? " — " : "",
           bj.detail ? bj.detail : "");
    printf("virt:    %s%s%s\n", verdict_name(vj.verdict), vj.detail ? " — " : "",
           vj.detail ? vj.detail : "");
    if (hv)
        printf("proof:   hv/'s report channel (%s): vectoring-exits=%ld, policy %s\n", hv->path,
               vt.vectoring_exits, vt.hv_policy ? vt.hv_policy : "(no summary line)");
    else
        printf("proof:   none: without hv/'s report channel (--hv-log) no fact shows an exit "
               "during delivery\n");
    rc = bj.verdict != V_PASS                               ? 1 /* the bare run is no reference */
         : vj.verdict == V_PASS                             ? 0
         : vj.verdict == V_UNPROVED || vj.verdict == V_SKIP ? 3
                                                            : 1;
    free(row);
    free(bj.detail);
    free(vj.detail);
    trace_free(&bt);
    trace_free(&vt);
    return rc;
}

int cmd_judge(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
    const char *p[3] = {0};
    char *owned[3] = {0};
    int rc = parse_args(argc, argv, p, owned);
    struct capture c[3] = {0};
    for (int i = 0; i < 3 && rc == 0; i++)
        if (p[i])
            rc = load(&c[i], p[i]);
    if (rc == 0)
        rc = judge(&c[0], &c[1], p[2] ? &c[2] : NULL);
    for (int i = 0; i < 3; i++) {
        free(c[i].text);
        free(owned[i]);
    }
    return rc;
}
