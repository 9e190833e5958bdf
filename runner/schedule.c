/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/schedule.c — see schedule.h. Rounds: every unit of a round (a run alone, or a
 * batch) runs in one pool; after it, each batch is cut (runner/batch.c), the rows it ran
 * cleanly get their own run directories, and what it could not vouch for makes the next
 * round: the first row that did not end cleanly alone, the rows after it as a new batch. */
#include "runner/schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/batch.h"
#include "runner/emulator_end.h"
#include "runner/image.h"
#include "runner/results.h"
#include "runner/trace.h"
#include "runner/util.h"

struct unit {
    struct run *run;   /* alone; NULL for a batch */
    struct run **rows; /* a batch: runs of one column, in order */
    size_t n;
    struct run boot; /* a batch's stand-in for rundir_prepare_rows: dir, sc, cpu, policy */
    char *list;      /* the batch area: the rows' names, one a line */
};

struct units {
    struct unit *u;
    size_t n, cap;
};

struct sched {
    struct matrix *m;
    const struct run_inputs *in;
    const struct sched_opts *o;
    struct units now, next;
    struct unit **spawned; /* spawned[i] ran specs[i] */
    size_t n_batches, n_done, n_spawned;
};

static void add_single(struct units *us, struct run *r)
{
    if (us->n == us->cap) {
        us->cap = us->cap ? 2 * us->cap : 64;
        us->u = xrealloc(us->u, us->cap * sizeof(*us->u));
    }
    us->u[us->n++] = (struct unit){.run = r};
}

static const char *column_env(const struct run *r, char *buf, size_t size)
{
    if (!r->policy)
        return "bare";
    snprintf(buf, size, "%s-%s", r->reference ? "ref-virt" : "virt", r->policy);
    return buf;
}

/* rows[0 .. n): one batch, or a run alone when n is 1. */
static void add_batch(struct sched *S, struct units *us, struct run **rows, size_t n)
{
    if (n == 1) {
        add_single(us, rows[0]);
        return;
    }
    add_single(us, NULL);
    struct unit *u = &us->u[us->n - 1];
    u->rows = xcalloc(n, sizeof(*u->rows));
    memcpy(u->rows, rows, n * sizeof(*rows));
    u->n = n;
    struct sbuf list = {0};
    for (size_t i = 0; i < n; i++)
        sb_addf(&list, "%s\n", rows[i]->sc->name);
    u->list = list.buf;
    char env[64];
    char *sub = xasprintf("batches/%s-%s-%zu", cpu_name(rows[0]->cpu),
                          column_env(rows[0], env, sizeof(env)), ++S->n_batches);
    u->boot = (struct run){.sc = rows[0]->sc,
                           .cpu = rows[0]->cpu,
                           .policy = rows[0]->policy,
                           .reference = rows[0]->reference,
                           .dir = path_join(S->o->results, sub)};
    free(sub);
}

static void unit_free(struct unit *u)
{
    free(u->rows);
    free(u->list);
    free(u->boot.dir);
    proc_result_free(&u->boot.proc);
}

/* How many of rows[0 .. k) the next batch takes: at most `batch`, and as many as the batch
 * area holds (runner/image.h). */
static size_t chunk(struct run *const *rows, size_t k, unsigned batch)
{
    size_t n = 0, bytes = 0;
    while (n < k && n < batch && bytes + strlen(rows[n]->sc->name) + 1 < ROWS_SIZE - ROWS_MAGIC_LEN)
        bytes += strlen(rows[n++]->sc->name) + 1;
    return n ? n : 1;
}

/* Do two runs belong to one column (CPU model and environment)? */
static bool same_column(const struct run *a, const struct run *b)
{
    return a->cpu == b->cpu && a->reference == b->reference && a->foreign == b->foreign &&
           (a->policy == b->policy || (a->policy && b->policy && !strcmp(a->policy, b->policy)));
}

/* Only Bochs and bare QEMU TCG boots are batched: theirs are the ends and logs
 * runner/batch.c knows (not the QEMU/KVM column). */
static bool may_share(const struct run *r, const struct sched_opts *o)
{
    return o->batch > 1 && !r->na && !r->foreign && (cpu_is_bochs(r->cpu) || r->cpu == CPU_QEMU);
}

/* The first round: per column, in the matrix's order (catalogue order within a column), the
 * runs that may share a boot in batches of o->batch, each batch ending with at most one run
 * that ends its boot through hv/; every other run alone. */
static void plan(struct sched *S)
{
    struct matrix *m = S->m;
    size_t n = m->n_runs;
    bool *placed = xcalloc(n ? n : 1, sizeof(*placed));
    struct run **batchable = xcalloc(n ? n : 1, sizeof(*batchable));
    struct run **enders = xcalloc(n ? n : 1, sizeof(*enders));
    for (size_t i = 0; i < n; i++) {
        struct run *r = &m->runs[i];
        if (placed[i] || r->na)
            continue;
        placed[i] = true;
        if (!may_share(r, S->o) || (!run_batchable(r, S->o->batch_all) && !run_ends_batch(r))) {
            add_single(&S->now, r);
            continue;
        }
        size_t k = 0, n_enders = 0;
        for (size_t j = i; j < n; j++) {
            struct run *q = &m->runs[j];
            if ((j > i && placed[j]) || q->na || !may_share(q, S->o) || !same_column(q, r))
                continue;
            if (run_batchable(q, S->o->batch_all))
                batchable[k++] = q;
            else if (run_ends_batch(q))
                enders[n_enders++] = q;
            else
                continue; /* alone, when the outer loop reaches it */
            placed[j] = true;
        }
        for (size_t b = 0, e = 0; b < k || e < n_enders;) {
            size_t take = b < k ? chunk(batchable + b, k - b, S->o->batch) : 0;
            struct run **rows = xcalloc(take + 1, sizeof(*rows));
            memcpy(rows, batchable + b, take * sizeof(*rows));
            b += take;
            if (e < n_enders && take < S->o->batch)
                rows[take++] = enders[e++];
            add_batch(S, &S->now, rows, take);
            free(rows);
        }
    }
    free(placed);
    free(batchable);
    free(enders);
}

static void progress(void *arg, size_t index, const struct proc_result *r)
{
    struct sched *S = arg;
    struct unit *u = S->spawned[index];
    S->n_done++;
    if (S->o->verbose) {
        char *d = proc_result_describe(r);
        if (u->run)
            fprintf(stderr, "[%zu/%zu] %s %s %s: %s%s, %.2f s\n", S->n_done, S->n_spawned,
                    u->run->sc->name, cpu_name(u->run->cpu), run_env(u->run), d,
                    r->timed_out ? " (timed out)" : "", r->seconds);
        else
            fprintf(stderr, "[%zu/%zu] batch of %zu rows %s %s (%s): %s%s, %.2f s\n", S->n_done,
                    S->n_spawned, u->n, cpu_name(u->boot.cpu), run_env(&u->boot), u->boot.dir, d,
                    r->timed_out ? " (timed out)" : "", r->seconds);
        free(d);
    } else if (S->o->tty) {
        fprintf(stderr, "\r[%zu/%zu] boots done", S->n_done, S->n_spawned);
    }
}

/* A row the batch ran cleanly: its slices become the files of its run directory. */
static void take_row(const struct unit *u, size_t i, const struct batch_cut *cut, const char *g,
                     const char *h)
{
    struct run *r = u->rows[i];
    const struct row_slice *s = &cut->slice[i];
    char *err = NULL;
    if (mkdir_p(r->dir) != 0) {
        r->proc.start_error = xasprintf("%s: %s", r->dir, strerror(errno));
        r->proc.exit_code = -1;
        return;
    }
    struct sbuf serial = {0}, hv = {0}, note = {0};
    sb_addn(&serial, g, cut->g_prelude);
    sb_addn(&serial, g + s->g0, s->g1 - s->g0);
    char *p = path_join(r->dir, RUN_SERIAL);
    write_file(p, sb_str(&serial), serial.len);
    free(p);
    if (r->policy) {
        sb_addn(&hv, h, cut->h_prelude);
        sb_addn(&hv, h + s->h0, s->h1 - s->h0);
        p = path_join(r->dir, RUN_HV_LOG);
        write_file(p, sb_str(&hv), hv.len);
        free(p);
    }
    sb_addf(&note,
            "row %zu of %zu of the batch in %s (its bochsrc, cmdline, %s and whole captures are "
            "there); serial.txt%s here are this row's part of the batch's, after the lines "
            "before its first row.\nrun this row alone: redeliver run --scenario %s --cpu %s%s%s "
            "--batch 1\n",
            i + 1, u->n, u->boot.dir, cpu_is_bochs(r->cpu) ? RUN_LOG : RUN_QEMU_LOG,
            r->policy ? " and hv.txt" : "", r->sc->name, cpu_name(r->cpu),
            r->policy ? " --policy " : "", r->policy ? r->policy : "");
    if (results_write(r->dir, "batch.txt", sb_str(&note), &err) != 0)
        free(err);
    free(serial.buf);
    free(hv.buf);
    free(note.buf);
    /* how a finished boot of its own ends: the batch ended normally, or later than this row */
    memset(&r->proc, 0, sizeof(r->proc));
    r->proc.exit_code = r->cpu == CPU_QEMU ? 1 : 0;
    r->proc.seconds = u->boot.proc.seconds / (double)u->n;
    rundir_collect(r);
}

static void batch_note(const struct unit *u, const char *why)
{
    char *err = NULL;
    char *text =
        xasprintf("rows:\n%s%s%s\n", u->list, why ? "not taken: " : "all taken", why ? why : "");
    if (results_write(u->boot.dir, "batch.txt", text, &err) != 0)
        free(err);
    free(text);
}

/* After the batch's boot: take what it ran cleanly, queue the rest for the next round. */
static void batch_done(struct sched *S, struct unit *u)
{
    size_t glen = 0, hlen = 0, llen = 0;
    char *gp = path_join(u->boot.dir, RUN_SERIAL), *hp = path_join(u->boot.dir, RUN_HV_LOG);
    char *lp = path_join(u->boot.dir, cpu_is_bochs(u->boot.cpu) ? RUN_LOG : RUN_QEMU_LOG);
    char *g = read_file_max(gp, (size_t)PROC_OUTPUT_CAP, &glen, NULL);
    char *h = u->boot.policy ? read_file_max(hp, (size_t)PROC_OUTPUT_CAP, &hlen, NULL) : NULL;
    char *log = read_file_max(lp, (size_t)PROC_OUTPUT_CAP, &llen, NULL);
    char *log_problem = log ? log_first_problem(log, llen) : NULL;
    char *end = emulator_end_problem(u->boot.cpu, &u->boot.proc, log, log ? llen : 0,
                                     u->boot.policy != NULL);
    bool normal = !u->boot.proc.start_error && !u->boot.proc.timed_out && !end && !log_problem &&
                  !u->boot.proc.output_capped;
    const char **names = xcalloc(u->n, sizeof(*names));
    for (size_t i = 0; i < u->n; i++)
        names[i] = u->rows[i]->sc->name;
    struct batch_cut cut;
    batch_cut(names, u->n, u->boot.policy != NULL, g ? g : "", g ? glen : 0, h ? h : "",
              h ? hlen : 0, normal, &cut);
    batch_note(u, cut.why);
    if (S->o->verbose && cut.why)
        fprintf(stderr, "redeliver: batch %s: %s\n", u->boot.dir, cut.why);
    for (size_t i = 0; i < cut.n_taken; i++)
        take_row(u, i, &cut, g, h);
    /* nothing started (hv/ refused the CPU model, the boot failed): the next batch of the
     * same rows would fare no better, so each runs alone */
    if (cut.void_batch || !cut.started) {
        for (size_t i = 0; i < u->n; i++)
            add_single(&S->next, u->rows[i]);
    } else if (cut.n_taken < u->n) {
        add_single(&S->next, u->rows[cut.n_taken]);
        if (cut.n_taken + 1 < u->n)
            add_batch(S, &S->next, u->rows + cut.n_taken + 1, u->n - cut.n_taken - 1);
    }
    batch_cut_free(&cut);
    free(names);
    free(g);
    free(h);
    free(log);
    free(log_problem);
    free(end);
    free(gp);
    free(hp);
    free(lp);
}

/* Prepare and run one round. 0, 130 interrupted, 2 disk full in the first round. */
static int round_run(struct sched *S, bool first)
{
    struct units *us = &S->now;
    struct proc_spec *specs = xcalloc(us->n ? us->n : 1, sizeof(*specs));
    S->spawned = xcalloc(us->n ? us->n : 1, sizeof(*S->spawned));
    S->n_spawned = S->n_done = 0;
    for (size_t i = 0; i < us->n; i++) {
        struct unit *u = &us->u[i];
        char *err = NULL;
        int rc =
            u->run
                ? rundir_prepare(u->run, S->in, &specs[S->n_spawned], &err)
                : (mkdir_p(u->boot.dir) == 0
                       ? rundir_prepare_rows(&u->boot, u->list, S->in, &specs[S->n_spawned], &err)
                       : (err = xasprintf("%s: %s", u->boot.dir, strerror(errno)), -1));
        if (rc != 0) {
            if (first && (errno == ENOSPC || errno == EDQUOT)) {
                fprintf(stderr, "redeliver: %s; nothing was run\n", err);
                free(err);
                for (size_t k = 0; k < S->n_spawned; k++)
                    rundir_spec_free(&specs[k]);
                free(specs);
                return 2;
            }
            if (u->run) { /* judged ERROR, with the reason */
                u->run->proc.start_error = err;
                u->run->proc.exit_code = -1;
            } else { /* the batch cannot boot: its rows alone */
                free(err);
                for (size_t k = 0; k < u->n; k++)
                    add_single(&S->next, u->rows[k]);
            }
            continue;
        }
        if (!u->run)
            specs[S->n_spawned].timeout = S->o->timeout + BATCH_SECONDS_PER_ROW * (double)u->n;
        S->spawned[S->n_spawned++] = u;
    }
    struct proc_result *res = xcalloc(S->n_spawned ? S->n_spawned : 1, sizeof(*res));
    struct pool_opts po = {
        .jobs = S->o->jobs, .timeout = S->o->timeout, .grace = 5.0, .done = progress, .ctx = S};
    int rc = pool_run(specs, res, S->n_spawned, &po);
    if (S->o->tty && !S->o->verbose && S->n_spawned)
        fputs("\r\033[K", stderr);
    for (size_t i = 0; i < S->n_spawned; i++) {
        struct unit *u = S->spawned[i];
        rundir_spec_free(&specs[i]);
        if (u->run) {
            u->run->proc = res[i];
            rundir_collect(u->run);
        } else {
            u->boot.proc = res[i];
            if (rc == 0)
                batch_done(S, u);
        }
    }
    free(res);
    free(specs);
    free(S->spawned);
    S->spawned = NULL;
    return rc != 0 ? 130 : 0;
}

/* The longest boots first, so that the last to finish is a short one: batches by rows. */
static int longer_first(const void *a, const void *b)
{
    const struct unit *x = a, *y = b;
    size_t nx = x->run ? 1 : x->n, ny = y->run ? 1 : y->n;
    return nx < ny ? 1 : nx > ny ? -1 : 0;
}

int schedule_run(struct matrix *m, const struct run_inputs *in, const struct sched_opts *o)
{
    struct sched S = {.m = m, .in = in, .o = o};
    plan(&S);
    if (S.now.n)
        qsort(S.now.u, S.now.n, sizeof(*S.now.u), longer_first);
    int rc = 0;
    for (bool first = true; S.now.n && rc == 0; first = false) {
        rc = round_run(&S, first);
        for (size_t i = 0; i < S.now.n; i++)
            unit_free(&S.now.u[i]);
        free(S.now.u);
        S.now = S.next;
        memset(&S.next, 0, sizeof(S.next));
    }
    for (size_t i = 0; i < S.now.n; i++)
        unit_free(&S.now.u[i]);
    free(S.now.u);
    if (rc == 130)
        fputs("redeliver: interrupted; every emulator was stopped\n", stderr);
    return rc;
}
