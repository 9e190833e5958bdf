/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cmd_run.c — `redeliver run`: check everything that can be checked before the first
 * emulator starts (names, emulators, images, results directory: exit status 2), run the
 * matrix, judge, print the table, write the files; exit 0 only when every verdict is what
 * tests/scenarios.cfg expects. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/commands.h"
#include "runner/image.h"
#include "runner/kvm_column.h"
#include "runner/matrix.h"
#include "runner/report.h"
#include "runner/results.h"
#include "runner/rerun.h"
#include "runner/run_id.h"
#include "runner/rundir.h"
#include "runner/schedule.h"
#include "runner/session.h"
#include "runner/shard.h"
#include "runner/merge.h"
#include "runner/util.h"

struct ctx {
    const struct run_opts *o;
    struct session s;
    struct run_inputs in;
    char *bochs, *bochs3, *qemu, *guest, *hv, *boot;
    bool use_bochs, use_bochs3, use_qemu, use_hv;
    struct matrix m;
    bool tty;
    double timeout;      /* per run, scaled for load (timeout_under_load) */
    char *cat_hash;      /* catalogue_fingerprint() of the catalogue (summary.json, merge) */
    const char *results; /* --results, or a new results/<run-id> (run_id.h) */
    char *run_dir;       /* owns that string */
    struct rerun *rerun; /* --rerun-failed: the cells to run again */
    bool kvm;            /* --cpu qemu-kvm: the column of the hypervisor under test */
    char *kvm_na;        /* why it cannot run here (kvm_unusable()), or NULL */
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("redeliver: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

/* --bochs DIR would read "not found or not executable": say what is wrong. */
static int not_a_directory(const char *option, const char *given, const char *example)
{
    if (!given || !is_dir(given))
        return 0;
    return usage_error("%s %s is a directory: give the emulator's executable (e.g. %s)", option,
                       given, example);
}

/* Bochs 3.0: --bochs3, else the cache of scripts/bochs3.sh; never a bochs from PATH (that
 * would be 2.7 under 3.0's name). */
static int find_bochs3(struct ctx *c, char **err)
{
    if (c->o->bochs3)
        return emulator_resolve(c->o->bochs3, "bochs", BOCHS3_BUILD, &c->bochs3, err);
    char *p = bochs3_default_path();
    if (!p) {
        *err = xstrdup("--cpu bochs3: HOME is not set, so the cache of scripts/bochs3.sh is "
                       "unknown: give --bochs3 PATH or set REDELIVER_BOCHS3_DIR");
        return -1;
    }
    if (access(p, X_OK) != 0 || !is_file(p)) {
        *err = xasprintf("--cpu bochs3: Bochs 3.0 is not built (%s missing): build it with %s, "
                         "or give --bochs3 PATH",
                         p, BOCHS3_BUILD);
        free(p);
        return -1;
    }
    c->bochs3 = p;
    return 0;
}

static int find_emulators(struct ctx *c)
{
    char *err = NULL;
    if ((c->use_bochs && not_a_directory("--bochs", c->o->bochs, "/usr/bin/bochs-bin")) ||
        (c->use_bochs3 &&
         not_a_directory("--bochs3", c->o->bochs3, "~/.cache/redeliver/bochs-3.0/bin/bochs")) ||
        (c->use_qemu && not_a_directory("--qemu", c->o->qemu, "/usr/bin/qemu-system-x86_64")))
        return 2;
    if (c->use_bochs &&
        emulator_resolve(c->o->bochs, "bochs-bin", BOCHS_INSTALL, &c->bochs, &err) != 0)
        goto fail;
    if (c->use_bochs3 && find_bochs3(c, &err) != 0)
        goto fail;
    if (c->use_bochs || c->use_bochs3) { /* both versions boot with 2.7's ROMs */
        if (!is_file(BOCHS_ROM) || !is_file(BOCHS_VGAROM)) {
            err =
                xasprintf("%s or %s missing (install: %s)", BOCHS_ROM, BOCHS_VGAROM, BOCHS_INSTALL);
            goto fail;
        }
    }
    if (c->use_qemu &&
        emulator_resolve(c->o->qemu, "qemu-system-x86_64", QEMU_INSTALL, &c->qemu, &err) != 0)
        goto fail;
    c->in.bochs = c->bochs;
    c->in.bochs3 = c->bochs3;
    c->in.qemu = c->qemu;
    return 0;
fail:
    usage_error("%s", err);
    free(err);
    return 2;
}

/* An image must exist and carry exactly one configuration block. */
static int check_image(const char *path)
{
    size_t len, off;
    char *err = NULL;
    char *buf = read_file(path, &len);
    if (!buf && errno == ENOENT)
        return usage_error("%s not found — run make first", path);
    if (!buf)
        return usage_error("%s: %s", path, strerror(errno));
    int rc = config_find((unsigned char *)buf, len, path, &off, &err);
    free(buf);
    if (rc != 0) {
        usage_error("%s", err);
        free(err);
        return 2;
    }
    return 0;
}

static int find_images(struct ctx *c)
{
    const char *b = c->o->build;
    if (!is_dir(b) && access(b, F_OK) == 0)
        return usage_error("--build %s is not a directory: give the directory holding hv.bin, "
                           "guest.bin and boot.img",
                           b);
    if (!is_dir(b))
        return usage_error("build directory %s not found — run make first", b);
    c->guest = path_join(b, "guest.bin");
    c->hv = path_join(b, "hv.bin");
    c->boot = path_join(b, "boot.img");
    if (check_image(c->guest) || (c->use_hv && check_image(c->hv)))
        return 2;
    bool any_bochs = c->use_bochs || c->use_bochs3;
    if (any_bochs && is_dir(c->boot))
        return usage_error("%s: Is a directory", c->boot);
    if (any_bochs && !is_file(c->boot))
        return usage_error("%s not found — run make first", c->boot);
    c->in.guest = c->guest;
    c->in.hv = c->hv;
    c->in.boot = c->boot;
    return 0;
}

static int report(struct ctx *c)
{
    char *shard = c->o->shard.n ? xasprintf("%u/%u", c->o->shard.k, c->o->shard.n) : NULL;
    struct report_info info = {.results = c->results,
                               .fault = c->o->fault,
                               .profile = c->in.profile,
                               .timeout = c->timeout,
                               .jobs = c->o->jobs,
                               .catalogue_hash = c->cat_hash,
                               .shard = shard};
    for (size_t i = 0; i < c->m.n_runs; i++)
        rundir_write_verdict(&c->m.runs[i]);
    int rc = report_write(&c->m, &info);
    free(shard);
    return rc;
}

/* --rerun-failed: the selection from DIR/summary.json, alone. 0, 2 (said why), or -1:
 * nothing to rerun. */
static int rerun_open(struct ctx *c, struct run_opts *o)
{
    if (!o->rerun_failed)
        return 0;
    if (o->n_scenarios || o->n_policies || o->n_cpus || o->n_families || o->n_cases || o->shard.n)
        return usage_error("--rerun-failed chooses the cells itself: it cannot be combined "
                           "with --scenario, --policy, --cpu, --family, --case or --shard");
    char *err = NULL;
    c->rerun = xcalloc(1, sizeof(*c->rerun));
    if (rerun_load(c->rerun, o->rerun_failed, &err) != 0) {
        usage_error("%s", err);
        free(err);
        return 2;
    }
    if (c->rerun->n == 0) {
        printf("nothing to rerun: every verdict in %s was as expected\n", c->rerun->path);
        return -1;
    }
    rerun_select(c->rerun, o);
    return 0;
}

static int run(struct ctx *c)
{
    const struct run_opts *o = c->o;
    int rc = session_open(&c->s, o);
    if (rc)
        return rc;
    c->s.n_scen = shard_select(&c->s.cat, c->s.scen, c->s.n_scen, &o->shard);
    if (o->list) {
        session_list(&c->s, o->n_scenarios > 0);
        return 0;
    }
    /* the knobs hv/ and the guest implement (docs/protocol.md); anything else would be
     * ignored by the images and the run would test nothing it claims */
    if (o->fault && strcmp(o->fault, "entry") != 0 && strcmp(o->fault, "no-nmi-reblock") != 0)
        return usage_error("--fault '%s': unknown (known: entry — hv/ makes VM entry fail; "
                           "no-nmi-reblock — hv/ forgets to block NMIs again when an IRET "
                           "that unblocked them exits)",
                           o->fault);
    if (o->profile && !hv_profile_known(o->profile))
        return usage_error("--profile '%s': unknown (known: minimal, kvm-like; docs/hv.md)",
                           o->profile);
    c->in.profile = o->profile ? o->profile : HV_PROFILE_DEFAULT;
    size_t k = 0; /* qemu-kvm is a column, not a row (runner/kvm_column.h) */
    for (size_t i = 0; i < c->s.n_cpus; i++)
        if (c->s.cpus[i] == CPU_QEMU_KVM)
            c->kvm = true;
        else
            c->s.cpus[k++] = c->s.cpus[i];
    c->s.n_cpus = k;
    if (c->kvm && k == 0) /* no bare CPU model named: QEMU TCG is the reference */
        c->s.cpus[c->s.n_cpus++] = CPU_QEMU;
    if (c->kvm)
        c->kvm_na = kvm_unusable();
    for (size_t i = 0; i < c->s.n_cpus; i++) {
        c->use_bochs |= cpu_is_bochs27(c->s.cpus[i]);
        c->use_bochs3 |= c->s.cpus[i] == CPU_BOCHS3;
        c->use_qemu |= c->s.cpus[i] == CPU_QEMU;
    }
    c->use_qemu |= c->kvm && !c->kvm_na;
    /* a rerun of bare cells alone may still need the reference run of a `reference = virt` row */
    c->use_hv = (c->use_bochs || c->use_bochs3) && (c->s.n_policies > 0 || c->rerun);
    c->in.fault = o->fault ? o->fault : "";
    if (find_emulators(c) || find_images(c))
        return 2;
    if (c->s.n_scen == 0 && !o->shard.n)
        return usage_error("no scenario to run in %s", c->s.cat_path);
    if (c->s.n_scen == 0) /* more shards than scenarios: an empty report, so merge sees it */
        fprintf(stderr, "redeliver: shard %u/%u holds no scenario of the selection\n", o->shard.k,
                o->shard.n);
    c->cat_hash = catalogue_fingerprint(c->s.cat_path);
    char *err = NULL;
    int lock = run_results_open(o->results, RESULTS_ROOT, &c->run_dir, &err);
    c->results = c->run_dir;
    if (lock < 0) {
        usage_error("%s", err);
        free(err);
        return 2;
    }
    matrix_build(&c->m, c->s.scen, c->s.n_scen, c->s.cpus, c->s.n_cpus, c->s.policies,
                 c->s.n_policies, c->results);
    if (c->kvm)
        matrix_add_kvm(&c->m, kvm_reference_cpu(c->s.cpus, c->s.n_cpus), c->results, c->kvm_na);
    if (c->rerun)
        rerun_mark(c->rerun, &c->m);
    /* a --fault knob breaks every boot it is in: one boot per run */
    struct sched_opts so = {.jobs = o->jobs,
                            .timeout = c->timeout,
                            .batch = o->fault ? 1 : o->batch,
                            .batch_all = o->batch_all,
                            .verbose = o->verbose,
                            .tty = c->tty,
                            .results = c->results};
    rc = schedule_run(&c->m, &c->in, &so);
    if (rc == 0) {
        matrix_judge(&c->m);
        rc = report(c);
    }
    close(lock);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o;
    char *err = NULL;
    if (run_opts_parse(&o, argc, argv, &err) != 0) {
        fprintf(stderr, "redeliver run: %s\n", err);
        free(err);
        return 2;
    }
    if (o.help) {
        fputs(run_usage(), stdout);
        run_opts_free(&o);
        return 0;
    }
    struct ctx c = {.o = &o, .tty = isatty(2)};
    int pre = o.list ? 0 : rerun_open(&c, &o);
    if (pre != 0) {
        if (c.rerun)
            rerun_free(c.rerun);
        free(c.rerun);
        run_opts_free(&o);
        return pre < 0 ? 0 : pre;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    c.timeout = timeout_under_load(o.timeout, o.jobs, cpus);
    if (c.timeout != o.timeout && !o.list)
        fprintf(stderr,
                "redeliver: %u jobs on %ld CPUs: each run may take %.0f s (--timeout %.0f s "
                "scaled by jobs/CPUs), so that no run is killed for waiting for a CPU\n",
                o.jobs, cpus, c.timeout, o.timeout);
    int rc = run(&c);
    matrix_free(&c.m);
    session_close(&c.s);
    free(c.bochs);
    free(c.bochs3);
    free(c.qemu);
    free(c.guest);
    free(c.hv);
    free(c.boot);
    free(c.cat_hash);
    free(c.run_dir);
    if (c.rerun)
        rerun_free(c.rerun);
    free(c.rerun);
    free(c.kvm_na);
    run_opts_free(&o);
    return rc;
}
