/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/foreign_compare.c — see foreign_compare.h. */
#include "runner/foreign_compare.h"

#include <stdlib.h>
#include <string.h>

#include "runner/emulator.h"
#include "runner/util.h"

static char **split_lines(const char *text, size_t len, size_t *n)
{
    char **v = NULL;
    *n = 0;
    for (size_t pos = 0; text && pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t e = end;
        while (e > pos && (text[e - 1] == '\r'))
            e--;
        v = xrealloc(v, (*n + 1) * sizeof(*v));
        v[(*n)++] = xstrndup(text + pos, e - pos);
        pos = end + 1;
    }
    return v;
}

static char *read_text(const char *dir, const char *name, size_t *len)
{
    char *p = path_join(dir, name);
    bool cut;
    char *t = read_file_max(p, PROC_OUTPUT_CAP, len, &cut);
    free(p);
    if (!t)
        *len = 0;
    return t;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void read_hv(struct foreign_outcome *o, const char *dir)
{
    size_t len, n;
    char *t = read_text(dir, RUN_HV_LOG, &len);
    char **lines = split_lines(t, len, &n);
    free(t);
    for (size_t i = 0; i < n; i++) {
        const char *l = lines[i];
        unsigned code;
        if (!strncmp(l, "hv: ERROR ", 10) && !o->hv_error)
            o->hv_error = xstrdup(l);
        else if (sscanf(l, "hv: guest-exit port=0xf4 code=%u", &code) == 1)
            o->exit_code = (int)code;
        else if (!strncmp(l, "hv: IDTV ", 9)) {
            o->idtv = xrealloc(o->idtv, (o->n_idtv + 1) * sizeof(*o->idtv));
            o->idtv[o->n_idtv++] = xstrdup(l);
        } else if (!strncmp(l, "hv: testdev ", 12))
            o->testdev = xstrdup(l + 4);
        else
            sscanf(l, "hv: vectoring-exits=%lu", &o->vectoring_exits);
        if (!strncmp(l, "hv: LIVELOCK", 12) || !strncmp(l, "hv: HANG", 8) ||
            !strncmp(l, "hv: TRIPLE-FAULT", 16) || !strncmp(l, "hv: VMENTRY-FAIL", 16))
            if (!o->hv_error)
                o->hv_error = xstrdup(l);
    }
    free_lines(lines, n);
}

void foreign_outcome_read(struct foreign_outcome *o, const char *dir, const regex_t *filter,
                          const struct proc_result *r, bool bare)
{
    memset(o, 0, sizeof(*o));
    o->exit_code = -1;
    size_t len, n;
    char *t = read_text(dir, RUN_SERIAL, &len);
    char **all = split_lines(t, len, &n);
    free(t);
    for (size_t i = 0; i < n; i++) {
        if (filter && regexec(filter, all[i], 0, NULL, 0) == 0) {
            o->n_filtered++;
            free(all[i]);
            continue;
        }
        all[o->n_lines++] = all[i];
    }
    o->lines = all;
    read_hv(o, dir);
    if (r->start_error)
        o->end = xasprintf("did not start: %s", r->start_error);
    else if (o->hv_error)
        o->end = xstrdup(o->hv_error);
    else if (r->timed_out)
        o->end = xstrdup(bare ? "TIMEOUT: no end (a bare Bochs has no isa-debug-exit at 0xF4: "
                                "the kernel must also write port 0x8900, "
                                "docs/foreign-guests.md)"
                              : "TIMEOUT: the kernel did not end");
    else if (r->exit_code != 0)
        o->end = xasprintf("bochs exit status %d (see bochs.log)", r->exit_code);
    else {
        o->ok = true;
        o->end = o->exit_code >= 0 ? xasprintf("exit code %d (port 0xF4)", o->exit_code)
                                   : xstrdup("ended (port 0x8900)");
    }
}

void foreign_outcome_free(struct foreign_outcome *o)
{
    free_lines(o->lines, o->n_lines);
    free_lines(o->idtv, o->n_idtv);
    free(o->hv_error);
    free(o->end);
    free(o->testdev);
    memset(o, 0, sizeof(*o));
}

size_t foreign_diff(FILE *f, const struct foreign_outcome *bare, const struct foreign_outcome *run,
                    size_t max)
{
    size_t n = bare->n_lines > run->n_lines ? bare->n_lines : run->n_lines, diffs = 0;
    for (size_t i = 0; i < n; i++) {
        const char *a = i < bare->n_lines ? bare->lines[i] : NULL;
        const char *b = i < run->n_lines ? run->lines[i] : NULL;
        if (a && b && !strcmp(a, b))
            continue;
        if (diffs++ < max) {
            fprintf(f, "    line %zu:\n", i + 1);
            fprintf(f, "      bare: %s\n", a ? a : "(no line)");
            fprintf(f, "      virt: %s\n", b ? b : "(no line)");
        }
    }
    if (diffs > max)
        fprintf(f, "    ... %zu more differing lines\n", diffs - max);
    return diffs;
}
