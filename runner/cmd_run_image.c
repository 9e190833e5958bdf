/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/cmd_run_image.c — `redeliver run-image FILE`: a foreign Multiboot kernel run bare
 * and under hv/ with each policy on Bochs 2.7; each policy's console output compared with
 * the bare run's, and its exits with valid IDT-vectoring information listed
 * (docs/foreign-guests.md). */
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "runner/commands.h"
#include "runner/emulator.h"
#include "runner/foreign_bundle.h"
#include "runner/foreign_compare.h"
#include "runner/image.h"
#include "runner/results.h"
#include "runner/spawn.h"
#include "runner/util.h"

#include "lib/foreign_bundle.h"

static const char usage[] =
    "usage: redeliver run-image FILE [options]\n"
    "\n"
    "Run a Multiboot 1 kernel (ELF32, ELF64 or a.out kludge) bare on Bochs 2.7 and under hv/\n"
    "with each policy; hv/ loads it in both (bare: as a loader only, without VMX). Prints each\n"
    "policy's differences of console output (COM1) from the bare run and its exits with valid\n"
    "IDT-vectoring information. Exit status: 0 every policy printed what the bare run did,\n"
    "1 one differed or a run did not end cleanly, 2 bad usage or input.\n"
    "\n"
    "options:\n"
    "  --cmdline S     the kernel's command line after argv[0] (the file's name)\n"
    "  --module F      a Multiboot module (repeat, at most 8); its string is F's name\n"
    "  --policy P      a policy of core/ (repeat; default: every policy)\n"
    "  --filter REGEX  leave console lines matching this POSIX extended regex out of the\n"
    "                  comparison (lines that legitimately differ, e.g. timings)\n"
    "  --ram MIB       guest RAM, 128 to 512 (default 128)\n"
    "  --build DIR     holds hv.bin and boot.img (default build)\n"
    "  --bochs PATH    Bochs 2.7 (default bochs-bin in PATH)\n"
    "  --out DIR       where the runs are kept (default results/run-image)\n"
    "  --timeout S     seconds per run (default 60)\n"
    "  --jobs N        runs at once (default 2)\n"
    "\n"
    "The kernel, its modules and command line must fit in 384 KiB (three Bochs 2.7\n"
    "optramimage slots). docs/foreign-guests.md has more.\n";

struct opts {
    const char *file, *cmdline, *filter, *build, *bochs, *out;
    const char *modules[FOREIGN_MAX_MODULES + 1];
    size_t n_modules;
    const char **policies;
    size_t n_policies;
    unsigned ram, jobs;
    double timeout;
};

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "redeliver run-image: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(redeliver run-image --help)\n");
    return 2;
}

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || !*s || *end || v < lo || v > hi)
        return false;
    *out = (unsigned)v;
    return true;
}

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"cmdline", required_argument, 0, 'c'}, {"module", required_argument, 0, 'm'},
        {"policy", required_argument, 0, 'p'},  {"filter", required_argument, 0, 'f'},
        {"ram", required_argument, 0, 'r'},     {"build", required_argument, 0, 'b'},
        {"bochs", required_argument, 0, 'B'},   {"out", required_argument, 0, 'o'},
        {"timeout", required_argument, 0, 't'}, {"jobs", required_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    *o = (struct opts){.build = "build",
                       .out = "results/run-image",
                       .ram = FOREIGN_RAM_DEF_MIB,
                       .jobs = 2,
                       .timeout = 60};
    o->policies = xcalloc((size_t)argc + policy_count() + 1, sizeof(*o->policies));
    unsigned t;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->cmdline = optarg;
            break;
        case 'm':
            if (o->n_modules == FOREIGN_MAX_MODULES)
                return bad("more than 8 modules (--module %s)", optarg);
            o->modules[o->n_modules++] = optarg;
            break;
        case 'p':
            if (!policy_find(optarg))
                return bad("unknown policy '%s' (redeliver list shows them)", optarg);
            o->policies[o->n_policies++] = optarg;
            break;
        case 'f':
            o->filter = optarg;
            break;
        case 'r':
            if (!parse_uint(optarg, FOREIGN_RAM_MIN_MIB, FOREIGN_RAM_MAX_MIB, &o->ram))
                return bad("--ram %s: give MiB from 128 to 512", optarg);
            break;
        case 'b':
            o->build = optarg;
            break;
        case 'B':
            o->bochs = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 't':
            if (!parse_uint(optarg, 1, 3600, &t))
                return bad("--timeout %s: give seconds from 1 to 3600", optarg);
            o->timeout = t;
            break;
        case 'j':
            if (!parse_uint(optarg, 1, 64, &o->jobs))
                return bad("--jobs %s: give 1 to 64", optarg);
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        case ':':
            return bad("%s needs a value", argv[optind - 1]);
        default:
            return bad("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return bad("%s", optind >= argc ? "give one image FILE" : "give only one image FILE");
    o->file = argv[optind];
    if (!is_file(o->file))
        return bad("%s: not a readable file", o->file);
    for (size_t i = 0; i < o->n_modules; i++)
        if (!is_file(o->modules[i]))
            return bad("--module %s: not a readable file", o->modules[i]);
    for (unsigned i = 0; !o->n_policies && i < policy_count(); i++)
        o->policies[i] = policy_name(policy_at(i));
    if (!o->n_policies)
        o->n_policies = policy_count();
    return -1; /* go on */
}

/* One run's directory: boot.img, hv.bin (policy patched in), the bundle's slots, bochsrc. */
static int prepare(const struct opts *o, const char *dir, const char *policy, char *bochs,
                   struct proc_spec *spec, char **err)
{
    if (mkdir_p(dir) != 0 || remove_contents(dir, NULL) != 0) {
        *err = xasprintf("%s: %s", dir, strerror(errno));
        return -1;
    }
    struct foreign_input in = {.kernel = o->file,
                               .cmdline = o->cmdline,
                               .modules = (const char **)o->modules,
                               .n_modules = o->n_modules,
                               .ram_mib = o->ram};
    unsigned char *b;
    size_t len;
    if (foreign_bundle_build(&in, policy == NULL, &b, &len, err) != 0)
        return -1;
    int slots = foreign_bundle_write_slots(dir, b, len, err);
    free(b);
    if (slots < 0)
        return -1;
    char *hv = path_join(o->build, "hv.bin"), *boot = path_join(o->build, "boot.img");
    char *hv_dst = path_join(dir, RUN_HV), *boot_dst = path_join(dir, RUN_BOOT);
    struct cfg_values cfg = {.policy = policy ? policy : "kvm"};
    int rc = image_patch_copy(hv, hv_dst, &cfg, err);
    if (rc == 0 && copy_file_sparse(boot, boot_dst) != 0) {
        *err = xasprintf("%s: %s — run make first", boot, strerror(errno));
        rc = -1;
    }
    free(hv);
    free(boot);
    free(hv_dst);
    free(boot_dst);
    char *rc_text = foreign_bochsrc_text(o->ram, slots);
    if (rc == 0)
        rc = results_write(dir, "bochsrc", rc_text, err);
    free(rc_text);
    if (rc == 0)
        rc = results_write(dir, "cont", BOCHS_RC_TEXT, err);
    spec->argv = bochs_argv(CPU_BOCHS, bochs);
    spec->dir = dir;
    spec->stdout_path = RUN_STDOUT;
    spec->stderr_path = RUN_STDERR;
    return rc;
}

static void print_run(const char *name, const struct foreign_outcome *r)
{
    printf("%-12s %s; %zu console lines", name, r->end, r->n_lines);
    if (r->n_filtered)
        printf(" (%zu filtered)", r->n_filtered);
    printf("\n");
}

static int report(const struct opts *o, const struct foreign_outcome *res)
{
    const struct foreign_outcome *bare = &res[0];
    int status = 0;
    printf("run-image %s (%u MiB, %zu module(s)) on Bochs 2.7; runs in %s\n", o->file, o->ram,
           o->n_modules, o->out);
    print_run("bare", bare);
    if (bare->hv_error && strstr(bare->hv_error, "bad image")) {
        fprintf(stderr, "redeliver run-image: %s: hv/ refused the image: %s\n", o->file,
                bare->hv_error + 10);
        return 2;
    }
    if (!bare->ok)
        status = 1;
    for (size_t i = 0; i < o->n_policies; i++) {
        const struct foreign_outcome *r = &res[i + 1];
        print_run(o->policies[i], r);
        if (!r->ok)
            status = 1;
        size_t d = foreign_diff(stdout, bare, r, 10);
        printf("    console: %s", d ? "DIFFERS from bare" : "same as bare");
        if (d)
            printf(" (%zu lines)", d);
        printf("; vectoring exits %lu", r->vectoring_exits);
        if (r->testdev)
            printf("; %s", r->testdev);
        printf("\n");
        for (size_t k = 0; k < r->n_idtv; k++)
            printf("    %s\n", r->idtv[k]);
        if (d)
            status = 1;
    }
    printf("run-image: %s\n", status ? "differences or unclean runs (exit 1)"
                                     : "every policy printed what the bare run did");
    return status;
}

int cmd_run_image(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc >= 0) {
        free(o.policies);
        return rc;
    }
    regex_t re;
    if (o.filter && regcomp(&re, o.filter, REG_EXTENDED | REG_NOSUB) != 0) {
        free(o.policies);
        return bad("--filter '%s': not a valid POSIX extended regular expression", o.filter);
    }
    char *err = NULL, *bochs = NULL;
    size_t n = o.n_policies + 1;
    struct proc_spec *specs = xcalloc(n, sizeof(*specs));
    struct proc_result *res = xcalloc(n, sizeof(*res));
    struct foreign_outcome *out = xcalloc(n, sizeof(*out));
    char **dirs = xcalloc(n, sizeof(*dirs));
    rc = emulator_resolve(o.bochs, "bochs-bin", BOCHS_INSTALL, &bochs, &err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        dirs[i] = path_join(o.out, i ? o.policies[i - 1] : "bare");
        rc = prepare(&o, dirs[i], i ? o.policies[i - 1] : NULL, bochs, &specs[i], &err);
    }
    if (rc == 0) {
        struct pool_opts po = {.jobs = o.jobs, .timeout = o.timeout, .grace = 5.0};
        if (pool_run(specs, res, n, &po) != 0) {
            fprintf(stderr, "redeliver run-image: interrupted\n");
            rc = 2;
        } else {
            for (size_t i = 0; i < n; i++)
                foreign_outcome_read(&out[i], dirs[i], o.filter ? &re : NULL, &res[i], i == 0);
            rc = report(&o, out);
        }
    } else {
        fprintf(stderr, "redeliver run-image: %s\n", err);
        rc = 2;
    }
    for (size_t i = 0; i < n; i++) {
        argv_free(specs[i].argv);
        proc_result_free(&res[i]);
        foreign_outcome_free(&out[i]);
        free(dirs[i]);
    }
    free(specs);
    free(res);
    free(out);
    free(dirs);
    free(err);
    free(bochs);
    free(o.policies);
    if (o.filter)
        regfree(&re);
    return rc;
}
