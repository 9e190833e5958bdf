/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/rundir.c — see rundir.h; file names in emulator.h. */
#include "runner/rundir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runner/emulator_end.h"
#include "runner/image.h"
#include "runner/results.h"
#include "runner/util.h"

static int patched(const char *dir, const char *name, const char *src, const struct cfg_values *v,
                   char **err)
{
    char *p = path_join(dir, name);
    int rc = image_patch_copy(src, p, v, err);
    free(p);
    return rc;
}

static int bochs_files(const struct run *r, const struct run_inputs *in, char **err)
{
    char *boot = path_join(r->dir, RUN_BOOT);
    int rc = copy_file_sparse(in->boot, boot);
    if (rc != 0)
        *err = xasprintf("copy %s to %s: %s", in->boot, boot, strerror(errno));
    free(boot);
    if (rc != 0)
        return -1;
    if (r->policy) {
        struct cfg_values hv = {.policy = r->policy, .fault = in->fault, .profile = in->profile};
        if (patched(r->dir, RUN_HV, in->hv, &hv, err) != 0)
            return -1;
    }
    char *rc_text = bochsrc_text(r->cpu, r->policy != NULL);
    rc = results_write(r->dir, "bochsrc", rc_text, err);
    free(rc_text);
    if (rc == 0)
        rc = results_write(r->dir, "cont", BOCHS_RC_TEXT, err);
    return rc;
}

int rundir_prepare(const struct run *r, const struct run_inputs *in, struct proc_spec *spec,
                   char **err)
{
    return rundir_prepare_rows(r, NULL, in, spec, err);
}

int rundir_prepare_rows(const struct run *r, const char *rows, const struct run_inputs *in,
                        struct proc_spec *spec, char **err)
{
    memset(spec, 0, sizeof(*spec));
    if (mkdir_p(r->dir) != 0) {
        *err = xasprintf("%s: %s", r->dir, strerror(errno));
        return -1;
    }
    struct cfg_values guest = {.scenario = r->sc->name,
                               .fault = in->fault,
                               .perturb = r->reference ? CFG_PERTURB_DISABLED : NULL,
                               .rows = rows};
    if (patched(r->dir, RUN_GUEST, in->guest, &guest, err) != 0)
        return -1;
    if (cpu_is_bochs(r->cpu) && bochs_files(r, in, err) != 0)
        return -1;
    if (cpu_is_qemu(r->cpu))
        spec->argv = qemu_argv(r->cpu, in->qemu);
    else
        spec->argv = bochs_argv(r->cpu, r->cpu == CPU_BOCHS3 ? in->bochs3 : in->bochs);
    spec->dir = r->dir;
    spec->stdout_path = RUN_STDOUT;
    spec->stderr_path = RUN_STDERR;
    char *line = argv_shell(spec->argv);
    char *dir_argv[] = {r->dir, NULL};
    char *dir = argv_shell(dir_argv);
    char *text = xasprintf("# repeat this run: cd %s && sh cmdline\n"
                           "TERM=dumb exec %s </dev/null >" RUN_STDOUT " 2>" RUN_STDERR "\n",
                           dir, line);
    int rc = results_write(r->dir, "cmdline", text, err);
    free(line);
    free(dir);
    free(text);
    if (rc != 0)
        rundir_spec_free(spec);
    return rc;
}

void rundir_spec_free(struct proc_spec *spec)
{
    argv_free(spec->argv);
    spec->argv = NULL;
}

/* A capture, at most PROC_OUTPUT_CAP of it; *cut adds "serial.txt: only its first 64 MiB
 * were read" when there was more. NULL when it cannot be read. */
static char *read_capture(const char *dir, const char *name, size_t *len, struct sbuf *cut)
{
    char *p = path_join(dir, name);
    bool truncated = false;
    char *text = read_file_max(p, (size_t)PROC_OUTPUT_CAP, len, &truncated);
    free(p);
    if (truncated)
        sb_addf(cut, "%s%s: only its first %d MiB were read", cut->len ? "; " : "", name,
                PROC_OUTPUT_CAP_MIB);
    return text;
}

/* First non-empty line of a file (within its first 64 KiB), trimmed, or NULL. */
static char *first_line(const char *dir, const char *name)
{
    char *p = path_join(dir, name);
    size_t len;
    char *text = read_file_max(p, 64 * 1024, &len, NULL);
    free(p);
    if (!text)
        return NULL;
    char *line = NULL;
    for (char *s = text; *s && !line; s += strcspn(s, "\n"), s += *s == '\n') {
        size_t n = strcspn(s, "\r\n");
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n > 0)
            line = xstrndup(s, n > 200 ? 200 : n);
    }
    free(text);
    return line;
}

static char *build_context(const struct run *r, bool serial_missing, const struct sbuf *cut)
{
    struct sbuf sb = {0};
    const struct proc_result *p = &r->proc;
    if (!p->start_error && !p->timed_out && p->exit_code != 0) {
        struct proc_result exit_only = *p;
        exit_only.output_capped = NULL; /* said below, after stderr */
        char *d = proc_result_describe(&exit_only);
        sb_addf(&sb, "%s %s", cpu_name(r->cpu), d);
        free(d);
        char *err = first_line(r->dir, RUN_STDERR);
        if (err)
            sb_addf(&sb, " (stderr: %s)", err);
        free(err);
    }
    if (p->timed_out && cpu_is_qemu(r->cpu)) { /* QEMU waits after e.g. a KVM internal error */
        char *err = first_line(r->dir, RUN_STDERR);
        if (err)
            sb_addf(&sb, "%s stderr: %s", cpu_name(r->cpu), err);
        free(err);
    }
    if (p->output_capped)
        sb_addf(&sb, "%s%s", sb.len ? "; " : "", p->output_capped);
    if (cut->len)
        sb_addf(&sb, "%s%s", sb.len ? "; " : "", sb_str(cut));
    if (serial_missing && !p->start_error)
        sb_addf(&sb, "%sno %s", sb.len ? "; " : "", RUN_SERIAL);
    if (r->log_problem)
        sb_addf(&sb, "%s%s: %s", sb.len ? "; " : "", cpu_is_bochs(r->cpu) ? RUN_LOG : RUN_QEMU_LOG,
                r->log_problem);
    return sb.buf;
}

void rundir_collect(struct run *r)
{
    if (r->na)
        return;
    struct sbuf cut = {0};
    size_t len = 0, hv_len = 0;
    char *text = read_capture(r->dir, RUN_SERIAL, &len, &cut);
    char *hv = r->policy ? read_capture(r->dir, RUN_HV_LOG, &hv_len, &cut) : NULL;
    bool serial_missing = text == NULL;
    trace_parse(&r->trace, text ? text : "", text ? len : 0, hv ? hv : "", hv ? hv_len : 0);
    free(text);
    free(hv);
    char *log = read_capture(r->dir, cpu_is_bochs(r->cpu) ? RUN_LOG : RUN_QEMU_LOG, &len, &cut);
    if (log)
        r->log_problem = log_first_problem(log, len);
    if (!r->policy)
        r->trace.shutdown_raised = log_shutdown_vector(r->log_problem);
    r->end_problem = emulator_end_problem(r->cpu, &r->proc, log, log ? len : 0, r->policy != NULL);
    if (r->end_problem && r->proc.output_capped) { /* the detail then shows only end_problem */
        char *both = xasprintf("%s; %s", r->end_problem, r->proc.output_capped);
        free(r->end_problem);
        r->end_problem = both;
    }
    free(log);
    r->context = build_context(r, serial_missing, &cut);
    free(cut.buf);
}

void rundir_write_verdict(const struct run *r)
{
    if (r->na)
        return;
    struct sbuf sb = {0};
    char *cell = run_cell(r);
    char *proc = proc_result_describe(&r->proc);
    sb_addf(&sb, "run:       %s on %s, %s\n", r->sc->name, cpu_name(r->cpu), run_env(r));
    sb_addf(&sb, "verdict:   %s\n", cell);
    sb_addf(&sb, "expected:  %s%s%s\n", verdict_name(r->expected), r->expect_reason ? " — " : "",
            r->expect_reason ? r->expect_reason : "");
    sb_addf(&sb, "result:    %s\n", r->as_expected ? "as expected" : "UNEXPECTED");
    if (r->j.detail)
        sb_addf(&sb, "detail:    %s\n", r->j.detail);
    sb_addf(&sb, "process:   %s%s, %.2f s\n", proc, r->proc.timed_out ? " (timed out)" : "",
            r->proc.seconds);
    sb_addf(&sb, "events:    %zu EV line(s), guest result %s\n", r->trace.n_ev,
            guest_result_name(r->trace.result));
    if (r->policy)
        sb_addf(&sb, "hv:        vectoring-exits=%ld exits=%ld (%zu IDTV line(s))\n",
                r->trace.vectoring_exits, r->trace.exits, r->trace.n_idtv);
    char *path = path_join(r->dir, "verdict.txt");
    write_file(path, sb.buf, sb.len); /* best effort: the table is the primary output */
    free(path);
    free(cell);
    free(proc);
    free(sb.buf);
}
